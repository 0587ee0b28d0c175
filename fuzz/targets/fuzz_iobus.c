/*
 * fuzz_iobus: KVM_IOEVENTFD assign/deassign with every flag, length and
 * datamatch combination, eventfds closed and re-created under the
 * registrations, and guest MMIO/PIO writes of every width.
 *
 * A small reference written here from kernel-notes 2.2-2.5 (validation
 * order, the collision rule, deassign's exact-match rule, the write match
 * rule) predicts every ioctl's result, every write's outcome (kernel or
 * exit) and which eventfd counts up. Any difference is a finding, except
 * one known kernel behaviour, checked to be exactly that: when ranges of
 * different start addresses overlap, kvm_io_bus_get_first_dev's bsearch
 * can miss a matching ioeventfd (the comment in kvm_main.c assumes
 * overlapping ranges are contiguous, which insertion does not guarantee).
 * Such a miss is accepted only if the same bsearch-and-walk, done here on
 * the model's array, visits no candidate at that address; set
 * FUZZ_IOBUS_STRICT=1 to make it a finding too. Model invariants
 * (iobus.sorted, iobus.count, ...) and checker reports after every step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <kshim/eventfd.h>

#include "fuzz_common.h"
#include "fuzz_iobus_ref.h"
#include "model/kvm_host.h"
#include "model/iodev.h"
#include "model/invariants.h"

struct slot {
	int fd;			/* -1 once closed */
	int gen;
	uint64_t expect;	/* the count the open eventfd must show */
};

struct iobus_state {
	struct fz_env env;
	struct kvm_vcpu *vcpu;
	struct slot slots[NR_SLOTS];
	int pipe_fd;
	struct ref_iobus ref;
	bool strict;
	unsigned long quirk_hits;
};

static int slot_ctx(const struct iobus_state *s, int i)
{
	return i * 1000 + s->slots[i].gen;
}

/*
 * Does the kernel's bsearch + walk over the model's array visit every
 * range that starts exactly at addr with length 0 or len (every device
 * that could take the write)? (main task, quiescent VM)
 */
static bool kernel_walk_covers(struct kvm *kvm, enum kvm_bus idx, uint64_t addr, int len)
{
	struct kvm_io_bus *bus = rcu_access_pointer(kvm->buses[idx]);
	int lo = 0, hi, mid = -1, c, i, total = 0, seen = 0;

	if (!bus)
		return false;
	for (i = 0; i < bus->dev_count; i++)
		total += bus->range[i].addr == addr && (!bus->range[i].len || bus->range[i].len == len);
	hi = bus->dev_count;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = bus_cmp(addr, len, bus->range[mid].addr, bus->range[mid].len);
		if (c < 0)
			hi = mid;
		else if (c > 0)
			lo = mid + 1;
		else
			break;
	}
	if (lo >= hi)
		return total == 0;
	while (mid > 0 && !bus_cmp(addr, len, bus->range[mid - 1].addr, bus->range[mid - 1].len))
		mid--;
	for (; mid < bus->dev_count &&
	       !bus_cmp(addr, len, bus->range[mid].addr, bus->range[mid].len); mid++)
		seen += bus->range[mid].addr == addr &&
			(!bus->range[mid].len || bus->range[mid].len == len);
	return seen == total;
}

/* The fd the op names: a slot's eventfd, a closed one, a pipe, or garbage. */
static int decode_fd(struct iobus_state *s, struct fz *f, int *ctx)
{
	int garbage, i = decode_fd_choice(f, &garbage);

	*ctx = -1;
	if (i == FD_PIPE)
		return s->pipe_fd;
	if (i == FD_GARBAGE)
		return garbage;
	*ctx = slot_ctx(s, i);
	return s->slots[i].fd;
}

