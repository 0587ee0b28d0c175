/*
 * fuzz-repro for fuzz_iobus: the input read step by step exactly as the
 * target reads it (decoders and reference registry shared through
 * fuzz_iobus_ref.h) and printed as a scenario with the reference's
 * results: every KVM_IOEVENTFD result, every guest write's outcome
 * (kernel or exit) and, after each write, every open eventfd's count.
 *
 * Eventfd slots are named s0..s3; a slot closed and re-created becomes
 * s<i>_<generation>. An fd that is a negative number is a closed eventfd
 * `badfd` (EBADF either way). A pipe fd cannot be written in .scn: those
 * ioctls fail with EINVAL and change nothing, and stay as comments.
 *
 * The known kvm_io_bus bsearch miss (docs/fuzzing.md, finding 1): where a
 * registration at another address overlaps the write, the target accepts
 * an exit instead of the signal; the scenario then allows `kernel|exit`
 * and stops checking that eventfd's count until it is re-created. With
 * FUZZ_REPRO_STRICT (as FUZZ_IOBUS_STRICT=1) it states the reference's
 * answer, so the miss is a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_iobus_ref.h"
#include "fuzz_repro.h"
#include "fuzz_scn_buf.h"

struct islot {
	int gen;
	uint64_t expect;	/* the count the reference predicts */
	bool known;		/* false after a write the bsearch miss may have eaten */
};

struct iconv {
	struct sbuf b;
	struct ref_iobus ref;
	struct islot slots[NR_SLOTS];
	bool strict;
};

static void slot_name(const struct iconv *c, int i, char *buf, size_t size)
{
	if (c->slots[i].gen)
		snprintf(buf, size, "s%d_%d", i, c->slots[i].gen);
	else
		snprintf(buf, size, "s%d", i);
}

static const char *errno_word(int r)
{
	switch (r) {
	case 0: return "ok";
	case -EINVAL: return "EINVAL";
	case -EBADF: return "EBADF";
	case -EEXIST: return "EEXIST";
	case -ENOENT: return "ENOENT";
	default: return "?";
	}
}

