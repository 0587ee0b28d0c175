// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC's register page, after arch/x86/kvm/lapic.c: register
 * writes and reads (kvm_lapic_reg_write/_read), the xAPIC MMIO window and
 * the x2APIC MSRs, the RESET values (kvm_lapic_reset) and KVM_GET/SET_LAPIC.
 * No timer is modelled: TMICT/TDCR are stored, with the mode rules LVTT
 * imposes on TMICT, and TMCCT reads 0.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/mutex.h>

#include "kvm_host.h"
#include "lapic.h"
#include "ioapic.h"
#include "lapic_internal.h"

#define APIC_VERSION		0x14UL

enum {
	LVT_TIMER,
	LVT_THERMAL_MONITOR,
	LVT_PERFORMANCE_COUNTER,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_CMCI,
};

#define APIC_LVTx(x)	((x) == LVT_CMCI ? APIC_LVTCMCI : APIC_LVTT + 0x10 * (x))

#define LVT_MASK	(APIC_LVT_MASKED | APIC_SEND_PENDING | APIC_VECTOR_MASK)
#define LINT_MASK	(LVT_MASK | APIC_MODE_MASK | APIC_INPUT_POLARITY | \
			 APIC_LVT_REMOTE_IRR | APIC_LVT_LEVEL_TRIGGER)

static const unsigned int apic_lvt_mask[KVM_APIC_MAX_NR_LVT_ENTRIES] = {
	[LVT_TIMER] = LVT_MASK,
	[LVT_THERMAL_MONITOR] = LVT_MASK | APIC_MODE_MASK,
	[LVT_PERFORMANCE_COUNTER] = LVT_MASK | APIC_MODE_MASK,
	[LVT_LINT0] = LINT_MASK,
	[LVT_LINT1] = LINT_MASK,
	[LVT_ERROR] = LVT_MASK,
	[LVT_CMCI] = LVT_MASK | APIC_MODE_MASK,
};

/* ---- the register page ----------------------------------------------- */

/* apic_set_tpr() */
static void apic_set_tpr(struct kvm_lapic *apic, u32 tpr)
{
	kvm_lapic_set_reg(apic, APIC_TASKPRI, tpr);
	apic_update_ppr(apic);
}

/* apic_set_spiv(): a software-enable change reshapes the logical map */
static void apic_set_spiv(struct kvm_lapic *apic, u32 val)
{
	bool enabled = val & APIC_SPIV_APIC_ENABLED;

	kvm_lapic_set_reg(apic, APIC_SPIV, val);

	if (enabled != apic->sw_enabled) {
		WRITE_ONCE(apic->sw_enabled, enabled);
		atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
	}
}

