// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC, after arch/x86/kvm/lapic.c: the IRR/ISR/PPR bookkeeping,
 * destination matching, acceptance into IRR, EOI (forwarded to the IOAPIC
 * for vectors in the EOI-exit bitmap), IPIs, the APIC's life and base MSR,
 * and the vCPU's acknowledge. The kernel's one file is split in three:
 * lapic_map.c has the optimized map and delivery to a destination,
 * lapic_regs.c the register page (writes, reads, MMIO, x2APIC MSRs, RESET
 * values, KVM_GET/SET_LAPIC). Not modelled: the APIC timer, APICv/posted
 * interrupts, PV EOI, Hyper-V SynIC.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/mutex.h>
#include <kshim/rcupdate.h>

#include "kvm_host.h"
#include "lapic.h"
#include "irq.h"
#include "ioapic.h"
#include "lapic_internal.h"

static int __apic_accept_irq(struct kvm_lapic *apic, int delivery_mode,
			     int vector, int level, int trig_mode,
			     struct dest_map *dest_map);

/* apic_enabled(): hardware (base MSR) and software (SPIV) enabled */
static inline bool apic_enabled(struct kvm_lapic *apic)
{
	return kvm_apic_sw_enabled(apic) && kvm_apic_hw_enabled(apic);
}

/* kvm_apic_pending_eoi() */
bool kvm_apic_pending_eoi(struct kvm_vcpu *vcpu, int vector)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	return apic_test_vector(vector, (char *)apic->regs + APIC_ISR) ||
	       apic_test_vector(vector, (char *)apic->regs + APIC_IRR);
}

/* apic_find_highest_vector(): highest bit set in an IRR/ISR/TMR bank, or -1 */
static int apic_find_highest_vector(void *bitmap)
{
	int vec;

	for (vec = MAX_APIC_VECTOR - APIC_VECTORS_PER_REG; vec >= 0;
	     vec -= APIC_VECTORS_PER_REG) {
		u32 reg = (u32)READ_ONCE(*apic_vector_word(vec, bitmap));

		if (reg)
			return fls(reg) - 1 + vec;
	}
	return -1;
}

/* count_vectors() */
static int count_vectors(void *bitmap)
{
	int vec, count = 0;

	for (vec = 0; vec < MAX_APIC_VECTOR; vec += APIC_VECTORS_PER_REG)
		count += hweight32((u32)READ_ONCE(*apic_vector_word(vec, bitmap)));
	return count;
}

/* apic_find_highest_irr() */
static int apic_find_highest_irr(struct kvm_lapic *apic)
{
	if (!READ_ONCE(apic->irr_pending))
		return -1;
	return apic_find_highest_vector((char *)apic->regs + APIC_IRR);
}

/* apic_clear_irr() (APICv inactive) */
static void apic_clear_irr(int vec, struct kvm_lapic *apic)
{
	WRITE_ONCE(apic->irr_pending, false);
	apic_clear_vector(vec, (char *)apic->regs + APIC_IRR);
	if (apic_find_highest_vector((char *)apic->regs + APIC_IRR) != -1)
		WRITE_ONCE(apic->irr_pending, true);
}

/* kvm_lapic_set_irr(): any task may post a vector */
static void kvm_lapic_set_irr(int vec, struct kvm_lapic *apic)
{
	apic_set_vector(vec, (char *)apic->regs + APIC_IRR);
	smp_mb__after_atomic();
	WRITE_ONCE(apic->irr_pending, true);
}

/* apic_set_isr() (APICv inactive) */
static void apic_set_isr(int vec, struct kvm_lapic *apic)
{
	unsigned long *word = apic_vector_word(vec, (char *)apic->regs + APIC_ISR);

	if (__test_and_set_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), word))
		return;
	++apic->isr_count;
	BUG_ON(apic->isr_count > MAX_APIC_VECTOR);
	/* The highest pending vector is the one injected, so it is the highest ISR bit. */
	apic->highest_isr_cache = vec;
}

/* apic_find_highest_isr() */
static int apic_find_highest_isr(struct kvm_lapic *apic)
{
	if (!apic->isr_count)
		return -1;
	if (likely(apic->highest_isr_cache != -1))
		return apic->highest_isr_cache;
	return apic_find_highest_vector((char *)apic->regs + APIC_ISR);
}

/* apic_clear_isr() (APICv inactive) */
static void apic_clear_isr(int vec, struct kvm_lapic *apic)
{
	unsigned long *word = apic_vector_word(vec, (char *)apic->regs + APIC_ISR);

	if (!__test_and_clear_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), word))
		return;
	--apic->isr_count;
	BUG_ON(apic->isr_count < 0);
	apic->highest_isr_cache = -1;
}

