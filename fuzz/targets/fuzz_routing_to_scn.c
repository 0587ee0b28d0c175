/*
 * fuzz-repro for fuzz_routing: the input read step by step exactly as the
 * target reads it (the decoders and the reference are shared through
 * fuzz_routing_ref.h) and printed as a scenario whose results are the
 * reference's: KVM_SET_GSI_ROUTING's exact result, KVM_IRQ_LINE_STATUS
 * -1 for an unrouted GSI and within [-1, 3 * vCPUs] otherwise,
 * KVM_SIGNAL_MSI EINVAL or within [-1, vCPUs].
 *
 * Not expressible in .scn, and kept as comments: KVM_CAP_X2APIC_API (the
 * results are then computed for a VM without it), allocation failures,
 * a NULL table, header flags, an oversized nr, entry types other than
 * irqchip/msi, entry flags and chip numbers above 2. Each of those
 * routing updates fails with EINVAL/EFAULT in the kernel and changes
 * nothing, so leaving it out keeps the rest of the scenario exact; the
 * one exception, an MSI entry with KVM_MSI_VALID_DEVID, is written
 * without the devid, which x86 ignores.
 */
#include <stdlib.h>
#include "fuzz_routing_ref.h"
#include "fuzz_repro.h"
#include "fuzz_scn_buf.h"

#define DEFAULT_ROUTED_GSIS	24	/* kvm_setup_default_irq_routing: GSIs 0-23 */

static const char *const chip_names[] = { "pic-master", "pic-slave", "ioapic" };

struct rconv {
	struct sbuf b;
	enum fz_irqchip mode;
	bool x2apic_format;
	int nr_vcpus;
	/* the published table as the scenario leaves it: default, or these GSIs */
	bool is_default;
	bool routed[NR_GSI_SMALL];
	bool routed_big;		/* a GSI >= NR_GSI_SMALL has a route */
};

static bool gsi_routed(const struct rconv *c, uint32_t gsi)
{
	if (c->mode == FZ_IRQCHIP_NONE)
		return false;
	if (c->is_default)
		return c->mode == FZ_IRQCHIP_KERNEL && gsi < DEFAULT_ROUTED_GSIS;
	return gsi < NR_GSI_SMALL ? c->routed[gsi] : c->routed_big;
}

