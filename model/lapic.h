/*
 * The local APIC: the interrupt-delivery half of arch/x86/kvm/lapic.h and
 * lapic.c (no timer, no APICv, no PV EOI), plus the register constants of
 * arch/x86/include/asm/apicdef.h that the irq code uses.
 *
 * Concurrency, as in the kernel: IRR and TMR bits are set by any task with
 * atomic bitops (delivery may come from an irqfd wakeup, an ioctl, another
 * vCPU); every other register, ISR and the caches are touched only by the
 * vCPU itself, i.e. under vcpu->mutex (guest-side operations and
 * KVM_GET/SET_LAPIC run under it).
 */
#ifndef MODEL_LAPIC_H
#define MODEL_LAPIC_H

#include "kvm_host.h"
#include "iodev.h"

/* ---- asm/apicdef.h ---------------------------------------------------- */
#define APIC_DEFAULT_PHYS_BASE	0xfee00000UL
#define APIC_ID			0x20
#define APIC_LVR		0x30
#define APIC_LVR_DIRECTED_EOI	(1 << 24)
#define APIC_TASKPRI		0x80
#define APIC_ARBPRI		0x90
#define APIC_PROCPRI		0xA0
#define APIC_EOI		0xB0
#define APIC_LDR		0xD0
#define APIC_LDR_MASK		(0xFFu << 24)
#define GET_APIC_LOGICAL_ID(x)	(((x) >> 24) & 0xFFu)
#define APIC_DFR		0xE0
#define APIC_DFR_CLUSTER	0x0FFFFFFFul
#define APIC_DFR_FLAT		0xFFFFFFFFul
#define APIC_SPIV		0xF0
#define APIC_SPIV_DIRECTED_EOI	(1 << 12)
#define APIC_SPIV_APIC_ENABLED	(1 << 8)
#define APIC_ISR		0x100
#define APIC_ISR_NR		0x8
#define APIC_TMR		0x180
#define APIC_IRR		0x200
#define APIC_ESR		0x280
#define APIC_LVTCMCI		0x2f0
#define APIC_ICR		0x300
#define APIC_DEST_SELF		0x40000
#define APIC_DEST_ALLINC	0x80000
#define APIC_DEST_ALLBUT	0xC0000
#define APIC_DEST_NOSHORT	0x0
#define APIC_SHORT_MASK		0xC0000
#define APIC_INT_LEVELTRIG	0x08000
#define APIC_INT_ASSERT		0x04000
#define APIC_ICR_BUSY		0x01000
#define APIC_DEST_LOGICAL	0x00800
#define APIC_DEST_PHYSICAL	0x00000
#define APIC_DEST_MASK		0x00800
#define APIC_DM_FIXED		0x00000
#define APIC_DM_FIXED_MASK	0x00700
#define APIC_DM_LOWEST		0x00100
#define APIC_DM_SMI		0x00200
#define APIC_DM_REMRD		0x00300
#define APIC_DM_NMI		0x00400
#define APIC_DM_INIT		0x00500
#define APIC_DM_STARTUP		0x00600
#define APIC_DM_EXTINT		0x00700
#define APIC_VECTOR_MASK	0x000FF
#define APIC_ICR2		0x310
#define GET_XAPIC_DEST_FIELD(x)	(((x) >> 24) & 0xFF)
#define APIC_LVTT		0x320
#define APIC_LVTTHMR		0x330
#define APIC_LVTPC		0x340
#define APIC_LVT0		0x350
#define APIC_LVT1		0x360
#define APIC_LVTERR		0x370
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3E0
#define APIC_SELF_IPI		0x3F0
#define APIC_MODE_MASK		0x700
#define APIC_MODE_FIXED		0x0
#define APIC_MODE_NMI		0x4
#define APIC_MODE_EXTINT	0x7
#define APIC_SEND_PENDING	(1 << 12)
#define APIC_INPUT_POLARITY	(1 << 13)
#define APIC_LVT_REMOTE_IRR	(1 << 14)
#define APIC_LVT_LEVEL_TRIGGER	(1 << 15)
#define APIC_LVT_MASKED		(1 << 16)
#define GET_APIC_DELIVERY_MODE(x)	(((x) >> 8) & 0x7)
#define SET_APIC_DELIVERY_MODE(x, y)	(((x) & ~0x700) | ((y) << 8))
#define APIC_BROADCAST		0xFF
#define X2APIC_BROADCAST	0xFFFFFFFFul

#define MSR_IA32_APICBASE_BSP		(1UL << 8)
#define X2APIC_ENABLE			(1UL << 10)
#define MSR_IA32_APICBASE_ENABLE	(1UL << 11)
#define MSR_IA32_APICBASE_BASE		(0xfffffUL << 12)