/* kvm_apic_set_xapic_id() */
void kvm_apic_set_xapic_id(struct kvm_lapic *apic, u8 id)
{
	kvm_lapic_set_reg(apic, APIC_ID, (u32)id << 24);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_ldr() */
static void kvm_apic_set_ldr(struct kvm_lapic *apic, u32 id)
{
	kvm_lapic_set_reg(apic, APIC_LDR, id);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_dfr() */
static void kvm_apic_set_dfr(struct kvm_lapic *apic, u32 val)
{
	kvm_lapic_set_reg(apic, APIC_DFR, val);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/* kvm_apic_set_x2apic_id(): the LDR is derived from the id in x2APIC mode */
void kvm_apic_set_x2apic_id(struct kvm_lapic *apic, u32 id)
{
	u32 ldr = kvm_apic_calc_x2apic_ldr(id);

	WARN_ON_ONCE(id != (u32)apic->vcpu->vcpu_id);

	kvm_lapic_set_reg(apic, APIC_ID, id);
	kvm_lapic_set_reg(apic, APIC_LDR, ldr);
	atomic_set_release(&apic->vcpu->kvm->arch.apic_map_dirty, DIRTY);
}

/*
 * kvm_apic_set_version(): directed EOI is advertised only when the IOAPIC
 * is not in the kernel (the guest CPUID is assumed to have x2APIC).
 */
static void kvm_apic_set_version(struct kvm_vcpu *vcpu)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 v;

	if (!lapic_in_kernel(vcpu))
		return;

	v = APIC_VERSION | ((apic->nr_lvt_entries - 1) << 16);
	if (!irqchip_full(vcpu->kvm))
		v |= APIC_LVR_DIRECTED_EOI;
	kvm_lapic_set_reg(apic, APIC_LVR, v);
}

/* apic_manage_nmi_watchdog() (the per-VM count is not modelled) */
static void apic_manage_nmi_watchdog(struct kvm_lapic *apic, u32 lvt0_val)
{
	apic->lvt0_in_nmi_mode = (lvt0_val & (APIC_MODE_MASK | APIC_LVT_MASKED)) ==
				 APIC_DM_NMI;
}

/* apic_lvtt_tscdeadline() */
static inline bool apic_lvtt_tscdeadline(struct kvm_lapic *apic)
{
	return apic->lapic_timer.timer_mode == APIC_LVT_TIMER_TSCDEADLINE;
}

/*
 * apic_update_lvtt(): take the timer mode LVTT now selects. TMICT means
 * nothing in TSC-deadline mode, so entering or leaving it zeroes TMICT
 * (the kernel also cancels the timer there; no timer is modelled).
 */
static void apic_update_lvtt(struct kvm_lapic *apic)
{
	u32 timer_mode = kvm_lapic_get_reg(apic, APIC_LVTT) &
			 apic->lapic_timer.timer_mode_mask;

	if (apic->lapic_timer.timer_mode == timer_mode)
		return;
	if (apic_lvtt_tscdeadline(apic) != (timer_mode == APIC_LVT_TIMER_TSCDEADLINE))
		kvm_lapic_set_reg(apic, APIC_TMICT, 0);
	apic->lapic_timer.timer_mode = timer_mode;
}

/* get_lvt_index() */
static int get_lvt_index(u32 reg)
{
	if (reg == APIC_LVTCMCI)
		return LVT_CMCI;
	if (reg < APIC_LVTT || reg > APIC_LVTERR)
		return -1;
	return array_index_nospec((reg - APIC_LVTT) >> 4, (u32)KVM_APIC_MAX_NR_LVT_ENTRIES);
}

/* kvm_lapic_reg_write(): 0 done, 1 invalid register/value (#GP for an MSR write) */
int kvm_lapic_reg_write(struct kvm_lapic *apic, u32 reg, u32 val)
{
	int ret = 0;

	switch (reg) {
	case APIC_ID:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_xapic_id(apic, val >> 24);
		else
			ret = 1;
		break;

	case APIC_TASKPRI:
		apic_set_tpr(apic, val & 0xff);
		break;

	case APIC_EOI:
		apic_set_eoi(apic);
		break;

	case APIC_LDR:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_ldr(apic, val & APIC_LDR_MASK);
		else
			ret = 1;
		break;

	case APIC_DFR:
		if (!apic_x2apic_mode(apic))
			kvm_apic_set_dfr(apic, val | 0x0FFFFFFF);
		else
			ret = 1;
		break;

	case APIC_SPIV: {
		u32 mask = 0x3ff;
		int i;

		if (kvm_lapic_get_reg(apic, APIC_LVR) & APIC_LVR_DIRECTED_EOI)
			mask |= APIC_SPIV_DIRECTED_EOI;
		apic_set_spiv(apic, val & mask);
		if (!(val & APIC_SPIV_APIC_ENABLED)) {
			for (i = 0; i < apic->nr_lvt_entries; i++)
				kvm_lapic_set_reg(apic, APIC_LVTx(i),
						  kvm_lapic_get_reg(apic, APIC_LVTx(i)) |
						  APIC_LVT_MASKED);
			apic_update_lvtt(apic);
		}
		break;
	}

	case APIC_ICR:
		WARN_ON_ONCE(apic_x2apic_mode(apic));
		/* Delivery is immediate: the busy bit is always clear. */
		val &= ~APIC_ICR_BUSY;
		kvm_apic_send_ipi(apic, val, kvm_lapic_get_reg(apic, APIC_ICR2));
		kvm_lapic_set_reg(apic, APIC_ICR, val);
		break;

	case APIC_ICR2:
		if (apic_x2apic_mode(apic))
			ret = 1;
		else
			kvm_lapic_set_reg(apic, APIC_ICR2, val & 0xff000000);
		break;

	case APIC_LVT0:
		apic_manage_nmi_watchdog(apic, val);
		fallthrough;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_LVTCMCI: {
		int index = get_lvt_index(reg);

		if (index < 0 || apic->nr_lvt_entries <= index) {
			ret = 1;
			break;
		}
		if (!kvm_apic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		val &= apic_lvt_mask[index];
		kvm_lapic_set_reg(apic, reg, val);
		break;
	}

	case APIC_LVTT:
		if (!kvm_apic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		val &= (apic_lvt_mask[LVT_TIMER] | apic->lapic_timer.timer_mode_mask);
		kvm_lapic_set_reg(apic, APIC_LVTT, val);
		apic_update_lvtt(apic);
		break;

	case APIC_TMICT:
		/* In TSC-deadline mode the deadline MSR arms the timer, not TMICT. */
		if (apic_lvtt_tscdeadline(apic))
			break;
		/* The timer is not modelled: the count is only stored. */
		kvm_lapic_set_reg(apic, APIC_TMICT, val);
		break;

	case APIC_TDCR:
		kvm_lapic_set_reg(apic, APIC_TDCR, val & 0xb);
		break;

	case APIC_ESR:
		if (apic_x2apic_mode(apic) && val != 0)
			ret = 1;
		break;

	case APIC_SELF_IPI:
		/* x2APIC only; bits 7:0 are the vector, the rest is reserved. */
		if (!apic_x2apic_mode(apic) || (val & ~APIC_VECTOR_MASK))
			ret = 1;
		else
			kvm_apic_send_ipi(apic, APIC_DEST_SELF | val, 0);
		break;

	default:
		ret = 1;
		break;
	}

	/* Most writes leave the map clean and this returns at once. */
	kvm_recalculate_apic_map(apic->vcpu->kvm);
	return ret;
}

#define APIC_REG_MASK(reg)		(1ull << ((reg) >> 4))
#define APIC_REGS_MASK(first, count)	(APIC_REG_MASK(first) * ((1ull << (count)) - 1))

/* kvm_lapic_readable_reg_mask() */
static u64 kvm_lapic_readable_reg_mask(struct kvm_lapic *apic)
{
	u64 valid_reg_mask =
		APIC_REG_MASK(APIC_ID) |
		APIC_REG_MASK(APIC_LVR) |
		APIC_REG_MASK(APIC_TASKPRI) |
		APIC_REG_MASK(APIC_PROCPRI) |
		APIC_REG_MASK(APIC_LDR) |
		APIC_REG_MASK(APIC_SPIV) |
		APIC_REGS_MASK(APIC_ISR, APIC_ISR_NR) |
		APIC_REGS_MASK(APIC_TMR, APIC_ISR_NR) |
		APIC_REGS_MASK(APIC_IRR, APIC_ISR_NR) |
		APIC_REG_MASK(APIC_ESR) |
		APIC_REG_MASK(APIC_ICR) |
		APIC_REG_MASK(APIC_LVTT) |
		APIC_REG_MASK(APIC_LVTTHMR) |
		APIC_REG_MASK(APIC_LVTPC) |
		APIC_REG_MASK(APIC_LVT0) |
		APIC_REG_MASK(APIC_LVT1) |
		APIC_REG_MASK(APIC_LVTERR) |
		APIC_REG_MASK(APIC_TMICT) |
		APIC_REG_MASK(APIC_TMCCT) |
		APIC_REG_MASK(APIC_TDCR);

	if (apic->nr_lvt_entries > LVT_CMCI)
		valid_reg_mask |= APIC_REG_MASK(APIC_LVTCMCI);

	/* ARBPRI, DFR and ICR2 do not exist in x2APIC mode. */
	if (!apic_x2apic_mode(apic))
		valid_reg_mask |= APIC_REG_MASK(APIC_ARBPRI) |
				  APIC_REG_MASK(APIC_DFR) |
				  APIC_REG_MASK(APIC_ICR2);
	return valid_reg_mask;
}

/* __apic_read() */
static u32 __apic_read(struct kvm_lapic *apic, unsigned int offset)
{
	if (offset >= LAPIC_MMIO_LENGTH)
		return 0;

	switch (offset) {
	case APIC_ARBPRI:
		return 0;
	case APIC_TMCCT:	/* no timer: the current count reads 0 */
		return 0;
	case APIC_PROCPRI:
		apic_update_ppr(apic);
		return kvm_lapic_get_reg(apic, offset);
	default:
		return kvm_lapic_get_reg(apic, offset);
	}
}

/* kvm_lapic_reg_read(): 0 done, 1 invalid register or width */
int kvm_lapic_reg_read(struct kvm_lapic *apic, u32 offset, int len, void *data)
{
	unsigned char alignment = offset & 0xf;
	u32 result;

	if (alignment + len > 4)
		return 1;
	if (offset > 0x3f0 || !(kvm_lapic_readable_reg_mask(apic) & APIC_REG_MASK(offset)))
		return 1;

	result = __apic_read(apic, offset & ~0xf);

	switch (len) {
	case 1:
	case 2:
	case 4:
		memcpy(data, (char *)&result + alignment, len);
		break;
	default:
		printk(KERN_ERR "Local APIC read with len = %x, should be 1,2, or 4 instead\n", len);
		break;
	}
	return 0;
}

/* apic_mmio_in_range() */
static bool apic_mmio_in_range(struct kvm_lapic *apic, gpa_t addr)
{
	return addr >= apic->base_address && addr < apic->base_address + LAPIC_MMIO_LENGTH;
}

/*
 * apic_mmio_read(): outside the window -EOPNOTSUPP (the bus is tried next);
 * a disabled or x2APIC-mode APIC reads all-ones (KVM_X86_QUIRK_LAPIC_MMIO_HOLE,
 * on by default).
 */
static int apic_mmio_read(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			  gpa_t address, int len, void *data)
{
	struct kvm_lapic *apic = container_of(this, struct kvm_lapic, dev);
	u32 offset = address - apic->base_address;

	if (!apic_mmio_in_range(apic, address))
		return -EOPNOTSUPP;

	if (!kvm_apic_hw_enabled(apic) || apic_x2apic_mode(apic)) {
		memset(data, 0xff, len);
		return 0;
	}

	kvm_lapic_reg_read(apic, offset, len, data);
	return 0;
}

/* apic_mmio_write(): only aligned 4-byte writes reach a register */
static int apic_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			   gpa_t address, int len, const void *data)
{
	struct kvm_lapic *apic = container_of(this, struct kvm_lapic, dev);
	unsigned int offset = address - apic->base_address;
	u32 val;

	if (!apic_mmio_in_range(apic, address))
		return -EOPNOTSUPP;

	if (!kvm_apic_hw_enabled(apic) || apic_x2apic_mode(apic))
		return 0;	/* the MMIO hole quirk swallows it */

	/* Registers are 16-byte aligned and accessed 32 bits at a time (SDM 8.4.1). */
	if (len != 4 || (offset & 0xf))
		return 0;

	memcpy(&val, data, sizeof(val));
	kvm_lapic_reg_write(apic, offset & 0xff0, val);
	return 0;
}

const struct kvm_io_device_ops apic_mmio_ops = {
	.read = apic_mmio_read,
	.write = apic_mmio_write,
};

/* kvm_lapic_msr_write(): x2APIC registers through MSRs 0x800-0x8ff */
static int kvm_lapic_msr_write(struct kvm_lapic *apic, u32 reg, u64 data)
{
	if (reg == APIC_ICR) {
		if (data & (GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | BIT_ULL(13)))
			return 1;
		data &= ~(u64)APIC_ICR_BUSY;
		kvm_apic_send_ipi(apic, (u32)data, (u32)(data >> 32));
		kvm_lapic_set_reg(apic, APIC_ICR, (u32)data);
		kvm_lapic_set_reg(apic, APIC_ICR2, (u32)(data >> 32));
		return 0;
	}
	/* Bits 63:32 are reserved in every other register. */
	if (data >> 32)
		return 1;
	return kvm_lapic_reg_write(apic, reg, (u32)data);
}

/* kvm_x2apic_msr_write() */
int kvm_x2apic_msr_write(struct kvm_vcpu *vcpu, u32 msr, u64 data)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - 0x800) << 4;

	if (!lapic_in_kernel(vcpu) || !apic_x2apic_mode(apic))
		return 1;
	return kvm_lapic_msr_write(apic, reg, data);
}

/* kvm_x2apic_msr_read() */
int kvm_x2apic_msr_read(struct kvm_vcpu *vcpu, u32 msr, u64 *data)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - 0x800) << 4;
	u32 low;

	if (!lapic_in_kernel(vcpu) || !apic_x2apic_mode(apic))
		return 1;
	if (reg == APIC_ICR) {
		*data = (u64)kvm_lapic_get_reg(apic, APIC_ICR) |
			(u64)kvm_lapic_get_reg(apic, APIC_ICR2) << 32;
		return 0;
	}
	if (kvm_lapic_reg_read(apic, reg, 4, &low))
		return 1;
	*data = low;
	return 0;
}

