/*
 * Spinlocks and mutexes on the sched backend: the lock word and its owner.
 * Taking a held lock blocks the task (it is not runnable until the word
 * clears); a release makes every waiter runnable again and the scheduler's
 * next choice decides who gets it, as on a real machine.
 *
 * Every operation is a switch point (the generic code adds none around
 * them): before an acquire or a trylock, so another task may get there
 * first, and after a release, so a waiter may run at once.
 *
 * TSan: simulated tasks are no_sync fibers, so the lock is what orders
 * their accesses; each acquire/release is announced to TSan.
 */
#include <kshim/task.h>

#include "san.h"
#include "sched_internal.h"

void sch_lock_acquire(struct ksim_lock_impl *l, bool sleeping)
{
	struct sch_task *self;
	bool dead;

	sch_tsan_ignore_begin();
	if (sch && !sch->dead && !sch->picking) {
		self = sch->cur;
		self->lock = l;
		self->sleeping = sleeping;
		if (self->t)
			self->t->waiting_on = l;
		/* runnable only while the word is clear: the pick is the handoff */
		do {
			self->wait = SCH_WAIT_LOCK;
			sch_schedule();
		} while (l->word && !sch->dead);
		self->wait = SCH_RUNNING;
		if (self->t)
			self->t->waiting_on = NULL;
	}
	/* after a deadlock only main runs: it takes the lock over, never blocks */
	dead = sch && sch->dead;
	l->word = 1;
	l->owner = ksim_current_task;
	sch_tsan_ignore_end();
	if (dead)
		sch_tsan_acquire(&sch->dead);	/* the holder will never release */
	sch_tsan_acquire(l);
}

bool sch_lock_trylock(struct ksim_lock_impl *l)
{
	bool taken = false;

	sch_yield();
	sch_tsan_ignore_begin();
	if (!l->word) {
		l->word = 1;
		l->owner = ksim_current_task;
		taken = true;
	}
	sch_tsan_ignore_end();
	if (taken)
		sch_tsan_acquire(l);
	return taken;
}

void sch_lock_release(struct ksim_lock_impl *l)
{
	sch_tsan_release(l);
	sch_tsan_ignore_begin();
	l->owner = NULL;
	l->word = 0;
	sch_tsan_ignore_end();
	sch_yield();
}
