/*
 * The in-kernel IOAPIC (arch/x86/kvm/ioapic.h): 24 redirection entries
 * behind an IOREGSEL/IOWIN MMIO window at 0xfec00000, per-source line
 * state, remote IRR, the RTC (GSI 8) EOI tracking and the EOI storm guard.
 *
 * Owner: the ioapic/pic team.
 */
#ifndef MODEL_IOAPIC_H
#define MODEL_IOAPIC_H

#include <kshim/kernel.h>
#include <kshim/bitops.h>
#include <kshim/list.h>
#include <kshim/spinlock.h>
#include <kshim/workqueue.h>
#include "kvm_host.h"
#include "iodev.h"

struct kvm;
struct kvm_vcpu;

#define IOAPIC_NUM_PINS			KVM_IOAPIC_NUM_PINS
#define MAX_NR_RESERVED_IOAPIC_PINS	KVM_MAX_IRQ_ROUTES
#define IOAPIC_VERSION_ID		0x11	/* IOAPIC version */
#define IOAPIC_EDGE_TRIG		0
#define IOAPIC_LEVEL_TRIG		1

#define IOAPIC_DEFAULT_BASE_ADDRESS	0xfec00000
#define IOAPIC_MEM_LENGTH		0x100

/* Direct registers (offsets inside the MMIO window). */
#define IOAPIC_REG_SELECT		0x00
#define IOAPIC_REG_WINDOW		0x10

/* Indirect registers (IOREGSEL values). */
#define IOAPIC_REG_APIC_ID		0x00	/* x86 IOAPIC only */
#define IOAPIC_REG_VERSION		0x01
#define IOAPIC_REG_ARB_ID		0x02	/* x86 IOAPIC only */

/* Delivery modes of a redirection entry (bits 10:8). */
#define IOAPIC_FIXED			0x0
#define IOAPIC_LOWEST_PRIORITY		0x1
#define IOAPIC_PMI			0x2
#define IOAPIC_NMI			0x4
#define IOAPIC_INIT			0x5
#define IOAPIC_EXTINT			0x7

#define RTC_GSI				8

/*
 * Where an interrupt was delivered (filled by kvm_irq_delivery_to_apic when
 * given a dest_map): one bit per vCPU id plus the vector it got. Used for
 * the RTC's EOI tracking.
 */
struct dest_map {
	DECLARE_BITMAP(map, KVM_MAX_VCPU_IDS);	/* vCPU ids that got the vector */
	u8 vectors[KVM_MAX_VCPU_IDS];		/* vector delivered, by vCPU id */
};

/* RTC coalescing state; protected by ioapic->lock. */
struct rtc_status {
	int pending_eoi;		/* vCPUs that got the RTC vector and did not EOI it */
	struct dest_map dest_map;
};

/* One 64-bit redirection table entry, in the uapi's bit layout. */
union kvm_ioapic_redirect_entry {
	u64 bits;
	struct {
		u8 vector;
		u8 delivery_mode:3;
		u8 dest_mode:1;		/* 1 = logical */
		u8 delivery_status:1;	/* read-only */
		u8 polarity:1;		/* stored, never applied */
		u8 remote_irr:1;	/* read-only; set on level delivery, cleared by EOI */
		u8 trig_mode:1;		/* 1 = level */
		u8 mask:1;
		u8 reserve:7;
		u8 reserved[4];
		u8 dest_id;
	} fields;
};

/*
 * The first fields mirror struct kvm_ioapic_state (KVM_GET/SET_IRQCHIP),
 * as in the kernel, which memcpy()s that prefix.
 */