/* apic_has_interrupt_for_ppr() */
static int apic_has_interrupt_for_ppr(struct kvm_lapic *apic, u32 ppr)
{
	int highest_irr = apic_find_highest_irr(apic);

	if (highest_irr == -1 || (u32)(highest_irr & 0xF0) <= ppr)
		return -1;
	return highest_irr;
}

/* __apic_update_ppr(): PPR = max(TPR, class of the highest ISR vector) */
static bool __apic_update_ppr(struct kvm_lapic *apic, u32 *new_ppr)
{
	u32 tpr, isrv, ppr, old_ppr;
	int isr;

	old_ppr = kvm_lapic_get_reg(apic, APIC_PROCPRI);
	tpr = kvm_lapic_get_reg(apic, APIC_TASKPRI);
	isr = apic_find_highest_isr(apic);
	isrv = (isr != -1) ? (u32)isr : 0;

	if ((tpr & 0xf0) >= (isrv & 0xf0))
		ppr = tpr & 0xff;
	else
		ppr = isrv & 0xf0;

	*new_ppr = ppr;
	if (old_ppr != ppr)
		kvm_lapic_set_reg(apic, APIC_PROCPRI, ppr);
	return ppr < old_ppr;
}

/* apic_update_ppr() */
void apic_update_ppr(struct kvm_lapic *apic)
{
	u32 ppr;

	if (__apic_update_ppr(apic, &ppr) &&
	    apic_has_interrupt_for_ppr(apic, ppr) != -1)
		kvm_make_request(KVM_REQ_EVENT, apic->vcpu);
}

/* kvm_apic_update_ppr() */
void kvm_apic_update_ppr(struct kvm_vcpu *vcpu)
{
	apic_update_ppr(vcpu->arch.apic);
}

/* ---- destination matching (slow path) -------------------------------- */

/* kvm_apic_broadcast() */
static bool kvm_apic_broadcast(struct kvm_lapic *apic, u32 mda)
{
	return mda == (apic_x2apic_mode(apic) ? X2APIC_BROADCAST : APIC_BROADCAST);
}

/* kvm_apic_match_physical_addr() */
static bool kvm_apic_match_physical_addr(struct kvm_lapic *apic, u32 mda)
{
	if (kvm_apic_broadcast(apic, mda))
		return true;
	/*
	 * Hot-plug hack: an id that cannot be encoded in xAPIC form matches the
	 * x2APIC id even of an APIC still in xAPIC mode.
	 */
	if (apic_x2apic_mode(apic) || mda > 0xff)
		return mda == kvm_x2apic_id(apic);
	return mda == kvm_xapic_id(apic);
}

/* kvm_apic_match_logical_addr() */
static bool kvm_apic_match_logical_addr(struct kvm_lapic *apic, u32 mda)
{
	u32 logical_id;

	if (kvm_apic_broadcast(apic, mda))
		return true;

	logical_id = kvm_lapic_get_reg(apic, APIC_LDR);

	if (apic_x2apic_mode(apic))
		return ((logical_id >> 16) == (mda >> 16)) &&
		       (logical_id & mda & 0xffff) != 0;

	logical_id = GET_APIC_LOGICAL_ID(logical_id);

	switch (kvm_lapic_get_reg(apic, APIC_DFR)) {
	case APIC_DFR_FLAT:
		return (logical_id & mda) != 0;
	case APIC_DFR_CLUSTER:
		return ((logical_id >> 4) == (mda >> 4)) &&
		       (logical_id & mda & 0xf) != 0;
	default:
		return false;
	}
}

/*
 * kvm_apic_mda(): without interrupt remapping an IOAPIC/MSI broadcast (0xff)
 * must still reach x2APIC-mode APICs, so non-IPI 0xff becomes 0xffffffff
 * unless userspace disabled that quirk.
 */
static u32 kvm_apic_mda(struct kvm_vcpu *vcpu, unsigned int dest_id,
			struct kvm_lapic *source, struct kvm_lapic *target)
{
	bool ipi = source != NULL;

	if (!vcpu->kvm->arch.x2apic_broadcast_quirk_disabled &&
	    !ipi && dest_id == APIC_BROADCAST && apic_x2apic_mode(target))
		return X2APIC_BROADCAST;
	return dest_id;
}

