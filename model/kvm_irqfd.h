/*
 * irqfd and resampler objects: include/linux/kvm_irqfd.h, plus the
 * prototypes of virt/kvm/eventfd.c that the rest of the model calls.
 *
 * Owner: the eventfd team.
 */
#ifndef MODEL_KVM_IRQFD_H
#define MODEL_KVM_IRQFD_H

#include <kshim/list.h>
#include <kshim/seqlock.h>
#include <kshim/wait.h>
#include <kshim/workqueue.h>
#include <kshim/eventfd.h>
#include "kvm_host.h"

/*
 * Resampling irqfds emulate level-triggered interrupts: the eventfd
 * asserts the line, the guest's EOI (through this ack notifier)
 * de-asserts it and signals every resamplefd. All resampling irqfds on a
 * GSI share one resampler, one notifier and one irq source id, so one
 * de-assert covers them all.
 */
struct kvm_kernel_irqfd_resampler {
	struct kvm *kvm;			/* immutable */
	/*
	 * Irqfds sharing this GSI: RCU list, written under
	 * kvm->irqfds.resampler_lock, read under kvm->irq_srcu.
	 */
	struct list_head list;
	struct kvm_irq_ack_notifier notifier;	/* gsi immutable; link: irq_lock / irq_srcu */
	/*
	 * Node in kvm->irqfds.resampler_list: RCU list, written under
	 * resampler_lock, read under irq_srcu (kvm_notify_irqfd_resampler).
	 */
	struct list_head link;
};

struct kvm_kernel_irqfd {
	struct kvm *kvm;			/* immutable; no VM reference is held */
	/* hooked on the eventfd's wait queue; that queue's lock protects it */
	wait_queue_entry_t wait;
	/*
	 * Copy of the GSI's routing entry when it has exactly one (type 0
	 * otherwise): written under kvm->irqfds.lock inside irq_entry_sc's
	 * write section, read lock-free through the seqcount.
	 */
	struct kvm_kernel_irq_routing_entry irq_entry;
	seqcount_spinlock_t irq_entry_sc;	/* its writers hold irqfds.lock */
	int gsi;				/* immutable */
	/* slow path, on the system workqueue; the workqueue serialises it */
	struct work_struct inject;
	/* resampling irqfds only; all three set before publication */
	struct kvm_kernel_irqfd_resampler *resampler;
	struct eventfd_ctx *resamplefd;		/* reference held */
	struct list_head resampler_link;	/* in resampler->list (RCU) */
	struct eventfd_ctx *eventfd;		/* reference held; immutable */
	/* node in kvm->irqfds.items (irqfds.lock); empty = inactive */
	struct list_head list;
	struct work_struct shutdown;		/* on irqfd_cleanup_wq, runs once */
	/* irq bypass (posted interrupts) consumer/producer: not modelled */
};

/* ---- virt/kvm/eventfd.c ------------------------------------------------ */

/*
 * The rest of eventfd.c's interface (kvm_eventfd_init, kvm_irqfd,
 * kvm_irqfd_release, kvm_ioeventfd, kvm_irq_routing_update, the ack
 * notifier calls, kvm_notify_irqfd_resampler) is declared in kvm_host.h,
 * as in the kernel.
 */

/*
 * kvm_irqfd_init / kvm_irqfd_exit: the kernel creates irqfd_cleanup_wq at
 * module load. Here the queue is per simulation and reference counted:
 * kvm_eventfd_init() (kvm_create_vm) takes a reference, creating the queue
 * with the first VM; kvm_irqfd_release() (kvm_vm_release) drops it,
 * destroying the queue with the last VM. Balanced extra calls are harmless.
 */
int kvm_irqfd_init(void);
void kvm_irqfd_exit(void);

/* Does (irqchip, pin)'s GSI have an ack notifier? Takes irq_srcu. */
bool kvm_irq_has_notifier(struct kvm *kvm, unsigned int irqchip,
			  unsigned int pin);

/* x86 (ioapic.c): ack notifier list changed; rescan the IOAPIC's EOI exits. */
void kvm_arch_post_irq_ack_notifier_list_update(struct kvm *kvm);

#endif