/* ---- RESET ----------------------------------------------------------- */

/*
 * kvm_lapic_reset(): RESET (or INIT) state. After RESET the APIC is
 * hardware-enabled at 0xfee00000 but software-disabled (SPIV 0xff), so it
 * accepts no fixed interrupts until the guest sets SPIV bit 8.
 */
void kvm_lapic_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u64 msr_val;
	int i;

	if (!init_event) {
		msr_val = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE;
		if (kvm_vcpu_is_reset_bsp(vcpu))
			msr_val |= MSR_IA32_APICBASE_BSP;
		__kvm_apic_set_base(vcpu, msr_val);
	}

	if (!apic)
		return;

	/* The xAPIC id is set at RESET even if the APIC was already enabled. */
	if (!init_event)
		kvm_apic_set_xapic_id(apic, vcpu->vcpu_id);
	kvm_apic_set_version(apic->vcpu);

	for (i = 0; i < apic->nr_lvt_entries; i++)
		kvm_lapic_set_reg(apic, APIC_LVTx(i), APIC_LVT_MASKED);
	apic_update_lvtt(apic);
	/* KVM_X86_QUIRK_LINT0_REENABLED (default on): the BSP's LINT0 is ExtINT. */
	if (kvm_vcpu_is_reset_bsp(vcpu))
		kvm_lapic_set_reg(apic, APIC_LVT0, SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
	apic_manage_nmi_watchdog(apic, kvm_lapic_get_reg(apic, APIC_LVT0));

	kvm_apic_set_dfr(apic, 0xffffffffU);
	apic_set_spiv(apic, 0xff);
	kvm_lapic_set_reg(apic, APIC_TASKPRI, 0);
	if (!apic_x2apic_mode(apic))
		kvm_apic_set_ldr(apic, 0);
	kvm_lapic_set_reg(apic, APIC_ESR, 0);
	kvm_lapic_set_reg(apic, APIC_ICR, 0);
	kvm_lapic_set_reg(apic, APIC_ICR2, 0);
	kvm_lapic_set_reg(apic, APIC_TDCR, 0);
	kvm_lapic_set_reg(apic, APIC_TMICT, 0);
	for (i = 0; i < 8; i++) {
		kvm_lapic_set_reg(apic, APIC_IRR + 0x10 * i, 0);
		kvm_lapic_set_reg(apic, APIC_ISR + 0x10 * i, 0);
		kvm_lapic_set_reg(apic, APIC_TMR + 0x10 * i, 0);
	}
	kvm_apic_update_apicv(vcpu);
	apic_update_ppr(apic);

	vcpu->arch.apic_arb_prio = 0;

	kvm_recalculate_apic_map(vcpu->kvm);
}