/* Can .scn write this table? (it knows irqchip chips 0-2 and msi, no flags) */
static bool table_expressible(const struct ref_table *t)
{
	unsigned int i;

	if (t->flags || t->n != t->nr)
		return false;
	for (i = 0; i < t->n; i++) {
		const struct kvm_irq_routing_entry *e = &t->e[i];

		if (e->type == KVM_IRQ_ROUTING_IRQCHIP) {
			if (e->flags || e->u.irqchip.irqchip > KVM_IRQCHIP_IOAPIC)
				return false;
		} else if (e->type == KVM_IRQ_ROUTING_MSI) {
			if (e->flags & ~KVM_MSI_VALID_DEVID)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static void conv_set_routing(struct rconv *c, struct fz *f)
{
	struct ref_table t;
	uint8_t nb = fz_u8(f), fb = fz_u8(f);
	unsigned int i;
	int want;

	memset(&t, 0, sizeof(t));
	t.flags = fb >= 0xf0 ? (fb & 0xf) : 0;
	if (nb == 0xfe) {
		sb_put(&c->b, "# KVM_SET_GSI_ROUTING(NULL) (not expressible): EFAULT, no change\n");
		return;
	}
	t.nr = nb == 0xff ? 4097 + fz_u8(f) : nb % (MAX_ENTRIES + 1);
	t.n = t.nr <= MAX_ENTRIES ? t.nr : 0;
	for (i = 0; i < t.n; i++)
		decode_entry(f, &t.e[i]);
	/* the scenario's VM has no KVM_CAP_X2APIC_API */
	want = ref_set_routing(c->mode, false, &t);
	if (!table_expressible(&t)) {
		sb_put(&c->b, "# KVM_SET_GSI_ROUTING nr=%u flags=%#x with entries .scn cannot write "
		       "(type/flags/chip): %s, no change\n", t.nr, t.flags, want ? "EINVAL" : "ok");
		if (!want)	/* cannot happen: only devid-flagged MSI entries are accepted */
			c->b.oom = true;
		return;
	}
	sb_put(&c->b, "routing\n");
	for (i = 0; i < t.n; i++) {
		const struct kvm_irq_routing_entry *e = &t.e[i];

		if (e->type == KVM_IRQ_ROUTING_IRQCHIP) {
			sb_put(&c->b, "  gsi %u irqchip=%s pin=%u\n", e->gsi,
			       chip_names[e->u.irqchip.irqchip], e->u.irqchip.pin);
			continue;
		}
		sb_put(&c->b, "  gsi %u msi addr=0x%x data=0x%x", e->gsi, e->u.msi.address_lo,
		       e->u.msi.data);
		if (e->u.msi.address_hi)
			sb_put(&c->b, " addr_hi=0x%x", e->u.msi.address_hi);
		sb_put(&c->b, e->flags ? "    # KVM_MSI_VALID_DEVID devid=%u dropped\n" : "\n",
		       e->u.msi.devid);
	}
	sb_put(&c->b, want ? "end => EINVAL\n" : "end\n");
	if (want)
		return;
	c->is_default = false;
	memset(c->routed, 0, sizeof(c->routed));
	c->routed_big = false;
	for (i = 0; i < t.n; i++) {
		if (t.e[i].gsi < NR_GSI_SMALL)
			c->routed[t.e[i].gsi] = true;
		else
			c->routed_big = true;
	}
}

static void conv_irq_line(struct rconv *c, struct fz *f, bool status)
{
	struct kvm_irq_level lvl;
	int max = 3 * (c->nr_vcpus ? c->nr_vcpus : 1), i;

	decode_irq_line(f, &lvl);
	sb_put(&c->b, "irq_line %u %u => ", lvl.irq, lvl.level);
	if (c->mode == FZ_IRQCHIP_NONE) {
		sb_put(&c->b, "ENXIO");
	} else {
		sb_put(&c->b, "-1");
		if (gsi_routed(c, lvl.irq))
			for (i = 0; i <= max; i++)
				sb_put(&c->b, "|%d", i);
	}
	/* irq_line is KVM_IRQ_LINE_STATUS: the same injection plus a status */
	sb_put(&c->b, status ? "\n" : "    # KVM_IRQ_LINE in the fuzz run\n");
}

static void conv_signal_msi(struct rconv *c, struct fz *f)
{
	struct kvm_msi msi;
	int i;

	decode_signal_msi(f, &msi);
	sb_put(&c->b, "msi addr=0x%x data=0x%x", msi.address_lo, msi.data);
	if (msi.address_hi)
		sb_put(&c->b, " addr_hi=0x%x", msi.address_hi);
	if (msi.flags)
		sb_put(&c->b, " flags=0x%x", msi.flags);
	if (c->mode == FZ_IRQCHIP_NONE || (msi.flags & ~KVM_MSI_VALID_DEVID)) {
		sb_put(&c->b, " => EINVAL\n");
		return;
	}
	sb_put(&c->b, " => -1");
	for (i = 0; i <= c->nr_vcpus; i++)
		sb_put(&c->b, "|%d", i);
	sb_put(&c->b, "\n");
}

/* The IOAPIC pins setup() programs (kernel irqchip with vCPUs only). */
static void conv_pins(struct rconv *c, struct fz *f)
{
	int pins = (int)fz_pick(f, 9), i;

	for (i = 0; i < pins; i++) {
		uint8_t a = fz_u8(f), b = fz_u8(f);
		unsigned int logical = (b >> 1) & 1;

		sb_put(&c->b, "ioapic pin %u vector=0x%x dest=%u%s%s%s%s\n", (a >> 6) * 6 + (b % 6),
		       0x20 + (a & 0x3f), (b >> 6) % c->nr_vcpus + logical,
		       logical ? " destmode=logical" : "", b & 1 ? " delivery=lowest" : "",
		       (b >> 2) & 1 ? " trigger=level" : "", ((b >> 3) & 7) == 7 ? " masked" : "");
	}
}

char *fuzz_routing_to_scn(const uint8_t *data, size_t size, size_t *len)
{
	static const char *const modes[] = { "none", "kernel", "split" };
	static const enum fz_irqchip h_modes[] = {
		FZ_IRQCHIP_KERNEL, FZ_IRQCHIP_KERNEL, FZ_IRQCHIP_SPLIT, FZ_IRQCHIP_NONE,
	};
	struct rconv c;
	struct fz f;
	unsigned int seed;
	uint8_t h;
	int steps = 0;

	memset(&c, 0, sizeof(c));
	c.is_default = true;
	fz_init(&f, data, size);
	h = fz_u8(&f);
	c.mode = h_modes[h & 3];
	c.x2apic_format = h & 4;
	c.nr_vcpus = (h >> 3) % 3;
	seed = fz_u8(&f);
	sb_put(&c.b, "# irqsim fuzz-repro fuzz_routing: results are fuzz_routing's reference.\n");
	if (c.x2apic_format)
		sb_put(&c.b, "# The fuzz run enabled KVM_CAP_X2APIC_API(USE_32BIT_IDS), which .scn cannot;\n"
		       "# results here are for a VM without it.\n");
	sb_put(&c.b, "vm vcpus=%d irqchip=%s\n", c.nr_vcpus, modes[c.mode]);
	if (c.mode == FZ_IRQCHIP_KERNEL && c.nr_vcpus)
		conv_pins(&c, &f);
	while (fz_more(&f) && steps++ < 256) {
		int v = c.nr_vcpus ? (int)(fz_u8(&f) % c.nr_vcpus) : -1;

		switch (fz_pick(&f, 9)) {
		case 0: case 1:
			conv_set_routing(&c, &f);
			break;
		case 2:
			conv_irq_line(&c, &f, false);
			break;
		case 3:
			conv_irq_line(&c, &f, true);
			break;
		case 4:
			conv_signal_msi(&c, &f);
			break;
		case 5:
			if (v >= 0)
				sb_put(&c.b, "vcpu %d ack\n", v);
			break;
		case 6:
			if (v >= 0)
				sb_put(&c.b, "vcpu %d eoi\n", v);
			break;
		case 7:
			sb_put(&c.b, "settle\n");
			break;
		default:
			sb_put(&c.b, "# fault injection (not expressible): allocation %u from here fails\n",
			       1 + fz_u8(&f) % 8);
			break;
		}
	}
	sb_put(&c.b, "run schedules=1 seed=%u\n", seed);
	return sb_finish(&c.b, len);
}
