/*
 * virt/kvm/eventfd.c: irqfd (eventfd -> guest interrupt, with the MSI fast
 * path in the wakeup and the inject work as slow path), resampling irqfds
 * (level-triggered lines de-asserted on EOI), the irq ack notifiers, and
 * ioeventfd (guest PIO/MMIO write -> eventfd signal).
 *
 * Behaviour follows Linux 6.18 with the 2025 registration rework (the
 * irqfd is hooked on the eventfd inside vfs_poll with irqfds.lock held, as
 * an exclusive priority waiter, so one eventfd backs at most one irqfd in
 * any VM) and the 2026 "inactive irqfd takes the slow path" fix.
 */
#include <kshim/kernel.h>
#include <kshim/eventfd.h>
#include <kshim/file.h>
#include <kshim/poll.h>
#include <kshim/rculist.h>
#include <kshim/seqlock.h>
#include <kshim/slab.h>
#include <kshim/srcu.h>
#include <kshim/wait.h>
#include <kshim/workqueue.h>

#include "kvm_host.h"
#include "kvm_irqfd.h"
#include "iodev.h"

/* ---- the cleanup workqueue ------------------------------------------- */

/*
 * The kernel has one irqfd_cleanup_wq for the whole host, created at module
 * load. Here it belongs to the simulation: created with the first VM that
 * initialises its eventfd state, destroyed when the last VM released its
 * irqfds. Its users are counted under irqfd_wq_mutex; a count left over
 * from a simulation destroyed with VMs still alive is dropped.
 */
static DEFINE_MUTEX(irqfd_wq_mutex);
static struct workqueue_struct *irqfd_cleanup_wq;	/* irqfd_wq_mutex to change */
static struct sim *irqfd_cleanup_sim;			/* owner of irqfd_cleanup_wq */
static unsigned int irqfd_wq_users;			/* VMs using it; irqfd_wq_mutex */

/* kvm_irqfd_init: take a reference on the cleanup queue, creating it if needed. */
int kvm_irqfd_init(void)
{
	int ret = 0;

	mutex_lock(&irqfd_wq_mutex);
	if (irqfd_cleanup_sim != sim_current()) {
		/* the previous simulation took its workqueues with it */
		irqfd_cleanup_wq = NULL;
		irqfd_wq_users = 0;
		irqfd_cleanup_sim = sim_current();
	}
	if (!irqfd_cleanup_wq) {
		irqfd_cleanup_wq = alloc_workqueue("kvm-irqfd-cleanup", 0, 0);
		if (!irqfd_cleanup_wq)
			ret = -ENOMEM;
	}
	if (!ret)
		irqfd_wq_users++;
	mutex_unlock(&irqfd_wq_mutex);
	return ret;
}

/* kvm_irqfd_exit: drop a reference; the last one destroys the queue. */
void kvm_irqfd_exit(void)
{
	struct workqueue_struct *wq = NULL;

	mutex_lock(&irqfd_wq_mutex);
	if (irqfd_cleanup_sim == sim_current() && irqfd_wq_users &&
	    --irqfd_wq_users == 0) {
		wq = irqfd_cleanup_wq;
		irqfd_cleanup_wq = NULL;
	}
	mutex_unlock(&irqfd_wq_mutex);
	if (wq)
		destroy_workqueue(wq);
}

/* ---- the cached routing entry ------------------------------------------ */

/*
 * Model-only: the struct copies "irqfd->irq_entry = *e" (irqfd_update) and
 * "irq = irqfd->irq_entry" (irqfd_wakeup). The seqcount protects a
 * multi-word copy: both sides move it word by word with relaxed atomics,
 * so a torn read is caught by the retry and never reported as a data race.
 */
static void irq_entry_store(struct kvm_kernel_irq_routing_entry *dst,
			    const struct kvm_kernel_irq_routing_entry *src)
{
	const unsigned long *s = (const unsigned long *)src;
	unsigned long *d = (unsigned long *)dst;
	size_t i;

	BUILD_BUG_ON(sizeof(*dst) % sizeof(unsigned long));
	for (i = 0; i < sizeof(*dst) / sizeof(unsigned long); i++)
		__atomic_store_n(&d[i], s[i], __ATOMIC_RELAXED);
}