/* kvm_apic_match_dest() */
bool kvm_apic_match_dest(struct kvm_vcpu *vcpu, struct kvm_lapic *source,
			 int shorthand, unsigned int dest, int dest_mode)
{
	struct kvm_lapic *target = vcpu->arch.apic;
	u32 mda = kvm_apic_mda(vcpu, dest, source, target);

	switch (shorthand) {
	case APIC_DEST_NOSHORT:
		if (dest_mode == APIC_DEST_PHYSICAL)
			return kvm_apic_match_physical_addr(target, mda);
		return kvm_apic_match_logical_addr(target, mda);
	case APIC_DEST_SELF:
		return target == source;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return target != source;
	default:
		return false;
	}
}

/* ---- acceptance ------------------------------------------------------ */

/* kvm_vcpu_kick(): no vCPU thread to IPI; count it */
void kvm_vcpu_kick(struct kvm_vcpu *vcpu)
{
	unsigned int slot;

	ksim_fine_yield();
	slot = ksim_this_slot();
	ksim_slot_add(&vcpu->kicks[slot], slot, 1);
}

/* kvm_apic_set_irq() */
int kvm_apic_set_irq(struct kvm_vcpu *vcpu, struct kvm_lapic_irq *irq,
		     struct dest_map *dest_map)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	return __apic_accept_irq(apic, irq->delivery_mode, irq->vector,
				 irq->level, irq->trig_mode, dest_map);
}

/* __apic_accept_irq(): 1 if the interrupt was accepted, 0 if discarded */
static int __apic_accept_irq(struct kvm_lapic *apic, int delivery_mode,
			     int vector, int level, int trig_mode,
			     struct dest_map *dest_map)
{
	struct kvm_vcpu *vcpu = apic->vcpu;
	struct kvm *kvm = vcpu->kvm;
	int result = 0;

	sim_trace_instant("irq", "apic_accept_irq", "vcpu=%d dm=%#x vec=%#x trig=%d",
			  vcpu->vcpu_id, delivery_mode, vector, trig_mode);

	switch (delivery_mode) {
	case APIC_DM_LOWEST:
		WRITE_ONCE(vcpu->arch.apic_arb_prio, READ_ONCE(vcpu->arch.apic_arb_prio) + 1);
		fallthrough;
	case APIC_DM_FIXED:
		if (unlikely(trig_mode && !level))
			break;
		if (unlikely(!apic_enabled(apic))) {
			kvm_stat_inc(kvm, lapic_dropped);
			break;
		}
		result = 1;

		if (dest_map) {
			__set_bit(vcpu->vcpu_id, dest_map->map);
			dest_map->vectors[vcpu->vcpu_id] = vector;
		}

		if (apic_test_vector(vector, (char *)apic->regs + APIC_TMR) != !!trig_mode) {
			if (trig_mode)
				apic_set_vector(vector, (char *)apic->regs + APIC_TMR);
			else
				apic_clear_vector(vector, (char *)apic->regs + APIC_TMR);
		}

		/* deliver_interrupt() without APICv */
		kvm_lapic_set_irr(vector, apic);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_REMRD:
		result = 1;
		WRITE_ONCE(vcpu->arch.pv_unhalted, true);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_SMI:
		/* kvm_inject_smi() with CONFIG_KVM_SMM: always queued */
		atomic_inc(&vcpu->arch.smi_pending);
		kvm_vcpu_kick(vcpu);
		result = 1;
		break;

	case APIC_DM_NMI:
		result = 1;
		atomic_inc(&vcpu->arch.nmi_queued);	/* kvm_inject_nmi() */
		kvm_stat_inc(kvm, lapic_nmi);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_INIT:
		if (!trig_mode || level) {
			result = 1;
			/* only INIT and SIPI exist: INIT replaces both */
			WRITE_ONCE(apic->pending_events, 1UL << KVM_APIC_INIT);
			kvm_make_request(KVM_REQ_EVENT, vcpu);
			kvm_vcpu_kick(vcpu);
		}
		break;

	case APIC_DM_STARTUP:
		result = 1;
		WRITE_ONCE(apic->sipi_vector, vector);
		smp_wmb();	/* the vector before the pending bit */
		set_bit(KVM_APIC_SIPI, &apic->pending_events);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		break;

	case APIC_DM_EXTINT:
		/* Reached only through LVT0, which kvm_apic_accept_pic_intr() handles. */
		break;

	default:
		printk(KERN_ERR "TODO: unsupported delivery mode %x\n", delivery_mode);
		break;
	}

	if (result)
		kvm_stat_inc(kvm, lapic_accepted);
	return result;
}

/* ---- EOI ------------------------------------------------------------- */

