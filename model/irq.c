// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 interrupt plumbing, after arch/x86/kvm/irq.c (which absorbed
 * irq_comm.c in 2025): MSI decoding and delivery, the x86 validation of
 * routing entries, the default GSI routing, the irqfd fast-path hook,
 * KVM_IRQ_LINE, KVM_GET/SET_IRQCHIP and the vCPU's interrupt acknowledge.
 * Hyper-V SynIC and Xen event channels are compiled out, as on the host
 * the kernel-notes were confirmed on.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/srcu.h>

#include "kvm_host.h"
#include "irq.h"
#include "lapic.h"
#include "ioapic.h"
#include "i8259.h"

/* The MSI address/data layout (arch/x86/include/asm/msi.h). */
#define MSI_ADDR_DEST_MODE_LOGICAL	(1u << 2)
#define MSI_ADDR_REDIR_HINT		(1u << 3)
#define MSI_ADDR_DESTID_0_7(lo)		(((lo) >> 12) & 0xff)
#define MSI_ADDR_HI_DESTID_8_31(hi)	((hi) >> 8)
#define MSI_DATA_VECTOR(d)		((d) & 0xff)
#define MSI_DATA_DELIVERY_MODE(d)	(((d) >> 8) & 0x7)
#define MSI_DATA_LEVEL			(1u << 15)

/* x86_msi_msg_get_destid(): address_hi[31:8] supplies bits 31:8 only with extended ids */
static u32 x86_msi_msg_get_destid(u32 address_lo, u32 address_hi, bool extid)
{
	u32 dest = MSI_ADDR_DESTID_0_7(address_lo);

	if (extid)
		dest |= MSI_ADDR_HI_DESTID_8_31(address_hi) << 8;
	return dest;
}

/*
 * kvm_set_msi_irq(): decode an MSI. Bits 11:5 of address_lo (virtual
 * extended destination id) and bit 14 of data (assert) are ignored.
 */
void kvm_set_msi_irq(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *e,
		     struct kvm_lapic_irq *irq)
{
	u32 lo = e->msi.address_lo, hi = e->msi.address_hi, data = e->msi.data;

	irq->dest_id = x86_msi_msg_get_destid(lo, hi, kvm->arch.x2apic_format);
	irq->vector = MSI_DATA_VECTOR(data);
	irq->dest_mode = kvm_lapic_irq_dest_mode(lo & MSI_ADDR_DEST_MODE_LOGICAL);
	irq->trig_mode = !!(data & MSI_DATA_LEVEL);
	irq->delivery_mode = MSI_DATA_DELIVERY_MODE(data) << 8;
	irq->msi_redir_hint = !!(lo & MSI_ADDR_REDIR_HINT);
	irq->level = 1;
	irq->shorthand = APIC_DEST_NOSHORT;
}

/* kvm_msi_route_invalid(): x2APIC-format MSIs keep address_hi[7:0] zero */
static bool kvm_msi_route_invalid(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *e)
{
	return kvm->arch.x2apic_format && (e->msi.address_hi & 0xff);
}

/* kvm_set_msi(): the set callback of MSI routes; -1 for level 0 */
int kvm_set_msi(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		int irq_source_id, int level, bool line_status)
{
	struct kvm_lapic_irq irq;
	int r;

	if (kvm_msi_route_invalid(kvm, e))
		return -EINVAL;
	if (!level)
		return -1;

	kvm_set_msi_irq(kvm, e, &irq);
	r = kvm_irq_delivery_to_apic(kvm, NULL, &irq, NULL);
	if (r > 0)
		kvm_stat_inc(kvm, msi_delivered);
	return r;
}

/*
 * kvm_arch_set_irq_inatomic(): the irqfd wakeup's attempt to inject
 * without sleeping. Only MSIs that the APIC map resolves qualify;
 * -EWOULDBLOCK sends the irqfd to its inject work (IOAPIC/PIC always).
 */