#define MAX_APIC_VECTOR		256
#define APIC_VECTORS_PER_REG	32
#define APIC_VECTOR_TO_BIT_NUMBER(v)	((unsigned int)(v) % APIC_VECTORS_PER_REG)
#define APIC_VECTOR_TO_REG_OFFSET(v)	(((unsigned int)(v) / APIC_VECTORS_PER_REG) << 4)

#define LAPIC_MMIO_LENGTH	(1 << 12)
#define KVM_APIC_MAX_NR_LVT_ENTRIES	7	/* timer, thermal, pmc, lint0, lint1, error, cmci */

/* pending_events bits */
#define KVM_APIC_INIT		0
#define KVM_APIC_SIPI		1

struct dest_map;		/* arch/x86/kvm/ioapic.h (ioapic team) */

#define APIC_LVT_TIMER_ONESHOT		(0 << 17)
#define APIC_LVT_TIMER_PERIODIC		(1 << 17)
#define APIC_LVT_TIMER_TSCDEADLINE	(2 << 17)

/*
 * The part of struct kvm_timer that is visible without a timer: which mode
 * LVTT selects decides whether TMICT is writable (not in TSC-deadline mode)
 * and switching into or out of TSC-deadline mode zeroes TMICT.
 */
struct kvm_timer {
	u32 timer_mode;			/* LVTT & timer_mode_mask as last applied; vcpu->mutex */
	u32 timer_mode_mask;		/* from the guest CPUID (TSC deadline assumed); immutable */
};

/*
 * Per-vCPU local APIC. regs is the 4 KiB register page, laid out as the
 * xAPIC MMIO page; see the header comment for who may touch what.
 */
struct kvm_lapic {
	unsigned long base_address;	/* from vcpu->arch.apic_base; vcpu->mutex */
	struct kvm_vcpu *vcpu;		/* immutable */
	bool sw_enabled;		/* SPIV bit 8 mirror; vcpu->mutex, READ_ONCE elsewhere */
	bool irr_pending;		/* hint: IRR may be non-empty; WRITE_ONCE by any task */
	bool lvt0_in_nmi_mode;		/* vcpu->mutex */
	s16 isr_count;			/* bits set in ISR; vcpu->mutex */
	int highest_isr_cache;		/* -1 = unknown; vcpu->mutex */
	int nr_lvt_entries;		/* immutable */
	unsigned long pending_events;	/* KVM_APIC_INIT/SIPI; atomic bitops */
	unsigned int sipi_vector;	/* written before the SIPI bit (smp_wmb) */
	struct kvm_timer lapic_timer;	/* see struct kvm_timer */
	void *regs;			/* 4 KiB page: IRR/TMR atomic bitops, rest vcpu->mutex */
	struct kvm_io_device dev;	/* the MMIO window; not on a bus, the vCPU tries it first */
};

enum kvm_apic_logical_mode {
	KVM_APIC_MODE_SW_DISABLED,	/* all APICs software-disabled */
	KVM_APIC_MODE_XAPIC_CLUSTER,
	KVM_APIC_MODE_XAPIC_FLAT,
	KVM_APIC_MODE_X2APIC,
	KVM_APIC_MODE_MAP_DISABLED,	/* mixed modes or aliasing: slow path only */
};

/* The optimized destination map: immutable once published (RCU). */
struct kvm_apic_map {
	struct rcu_head rcu;
	enum kvm_apic_logical_mode logical_mode;
	u32 max_apic_id;
	union {
		struct kvm_lapic *xapic_flat_map[8];
		struct kvm_lapic *xapic_cluster_map[16][4];
	};
	struct kvm_lapic *phys_map[];	/* max_apic_id + 1 entries */
};

/* __kvm_lapic_get_reg() (apic_get_reg() in the kernel) */
static inline u32 __kvm_lapic_get_reg(const void *regs, int reg_off)
{
	return READ_ONCE(*((u32 *)((char *)regs + reg_off)));
}

/* kvm_lapic_get_reg() */
static inline u32 kvm_lapic_get_reg(struct kvm_lapic *apic, int reg_off)
{
	return __kvm_lapic_get_reg(apic->regs, reg_off);
}

/* kvm_lapic_set_reg() */
static inline void kvm_lapic_set_reg(struct kvm_lapic *apic, int reg_off, u32 val)
{
	WRITE_ONCE(*((u32 *)((char *)apic->regs + reg_off)), val);
}

/* REG_POS()/VEC_POS(): IRR/ISR/TMR banks are 8 registers of 32 bits, 16 bytes apart. */
static inline unsigned long *apic_vector_word(int vec, void *bitmap)
{
	return (unsigned long *)((char *)bitmap + APIC_VECTOR_TO_REG_OFFSET(vec));
}

/* apic_test_vector() */
static inline bool apic_test_vector(int vec, void *bitmap)
{
	return test_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), apic_vector_word(vec, bitmap));
}

/* apic_set_vector() */
static inline void apic_set_vector(int vec, void *bitmap)
{
	set_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), apic_vector_word(vec, bitmap));
}

