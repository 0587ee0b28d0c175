/*
 * Runtime internals that the inline fast paths of the kshim headers need.
 * Not a kernel API: model code uses the kernel-named headers only.
 */
#ifndef KSHIM_KSIM_H
#define KSHIM_KSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <kshim/sim.h>
#include <kshim/task.h>
#include <kshim/lock_impl.h>

/* Runtime-wide flags are read with relaxed atomics: no data race for TSan, a plain mov on x86. */
#define KSIM_FLAG(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

/*
 * Nonzero when any hot path must leave its fast path: checkers on, a
 * tracer set, the sched backend active, or a TSan build. Kept in sync by
 * the runtime whenever one of those changes.
 */
extern int ksim_slowpath;
/*
 * How rcu_read_lock/unlock run (kshim/rcupdate.h), chosen with
 * ksim_slowpath: inline liburcu (threads backend, ksim_membarrier_ok, no
 * checkers, no tracer), inline liburcu plus the checkers' nesting depth
 * (the same with checkers on), or out of line. SRCU readers stay inline
 * in KSIM_RCU_INLINE too.
 */
extern int ksim_rcu_mode;
/*
 * Threads backend with sys_membarrier (not TSan): a grace period forces a
 * full barrier on every running thread, so SRCU readers need none of
 * their own (sim/kernel/srcu.c).
 */
extern int ksim_membarrier_ok;
#define KSIM_RCU_INLINE		0
#define KSIM_RCU_CHECKED	1
#define KSIM_RCU_SLOW		2

/*
 * A call site, as one pointer to a static descriptor: the checked paths
 * get file, line and function without passing three arguments each.
 */
struct ksim_site {
	const char *file;
	const char *func;
	int line;
};
#define KSIM_SITE() ({							\
	static const struct ksim_site __ksim_site = { __FILE__, __func__, __LINE__ }; \
	&__ksim_site; })

/*
 * Per-task slots, the runtime's per-CPU data: a task owns slot
 * current->slot (1..KSIM_NR_SLOTS-1) alone while it lives, so a counter in
 * its slot is updated with a plain load and store, no locked instruction.
 * Slot 0 is shared (no current task, or more live tasks than slots) and
 * is updated atomically. Readers sum every slot.
 */
#define KSIM_NR_SLOTS	32

static inline unsigned int ksim_this_slot(void)
{
	struct task_struct *t = ksim_current_task;

	return t ? t->slot : 0;
}

/* Add v to *p, the copy of a counter in slot `slot` (this_cpu_add). */
static inline void ksim_slot_add(unsigned long *p, unsigned int slot, unsigned long v)
{
	if (__builtin_expect(slot != 0, 1))
		__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* Wake threads-backend waiters after a state change (grace periods, ...). */
void ksim_notify(void);
/* True on the sched backend (read on hot paths). */
extern int ksim_sched_active;
/* sched backend in SIM_YIELD_FINE mode: READ_ONCE etc. are switch points */
extern int ksim_fine_mode;

void ksim_fine_yield_slow(void);
void sch_yield(void);

/* A switch point on the sched backend; nothing on the threads backend. */
static inline void ksim_switch_point(void)
{
	if (__builtin_expect(KSIM_FLAG(ksim_sched_active), 0) && ksim_current_task)
		sch_yield();
}
/* Inside a busy-wait loop: let the writer run (sched) or relax the cpu. */
void ksim_spin_wait(void);

static inline void ksim_fine_yield(void)
{
	if (__builtin_expect(KSIM_FLAG(ksim_fine_mode), 0))
		ksim_fine_yield_slow();
}

/* The threads backend's lock primitives (also declared in backend.h). */
void thr_lock_acquire(struct ksim_lock_impl *l, bool sleeping);
bool thr_lock_trylock(struct ksim_lock_impl *l);
void thr_lock_release(struct ksim_lock_impl *l);
void thr_rcu_read_lock(void);
void thr_rcu_read_unlock(void);

/*
 * The threads backend's lock word, inline: the uncontended acquire is one
 * exchange, the release one store (what ck_spinlock_fas does on the same
 * word); a contended acquire spins and yields out of line.
 */
static inline __attribute__((always_inline)) void ksim_lock_word_acquire(struct ksim_lock_impl *l, bool sleeping)
{
	if (__builtin_expect(__atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE) != 0, 0))
		thr_lock_acquire(l, sleeping);
}

static inline __attribute__((always_inline)) bool ksim_lock_word_trylock(struct ksim_lock_impl *l)
{
	return __atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline __attribute__((always_inline)) void ksim_lock_word_release(struct ksim_lock_impl *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}

#endif
