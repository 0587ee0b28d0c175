/*
 * SRCU: any number of independent grace-period domains (kvm->srcu and
 * kvm->irq_srcu are two). Classic two-index counter SRCU: a reader bumps
 * lock_count[idx] of the current index, a grace period flips the index
 * and waits until the old index's lock and unlock counts match. Counters
 * are spread over a few slots (by task) to cut contention, as the kernel's
 * are per CPU. Readers of one domain never delay another domain.
 */
#ifndef KSHIM_SRCU_H
#define KSHIM_SRCU_H

#include <kshim/compiler.h>
#include <kshim/lockdep.h>
#include <kshim/rcupdate.h>

#define KSIM_SRCU_SLOTS 8

struct ksim_srcu_slot {
	unsigned long lock_count[2];	/* srcu_read_lock()s per index; atomic */
	unsigned long unlock_count[2];	/* srcu_read_unlock()s per index; atomic */
	char pad[32];			/* one slot per cache line */
};

struct srcu_struct {
	struct ksim_srcu_slot slots[KSIM_SRCU_SLOTS];
	unsigned long srcu_idx;		/* readers use counters [srcu_idx & 1]; written under gp_lock */
	struct ksim_lock_impl gp_lock;	/* serializes grace periods (backend sleeping lock) */
	int gp_waiting;			/* a grace period waits: readers' unlock notifies; atomic */
	unsigned long gp_seq;		/* grace periods completed; gp_lock */
	/* call_srcu callbacks: protected by the simulation's callback lock */
	struct rcu_head *cb_head;
	struct rcu_head **cb_tail;
	unsigned long cb_queued;	/* callbacks ever queued */
	unsigned long cb_done;		/* callbacks ever invoked (atomic) */
	struct srcu_struct *cb_next;	/* on the sim's list of domains with callbacks */
	bool cb_listed;
	struct sim *sim;		/* owning simulation; immutable after init */
	unsigned int magic;		/* KSIM_SRCU_MAGIC after init, 0 after cleanup */
	struct lockdep_map dep_map;	/* the domain's lockdep class, e.g. "&kvm->srcu" */
};

#define KSIM_SRCU_MAGIC 0x5c0c0de5u

int __init_srcu_struct(struct srcu_struct *ssp, const char *name,
		       const struct lock_class_key *key);
#define init_srcu_struct(ssp) ({					\
	static struct lock_class_key __srcu_key;			\
	__init_srcu_struct((ssp), #ssp, &__srcu_key); })
void cleanup_srcu_struct(struct srcu_struct *ssp);

int ksim_srcu_read_lock(struct srcu_struct *ssp, const char *file, int line, const char *func);
void ksim_srcu_read_unlock(struct srcu_struct *ssp, int idx, const char *file, int line);
bool ksim_srcu_read_lock_held(const struct srcu_struct *ssp);
void ksim_synchronize_srcu(struct srcu_struct *ssp, const char *file, int line, const char *func);
void ksim_srcu_barrier(struct srcu_struct *ssp, const char *file, int line, const char *func);
void call_srcu(struct srcu_struct *ssp, struct rcu_head *head, rcu_callback_t func);

#define srcu_read_lock(ssp)	ksim_srcu_read_lock((ssp), __FILE__, __LINE__, __func__)

/*
 * As in the kernel: srcu_read_lock() already implies a full barrier (the
 * runtime's is a locked read-modify-write), so this orders nothing more
 * than the compiler.
 */
#define smp_mb__after_srcu_read_lock()	barrier()
#define srcu_read_unlock(ssp, idx) ksim_srcu_read_unlock((ssp), (idx), __FILE__, __LINE__)
#define srcu_read_lock_held(ssp) (!KSIM_FLAG(ksim_checkers_on) || ksim_srcu_read_lock_held(ssp))
#define srcu_dereference_check(p, ssp, c) ({				\
	RCU_LOCKDEP_WARN(!((c) || srcu_read_lock_held(ssp)),		\
			 "suspicious rcu_dereference_check() usage!");	\
	rcu_dereference_raw(p); })
#define srcu_dereference(p, ssp)	srcu_dereference_check(p, ssp, 0)
#define synchronize_srcu(ssp)	ksim_synchronize_srcu((ssp), __FILE__, __LINE__, __func__)
#define synchronize_srcu_expedited(ssp) synchronize_srcu(ssp)
#define srcu_barrier(ssp)	ksim_srcu_barrier((ssp), __FILE__, __LINE__, __func__)

#endif
