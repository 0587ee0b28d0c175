/*
 * The backend contract: the few primitives that differ between the
 * threads backend (sim/kernel/threads/) and the sched backend
 * (sim/kernel/sched/). Everything else in the runtime (lockdep, context
 * and RCU-usage checks, SRCU, workqueues, wait queues, eventfd, memory)
 * is generic code written on top of these.
 *
 * Internal to sim/kernel: model code never includes this.
 */
#ifndef KSIM_BACKEND_H
#define KSIM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kshim/sim.h>

struct task_struct;
struct rcu_head;

/*
 * The lock word inside spinlock_t and struct mutex: struct ksim_lock_impl,
 * defined in <kshim/lock_impl.h> (public, since the lock types are
 * embedded in model structs). word: 0 free, nonzero held.
 */
#include <kshim/lock_impl.h>

/*
 * Division of labour (runtime <-> backends):
 * - Generic code (sim.c) allocates every struct task_struct (pid, comm,
 *   sim, fn, arg), including the main task, sets ksim_current_task for the
 *   main task, then calls KSIM_BE(sim_init). sim_task_start() fills the
 *   task and calls KSIM_BE(task_start); the backend's trampoline sets
 *   ksim_current_task = t, runs t->result = t->fn(t->arg), then stores
 *   t->done = 1 with release order. sim_task_join() calls
 *   KSIM_BE(task_join) (which frees only t->be), runs the exit checks and
 *   frees the task_struct.
 * - Generic code calls ksim_switch_point() (= sch_yield() on sched) at its
 *   own switch points (RCU/SRCU read lock/unlock, grace periods, wakeups,
 *   queue_work, before a lock acquire and after a release).
 * - The runtime never holds one of its internal host mutexes across a
 *   switch point, so coroutines never block on them.
 * - thr_notify() has no sched twin: the sched scheduler re-evaluates the
 *   conditions of blocked tasks itself.
 */

/* True on the sched backend (read on hot paths). */
extern int ksim_sched_active;

/* ---- threads backend (sim/kernel/threads/) ------------------------- */
int thr_sim_init(struct sim *sim);		/* main thread becomes task 1 */
void thr_sim_exit(struct sim *sim);
int thr_task_start(struct task_struct *t);	/* run t->fn(t->arg) on a pthread */
int thr_task_join(struct task_struct *t);
void thr_yield(void);				/* sched_yield(); fine mode only */
void thr_lock_acquire(struct ksim_lock_impl *l, bool sleeping);
bool thr_lock_trylock(struct ksim_lock_impl *l);
void thr_lock_release(struct ksim_lock_impl *l);
/* Block until cond(arg) is true; woken by thr_notify(). Returns 0. */
int thr_wait_until(bool (*cond)(void *arg), void *arg, const char *what);
void thr_notify(void);
void thr_membarrier(void);			/* when ksim_membarrier_ok */
void thr_rcu_read_lock(void);
void thr_rcu_read_unlock(void);
void thr_synchronize_rcu(void);
void thr_call_rcu(struct rcu_head *head, void (*fn)(struct rcu_head *));
void thr_rcu_barrier(void);

/* ---- sched backend (sim/kernel/sched/) ----------------------------- */
int sch_sim_init(struct sim *sim);		/* main context becomes task 1 */
void sch_sim_exit(struct sim *sim);		/* frees every coroutine, even blocked ones */
int sch_task_start(struct task_struct *t);	/* coroutine, runnable at next switch */
int sch_task_join(struct task_struct *t);	/* blocks (switches) until t finished */
void sch_yield(void);				/* a switch point: the scheduler picks */
void sch_lock_acquire(struct ksim_lock_impl *l, bool sleeping);
bool sch_lock_trylock(struct ksim_lock_impl *l);
void sch_lock_release(struct ksim_lock_impl *l);
/*
 * Block until cond(arg) is true: the task is not runnable until cond
 * holds (the scheduler re-evaluates it). If every task is blocked, files
 * a SIM_REPORT_DEADLOCK report, marks the simulation dead and returns
 * -EDEADLK in the main task (other tasks are never resumed again).
 */