static void check_counts(struct iobus_state *s, const char *what)
{
	int i;

	for (i = 0; i < NR_SLOTS; i++) {
		__u64 v = ~0ull;

		if (s->slots[i].fd < 0)
			continue;
		FZ_CHECK(sim_fd_peek(s->env.sim, s->slots[i].fd, &v) == 0 && v == s->slots[i].expect,
			 "%s: eventfd slot %d counts %llu, reference %llu", what, i,
			 (unsigned long long)v, (unsigned long long)s->slots[i].expect);
	}
}

static void op_assign(struct iobus_state *s, struct fz *f, bool deassign)
{
	struct kvm_ioeventfd a;
	enum ref_bus bus;
	int ctx, want, i;
	long r;

	decode_ioeventfd(f, &a);
	a.fd = decode_fd(s, f, &ctx);
	bus = flags_bus(a.flags);
	if (deassign) {
		a.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
		want = a.fd == s->pipe_fd ? -EINVAL : ctx < 0 || a.fd < 0 ? -EBADF : 0;
		i = want ? -1 : ref_find(&s->ref, bus, &a, ctx);
		if (!want && i < 0)
			want = -ENOENT;
		r = irqsim_vm_ioctl(s->env.kvm, KVM_IOEVENTFD, (unsigned long)&a);
		if (fz_verbose)
			fprintf(stderr, "deassign flags %#x addr %#llx len %u dm %#llx ctx %d -> %ld\n",
				a.flags, (unsigned long long)a.addr, a.len,
				(unsigned long long)a.datamatch, ctx, r);
		FZ_CHECK(r == want, "ioeventfd deassign flags %#x addr %#llx len %u dm %#llx: %ld, reference %d",
			 a.flags, (unsigned long long)a.addr, a.len, (unsigned long long)a.datamatch, r, want);
		if (!r)
			ref_deassigned(&s->ref, i, a, ctx);
		return;
	}
	want = ref_assign_result(&s->ref, &a, a.fd == s->pipe_fd, ctx < 0 || a.fd < 0);
	r = irqsim_vm_ioctl(s->env.kvm, KVM_IOEVENTFD, (unsigned long)&a);
	if (fz_verbose)
		fprintf(stderr, "assign flags %#x addr %#llx len %u dm %#llx ctx %d -> %ld\n",
			a.flags, (unsigned long long)a.addr, a.len, (unsigned long long)a.datamatch,
			ctx, r);
	FZ_CHECK(r == want, "ioeventfd assign flags %#x addr %#llx len %u dm %#llx: %ld, reference %d",
		 a.flags, (unsigned long long)a.addr, a.len, (unsigned long long)a.datamatch, r, want);
	if (r)
		return;
	FZ_CHECK(ref_assigned(&s->ref, &a, ctx), "reference registry full");
}

static void op_write(struct iobus_state *s, struct fz *f, bool pio)
{
	uint64_t addr, val;
	int len, hit, r;

	decode_write(f, pio, &addr, &len, &val);
	hit = ref_write_hit(&s->ref, pio, addr, len, val);
	r = pio ? irqsim_guest_pio_write(s->vcpu, (uint16_t)addr, len, val)
		: irqsim_guest_mmio_write(s->vcpu, addr, len, val);
	FZ_CHECK(r == IRQSIM_ACCESS_KERNEL || r == IRQSIM_ACCESS_EXIT,
		 "guest %s write: %d", pio ? "PIO" : "MMIO", r);
	if (hit >= 0 && r == IRQSIM_ACCESS_EXIT && !s->strict &&
	    !kernel_walk_covers(s->env.kvm, pio ? KVM_PIO_BUS : KVM_MMIO_BUS, addr, len)) {
		/* the known bsearch miss (see the header): no signal either */
		if (!s->quirk_hits++ && fz_verbose)
			fprintf(stderr, "fuzz_iobus: kvm_io_bus bsearch missed %s %#llx len %d\n",
				pio ? "PIO" : "MMIO", (unsigned long long)addr, len);
		check_counts(s, "after a missed write");
		return;
	}
	FZ_CHECK(r == (hit >= 0 ? IRQSIM_ACCESS_KERNEL : IRQSIM_ACCESS_EXIT),
		 "guest %s write %#llx len %d value %#llx: %s, reference %s",
		 pio ? "PIO" : "MMIO", (unsigned long long)addr, len, (unsigned long long)val,
		 r ? "exit" : "kernel", hit >= 0 ? "kernel" : "exit");
	if (hit >= 0 && s->ref.regs[hit].ctx == slot_ctx(s, s->ref.regs[hit].ctx / 1000))
		s->slots[s->ref.regs[hit].ctx / 1000].expect++;
	check_counts(s, "after a guest write");
}