int kvm_arch_set_irq_inatomic(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
			      int irq_source_id, int level, bool line_status)
{
	struct kvm_lapic_irq irq;
	int r;

	switch (e->type) {
	case KVM_IRQ_ROUTING_MSI:
		if (kvm_msi_route_invalid(kvm, e))
			return -EINVAL;

		kvm_set_msi_irq(kvm, e, &irq);
		if (kvm_irq_delivery_to_apic_fast(kvm, NULL, &irq, &r, NULL)) {
			if (r > 0)
				kvm_stat_inc(kvm, msi_delivered);
			return r;
		}
		break;
	default:
		break;
	}
	return -EWOULDBLOCK;
}

/* kvm_set_pic_irq() (irq_comm.c): IRQCHIP route to a PIC pin (slave pins 8-15) */
int kvm_set_pic_irq(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		    int irq_source_id, int level, bool line_status)
{
	struct kvm_pic *pic = kvm->arch.vpic;

	return kvm_pic_set_irq(pic, e->irqchip.pin, irq_source_id, level);
}

/* kvm_set_ioapic_irq() (irq_comm.c): IRQCHIP route to an IOAPIC pin */
int kvm_set_ioapic_irq(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		       int irq_source_id, int level, bool line_status)
{
	struct kvm_ioapic *ioapic = kvm->arch.vioapic;

	return kvm_ioapic_set_irq(ioapic, e->irqchip.pin, irq_source_id, level, line_status);
}

/* kvm_arch_irqfd_allowed(): resampling needs the full in-kernel irqchip */
bool kvm_arch_irqfd_allowed(struct kvm *kvm, struct kvm_irqfd *args)
{
	bool resample = args->flags & KVM_IRQFD_FLAG_RESAMPLE;

	return resample ? irqchip_full(kvm) : irqchip_in_kernel(kvm);
}

/* kvm_vm_ioctl_irq_line(): always 0 once an irqchip exists; the result goes in status */
int kvm_vm_ioctl_irq_line(struct kvm *kvm, struct kvm_irq_level *irq_event, bool line_status)
{
	if (!irqchip_in_kernel(kvm))
		return -ENXIO;

	kvm_stat_inc(kvm, irq_line);
	irq_event->status = kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID,
					irq_event->irq, irq_event->level, line_status);
	return 0;
}

/* kvm_arch_can_set_irq_routing() */
bool kvm_arch_can_set_irq_routing(struct kvm *kvm)
{
	return irqchip_in_kernel(kvm);
}

/*
 * kvm_set_routing_entry(): x86 validation of one userspace entry. The
 * irqchip mode is not checked here: KVM_CREATE_IRQCHIP calls it before
 * the mode is set.
 */
int kvm_set_routing_entry(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *e,
			  const struct kvm_irq_routing_entry *ue)
{
	switch (ue->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		if (irqchip_split(kvm))
			return -EINVAL;
		e->irqchip.pin = ue->u.irqchip.pin;
		switch (ue->u.irqchip.irqchip) {
		case KVM_IRQCHIP_PIC_SLAVE:
			e->irqchip.pin += PIC_NUM_PINS / 2;
			fallthrough;
		case KVM_IRQCHIP_PIC_MASTER:
			if (ue->u.irqchip.pin >= PIC_NUM_PINS / 2)
				return -EINVAL;
			e->set = kvm_set_pic_irq;
			break;
		case KVM_IRQCHIP_IOAPIC:
			if (ue->u.irqchip.pin >= KVM_IOAPIC_NUM_PINS)
				return -EINVAL;
			e->set = kvm_set_ioapic_irq;
			break;
		default:
			return -EINVAL;
		}
		e->irqchip.irqchip = ue->u.irqchip.irqchip;
		break;
	case KVM_IRQ_ROUTING_MSI:
		e->set = kvm_set_msi;
		e->msi.address_lo = ue->u.msi.address_lo;
		e->msi.address_hi = ue->u.msi.address_hi;
		e->msi.data = ue->u.msi.data;
		if (kvm_msi_route_invalid(kvm, e))
			return -EINVAL;
		break;
	default:
		/* HV_SINT and XEN_EVTCHN are compiled out; S390_ADAPTER is not x86. */
		return -EINVAL;
	}
	return 0;
}

