/*
 * fuzz-repro for fuzz_msi: the input read step by step exactly as the
 * target reads it (decoders and reference shared through fuzz_msi_ref.h)
 * and printed as a scenario: guest LAPIC programming as `vcpu N lapic`,
 * drains as ack + eoi, MSIs as `msi` with the reference's result (exact
 * for fixed delivery, the allowed set for lowest priority and where the
 * kernel's fast path knowingly differs) and `expect lapic N irr has V`
 * (`tmr has V` for level) for every APIC that must take a fixed MSI.
 *
 * Not expressible in .scn, kept as comments: sparse vCPU ids (the
 * scenario's vCPUs have ids 0..n-1) and KVM_CAP_X2APIC_API. The MSIs are
 * the fuzz run's bytes; the results are computed for the scenario's VM (a
 * second reference view, `scn`), so the scenario is exact for itself.
 * A garbage DFR write reads back as flat (the register keeps bits 31:28
 * and sets the rest), an LDR write keeps bits 31:24, so both are written
 * as the statement's equivalent.
 */
#include <stdlib.h>
#include "fuzz_msi_ref.h"
#include "fuzz_repro.h"
#include "fuzz_scn_buf.h"

struct mconv {
	struct sbuf b;
	struct ref_vm run;	/* the fuzz run's VM: decodes destinations */
	struct ref_vm scn;	/* the scenario's VM: predicts results */
};

static void conv_lapic(struct mconv *c, struct fz *f)
{
	int i = fz_u8(f) % c->run.n;
	struct ref_apic *a = &c->scn.apic[i], *ra = &c->run.apic[i];
	const char *einval = a->x2apic ? " => EINVAL" : "";
	uint8_t b = fz_u8(f);
	uint32_t dfr;

	switch (fz_pick(f, 6)) {
	case 0:
		sb_put(&c->b, "vcpu %d lapic id=0x%x%s\n", i, b, einval);
		if (!a->x2apic)
			a->xapic_id = ra->xapic_id = b;
		break;
	case 1:
		fz_u8(f);	/* LDR bits 23:0, which the register drops */
		sb_put(&c->b, "vcpu %d lapic ldr=0x%x%s\n", i, b, einval);
		if (!a->x2apic)
			a->ldr = ra->ldr = (uint32_t)b << 24;
		break;
	case 2:
		dfr = (b < 0x80 ? 0xffffffffu : b < 0xf0 ? 0x0fffffffu : (uint32_t)b << 24) | 0x0fffffffu;
		sb_put(&c->b, "vcpu %d lapic dfr=%s%s\n", i, dfr == 0xffffffffu ? "flat" : "cluster",
		       einval);
		if (!a->x2apic)
			a->dfr = ra->dfr = dfr;
		break;
	case 3:
		sb_put(&c->b, "vcpu %d lapic %s\n", i, b & 1 ? "enable" : "disable");
		a->sw_enabled = ra->sw_enabled = b & 1;
		break;
	case 4:
		if (a->x2apic)
			break;
		sb_put(&c->b, "vcpu %d lapic x2apic\n", i);
		a->x2apic = ra->x2apic = true;
		a->ldr = (a->vcpu_id >> 4) << 16 | 1u << (a->vcpu_id & 0xf);
		ra->ldr = (ra->vcpu_id >> 4) << 16 | 1u << (ra->vcpu_id & 0xf);
		break;
	default:
		sb_put(&c->b, "vcpu %d ack\nvcpu %d eoi\n", i, i);
		break;
	}
}

static void put_range(struct sbuf *b, int lo, int hi)
{
	int v;

	for (v = lo; v <= hi; v++)
		sb_put(b, v == lo ? "%d" : "|%d", v);
}

