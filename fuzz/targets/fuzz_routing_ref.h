/*
 * fuzz_routing's input decoding and reference, shared by the target and
 * its fuzz-repro converter (fuzz_routing_to_scn.c) so that both read the
 * same bytes the same way and predict the same results.
 */
#ifndef FUZZ_ROUTING_REF_H
#define FUZZ_ROUTING_REF_H

#include <errno.h>
#include <string.h>
#include <linux/kvm.h>
#include "fuzz_common.h"

#define MAX_ENTRIES	10
#define NR_GSI_SMALL	32

struct ref_table {
	unsigned int nr;		/* the header's nr (may exceed MAX_ENTRIES) */
	unsigned int flags;
	unsigned int n;			/* entries actually built */
	struct kvm_irq_routing_entry e[MAX_ENTRIES];
};

static inline uint32_t msi_addr(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b >= 0xf0)
		return fz_u32(f);
	return 0xfee00000u | (uint32_t)fz_u8(f) << 12 | (b & 0xc);
}

static inline void decode_entry(struct fz *f, struct kvm_irq_routing_entry *e)
{
	uint8_t t = fz_u8(f), g = fz_u8(f), fl = fz_u8(f);

	memset(e, 0, sizeof(*e));
	e->gsi = g < 0xf0 ? g % NR_GSI_SMALL : (g & 1 ? 4095u + (g & 2) : fz_u32(f));
	e->flags = fl < 0xf0 ? 0 : (fl & 1 ? KVM_MSI_VALID_DEVID : fz_u8(f));
	switch (t % 8) {
	case 0: case 1: case 2:
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = fz_pick(f, 4);
		e->u.irqchip.pin = fz_pick(f, 26);
		break;
	case 3: case 4: case 5:
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = msi_addr(f);
		e->u.msi.address_hi = fz_u8(f) < 0xf0 ? 0 : fz_u32(f);
		/* vectors 0x80-0xff: never one of the IOAPIC's (see the header) */
		e->u.msi.data = fz_u16(f) | 0x80;
		e->u.msi.devid = fz_u8(f);
		break;
	default:
		e->type = fz_u8(f) % 8;	/* S390, HV_SINT, XEN_EVTCHN, 0, 6, 7 ... */
		e->u.msi.address_lo = fz_u32(f);
		break;
	}
}

/* KVM_IRQ_LINE(_STATUS) arguments */
static inline void decode_irq_line(struct fz *f, struct kvm_irq_level *lvl)
{
	uint8_t g = fz_u8(f);

	memset(lvl, 0, sizeof(*lvl));
	lvl->irq = g < 0xf8 ? g % NR_GSI_SMALL : fz_u32(f);
	lvl->level = fz_u8(f) & 1;
}

/* KVM_SIGNAL_MSI arguments; data vectors 0x80-0xff (see fuzz_routing.c) */
static inline void decode_signal_msi(struct fz *f, struct kvm_msi *msi)
{
	uint8_t fl = fz_u8(f);

	memset(msi, 0, sizeof(*msi));
	msi->address_lo = msi_addr(f);
	msi->address_hi = fz_u8(f) < 0xf0 ? 0 : fz_u32(f);
	msi->data = fz_u16(f) | 0x80;
	msi->flags = fl < 0xf0 ? (fl & 1) * KVM_MSI_VALID_DEVID : fz_u32(f);
	msi->devid = fz_u8(f);
}

/* kernel-notes 3.1/3.2: the result KVM_SET_GSI_ROUTING must have */
static inline int ref_set_routing(enum fz_irqchip mode, bool x2apic_format, const struct ref_table *t)
{
	unsigned int i, j;

	if (mode == FZ_IRQCHIP_NONE || t->nr > 4096 || t->flags)
		return -EINVAL;
	for (i = 0; i < t->n; i++)
		if (t->e[i].gsi >= 4096)
			return -EINVAL;
	for (i = 0; i < t->n; i++) {
		const struct kvm_irq_routing_entry *e = &t->e[i];

		if (e->type == KVM_IRQ_ROUTING_MSI ? (e->flags & ~KVM_MSI_VALID_DEVID) : e->flags)
			return -EINVAL;
		for (j = 0; j < i; j++) {
			const struct kvm_irq_routing_entry *o = &t->e[j];

			if (o->gsi != e->gsi)
				continue;
			if (o->type != KVM_IRQ_ROUTING_IRQCHIP || e->type != KVM_IRQ_ROUTING_IRQCHIP ||
			    o->u.irqchip.irqchip == e->u.irqchip.irqchip)
				return -EINVAL;
		}
		switch (e->type) {
		case KVM_IRQ_ROUTING_IRQCHIP:
			if (mode == FZ_IRQCHIP_SPLIT)
				return -EINVAL;
			if (e->u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC ? e->u.irqchip.pin >= 24 :
			    e->u.irqchip.irqchip > KVM_IRQCHIP_PIC_SLAVE || e->u.irqchip.pin >= 8)
				return -EINVAL;
			break;
		case KVM_IRQ_ROUTING_MSI:
			if (x2apic_format && (e->u.msi.address_hi & 0xff))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

#endif