#define IOAPIC_ROUTING_ENTRY(irq)					\
	{ .gsi = (irq), .type = KVM_IRQ_ROUTING_IRQCHIP,		\
	  .u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = (irq) } }
#define PIC_ROUTING_ENTRY(irq)						\
	{ .gsi = (irq), .type = KVM_IRQ_ROUTING_IRQCHIP,		\
	  .u.irqchip = { .irqchip = (irq) < 8 ? KVM_IRQCHIP_PIC_MASTER :	\
					       KVM_IRQCHIP_PIC_SLAVE,	\
			 .pin = (irq) % 8 } }
#define ROUTING_ENTRY1(irq)	IOAPIC_ROUTING_ENTRY(irq)
#define ROUTING_ENTRY2(irq)	IOAPIC_ROUTING_ENTRY(irq), PIC_ROUTING_ENTRY(irq)

/* GSI 0-15: IOAPIC pin N and the PIC; GSI 16-23: IOAPIC only; no ISA overrides. */
static const struct kvm_irq_routing_entry default_routing[] = {
	ROUTING_ENTRY2(0), ROUTING_ENTRY2(1), ROUTING_ENTRY2(2), ROUTING_ENTRY2(3),
	ROUTING_ENTRY2(4), ROUTING_ENTRY2(5), ROUTING_ENTRY2(6), ROUTING_ENTRY2(7),
	ROUTING_ENTRY2(8), ROUTING_ENTRY2(9), ROUTING_ENTRY2(10), ROUTING_ENTRY2(11),
	ROUTING_ENTRY2(12), ROUTING_ENTRY2(13), ROUTING_ENTRY2(14), ROUTING_ENTRY2(15),
	ROUTING_ENTRY1(16), ROUTING_ENTRY1(17), ROUTING_ENTRY1(18), ROUTING_ENTRY1(19),
	ROUTING_ENTRY1(20), ROUTING_ENTRY1(21), ROUTING_ENTRY1(22), ROUTING_ENTRY1(23),
};

/* kvm_setup_default_ioapic_and_pic_routing() */
int kvm_setup_default_ioapic_and_pic_routing(struct kvm *kvm)
{
	return kvm_set_irq_routing(kvm, default_routing, ARRAY_SIZE(default_routing), 0);
}

/* kvm_scan_ioapic_irq(): should this vCPU's EOI of vector reach the IOAPIC? */
void kvm_scan_ioapic_irq(struct kvm_vcpu *vcpu, u32 dest_id, u16 dest_mode,
			 u8 vector, unsigned long *ioapic_handled_vectors)
{
	/*
	 * Intercept if the vCPU is a target of the new routing, or still has
	 * the vector pending from the old one (that EOI must de-assert).
	 */
	if (kvm_apic_match_dest(vcpu, NULL, APIC_DEST_NOSHORT, dest_id, dest_mode)) {
		__set_bit(vector, ioapic_handled_vectors);
	} else if (kvm_apic_pending_eoi(vcpu, vector)) {
		__set_bit(vector, ioapic_handled_vectors);
		if ((int)vector > vcpu->arch.highest_stale_pending_ioapic_eoi)
			vcpu->arch.highest_stale_pending_ioapic_eoi = vector;
	}
}