int sch_wait_until(bool (*cond)(void *arg), void *arg, const char *what);
uint64_t sch_now_ns(void);			/* virtual time: advances per switch */

/*
 * sched backend: the contract with the generic code (additive).
 *  - sim_create: allocates the main task_struct (pid 1), sets
 *    ksim_current_task to it, then calls sch_sim_init(sim) (which sets
 *    ksim_sched_active = 1), then, if cfg->schedule_len,
 *    sch_set_schedule(cfg->schedule, cfg->schedule_len) (it copies).
 *  - sim_task_start: allocates t and fills pid, comm, sim, fn, arg, then
 *    calls sch_task_start(t); the task first runs at the next switch.
 *    sim_task_join: sch_task_join(t) (fn's value is in t->result), then
 *    frees t: sched has dropped every pointer to t by then.
 *  - sim_destroy: sch_sim_exit(sim) from main, after the last sch_* call
 *    (it clears ksim_sched_active); it frees the coroutines of tasks never
 *    joined, but never touches their task_structs (the generic code frees
 *    those, before or after).
 *  - sim_is_dead(sim) is sch_is_dead() on this backend.
 *  - sched calls sim_random(sim) once per real scheduling choice (two or
 *    more runnable tasks) and sim_report(SIM_REPORT_DEADLOCK, ...).
 *  - Switch points inside sched: sch_lock_acquire and sch_lock_trylock
 *    (before taking), sch_lock_release (after), sch_wait_until (once on
 *    entry even if cond holds) and sch_task_join; the generic code adds
 *    sch_yield() at its own switch points only.
 *  - Conditions passed to sch_wait_until are polled by the scheduler from
 *    any task's context: no side effects, no sch_* calls, and (TSan) read
 *    shared state with acquire loads, published with release stores.
 *  - ksim_sched_active is defined in sched/sched_tasks.c.
 *  - TSan builds: tasks are TSan fibers switched with no_sync, so every
 *    runtime-internal shared structure must be ordered by an annotated
 *    lock, an atomic, or an explicit __tsan_acquire/__tsan_release, or
 *    TSan reports it; per-task state belongs in task_struct, not __thread.
 */
int sch_set_schedule(const uint8_t *bytes, size_t len);	/* choices to replay */
bool sch_is_dead(void);				/* a deadlock was found */
/*
 * The schedule so far: one byte per real choice (index among the runnable
 * tasks, in creation order; replayable through sch_set_schedule for up to
 * 256 runnable tasks) and the pid chosen there. Valid until the next
 * switch point. sch_schedule_log returns -ENOMEM if entries were lost.
 */
int sch_schedule_log(const uint8_t **bytes, size_t *n);
void sch_schedule_trace(const int **pids, size_t *n);
void sch_schedule_log_reset(void);
/*
 * The strategy hook (explorer): once the schedule bytes run out, every
 * real choice calls fn(ctx, choice) instead of using the generator's draw
 * (still drawn, and passed in). NULL restores the generator. sim_create
 * sets it from sim_config.choose. sch_pick_next stays the one choice point.
 */
void sch_set_chooser(sim_choose_fn fn, void *ctx);
void sch_set_stack_size(size_t bytes);		/* next coroutines; 0 = 256 KiB */
/* ns per switch between two yielding tasks (from main; perturbs the log) */
double sch_bench_switch_ns(unsigned long iterations);
double sch_bench_coro_ns(unsigned long iterations);	/* bare coroutine switch */

/*
 * RCU on the sched backend (and in TSan builds of the threads backend) is
 * not liburcu: it is the runtime's own grace-period domain, the same
 * generic code that implements SRCU, written on the primitives above.
 */

/* ---- dispatch ------------------------------------------------------ */
#define KSIM_BE(fn, ...) \
	(__atomic_load_n(&ksim_sched_active, __ATOMIC_RELAXED) ?		\
	 sch_##fn(__VA_ARGS__) : thr_##fn(__VA_ARGS__))

#endif