static void put_ioeventfd(struct iconv *c, const struct kvm_ioeventfd *a, const char *name,
			  int want)
{
	uint32_t extra = a->flags & ~(KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
				      KVM_IOEVENTFD_FLAG_DEASSIGN);

	sb_put(&c->b, "ioeventfd %s %s addr=0x%llx len=%u", name,
	       a->flags & KVM_IOEVENTFD_FLAG_PIO ? "pio" : "mmio", (unsigned long long)a->addr,
	       a->len);
	if (a->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)
		sb_put(&c->b, " datamatch=0x%llx", (unsigned long long)a->datamatch);
	if (extra)
		sb_put(&c->b, " flags=0x%x", extra);
	if (a->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		sb_put(&c->b, " deassign");
	sb_put(&c->b, want ? " => %s\n" : "\n", errno_word(want));
}

static void conv_assign(struct iconv *c, struct fz *f, bool deassign)
{
	struct kvm_ioeventfd a;
	char name[16] = "badfd";
	int garbage, which, ctx = -1, want, i = -1;

	decode_ioeventfd(f, &a);
	which = decode_fd_choice(f, &garbage);
	if (which >= 0) {
		ctx = which * 1000 + c->slots[which].gen;
		slot_name(c, which, name, sizeof(name));
	}
	if (deassign) {
		a.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
		want = which == FD_PIPE ? -EINVAL : which < 0 ? -EBADF : 0;
		i = want ? -1 : ref_find(&c->ref, flags_bus(a.flags), &a, ctx);
		if (!want && i < 0)
			want = -ENOENT;
	} else {
		want = ref_assign_result(&c->ref, &a, which == FD_PIPE, which < 0);
	}
	if (which == FD_PIPE) {
		sb_put(&c->b, "# KVM_IOEVENTFD%s on a pipe fd (not expressible): EINVAL, no change\n",
		       deassign ? " deassign" : "");
		return;
	}
	put_ioeventfd(c, &a, name, want);
	if (want)
		return;
	if (deassign)
		ref_deassigned(&c->ref, i, a, ctx);
	else if (!ref_assigned(&c->ref, &a, ctx))
		sb_put(&c->b, "# fuzz_iobus's reference registry is full here (a harness limit)\n");
}

/*
 * Could the bsearch miss hit this write? Only when a registration that
 * cannot take it (another address, or another non-zero length) overlaps
 * or touches [addr, addr + len]: then the ranges the write compares
 * equal to need not be contiguous in the sorted array.
 */
static bool miss_possible(const struct iconv *c, bool pio, uint64_t addr, int len)
{
	enum ref_bus bus = pio ? REF_PIO : REF_MMIO;
	int i;

	for (i = 0; i < c->ref.nr_regs; i++) {
		const struct ref_reg *g = &c->ref.regs[i];

		if (g->bus != bus || (g->addr == addr && (!g->len || (int)g->len == len)))
			continue;
		if (g->addr <= addr + (uint64_t)len && addr <= g->addr + g->len)
			return true;
	}
	return false;
}

static void conv_write(struct iconv *c, struct fz *f, bool pio)
{
	uint64_t addr, val;
	int len, hit, i;
	bool loose;

	decode_write(f, pio, &addr, &len, &val);
	hit = ref_write_hit(&c->ref, pio, addr, len, val);
	loose = hit >= 0 && !c->strict && miss_possible(c, pio, addr, len);
	sb_put(&c->b, "vcpu 0 %s write 0x%llx %d 0x%llx => %s%s\n", pio ? "pio" : "mmio",
	       (unsigned long long)addr, len, (unsigned long long)val,
	       loose ? "kernel|exit" : hit >= 0 ? "kernel" : "exit",
	       loose ? "    # kvm_io_bus bsearch miss possible" : "");
	if (hit >= 0) {
		int ctx = c->ref.regs[hit].ctx, s = ctx / 1000;

		if (c->slots[s].gen == ctx % 1000) {
			if (loose)
				c->slots[s].known = false;
			else
				c->slots[s].expect++;
		}
	}
	for (i = 0; i < NR_SLOTS; i++) {
		char name[16];

		if (!c->slots[i].known)
			continue;
		slot_name(c, i, name, sizeof(name));
		sb_put(&c->b, "expect eventfd %s count=%llu\n", name,
		       (unsigned long long)c->slots[i].expect);
	}
}

static void conv_reopen(struct iconv *c, struct fz *f)
{
	int i = fz_u8(f) % NR_SLOTS;
	char name[16];

	slot_name(c, i, name, sizeof(name));
	sb_put(&c->b, "close %s\n", name);
	c->slots[i].gen++;
	c->slots[i].expect = 0;
	c->slots[i].known = true;
	slot_name(c, i, name, sizeof(name));
	sb_put(&c->b, "eventfd %s\n", name);
}

char *fuzz_iobus_to_scn(const uint8_t *data, size_t size, unsigned int flags, size_t *len)
{
	struct iconv *c = calloc(1, sizeof(*c));
	struct fz f;
	unsigned int seed;
	int i, steps = 0;
	char *text;

	if (!c)
		return NULL;
	c->strict = flags & FUZZ_REPRO_STRICT;
	fz_init(&f, data, size);
	seed = fz_u8(&f);
	sb_put(&c->b, "# irqsim fuzz-repro fuzz_iobus%s: results are fuzz_iobus's reference.\n",
	       c->strict ? " --strict" : "");
	sb_put(&c->b, "vm vcpus=1 irqchip=%s\n", fz_u8(&f) & 1 ? "kernel" : "none");
	for (i = 0; i < NR_SLOTS; i++) {
		c->slots[i].known = true;
		sb_put(&c->b, "eventfd s%d\n", i);
	}
	sb_put(&c->b, "eventfd badfd\nclose badfd    # stands for fds that are negative numbers\n");
	while (fz_more(&f) && steps++ < 256) {
		switch (fz_pick(&f, 8)) {
		case 0: case 1: case 2:
			conv_assign(c, &f, false);
			break;
		case 3:
			conv_assign(c, &f, true);
			break;
		case 4: case 5:
			conv_write(c, &f, false);
			break;
		case 6:
			conv_write(c, &f, true);
			break;
		default:
			conv_reopen(c, &f);
			break;
		}
	}
	sb_put(&c->b, "run schedules=1 seed=%u\n", seed);
	text = sb_finish(&c->b, len);
	free(c);
	return text;
}