struct kvm_ioapic {
	u64 base_address;		/* lock; SET_IRQCHIP may move it (device stays at the old one) */
	u32 ioregsel;			/* lock */
	u32 id;				/* lock */
	u32 irr;			/* lock: pins with an asserted (level) or latched (edge) line */
	u32 pad;			/* lock; kvm_ioapic_state's padding, copied by GET/SET */
	union kvm_ioapic_redirect_entry redirtbl[IOAPIC_NUM_PINS];	/* lock */
	unsigned long irq_states[IOAPIC_NUM_PINS];	/* lock: per-pin bitmask of asserting source ids */
	struct kvm_io_device dev;	/* MMIO device; registered under kvm->slots_lock */
	struct kvm *kvm;		/* immutable */
	spinlock_t lock;		/* plain spinlock, not irq-safe; dropped around ack notifiers */
	struct rtc_status rtc_status;	/* lock */
	struct delayed_work eoi_inject;	/* re-services level pins after an EOI storm; takes lock;
					   cancelled (sync) before the IOAPIC is freed */
	u32 irq_eoi[IOAPIC_NUM_PINS];	/* lock: successive EOIs that re-delivered at once */
	u32 irr_delivered;		/* lock: edge pins whose IRR bit was already delivered */
	struct hlist_head mask_notifier_list;	/* irq_srcu to read; kvm->irq_lock to write */
};

/*
 * Told when the guest masks or unmasks the pin a GSI is routed to (PIT
 * reinjection uses it in the kernel). irq is the GSI.
 */
struct kvm_irq_mask_notifier {
	void (*func)(struct kvm_irq_mask_notifier *kimn, bool masked);
	int irq;
	struct hlist_node link;		/* in ioapic->mask_notifier_list */
};

/*
 * __kvm_irq_line_state (arch/x86/include/asm/kvm_host.h): the pin's line is
 * the OR of every source's level. Shared by the IOAPIC and the PIC.
 */
static inline int __kvm_irq_line_state(unsigned long *irq_state, int irq_source_id, int level)
{
	if (level)
		__set_bit(irq_source_id, irq_state);
	else
		__clear_bit(irq_source_id, irq_state);
	return !!(*irq_state);
}

/* ioapic_in_kernel() */
static inline int ioapic_in_kernel(struct kvm *kvm)
{
	return irqchip_full(kvm);
}

int kvm_ioapic_init(struct kvm *kvm);
void kvm_ioapic_destroy(struct kvm *kvm);

/*
 * Assert (level != 0) or de-assert the pin for one source. Returns the
 * kvm_set_irq convention: -1 masked / not delivered, 0 coalesced, > 0
 * delivered (de-assert returns 1). The routing glue in irq.c calls it for
 * KVM_IRQ_ROUTING_IRQCHIP entries on the IOAPIC.
 */
int kvm_ioapic_set_irq(struct kvm_ioapic *ioapic, int irq, int irq_source_id,
		       int level, bool line_status);

/* The LAPIC forwards an EOI of a vector in ioapic_handled_vectors. */
void kvm_ioapic_update_eoi(struct kvm_vcpu *vcpu, int vector, int trigger_mode);

/* Per-vCPU EOI-exit bitmap (KVM_REQ_SCAN_IOAPIC). */
void kvm_ioapic_scan_entry(struct kvm_vcpu *vcpu, unsigned long *ioapic_handled_vectors);

/* KVM_GET_IRQCHIP / KVM_SET_IRQCHIP, chip_id KVM_IRQCHIP_IOAPIC. */
void kvm_get_ioapic(struct kvm *kvm, struct kvm_ioapic_state *state);
void kvm_set_ioapic(struct kvm *kvm, struct kvm_ioapic_state *state);

/* RTC EOI tracking after KVM_SET_LAPIC restored a vCPU's IRR/ISR. */
void kvm_rtc_eoi_tracking_restore_one(struct kvm_vcpu *vcpu);

/* Mask notifiers (the kernel keeps them in ioapic.c since 2025). */
void kvm_register_irq_mask_notifier(struct kvm *kvm, int irq,
				    struct kvm_irq_mask_notifier *kimn);
void kvm_unregister_irq_mask_notifier(struct kvm *kvm, int irq,
				      struct kvm_irq_mask_notifier *kimn);
void kvm_fire_mask_notifiers(struct kvm *kvm, unsigned int irqchip,
			     unsigned int pin, bool mask);

/* Called by kvm_(un)register_irq_ack_notifier: ack notifiers change the EOI-exit bitmaps. */
void kvm_arch_post_irq_ack_notifier_list_update(struct kvm *kvm);

#endif