/* Model-only: the reader's half of the copy above. */
static void irq_entry_load(struct kvm_kernel_irq_routing_entry *dst,
			   const struct kvm_kernel_irq_routing_entry *src)
{
	const unsigned long *s = (const unsigned long *)src;
	unsigned long *d = (unsigned long *)dst;
	size_t i;

	for (i = 0; i < sizeof(*dst) / sizeof(unsigned long); i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

/* ---- irqfd: injection ---------------------------------------------------- */

/* irqfd_inject: the slow path, in process context on the system workqueue. */
static void irqfd_inject(struct work_struct *work)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(work, struct kvm_kernel_irqfd, inject);
	struct kvm *kvm = irqfd->kvm;

	kvm_stat_inc(kvm, irqfd_slow);
	if (!irqfd->resampler) {
		/* edge: a pulse on the userspace source */
		kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 1, false);
		kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 0, false);
	} else {
		/* level: stays asserted until the guest's EOI resamples it */
		kvm_set_irq(kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, irqfd->gsi,
			    1, false);
	}
}

/* irqfd_resampler_notify: signal every member's resamplefd; caller holds irq_srcu. */
static void irqfd_resampler_notify(struct kvm_kernel_irqfd_resampler *resampler)
{
	struct kvm *kvm = resampler->kvm;
	struct kvm_kernel_irqfd *irqfd;

	list_for_each_entry_srcu(irqfd, &resampler->list, resampler_link,
				 srcu_read_lock_held(&kvm->irq_srcu)) {
		kvm_stat_inc(kvm, resampler_signal);
		eventfd_signal(irqfd->resamplefd);
	}
}

/*
 * irqfd_resampler_ack: the guest acknowledged the GSI. One de-assert for
 * all members (they share the resample source id; de-asserting per member
 * could race with a member re-asserting), then one signal per member.
 */
static void irqfd_resampler_ack(struct kvm_irq_ack_notifier *kian)
{
	struct kvm_kernel_irqfd_resampler *resampler =
		container_of(kian, struct kvm_kernel_irqfd_resampler, notifier);
	struct kvm *kvm = resampler->kvm;
	int idx;

	kvm_stat_inc(kvm, resampler_ack);
	kvm_set_irq(kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID,
		    resampler->notifier.gsi, 0, false);

	idx = srcu_read_lock(&kvm->irq_srcu);
	irqfd_resampler_notify(resampler);
	srcu_read_unlock(&kvm->irq_srcu, idx);
}

/*
 * irqfd_resampler_shutdown: detach irqfd from its resampler. The last
 * member takes the resampler down: unlisted, notifier unregistered (which
 * waits for irq_srcu readers), line de-asserted, freed. Otherwise wait for
 * irq_srcu readers of resampler->list so the caller may free irqfd.
 */
static void irqfd_resampler_shutdown(struct kvm_kernel_irqfd *irqfd)
{
	struct kvm_kernel_irqfd_resampler *resampler = irqfd->resampler;
	struct kvm *kvm = resampler->kvm;

	mutex_lock(&kvm->irqfds.resampler_lock);

	list_del_rcu(&irqfd->resampler_link);

	if (list_empty(&resampler->list)) {
		list_del_rcu(&resampler->link);
		/* includes synchronize_srcu_expedited(&kvm->irq_srcu) */
		kvm_unregister_irq_ack_notifier(kvm, &resampler->notifier);
		kvm_set_irq(kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID,
			    resampler->notifier.gsi, 0, false);
		kfree(resampler);
	} else {
#ifndef IRQSIM_BUG_RESAMPLER_NO_GP
		synchronize_srcu_expedited(&kvm->irq_srcu);
#endif
		/*
		 * IRQSIM_BUG_RESAMPLER_NO_GP: no grace period, so the caller
		 * frees irqfd under an ack still walking resampler->list: the
		 * kfree-before-grace-period caught in review of "kvm: Add
		 * resampling irqfds for level triggered interrupts" (2012).
		 */
	}

	mutex_unlock(&kvm->irqfds.resampler_lock);
}

/* ---- irqfd: lifecycle ---------------------------------------------------- */

/*
 * irqfd_shutdown: on irqfd_cleanup_wq, exactly once per irqfd, after
 * irqfd_deactivate. Ordering is critical.
 */
static void irqfd_shutdown(struct work_struct *work)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(work, struct kvm_kernel_irqfd, shutdown);
	struct kvm *kvm = irqfd->kvm;
	u64 cnt;

	/*
	 * 1. EPOLLHUP may deactivate an irqfd whose assign has not returned
	 *    yet; assign holds irq_srcu until the irqfd is fully set up.
	 */
	synchronize_srcu_expedited(&kvm->irq_srcu);

	/* 2. Unhook from the eventfd (under its wait-queue lock): no new wakeups. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);

	/* 3. Wait for a slow-path injection already queued or running. */
	flush_work(&irqfd->inject);

	/* 4. Leave the resampler (de-asserts and frees it if last). */
	if (irqfd->resampler) {
		irqfd_resampler_shutdown(irqfd);
		eventfd_ctx_put(irqfd->resamplefd);
	}

	/* 5. Nothing can reach irqfd any more. */
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
	kvm_stat_inc(kvm, irqfd_shutdown);
}