/* kvm_ioapic_handles_vector() */
static bool kvm_ioapic_handles_vector(struct kvm_lapic *apic, int vector)
{
	return test_bit(vector, apic->vcpu->arch.ioapic_handled_vectors);
}

/* kvm_ioapic_send_eoi(): forward the EOI if the vector is in the EOI-exit bitmap */
static void kvm_ioapic_send_eoi(struct kvm_lapic *apic, int vector)
{
	struct kvm_vcpu *vcpu = apic->vcpu;
	int trigger_mode;

	if (!kvm_ioapic_handles_vector(apic, vector))
		return;

	/* An EOI for an IRQ of the old routing: the bitmap may now shrink. */
	if (vcpu->arch.highest_stale_pending_ioapic_eoi == vector)
		kvm_make_request(KVM_REQ_SCAN_IOAPIC, vcpu);

	if (irqchip_split(vcpu->kvm)) {
		/* KVM_EXIT_IOAPIC_EOI to the userspace IOAPIC */
		vcpu->arch.pending_ioapic_eoi = vector;
		kvm_make_request(KVM_REQ_IOAPIC_EOI_EXIT, vcpu);
		return;
	}

	if (apic_test_vector(vector, (char *)apic->regs + APIC_TMR))
		trigger_mode = IOAPIC_LEVEL_TRIG;
	else
		trigger_mode = IOAPIC_EDGE_TRIG;

	kvm_ioapic_update_eoi(vcpu, vector, trigger_mode);
}

/* apic_set_eoi(): retire the highest in-service vector */
int apic_set_eoi(struct kvm_lapic *apic)
{
	int vector = apic_find_highest_isr(apic);

	sim_trace_instant("irq", "apic_eoi", "vcpu=%d vec=%d", apic->vcpu->vcpu_id, vector);

	/* Not every EOI write has an in-service vector behind it. */
	if (vector == -1)
		return vector;

	apic_clear_isr(vector, apic);
	apic_update_ppr(apic);
	kvm_stat_inc(apic->vcpu->kvm, lapic_eoi);

	kvm_ioapic_send_eoi(apic, vector);
	kvm_make_request(KVM_REQ_EVENT, apic->vcpu);
	return vector;
}

/* kvm_lapic_set_eoi() */
void kvm_lapic_set_eoi(struct kvm_vcpu *vcpu)
{
	kvm_lapic_reg_write(vcpu->arch.apic, APIC_EOI, 0);
}

/* ---- IPIs ------------------------------------------------------------ */

/* kvm_icr_to_lapic_irq() */
static void kvm_icr_to_lapic_irq(struct kvm_lapic *apic, u32 icr_low, u32 icr_high,
				 struct kvm_lapic_irq *irq)
{
	WARN_ON_ONCE(icr_low & APIC_ICR_BUSY);

	irq->vector = icr_low & APIC_VECTOR_MASK;
	irq->delivery_mode = icr_low & APIC_MODE_MASK;
	irq->dest_mode = icr_low & APIC_DEST_MASK;
	irq->level = (icr_low & APIC_INT_ASSERT) != 0;
	irq->trig_mode = icr_low & APIC_INT_LEVELTRIG;
	irq->shorthand = icr_low & APIC_SHORT_MASK;
	irq->msi_redir_hint = false;
	if (apic_x2apic_mode(apic))
		irq->dest_id = icr_high;
	else
		irq->dest_id = GET_XAPIC_DEST_FIELD(icr_high);
}

/* kvm_apic_send_ipi() */
void kvm_apic_send_ipi(struct kvm_lapic *apic, u32 icr_low, u32 icr_high)
{
	struct kvm_lapic_irq irq;

	kvm_icr_to_lapic_irq(apic, icr_low, icr_high, &irq);
	kvm_irq_delivery_to_apic(apic->vcpu->kvm, apic, &irq, NULL);
}

/* ---- lifecycle ------------------------------------------------------- */

/* kvm_create_lapic() */
int kvm_create_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic;

	if (!irqchip_in_kernel(vcpu->kvm))
		return 0;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;

	apic->regs = kzalloc(LAPIC_MMIO_LENGTH, GFP_KERNEL_ACCOUNT);	/* get_zeroed_page() */
	if (!apic->regs) {
		kfree(apic);
		return -ENOMEM;
	}
	apic->vcpu = vcpu;
	apic->highest_isr_cache = -1;
	/* The guest CPUID has no CMCI (mcg_cap lacks MCG_CMCI_P): six LVTs. */
	apic->nr_lvt_entries = KVM_APIC_MAX_NR_LVT_ENTRIES - 1;
	/* The guest CPUID is assumed to have the TSC-deadline timer. */
	apic->lapic_timer.timer_mode_mask = 3 << 17;

	/* The full RESET value is set by kvm_lapic_reset(). */
	vcpu->arch.apic_base = MSR_IA32_APICBASE_ENABLE;
	kvm_iodevice_init(&apic->dev, &apic_mmio_ops);
	vcpu->arch.apic = apic;
	return 0;
}

