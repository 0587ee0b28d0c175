/* Wait queues (kernel/sched/wait.c semantics, 6.17+). */
#include "internal.h"
#include <kshim/wait.h>

void ksim_init_waitqueue_head(wait_queue_head_t *wq_head, const char *name,
			      const struct lock_class_key *key)
{
	ksim_spin_lock_init(&wq_head->lock, name, key);
	INIT_LIST_HEAD(&wq_head->head);
}

/*
 * The three add_wait_queue* differ only in the flags they give the entry
 * and in which end of the queue it joins: exclusive waiters at the tail,
 * after everyone a wake-up reaches first.
 */
static void add_flagged(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry,
			unsigned int clear, unsigned int set, bool tail)
{
	unsigned long flags;

	wq_entry->flags = (wq_entry->flags & ~clear) | set;
	spin_lock_irqsave(&wq_head->lock, flags);
	if (tail)
		__add_wait_queue_entry_tail(wq_head, wq_entry);
	else
		__add_wait_queue(wq_head, wq_entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	add_flagged(wq_head, wq_entry, WQ_FLAG_EXCLUSIVE, 0, false);
}

void add_wait_queue_exclusive(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	add_flagged(wq_head, wq_entry, 0, WQ_FLAG_EXCLUSIVE, true);
}

void add_wait_queue_priority(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	add_flagged(wq_head, wq_entry, 0, WQ_FLAG_PRIORITY, false);
}

/* At most one priority exclusive waiter: -EBUSY if the head has a priority entry. */
int add_wait_queue_priority_exclusive(struct wait_queue_head *wq_head,
				      struct wait_queue_entry *wq_entry)
{
	struct list_head *head = &wq_head->head;
	unsigned long flags;
	int ret = 0;

	wq_entry->flags |= WQ_FLAG_EXCLUSIVE | WQ_FLAG_PRIORITY;
	spin_lock_irqsave(&wq_head->lock, flags);
	if (!list_empty(head) &&
	    (list_first_entry(head, struct wait_queue_entry, entry)->flags & WQ_FLAG_PRIORITY))
		ret = -EBUSY;
	else
		list_add(&wq_entry->entry, head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
	return ret;
}

void remove_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	__remove_wait_queue(wq_head, wq_entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

/*
 * The walk: a negative return stops it; a nonzero return from an
 * exclusive entry uses up one of nr_exclusive. Wake functions run as
 * simulated irq context (for lockdep and the sleeping checks).
 */
static int wake_up_common(struct wait_queue_head *wq_head, unsigned int mode, int nr_exclusive,
			  void *key)
{
	struct wait_queue_entry *curr, *next;
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_checkers_on))
		lockdep_assert_held(&wq_head->lock);
	if (list_empty(&wq_head->head))
		return nr_exclusive;
	sim_trace_instant("irq", "wakeup", "key=%#lx", (unsigned long)key);
	list_for_each_entry_safe(curr, next, &wq_head->head, entry) {
		unsigned int flags = curr->flags;
		int ret;

		t->in_wakeup++;
		ret = curr->func(curr, mode, 0, key);
		t->in_wakeup--;
		if (ret < 0)
			break;
		if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
	return nr_exclusive;
}

int __wake_up_locked_key(struct wait_queue_head *wq_head, unsigned int mode, void *key)
{
	return wake_up_common(wq_head, mode, 1, key);
}

int __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr_exclusive, void *key)
{
	unsigned long flags;
	int ret;

	ksim_switch_point();
	spin_lock_irqsave(&wq_head->lock, flags);
	ret = wake_up_common(wq_head, mode, nr_exclusive, key);
	spin_unlock_irqrestore(&wq_head->lock, flags);
	return nr_exclusive - ret;
}