/* irqfd_is_active: listed in kvm->irqfds.items. Lockless read in irqfd_wakeup. */
static bool irqfd_is_active(struct kvm_kernel_irqfd *irqfd)
{
	/*
	 * irqfds.lock makes the answer exact. Without it a true may already
	 * be stale, but a false never is (nothing is listed again), and
	 * irq_srcu keeps the routing the caller is about to use stable.
	 */
	lockdep_assert_once(lockdep_is_held(&irqfd->kvm->irqfds.lock) ||
			    srcu_read_lock_held(&irqfd->kvm->irq_srcu));
	return !list_empty(&irqfd->list);
}

/* irqfd_deactivate: unlist and queue the shutdown; caller holds irqfds.lock. */
static void irqfd_deactivate(struct kvm_kernel_irqfd *irqfd)
{
	lockdep_assert_held(&irqfd->kvm->irqfds.lock);
	BUG_ON(!irqfd_is_active(irqfd));

	list_del_init(&irqfd->list);
	queue_work(irqfd_cleanup_wq, &irqfd->shutdown);
}

/*
 * irqfd_wakeup: the eventfd's wait-queue callback, with the wait-queue
 * lock held and irqs off. Never takes irqfds.lock for EPOLLIN:
 * registration holds irqfds.lock while taking the wait-queue lock.
 */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			int sync, void *key)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(wait, struct kvm_kernel_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct kvm_kernel_irq_routing_entry irq;
	struct kvm *kvm = irqfd->kvm;
	unsigned int seq;
	int idx, ret = 0;

	if (flags & EPOLLIN) {
		u64 cnt;

		/* the irqfd consumes the count: userspace never reads it */
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);

		idx = srcu_read_lock(&kvm->irq_srcu);
#ifdef IRQSIM_BUG_FASTPATH_NO_SEQCOUNT
		/*
		 * A plain copy, word by word (READ_ONCE: a switch point in
		 * fine mode), racing kvm_irq_routing_update: the torn read the
		 * seqcount of "KVM: Don't keep reference to irq routing table
		 * in irqfd struct" (2014) prevents.
		 */
		for (seq = 0; seq < sizeof(irq) / sizeof(long); seq++)
			((unsigned long *)&irq)[seq] =
				READ_ONCE(((unsigned long *)&irqfd->irq_entry)[seq]);
		(void)irq_entry_load;
#else
		do {
			seq = read_seqcount_begin(&irqfd->irq_entry_sc);
			irq_entry_load(&irq, &irqfd->irq_entry);
		} while (read_seqcount_retry(&irqfd->irq_entry_sc, seq));
#endif

		/*
		 * An inactive irqfd gets no routing updates any more, so its
		 * copy may be stale: let the inject work resolve the GSI.
		 */
		if (unlikely(!irqfd_is_active(irqfd)) ||
		    kvm_arch_set_irq_inatomic(&irq, kvm,
					      KVM_USERSPACE_IRQ_SOURCE_ID, 1,
					      false) == -EWOULDBLOCK)
			schedule_work(&irqfd->inject);
		else
			kvm_stat_inc(kvm, irqfd_fast);
		srcu_read_unlock(&kvm->irq_srcu, idx);
		ret = 1;	/* exclusive: later waiters are not woken */
	}

	if (flags & EPOLLHUP) {
		unsigned long iflags;

		/*
		 * The eventfd is being released. irqfds.lock is safe here:
		 * registration holds an eventfd reference, so this cannot
		 * run while kvm_irqfd_register holds irqfds.lock. Shutdown
		 * unhooks under the wait-queue lock we hold, so the irqfd
		 * cannot be freed under us; it may already be inactive.
		 */
		spin_lock_irqsave(&kvm->irqfds.lock, iflags);
		if (irqfd_is_active(irqfd)) {
			irqfd_deactivate(irqfd);
			kvm_stat_inc(kvm, irqfd_hup);
		}
		spin_unlock_irqrestore(&kvm->irqfds.lock, iflags);
	}

	return ret;
}

/*
 * irqfd_update: refresh the cached routing entry; caller holds irqfds.lock
 * and either irq_srcu or irq_lock (for kvm_irq_map_gsi). Only a GSI with
 * exactly one entry can take the fast path.
 */