static void op_reopen(struct iobus_state *s, struct fz *f)
{
	struct slot *sl = &s->slots[fz_u8(f) % NR_SLOTS];

	if (sl->fd >= 0)
		FZ_CHECK(sim_fd_close(s->env.sim, sl->fd) == 0, "closing an eventfd failed");
	sl->fd = sim_eventfd(s->env.sim, 0);
	FZ_CHECK(sl->fd >= 0, "sim_eventfd: %d", sl->fd);
	sl->gen++;
	sl->expect = 0;
}

static struct iobus_state *dump_state;

/* On a finding: the reference registry and the model's MMIO and PIO arrays. */
static void dump_buses(void)
{
	struct iobus_state *s = dump_state;
	static const char *const bus_names[] = { "MMIO", "PIO", "CCW", "FAST_MMIO" };
	int i, b;

	for (i = 0; i < s->ref.nr_regs; i++) {
		const struct ref_reg *g = &s->ref.regs[i];

		fprintf(stderr, "ref %s %#llx len %u %s %#llx ctx %d\n", bus_names[g->bus],
			(unsigned long long)g->addr, g->len, g->wildcard ? "wildcard" : "datamatch",
			(unsigned long long)g->datamatch, g->ctx);
	}
	for (b = KVM_MMIO_BUS; b <= KVM_PIO_BUS; b++) {
		struct kvm_io_bus *bus = rcu_access_pointer(s->env.kvm->buses[b]);

		for (i = 0; bus && i < bus->dev_count; i++)
			fprintf(stderr, "model %s[%d] %#llx len %d\n", bus_names[b], i,
				(unsigned long long)bus->range[i].addr, bus->range[i].len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iobus_state s;
	struct fz f;
	int i, steps = 0;

	memset(&s, 0, sizeof(s));
	dump_state = &s;
	fz_on_fail = dump_buses;
	s.strict = getenv("FUZZ_IOBUS_STRICT") != NULL;
	fz_init(&f, data, size);
	fz_env_begin(&s.env, fz_u8(&f), NULL, 0);
	/* with an irqchip the IOAPIC and PIC sit on the buses too (away from the pools) */
	fz_env_irqchip(&s.env, fz_u8(&f) & 1 ? FZ_IRQCHIP_KERNEL : FZ_IRQCHIP_NONE);
	fz_env_add_vcpu(&s.env, 0);
	s.vcpu = irqsim_vcpu(s.env.kvm, 0);
	for (i = 0; i < NR_SLOTS; i++) {
		s.slots[i].fd = sim_eventfd(s.env.sim, 0);
		FZ_CHECK(s.slots[i].fd >= 0, "sim_eventfd: %d", s.slots[i].fd);
	}
	s.pipe_fd = sim_pipe(s.env.sim);
	while (fz_more(&f) && steps++ < 256) {
		int n;

		switch (fz_pick(&f, 8)) {
		case 0: case 1: case 2:
			op_assign(&s, &f, false);
			break;
		case 3:
			op_assign(&s, &f, true);
			break;
		case 4: case 5:
			op_write(&s, &f, false);
			break;
		case 6:
			op_write(&s, &f, true);
			break;
		default:
			op_reopen(&s, &f);
			break;
		}
		n = kvm_check_invariants(s.env.kvm);
		FZ_CHECK(n == 0, "%d model invariant(s) broken (step %d)", n, steps);
		fz_env_check_reports(&s.env, "an iobus step");
	}
	fz_on_fail = NULL;
	fz_env_end(&s.env);
	return 0;
}