/* apic_clear_vector() */
static inline void apic_clear_vector(int vec, void *bitmap)
{
	clear_bit(APIC_VECTOR_TO_BIT_NUMBER(vec), apic_vector_word(vec, bitmap));
}

/* lapic_in_kernel() */
static inline bool lapic_in_kernel(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic != NULL;
}

/* kvm_apic_hw_enabled() (no static key) */
static inline bool kvm_apic_hw_enabled(struct kvm_lapic *apic)
{
	return READ_ONCE(apic->vcpu->arch.apic_base) & MSR_IA32_APICBASE_ENABLE;
}

/* kvm_apic_sw_enabled() (no static key) */
static inline bool kvm_apic_sw_enabled(struct kvm_lapic *apic)
{
	return READ_ONCE(apic->sw_enabled);
}

/* kvm_apic_present() */
static inline bool kvm_apic_present(struct kvm_vcpu *vcpu)
{
	return lapic_in_kernel(vcpu) && kvm_apic_hw_enabled(vcpu->arch.apic);
}

/* kvm_lapic_enabled() */
static inline bool kvm_lapic_enabled(struct kvm_vcpu *vcpu)
{
	return kvm_apic_present(vcpu) && kvm_apic_sw_enabled(vcpu->arch.apic);
}

/* apic_x2apic_mode() */
static inline bool apic_x2apic_mode(struct kvm_lapic *apic)
{
	return READ_ONCE(apic->vcpu->arch.apic_base) & X2APIC_ENABLE;
}

/* kvm_xapic_id() */
static inline u8 kvm_xapic_id(struct kvm_lapic *apic)
{
	return kvm_lapic_get_reg(apic, APIC_ID) >> 24;
}

/* kvm_lapic_irq_dest_mode() */
static inline u16 kvm_lapic_irq_dest_mode(bool dest_mode_logical)
{
	return dest_mode_logical ? APIC_DEST_LOGICAL : APIC_DEST_PHYSICAL;
}

/* kvm_vcpu_is_reset_bsp() */
static inline bool kvm_vcpu_is_reset_bsp(struct kvm_vcpu *vcpu)
{
	return vcpu->vcpu_id == 0;	/* kvm->arch.bsp_vcpu_id defaults to 0 */
}

/* lifecycle */
int kvm_create_lapic(struct kvm_vcpu *vcpu);
void kvm_free_lapic(struct kvm_vcpu *vcpu);
void kvm_lapic_reset(struct kvm_vcpu *vcpu, bool init_event);
int kvm_apic_set_base(struct kvm_vcpu *vcpu, u64 value, bool host_initiated);

/* delivery */
bool kvm_apic_match_dest(struct kvm_vcpu *vcpu, struct kvm_lapic *source,
			 int shorthand, unsigned int dest, int dest_mode);
int kvm_apic_set_irq(struct kvm_vcpu *vcpu, struct kvm_lapic_irq *irq,
		     struct dest_map *dest_map);
bool kvm_irq_delivery_to_apic_fast(struct kvm *kvm, struct kvm_lapic *src,
				   struct kvm_lapic_irq *irq, int *r,
				   struct dest_map *dest_map);
int kvm_irq_delivery_to_apic(struct kvm *kvm, struct kvm_lapic *src,
			     struct kvm_lapic_irq *irq, struct dest_map *dest_map);
bool kvm_apic_pending_eoi(struct kvm_vcpu *vcpu, int vector);
void kvm_recalculate_apic_map(struct kvm *kvm);
void kvm_free_apic_map(struct kvm *kvm);
void kvm_apic_send_ipi(struct kvm_lapic *apic, u32 icr_low, u32 icr_high);
void kvm_bitmap_or_dest_vcpus(struct kvm *kvm, struct kvm_lapic_irq *irq,
			      unsigned long *vcpu_bitmap);

/* the vCPU's side (caller holds vcpu->mutex) */
int kvm_apic_has_interrupt(struct kvm_vcpu *vcpu);
void kvm_apic_ack_interrupt(struct kvm_vcpu *vcpu, int vector);
int kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu);
void kvm_lapic_set_eoi(struct kvm_vcpu *vcpu);
int kvm_lapic_reg_write(struct kvm_lapic *apic, u32 reg, u32 val);
int kvm_lapic_reg_read(struct kvm_lapic *apic, u32 offset, int len, void *data);
int kvm_x2apic_msr_write(struct kvm_vcpu *vcpu, u32 msr, u64 data);
int kvm_x2apic_msr_read(struct kvm_vcpu *vcpu, u32 msr, u64 *data);
int kvm_apic_get_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s);
int kvm_apic_set_state(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s);
void kvm_apic_update_ppr(struct kvm_vcpu *vcpu);


/* The "vector_hashing" module parameter (default true); tests flip it. */
extern bool kvm_vector_hashing_enabled;

#endif