static void irqfd_update(struct kvm *kvm, struct kvm_kernel_irqfd *irqfd)
{
	struct kvm_kernel_irq_routing_entry entries[KVM_NR_IRQCHIPS];
	int n_entries;

	lockdep_assert_held(&kvm->irqfds.lock);

	n_entries = kvm_irq_map_gsi(kvm, entries, irqfd->gsi);

	write_seqcount_begin(&irqfd->irq_entry_sc);
	if (n_entries == 1)
		irq_entry_store(&irqfd->irq_entry, &entries[0]);
	else
		WRITE_ONCE(irqfd->irq_entry.type, 0);
	write_seqcount_end(&irqfd->irq_entry_sc);
}

/* struct kvm_irqfd_pt: the poll table of one assign, on its stack (task-local). */
struct kvm_irqfd_pt {
	struct kvm_kernel_irqfd *irqfd;	/* the irqfd being assigned */
	struct kvm *kvm;
	poll_table pt;			/* its callback is kvm_irqfd_register */
	int ret;			/* set by kvm_irqfd_register: 0 or -EBUSY */
};

/*
 * list_add_tail(&irqfd->list, &kvm->irqfds.items), publishing the entry's
 * own ->next with WRITE_ONCE: irqfd_wakeup may already run (the irqfd is
 * hooked) and reads it locklessly through irqfd_is_active().
 */
static void irqfd_list_add_tail(struct kvm_kernel_irqfd *irqfd, struct kvm *kvm)
{
	struct list_head *head = &kvm->irqfds.items, *prev = head->prev;

	head->prev = &irqfd->list;
	irqfd->list.prev = prev;
	WRITE_ONCE(irqfd->list.next, head);
	WRITE_ONCE(prev->next, &irqfd->list);
}

/*
 * kvm_irqfd_register: the poll table callback, run by vfs_poll with the
 * eventfd's wait-queue head. Under irqfds.lock: set the routing copy
 * before the irqfd can be woken, hook it as the eventfd's only priority
 * waiter (-EBUSY if the eventfd already backs an irqfd in any VM), and
 * list it, so "hooked" and "listed" change together for routing updates.
 */
static void kvm_irqfd_register(struct file *file, wait_queue_head_t *wqh,
			       poll_table *pt)
{
	struct kvm_irqfd_pt *p = container_of(pt, struct kvm_irqfd_pt, pt);
	struct kvm_kernel_irqfd *irqfd = p->irqfd;
	struct kvm *kvm = p->kvm;

	spin_lock_irq(&kvm->irqfds.lock);

	irqfd_update(kvm, irqfd);

	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);

	/*
	 * Hide irqfds.lock from lockdep while the wait-queue lock is taken:
	 * EPOLLHUP takes them in the other order, which cannot happen now
	 * because we hold a reference on the eventfd (the kernel does the same).
	 */
	spin_release(&kvm->irqfds.lock.dep_map, _RET_IP_);
	p->ret = add_wait_queue_priority_exclusive(wqh, &irqfd->wait);
	spin_acquire(&kvm->irqfds.lock.dep_map, 0, 0, _RET_IP_);
	if (!p->ret)
		irqfd_list_add_tail(irqfd, kvm);

	spin_unlock_irq(&kvm->irqfds.lock);
}

