/*
 * SRCU: any number of independent grace-period domains (kvm->srcu and
 * kvm->irq_srcu are two). Classic two-index counter SRCU: a reader bumps
 * lock_count[idx] of the current index, a grace period flips the index
 * and waits until the old index's lock and unlock counts match. Counters
 * are per task slot (kshim/ksim.h), as the kernel's are per CPU: a task
 * updates its own slot with plain stores, so a read-side section costs no
 * locked instruction, and no barrier at all when grace periods use
 * membarrier (ordering argument in sim/kernel/srcu.c). Readers of one
 * domain never delay another domain.
 */
#ifndef KSHIM_SRCU_H
#define KSHIM_SRCU_H

#include <kshim/compiler.h>
#include <kshim/lockdep.h>
#include <kshim/rcupdate.h>

struct ksim_srcu_slot {
	unsigned long lock_count[2];	/* srcu_read_lock()s per index; atomic; the slot's task writes */
	unsigned long unlock_count[2];	/* srcu_read_unlock()s per index; atomic; likewise */
	char pad[32];			/* one slot per cache line */
};

struct srcu_struct {
	struct ksim_srcu_slot slots[KSIM_NR_SLOTS];
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

int ksim_srcu_read_lock_slow(struct srcu_struct *ssp, const struct ksim_site *site);
void ksim_srcu_read_unlock_slow(struct srcu_struct *ssp, int idx, const struct ksim_site *site);
bool ksim_srcu_read_lock_held(const struct srcu_struct *ssp);
void ksim_synchronize_srcu(struct srcu_struct *ssp, const char *file, int line, const char *func);
void ksim_srcu_barrier(struct srcu_struct *ssp, const char *file, int line, const char *func);
void call_srcu(struct srcu_struct *ssp, struct rcu_head *head, rcu_callback_t func);

/*
 * The counter half of srcu_read_lock. (B) in sim/kernel/srcu.c: a full
 * barrier, or (fence false, ksim_membarrier_ok) only the compiler's, the
 * grace period supplying the other half with membarrier.
 */
static __always_inline int ksim_srcu_lock_raw(struct srcu_struct *ssp, bool fence)
{
	unsigned int slot = ksim_this_slot();
	unsigned long *c;
	int idx;

	idx = (int)(__atomic_load_n(&ssp->srcu_idx, __ATOMIC_RELAXED) & 1);
	c = &ssp->slots[slot].lock_count[idx];
	ksim_slot_add(c, slot, 1);
	if (fence)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* (B) */
	else
		barrier();					/* (B), membarrier */
	return idx;
}

/* The counter half of srcu_read_unlock: (C) in sim/kernel/srcu.c. */
static __always_inline void ksim_srcu_unlock_raw(struct srcu_struct *ssp, int idx)
{
	unsigned int slot = ksim_this_slot();
	unsigned long *c = &ssp->slots[slot].unlock_count[idx & 1];

	if (likely(slot))
		__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
	else
		__atomic_fetch_add(c, 1, __ATOMIC_RELEASE);
	if (unlikely(__atomic_load_n(&ssp->gp_waiting, __ATOMIC_RELAXED)))
		ksim_notify();
}

/* Inline only in KSIM_RCU_INLINE (threads backend, no checkers, membarrier). */
static __always_inline int __ksim_srcu_read_lock(struct srcu_struct *ssp,
						 const struct ksim_site *site)
{
	if (likely(KSIM_FLAG(ksim_rcu_mode) == KSIM_RCU_INLINE))
		return ksim_srcu_lock_raw(ssp, false);
	return ksim_srcu_read_lock_slow(ssp, site);
}

static __always_inline void __ksim_srcu_read_unlock(struct srcu_struct *ssp, int idx,
						    const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		ksim_srcu_read_unlock_slow(ssp, idx, site);
	else
		ksim_srcu_unlock_raw(ssp, idx);
}

#define srcu_read_lock(ssp)	__ksim_srcu_read_lock((ssp), KSIM_SITE())

/*
 * As in the kernel, where srcu_read_lock() implies a full barrier. Here it
 * does unless readers rely on the grace period's membarrier
 * (ksim_membarrier_ok); then this is the full barrier.
 */
#define smp_mb__after_srcu_read_lock() do {				\
	if (KSIM_FLAG(ksim_membarrier_ok))				\
		smp_mb();						\
	else								\
		barrier();						\
} while (0)
#define srcu_read_unlock(ssp, idx) __ksim_srcu_read_unlock((ssp), (idx), KSIM_SITE())
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
