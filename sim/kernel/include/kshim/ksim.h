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
/* True on the sched backend (read on hot paths). */
extern int ksim_sched_active;
/* sched backend in SIM_YIELD_FINE mode: READ_ONCE etc. are switch points */
extern int ksim_fine_mode;

void ksim_fine_yield_slow(void);
/* A switch point on the sched backend; nothing on the threads backend. */
void ksim_switch_point(void);
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

#endif