/* kvm_irqfd_assign */
static int kvm_irqfd_assign(struct kvm *kvm, struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd = NULL, *resamplefd = NULL;
	struct kvm_kernel_irqfd *irqfd;
	struct kvm_irqfd_pt irqfd_pt;
	__poll_t events;
	struct fd f;
	int ret, idx;

	/* kvm_arch_intc_initialized() is always true on x86 */
	if (!kvm_arch_irqfd_allowed(kvm, args))
		return -EINVAL;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;

	irqfd->kvm = kvm;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->inject, irqfd_inject);
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);
	seqcount_spinlock_init(&irqfd->irq_entry_sc, &kvm->irqfds.lock);

	f = fdget(args->fd);
	if (fd_empty(f)) {
		ret = -EBADF;
		goto out;
	}

	eventfd = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(eventfd)) {
		ret = PTR_ERR(eventfd);
		eventfd = NULL;
		goto out_fdput;
	}
	irqfd->eventfd = eventfd;

	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		struct kvm_kernel_irqfd_resampler *resampler;

		resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(resamplefd)) {
			ret = PTR_ERR(resamplefd);
#ifndef IRQSIM_BUG_EVENTFD_ERR_AS_NULL
			resamplefd = NULL;
#endif
			/*
			 * IRQSIM_BUG_EVENTFD_ERR_AS_NULL: the unwind tests for
			 * NULL and puts the ERR_PTR, as fixed by "KVM: correct
			 * error-handling code" (2009).
			 */
			goto fail;
		}
		irqfd->resamplefd = resamplefd;
		INIT_LIST_HEAD(&irqfd->resampler_link);

		mutex_lock(&kvm->irqfds.resampler_lock);

		list_for_each_entry(resampler, &kvm->irqfds.resampler_list, link) {
			if (resampler->notifier.gsi == (unsigned int)irqfd->gsi) {
				irqfd->resampler = resampler;
				break;
			}
		}

		if (!irqfd->resampler) {
			resampler = kzalloc(sizeof(*resampler), GFP_KERNEL_ACCOUNT);
			if (!resampler) {
				ret = -ENOMEM;
				mutex_unlock(&kvm->irqfds.resampler_lock);
				goto fail;
			}
			resampler->kvm = kvm;
			INIT_LIST_HEAD(&resampler->list);
			resampler->notifier.gsi = irqfd->gsi;
			resampler->notifier.irq_acked = irqfd_resampler_ack;
			INIT_LIST_HEAD(&resampler->link);

			list_add_rcu(&resampler->link, &kvm->irqfds.resampler_list);
			kvm_register_irq_ack_notifier(kvm, &resampler->notifier);
			irqfd->resampler = resampler;
		}

		list_add_rcu(&irqfd->resampler_link, &irqfd->resampler->list);
		synchronize_srcu_expedited(&kvm->irq_srcu);

		mutex_unlock(&kvm->irqfds.resampler_lock);
	}

	/*
	 * Hold irq_srcu until the irqfd is complete: the routing read in
	 * irqfd_update stays stable, and a shutdown queued by an early
	 * EPOLLHUP waits (its first step) until we are done.
	 */
	idx = srcu_read_lock(&kvm->irq_srcu);

	irqfd_pt.irqfd = irqfd;
	irqfd_pt.kvm = kvm;
	irqfd_pt.ret = 0;
	init_poll_funcptr(&irqfd_pt.pt, kvm_irqfd_register);

	events = vfs_poll(fd_file(f), &irqfd_pt.pt);

	ret = irqfd_pt.ret;
	if (ret)
		goto fail_poll;

	/* signalled before we hooked on: inject once, leave the count alone */
	if (events & EPOLLIN) {
		kvm_stat_inc(kvm, irqfd_pending_at_assign);
		schedule_work(&irqfd->inject);
	}

	/* irq bypass consumer registration: not modelled */

	srcu_read_unlock(&kvm->irq_srcu, idx);
	fdput(f);
	return 0;

fail_poll:
	srcu_read_unlock(&kvm->irq_srcu, idx);
fail:
	if (irqfd->resampler)
		irqfd_resampler_shutdown(irqfd);
	if (resamplefd)
		eventfd_ctx_put(resamplefd);
	if (eventfd)
		eventfd_ctx_put(eventfd);
out_fdput:
	fdput(f);
out:
	kfree(irqfd);
	return ret;
}

/* ---- ack notifiers ---------------------------------------------------------- */

/* kvm_irq_has_notifier: does (irqchip, pin)'s GSI have an ack notifier? */
bool kvm_irq_has_notifier(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	struct kvm_irq_ack_notifier *kian;
	bool found = false;
	int gsi, idx;

	idx = srcu_read_lock(&kvm->irq_srcu);
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi != -1) {
		hlist_for_each_entry_srcu(kian, &kvm->irq_ack_notifier_list, link,
					  srcu_read_lock_held(&kvm->irq_srcu)) {
			if (kian->gsi == (unsigned int)gsi) {
				found = true;
				break;
			}
		}
	}
	srcu_read_unlock(&kvm->irq_srcu, idx);
	return found;
}

/* kvm_notify_acked_gsi: caller holds irq_srcu. */
void kvm_notify_acked_gsi(struct kvm *kvm, int gsi)
{
	struct kvm_irq_ack_notifier *kian;

	hlist_for_each_entry_srcu(kian, &kvm->irq_ack_notifier_list, link,
				  srcu_read_lock_held(&kvm->irq_srcu))
		if (kian->gsi == (unsigned int)gsi)
			kian->irq_acked(kian);
}

/* kvm_notify_acked_irq: the IOAPIC/PIC saw an EOI for (irqchip, pin). */
void kvm_notify_acked_irq(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	int gsi, idx;

	idx = srcu_read_lock(&kvm->irq_srcu);
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi != -1)
		kvm_notify_acked_gsi(kvm, gsi);
	srcu_read_unlock(&kvm->irq_srcu, idx);
}