/* kvm_free_lapic() */
void kvm_free_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	if (!apic)
		return;
	kfree(apic->regs);
	kfree(apic);
	vcpu->arch.apic = NULL;
}

/* kvm_apic_mode(): 0 disabled, 1 invalid, 2 xAPIC, 3 x2APIC */
static int kvm_apic_mode(u64 apic_base)
{
	return (apic_base & (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)) >> 10;
}

enum { LAPIC_MODE_DISABLED = 0, LAPIC_MODE_INVALID = 1,
       LAPIC_MODE_XAPIC = 2, LAPIC_MODE_X2APIC = 3 };

/* __kvm_apic_set_base() */
void __kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value)
{
	u64 old_value = vcpu->arch.apic_base;
	struct kvm_lapic *apic = vcpu->arch.apic;

	WRITE_ONCE(vcpu->arch.apic_base, value);

	if (!apic)
		return;

	if ((old_value ^ value) & MSR_IA32_APICBASE_ENABLE) {
		if (value & MSR_IA32_APICBASE_ENABLE)
			kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
		else
			atomic_set_release(&vcpu->kvm->arch.apic_map_dirty, DIRTY);
	}

	if ((old_value ^ value) & X2APIC_ENABLE) {
		if (value & X2APIC_ENABLE)
			kvm_apic_set_x2apic_id(apic, vcpu->vcpu_id);
		else if (value & MSR_IA32_APICBASE_ENABLE)
			kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
	}

	apic->base_address = value & MSR_IA32_APICBASE_BASE;
}

/*
 * kvm_apic_set_base(): 0, or 1 for a reserved bit / invalid mode / illegal
 * transition (#GP). MAXPHYADDR is taken as 46 bits.
 */
int kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value, bool host_initiated)
{
	int old_mode = kvm_apic_mode(vcpu->arch.apic_base);
	int new_mode = kvm_apic_mode(value);
	u64 reserved_bits = GENMASK_ULL(63, 46) | 0x2ff;

	if (vcpu->arch.apic_base == value)
		return 0;
	if ((value & reserved_bits) != 0 || new_mode == LAPIC_MODE_INVALID)
		return 1;
	if (!host_initiated) {
		if (old_mode == LAPIC_MODE_X2APIC && new_mode == LAPIC_MODE_XAPIC)
			return 1;
		if (old_mode == LAPIC_MODE_DISABLED && new_mode == LAPIC_MODE_X2APIC)
			return 1;
	}

	__kvm_apic_set_base(vcpu, value);
	kvm_recalculate_apic_map(vcpu->kvm);
	return 0;
}

/* kvm_apic_update_apicv() with APICv off: rebuild the ISR caches */
void kvm_apic_update_apicv(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;

	WRITE_ONCE(apic->irr_pending, true);
	apic->isr_count = count_vectors((char *)apic->regs + APIC_ISR);
	apic->highest_isr_cache = -1;
}

/* ---- the vCPU's side: acknowledge ------------------------------------ */

/* kvm_apic_has_interrupt(): highest IRR vector above PPR, or -1 */
int kvm_apic_has_interrupt(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 ppr;

	if (!kvm_apic_present(vcpu))
		return -1;

	__apic_update_ppr(apic, &ppr);
	return apic_has_interrupt_for_ppr(apic, ppr);
}

/* kvm_apic_accept_pic_intr(): LINT0 unmasked in ExtINT mode, or APIC off */
int kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu)
{
	u32 lvt0 = kvm_lapic_get_reg(vcpu->arch.apic, APIC_LVT0);

	if (!kvm_apic_hw_enabled(vcpu->arch.apic))
		return 1;
	if ((lvt0 & APIC_LVT_MASKED) == 0 &&
	    GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT)
		return 1;
	return 0;
}

/* kvm_apic_ack_interrupt(): IRR -> ISR, PPR raised */
void kvm_apic_ack_interrupt(struct kvm_vcpu *vcpu, int vector)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 ppr;

	if (WARN_ON_ONCE(vector < 0 || !apic))
		return;

	apic_clear_irr(vector, apic);
	apic_set_isr(vector, apic);
	__apic_update_ppr(apic, &ppr);
	kvm_stat_inc(vcpu->kvm, lapic_ack);
}