/* ---- KVM_GET_LAPIC / KVM_SET_LAPIC ------------------------------------ */

/* kvm_apic_{get,set}_state()'s memcpy(), by register: IRR/TMR bits may be set concurrently. */
static void lapic_copy_regs(void *dst, const void *src)
{
	const u32 *s = src;
	u32 *d = dst;
	size_t i;

	for (i = 0; i < KVM_APIC_REG_SIZE / sizeof(u32); i++)
		WRITE_ONCE(d[i], READ_ONCE(s[i]));
}

/* kvm_apic_state_fixup() */
static int kvm_apic_state_fixup(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s, bool set)
{
	if (apic_x2apic_mode(vcpu->arch.apic)) {
		u32 x2apic_id = kvm_x2apic_id(vcpu->arch.apic);
		u32 id, ldr;

		memcpy(&id, s->regs + APIC_ID, sizeof(id));
		if (vcpu->kvm->arch.x2apic_format) {
			if (id != x2apic_id)
				return -EINVAL;
		} else {
			/* The x2APIC id is read-only; an old VMM's value is ignored. */
			id = set ? x2apic_id : x2apic_id << 24;
			memcpy(s->regs + APIC_ID, &id, sizeof(id));
		}
		if (set) {
			ldr = kvm_apic_calc_x2apic_ldr(x2apic_id);
			memcpy(s->regs + APIC_LDR, &ldr, sizeof(ldr));
		}
	}
	return 0;
}