/* kvm_register_irq_ack_notifier */
void kvm_register_irq_ack_notifier(struct kvm *kvm,
				   struct kvm_irq_ack_notifier *kian)
{
	mutex_lock(&kvm->irq_lock);
	hlist_add_head_rcu(&kian->link, &kvm->irq_ack_notifier_list);
	mutex_unlock(&kvm->irq_lock);
	kvm_arch_post_irq_ack_notifier_list_update(kvm);
}

/* kvm_unregister_irq_ack_notifier: returns once no irq_srcu reader can call kian. */
void kvm_unregister_irq_ack_notifier(struct kvm *kvm,
				     struct kvm_irq_ack_notifier *kian)
{
	mutex_lock(&kvm->irq_lock);
	hlist_del_init_rcu(&kian->link);
	mutex_unlock(&kvm->irq_lock);
	synchronize_srcu_expedited(&kvm->irq_srcu);
	kvm_arch_post_irq_ack_notifier_list_update(kvm);
}

/*
 * kvm_notify_irqfd_resampler: an IOAPIC level pin with a pending IRR was
 * unmasked. Signal the resamplefds without de-asserting, so userspace
 * re-evaluates the line instead of the IOAPIC re-injecting a stale level.
 */
bool kvm_notify_irqfd_resampler(struct kvm *kvm, unsigned int irqchip,
				unsigned int pin)
{
	struct kvm_kernel_irqfd_resampler *resampler;
	bool found = false;
	int gsi, idx;

#ifdef IRQSIM_BUG_RESAMPLER_LOCK_ORDER
	/*
	 * The IOAPIC calls this with ioapic->lock held, inside which the
	 * mutex must not be taken (resampler_lock -> ioapic->lock when the
	 * last member de-asserts): why "KVM: irqfd: Make resampler_list an
	 * RCU list" (2023) walks the list under irq_srcu instead.
	 */
	mutex_lock(&kvm->irqfds.resampler_lock);
#endif
	idx = srcu_read_lock(&kvm->irq_srcu);
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi != -1) {
		list_for_each_entry_srcu(resampler, &kvm->irqfds.resampler_list,
					 link, srcu_read_lock_held(&kvm->irq_srcu)) {
			if (resampler->notifier.gsi == (unsigned int)gsi) {
				irqfd_resampler_notify(resampler);
				found = true;
				break;
			}
		}
	}
	srcu_read_unlock(&kvm->irq_srcu, idx);
#ifdef IRQSIM_BUG_RESAMPLER_LOCK_ORDER
	mutex_unlock(&kvm->irqfds.resampler_lock);
#endif
	return found;
}

/* ---- per-VM state, KVM_IRQFD, release, routing updates --------------------- */

/*
 * kvm_eventfd_init: called by kvm_create_vm. Also takes the VM's reference
 * on the cleanup workqueue (kvm_irqfd_release drops it).
 */
void kvm_eventfd_init(struct kvm *kvm)
{
	spin_lock_init(&kvm->irqfds.lock);
	INIT_LIST_HEAD(&kvm->irqfds.items);
	INIT_LIST_HEAD(&kvm->irqfds.resampler_list);
	mutex_init(&kvm->irqfds.resampler_lock);
	INIT_LIST_HEAD(&kvm->ioeventfds);
	if (kvm_irqfd_init())
		pr_err("kvm: no irqfd cleanup workqueue, KVM_IRQFD will fail\n");
}

/* kvm_irqfd_deassign: shut down every irqfd on (fd's eventfd, gsi). */
static int kvm_irqfd_deassign(struct kvm *kvm, struct kvm_irqfd *args)
{
	struct kvm_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &kvm->irqfds.items, list) {
		if (irqfd->eventfd == eventfd && irqfd->gsi == (int)args->gsi)
			irqfd_deactivate(irqfd);
	}
	spin_unlock_irq(&kvm->irqfds.lock);
	eventfd_ctx_put(eventfd);

	/*
	 * When we return, the shutdowns are done: no more injections from
	 * these irqfds (this also waits for other VMs' shutdowns).
	 */
	flush_workqueue(irqfd_cleanup_wq);
	return 0;
}

/* kvm_irqfd: KVM_IRQFD */
int kvm_irqfd(struct kvm *kvm, struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;

	/* only under fault injection (see kvm_eventfd_init) */
	if (!READ_ONCE(irqfd_cleanup_wq))
		return -ENOMEM;

	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return kvm_irqfd_deassign(kvm, args);

	return kvm_irqfd_assign(kvm, args);
}