static void conv_msi(struct mconv *c, struct fz *f)
{
	const struct ref_vm *s = &c->scn;
	struct kvm_msi msi;
	struct msg m;
	bool match[MAX_VCPUS], lowest;
	int i, want = 0, nmatch = 0, nsw = 0;

	decode_msi(f, &c->run, &msi);
	msi_to_msg(s, &msi, &m);
	for (i = 0; i < s->n; i++)
		match[i] = ref_match(s, &s->apic[i], &m);
	sb_put(&c->b, "msi addr=0x%x data=0x%x", msi.address_lo, msi.data);
	if (msi.address_hi)
		sb_put(&c->b, " addr_hi=0x%x", msi.address_hi);
	sb_put(&c->b, " => ");
	if (!m.logical && m.dest == 0xff && m.dm == 1)
		m.dm = 0;	/* physical broadcast: lowest priority becomes fixed */
	lowest = m.dm == 1 || m.hint;
	if (mixed_modes(s) || disabled_logical_target(s, &m, match)) {
		put_range(&c->b, -1, lowest ? 1 : s->n);
		sb_put(&c->b, "    # fast path differs from the slow path here\n");
		return;
	}
	for (i = 0; i < s->n; i++) {
		if (!match[i])
			continue;
		nmatch++;
		nsw += s->apic[i].sw_enabled;
		want += ref_accepts(&s->apic[i], m.dm);
	}
	if (lowest) {
		put_range(&c->b, nsw ? 0 : -1, 1);
		sb_put(&c->b, "\n");
		return;
	}
	if (nmatch)
		sb_put(&c->b, "%d\n", want);
	else
		sb_put(&c->b, "0|-1\n");
	for (i = 0; i < s->n && m.dm <= 1; i++) {
		if (!match[i] || !ref_accepts(&s->apic[i], m.dm))
			continue;
		sb_put(&c->b, "expect lapic %d irr has 0x%x\n", i, m.vector);
		if (m.trig)
			sb_put(&c->b, "expect lapic %d tmr has 0x%x\n", i, m.vector);
	}
}

char *fuzz_msi_to_scn(const uint8_t *data, size_t size, size_t *len)
{
	struct mconv *c = calloc(1, sizeof(*c));
	struct fz f;
	uint8_t h, x;
	unsigned int seed;
	uint32_t id = 0;
	int i, steps = 0;
	char *text;

	if (!c)
		return NULL;
	fz_init(&f, data, size);
	h = fz_u8(&f);
	x = fz_u8(&f);
	c->run.n = c->scn.n = 1 + h % MAX_VCPUS;
	seed = fz_u8(&f);
	sb_put(&c->b, "# irqsim fuzz-repro fuzz_msi: results are fuzz_msi's reference.\n");
	if (x & 0x80) {
		c->run.x2apic_format = x & KVM_X2APIC_API_USE_32BIT_IDS;
		c->run.quirk_disabled = x & KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK;
		sb_put(&c->b, "# The fuzz run enabled KVM_CAP_X2APIC_API(%#x), which .scn cannot;\n"
		       "# results here are for a VM without it.\n", x & 3);
	}
	for (i = 0; i < c->run.n; i++) {
		if (i)
			id += x & 0x40 ? 1 + fz_u8(&f) % 3 : 1;
		c->run.apic[i] = (struct ref_apic){
			.vcpu_id = id, .xapic_id = (uint8_t)id, .dfr = 0xffffffffu, .sw_enabled = true,
		};
		c->scn.apic[i] = (struct ref_apic){
			.vcpu_id = (uint32_t)i, .xapic_id = (uint8_t)i, .dfr = 0xffffffffu,
			.sw_enabled = true,
		};
	}
	if (id != (uint32_t)c->run.n - 1)
		sb_put(&c->b, "# The fuzz run's vCPU ids were sparse (last id %u); here they are 0..%d.\n",
		       id, c->run.n - 1);
	sb_put(&c->b, "vm vcpus=%d irqchip=%s\n", c->run.n, h & 0x10 ? "split" : "kernel");
	while (fz_more(&f) && steps++ < 256) {
		if (fz_u8(&f) & 1)
			conv_msi(c, &f);
		else
			conv_lapic(c, &f);
	}
	sb_put(&c->b, "run schedules=1 seed=%u\n", seed);
	text = sb_finish(&c->b, len);
	free(c);
	return text;
}
