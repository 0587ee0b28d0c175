/*
 * The in-kernel dual 8259 PIC (arch/x86/kvm/i8259.c and the struct kvm_pic
 * part of arch/x86/kvm/irq.h): master and slave cascaded on master pin 2,
 * ports 0x20-0x21, 0xa0-0xa1 and the ELCR at 0x4d0-0x4d1.
 *
 * Owner: the ioapic/pic team.
 */
#ifndef MODEL_I8259_H
#define MODEL_I8259_H

#include <kshim/kernel.h>
#include <kshim/spinlock.h>
#include "kvm_host.h"
#include "iodev.h"

#define PIC_NUM_PINS 16
#define SELECT_PIC(irq) \
	((irq) < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE)

struct kvm;
struct kvm_vcpu;
struct kvm_pic;

/*
 * One 8259. The fields up to elcr_mask are struct kvm_pic_state
 * (KVM_GET/SET_IRQCHIP). All of them are protected by the owning
 * kvm_pic's lock.
 */
struct kvm_kpic_state {
	u8 last_irr;		/* line levels seen so far (edge detection) */
	u8 irr;			/* interrupt request register */
	u8 imr;			/* interrupt mask register */
	u8 isr;			/* interrupt service register */
	u8 priority_add;	/* pin with the highest priority (rotation) */
	u8 irq_base;		/* ICW2: vector of pin 0 */
	u8 read_reg_select;	/* OCW3: even port reads ISR (1) or IRR (0) */
	u8 poll;		/* OCW3 poll command pending */
	u8 special_mask;	/* OCW3 special mask mode (stored only) */
	u8 init_state;		/* 0 ready, 1..3 expecting ICW2..ICW4 */
	u8 auto_eoi;		/* ICW4 AEOI */
	u8 rotate_on_auto_eoi;	/* OCW2 rotate in AEOI mode */
	u8 special_fully_nested_mode;	/* ICW4 SFNM */
	u8 init4;		/* ICW1 says ICW4 follows */
	u8 elcr;		/* PIIX edge/level control: 1 = level */
	u8 elcr_mask;		/* ELCR bits that may be set (immutable) */
	struct kvm_pic *pics_state;	/* back pointer; immutable */
};

struct kvm_pic {
	spinlock_t lock;	/* plain spinlock, not irq-safe; dropped around ack notifiers */
	bool wakeup_needed;	/* lock: output rose; kick a vCPU after unlocking */
	struct kvm *kvm;	/* immutable */
	struct kvm_kpic_state pics[2];	/* lock: 0 master, 1 slave */
	int output;		/* lock (cleared unlocked by INTA, as the kernel does): INTR to the CPU */
	/* PIO devices, (un)registered under kvm->slots_lock; immutable ops */
	struct kvm_io_device dev_master;	/* PIO 0x20-0x21 */
	struct kvm_io_device dev_slave;		/* PIO 0xa0-0xa1 */
	struct kvm_io_device dev_elcr;		/* PIO 0x4d0-0x4d1 */
	unsigned long irq_states[PIC_NUM_PINS];	/* lock: per-pin bitmask of asserting source ids */
};

/* pic_in_kernel() */
static inline int pic_in_kernel(struct kvm *kvm)
{
	return irqchip_full(kvm);
}

int kvm_pic_init(struct kvm *kvm);
void kvm_pic_destroy(struct kvm *kvm);

/*
 * Set the line of pin irq (0-15; 8-15 = slave) for one source. Returns -1
 * when the pin is masked, 0 when coalesced into a pending IRR bit, 1
 * otherwise (including an edge pin whose line was already high).
 */
int kvm_pic_set_irq(struct kvm_pic *pic, int irq, int irq_source_id, int level);

/* INTA cycle: the vector the PIC hands to the CPU (spurious: irq_base + 7). */
int kvm_pic_read_irq(struct kvm *kvm);

/* Recompute the cascade and the output line (after SET_IRQCHIP). */
void kvm_pic_update_irq(struct kvm_pic *s);

/*
 * KVM_GET_IRQCHIP / KVM_SET_IRQCHIP for chip_id KVM_IRQCHIP_PIC_MASTER or
 * _SLAVE (0/1): copy one 8259's state out / in under pic->lock. -EINVAL
 * for another chip id. kvm_vm_ioctl_set_irqchip calls kvm_pic_update_irq
 * afterwards, as in the kernel.
 */
int kvm_pic_get_state(struct kvm_pic *pic, int chip_id, struct kvm_pic_state *state);
int kvm_pic_set_state(struct kvm_pic *pic, int chip_id, const struct kvm_pic_state *state);

#endif