/* kvm_scan_ioapic_routes(): split irqchip, level MSI routes of reserved pins */
void kvm_scan_ioapic_routes(struct kvm_vcpu *vcpu, unsigned long *ioapic_handled_vectors)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_kernel_irq_routing_entry *entry;
	struct kvm_irq_routing_table *table;
	u32 i, nr_ioapic_pins;
	int idx;

	idx = srcu_read_lock(&kvm->irq_srcu);
	table = srcu_dereference(kvm->irq_routing, &kvm->irq_srcu);
	nr_ioapic_pins = min_t(u32, table->nr_rt_entries, kvm->arch.nr_reserved_ioapic_pins);
	for (i = 0; i < nr_ioapic_pins; ++i) {
		hlist_for_each_entry(entry, &table->map[i], link) {
			struct kvm_lapic_irq irq;

			if (entry->type != KVM_IRQ_ROUTING_MSI)
				continue;
			kvm_set_msi_irq(vcpu->kvm, entry, &irq);
			if (!irq.trig_mode)
				continue;
			kvm_scan_ioapic_irq(vcpu, irq.dest_id, irq.dest_mode,
					    irq.vector, ioapic_handled_vectors);
		}
	}
	srcu_read_unlock(&kvm->irq_srcu, idx);
}

/* kvm_arch_irq_routing_update(): caller holds irq_lock */
void kvm_arch_irq_routing_update(struct kvm *kvm)
{
	if (irqchip_split(kvm))
		kvm_make_scan_ioapic_request(kvm);
}

/* ---- the vCPU's interrupt acknowledge -------------------------------- */

/* kvm_cpu_has_extint(): a PIC interrupt the LAPIC lets through (LINT0 ExtINT) */
int kvm_cpu_has_extint(struct kvm_vcpu *v)
{
	if (!lapic_in_kernel(v))
		return 0;	/* userspace LAPIC: not modelled */
	if (!kvm_apic_accept_pic_intr(v))
		return 0;
	if (pic_in_kernel(v->kvm))
		return READ_ONCE(v->kvm->arch.vpic->output);
	return 0;	/* split: KVM_INTERRUPT's pending_external_vector is not modelled */
}

/* kvm_cpu_has_interrupt() */
int kvm_cpu_has_interrupt(struct kvm_vcpu *v)
{
	if (kvm_cpu_has_extint(v))
		return 1;
	return kvm_apic_has_interrupt(v) != -1;
}

/* kvm_cpu_get_extint(): the PIC's INTA cycle */
int kvm_cpu_get_extint(struct kvm_vcpu *v)
{
	if (!kvm_cpu_has_extint(v)) {
		WARN_ON(!lapic_in_kernel(v));
		return -1;
	}
	return kvm_pic_read_irq(v->kvm);
}

/* kvm_cpu_get_interrupt(): ExtINT first, then the LAPIC (IRR -> ISR) */
int kvm_cpu_get_interrupt(struct kvm_vcpu *v)
{
	int vector = kvm_cpu_get_extint(v);

	if (vector != -1) {
		kvm_stat_inc(v->kvm, pic_extint);
		return vector;
	}

	vector = kvm_apic_has_interrupt(v);
	if (vector != -1)
		kvm_apic_ack_interrupt(v, vector);
	return vector;
}

/* ---- KVM_GET_IRQCHIP / KVM_SET_IRQCHIP ------------------------------- */

/* kvm_vm_ioctl_get_irqchip(): caller checked irqchip_full() */
int kvm_vm_ioctl_get_irqchip(struct kvm *kvm, struct kvm_irqchip *chip)
{
	struct kvm_pic *pic = kvm->arch.vpic;

	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		kvm_pic_get_state(pic, chip->chip_id, &chip->chip.pic);
		return 0;
	case KVM_IRQCHIP_IOAPIC:
		kvm_get_ioapic(kvm, &chip->chip.ioapic);
		return 0;
	default:
		return -EINVAL;
	}
}

/* kvm_vm_ioctl_set_irqchip(): every SET ends with a PIC output update */
int kvm_vm_ioctl_set_irqchip(struct kvm *kvm, struct kvm_irqchip *chip)
{
	struct kvm_pic *pic = kvm->arch.vpic;
	int r = 0;

	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		kvm_pic_set_state(pic, chip->chip_id, &chip->chip.pic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		kvm_set_ioapic(kvm, &chip->chip.ioapic);
		break;
	default:
		r = -EINVAL;
		break;
	}
	kvm_pic_update_irq(pic);
	return r;
}