/* kvm_apic_get_state() */
int kvm_apic_get_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	u32 tmcct;

	lapic_copy_regs(s->regs, vcpu->arch.apic->regs);
	tmcct = __apic_read(vcpu->arch.apic, APIC_TMCCT);
	memcpy(s->regs + APIC_TMCCT, &tmcct, sizeof(tmcct));
	return kvm_apic_state_fixup(vcpu, s, false);
}

/* kvm_apic_set_state() */
int kvm_apic_set_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct kvm_lapic *apic = vcpu->arch.apic;
	u32 spiv;
	int r;

	/* SPIV first, so that the software-enable bookkeeping stays right. */
	memcpy(&spiv, s->regs + APIC_SPIV, sizeof(spiv));
	apic_set_spiv(apic, spiv);

	r = kvm_apic_state_fixup(vcpu, s, true);
	if (r) {
		kvm_recalculate_apic_map(vcpu->kvm);
		return r;
	}
	lapic_copy_regs(apic->regs, s->regs);

	atomic_set_release(&vcpu->kvm->arch.apic_map_dirty, DIRTY);
	kvm_recalculate_apic_map(vcpu->kvm);
	kvm_apic_set_version(vcpu);

	apic_update_ppr(apic);
	/* May zero the restored TMICT, as in the kernel (mode switch vs the old mode). */
	apic_update_lvtt(apic);
	apic_manage_nmi_watchdog(apic, kvm_lapic_get_reg(apic, APIC_LVT0));
	kvm_lapic_set_reg(apic, APIC_TMCCT, 0);
	kvm_apic_update_apicv(vcpu);
	kvm_make_request(KVM_REQ_EVENT, vcpu);

	if (irqchip_full(vcpu->kvm))
		kvm_rtc_eoi_tracking_restore_one(vcpu);

	vcpu->arch.apic_arb_prio = 0;
	return 0;
}
