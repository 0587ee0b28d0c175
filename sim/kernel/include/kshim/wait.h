/*
 * Wait queues with the kernel's wake semantics (kernel/sched/wait.c,
 * 6.17+): priority waiters sit at the head, add_wait_queue_priority_exclusive
 * fails with -EBUSY if the head already has a priority waiter, and a walk
 * stops at an exclusive waiter whose function returns nonzero (once
 * nr_exclusive is used up) or at any negative return. Wake functions run
 * with the head's lock held and irqs off, as simulated irq context.
 */
#ifndef KSHIM_WAIT_H
#define KSHIM_WAIT_H

#include <kshim/compiler.h>
#include <kshim/list.h>
#include <kshim/spinlock.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned int mode,
				 int flags, void *key);

#define WQ_FLAG_EXCLUSIVE	0x01
#define WQ_FLAG_WOKEN		0x02
#define WQ_FLAG_CUSTOM		0x04
#define WQ_FLAG_DONE		0x08
#define WQ_FLAG_PRIORITY	0x10

#define TASK_NORMAL		3

typedef struct wait_queue_entry {
	unsigned int flags;		/* WQ_FLAG_*; head's lock */
	void *private;
	wait_queue_func_t func;
	struct list_head entry;		/* on the head's list; head's lock */
} wait_queue_entry_t;

typedef struct wait_queue_head {
	spinlock_t lock;		/* protects head and, by convention, the owner's state */
	struct list_head head;
} wait_queue_head_t;

void ksim_init_waitqueue_head(wait_queue_head_t *wq_head, const char *name,
			      const struct lock_class_key *key);
#define init_waitqueue_head(wq) do {					\
	static struct lock_class_key __key;				\
	ksim_init_waitqueue_head((wq), #wq, &__key);		\
} while (0)

static inline void init_waitqueue_func_entry(struct wait_queue_entry *wq_entry,
					     wait_queue_func_t func)
{
	wq_entry->flags = 0;
	wq_entry->private = NULL;
	wq_entry->func = func;
	INIT_LIST_HEAD(&wq_entry->entry);
}

static inline int waitqueue_active(struct wait_queue_head *wq_head)
{
	return !list_empty(&wq_head->head);
}

/* Non-priority entries go after the priority ones at the head. */
static inline void __add_wait_queue(struct wait_queue_head *wq_head,
				    struct wait_queue_entry *wq_entry)
{
	struct list_head *head = &wq_head->head;
	struct wait_queue_entry *wq;

	list_for_each_entry(wq, &wq_head->head, entry) {
		if (!(wq->flags & WQ_FLAG_PRIORITY))
			break;
		head = &wq->entry;
	}
	list_add(&wq_entry->entry, head);
}

static inline void __add_wait_queue_entry_tail(struct wait_queue_head *wq_head,
					       struct wait_queue_entry *wq_entry)
{
	list_add_tail(&wq_entry->entry, &wq_head->head);
}

static inline void __remove_wait_queue(struct wait_queue_head *wq_head,
				       struct wait_queue_entry *wq_entry)
{
	(void)wq_head;
	list_del(&wq_entry->entry);
}

void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void add_wait_queue_exclusive(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void add_wait_queue_priority(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
int add_wait_queue_priority_exclusive(struct wait_queue_head *wq_head,
				      struct wait_queue_entry *wq_entry);
void remove_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);

/* Walk the waiters; caller holds wq_head->lock. Returns nr_exclusive left. */
int __wake_up_locked_key(struct wait_queue_head *wq_head, unsigned int mode, void *key);
int __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr_exclusive, void *key);

#define poll_to_key(m)		((void *)(unsigned long)(m))
#define key_to_poll(k)		((__poll_t)(unsigned long)(k))
#define wake_up_poll(x, m)	__wake_up((x), TASK_NORMAL, 1, poll_to_key(m))
#define wake_up_locked_poll(x, m) __wake_up_locked_key((x), TASK_NORMAL, poll_to_key(m))
#define wake_up(x)		__wake_up((x), TASK_NORMAL, 1, NULL)
#define wake_up_all(x)		__wake_up((x), TASK_NORMAL, 0, NULL)

#endif