/*
 * kvm_irqfd_release: the VM file is closing. Irqfds hold no VM reference,
 * so every shutdown must finish before the VM can go.
 */
void kvm_irqfd_release(struct kvm *kvm)
{
	struct kvm_kernel_irqfd *irqfd, *tmp;

	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &kvm->irqfds.items, list)
		irqfd_deactivate(irqfd);
	spin_unlock_irq(&kvm->irqfds.lock);

	if (irqfd_cleanup_wq)
		flush_workqueue(irqfd_cleanup_wq);
	kvm_irqfd_exit();
}

/*
 * kvm_irq_routing_update: the routing table changed. Caller holds irq_lock
 * and waits for an irq_srcu grace period afterwards.
 */
void kvm_irq_routing_update(struct kvm *kvm)
{
	struct kvm_kernel_irqfd *irqfd;

	lockdep_assert_held(&kvm->irq_lock);

	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry(irqfd, &kvm->irqfds.items, list)
		irqfd_update(kvm, irqfd);
	spin_unlock_irq(&kvm->irqfds.lock);
}

/* ---- ioeventfd -------------------------------------------------------------- */

/*
 * struct _ioeventfd: one registration on one bus. Every field but list is
 * immutable once registered; vCPUs read them under kvm->srcu.
 */
struct _ioeventfd {
	struct list_head list;		/* in kvm->ioeventfds; slots_lock */
	u64 addr;
	int length;			/* 0: any access width at addr */
	struct eventfd_ctx *eventfd;	/* reference held until the destructor */
	u64 datamatch;			/* unless wildcard */
	struct kvm_io_device dev;	/* on kvm->buses[bus_idx] */
	u8 bus_idx;
	bool wildcard;			/* no DATAMATCH: any value */
};

/* to_ioeventfd */
static struct _ioeventfd *to_ioeventfd(struct kvm_io_device *dev)
{
	return container_of(dev, struct _ioeventfd, dev);
}

/* ioeventfd_release */
static void ioeventfd_release(struct _ioeventfd *p)
{
	eventfd_ctx_put(p->eventfd);
	list_del(&p->list);
	kfree(p);
}

/* ioeventfd_in_range: does this access hit p? */
static bool ioeventfd_in_range(struct _ioeventfd *p, gpa_t addr, int len,
			       const void *val)
{
	u64 v;

	if (addr != p->addr)
		return false;
	if (!p->length)
		return true;
	if (len != p->length)
		return false;
	if (p->wildcard)
		return true;

	/* the kernel BUG()s on a misaligned val; a copy needs no alignment */
	switch (len) {
	case 1: { u8 x; memcpy(&x, val, 1); v = x; break; }
	case 2: { u16 x; memcpy(&x, val, 2); v = x; break; }
	case 4: { u32 x; memcpy(&x, val, 4); v = x; break; }
	case 8: { u64 x; memcpy(&x, val, 8); v = x; break; }
	default:
		return false;
	}
	return v == p->datamatch;
}

/* ioeventfd_write: a guest write on the bus; vCPU context, kvm->srcu held. */
static int ioeventfd_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
			   gpa_t addr, int len, const void *val)
{
	struct _ioeventfd *p = to_ioeventfd(this);

	if (!ioeventfd_in_range(p, addr, len, val))
		return -EOPNOTSUPP;

	if (vcpu)
		kvm_stat_inc(vcpu->kvm, ioeventfd_signal);
	eventfd_signal(p->eventfd);
	return 0;
}

/* ioeventfd_destructor: off the bus and past a kvm->srcu grace period. */
static void ioeventfd_destructor(struct kvm_io_device *this)
{
	ioeventfd_release(to_ioeventfd(this));
}

static const struct kvm_io_device_ops ioeventfd_ops = {
	.write = ioeventfd_write,
	.destructor = ioeventfd_destructor,
};

/* ioeventfd_check_collision: caller holds slots_lock. */
static bool ioeventfd_check_collision(struct kvm *kvm, struct _ioeventfd *p)
{
	struct _ioeventfd *q;

	lockdep_assert_held(&kvm->slots_lock);

	list_for_each_entry(q, &kvm->ioeventfds, list) {
		if (q->bus_idx != p->bus_idx || q->addr != p->addr)
			continue;
		if (!q->length || !p->length)
			return true;
		if (q->length == p->length &&
		    (q->wildcard || p->wildcard || q->datamatch == p->datamatch))
			return true;
	}
	return false;
}

/* ioeventfd_bus_from_flags: PIO wins over CCW, MMIO otherwise. */
static enum kvm_bus ioeventfd_bus_from_flags(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return KVM_PIO_BUS;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return KVM_VIRTIO_CCW_NOTIFY_BUS;
	return KVM_MMIO_BUS;
}

/* kvm_assign_ioeventfd_idx: register on one bus. */
static int kvm_assign_ioeventfd_idx(struct kvm *kvm, enum kvm_bus bus_idx,
				    struct kvm_ioeventfd *args)
{
	struct eventfd_ctx *eventfd;
	struct _ioeventfd *p;
	int ret;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto fail;
	}

	INIT_LIST_HEAD(&p->list);
	p->addr = args->addr;
	p->bus_idx = bus_idx;
	p->length = args->len;
	p->eventfd = eventfd;
	if (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)
		p->datamatch = args->datamatch;
	else
		p->wildcard = true;

	mutex_lock(&kvm->slots_lock);

	if (ioeventfd_check_collision(kvm, p)) {
		ret = -EEXIST;
		goto unlock_fail;
	}

	kvm_iodevice_init(&p->dev, &ioeventfd_ops);

	ret = kvm_io_bus_register_dev(kvm, bus_idx, p->addr, p->length, &p->dev);
	if (ret < 0)
		goto unlock_fail;

	kvm_get_bus(kvm, bus_idx)->ioeventfd_count++;
	list_add_tail(&p->list, &kvm->ioeventfds);

	mutex_unlock(&kvm->slots_lock);
	return 0;

unlock_fail:
	mutex_unlock(&kvm->slots_lock);
	kfree(p);
fail:
	eventfd_ctx_put(eventfd);
	return ret;
}

/* kvm_deassign_ioeventfd_idx: remove the exact match from one bus (-ENOENT). */
static int kvm_deassign_ioeventfd_idx(struct kvm *kvm, enum kvm_bus bus_idx,
				      struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	struct eventfd_ctx *eventfd;
	struct kvm_io_bus *bus;
	struct _ioeventfd *p;
	int ret = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&kvm->slots_lock);

	list_for_each_entry(p, &kvm->ioeventfds, list) {
		if (p->bus_idx != bus_idx || p->eventfd != eventfd ||
		    p->addr != args->addr || p->length != (int)args->len ||
		    p->wildcard != wildcard)
			continue;
		if (!p->wildcard && p->datamatch != args->datamatch)
			continue;

		/* p is freed by its destructor here (or with the whole bus) */
		kvm_io_bus_unregister_dev(kvm, bus_idx, &p->dev);
		bus = kvm_get_bus(kvm, bus_idx);
		if (bus)
			bus->ioeventfd_count--;
		ret = 0;
		break;
	}

	mutex_unlock(&kvm->slots_lock);
	eventfd_ctx_put(eventfd);
	return ret;
}

/* kvm_deassign_ioeventfd: no argument validation at all on this path. */
static int kvm_deassign_ioeventfd(struct kvm *kvm, struct kvm_ioeventfd *args)
{
	enum kvm_bus bus_idx = ioeventfd_bus_from_flags(args->flags);
	int ret = kvm_deassign_ioeventfd_idx(kvm, bus_idx, args);

	if (!args->len && bus_idx == KVM_MMIO_BUS)
		kvm_deassign_ioeventfd_idx(kvm, KVM_FAST_MMIO_BUS, args);

	return ret;
}

/* kvm_assign_ioeventfd: every check before the fd is looked up. */
static int kvm_assign_ioeventfd(struct kvm *kvm, struct kvm_ioeventfd *args)
{
	enum kvm_bus bus_idx = ioeventfd_bus_from_flags(args->flags);
	int ret;

	switch (args->len) {
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}

	if (args->addr + args->len < args->addr)
		return -EINVAL;

	if (args->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;

	/* a length-0 ioeventfd matches any width, so it cannot match data */
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;

	ret = kvm_assign_ioeventfd_idx(kvm, bus_idx, args);
	if (ret)
		return ret;

	/* length-0 MMIO also goes on the fast-MMIO bus (EPT misconfig exits) */
	if (!args->len && bus_idx == KVM_MMIO_BUS) {
		ret = kvm_assign_ioeventfd_idx(kvm, KVM_FAST_MMIO_BUS, args);
		if (ret < 0) {
			kvm_deassign_ioeventfd_idx(kvm, bus_idx, args);
			return ret;
		}
	}

	return 0;
}

/* kvm_ioeventfd: KVM_IOEVENTFD */
int kvm_ioeventfd(struct kvm *kvm, struct kvm_ioeventfd *args)
{
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return kvm_deassign_ioeventfd(kvm, args);

	return kvm_assign_ioeventfd(kvm, args);
}
