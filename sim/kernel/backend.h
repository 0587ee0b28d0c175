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
#include <stdint.h>
#include <kshim/sim.h>

struct task_struct;
struct rcu_head;

/* The lock word inside spinlock_t and struct mutex. */
struct ksim_lock_impl {
	unsigned int word;		/* 0 free, 1 held (threads: ck fas / C11 atomic) */
	struct task_struct *owner;	/* holder, for lockdep_assert_held and reports */
};
#define KSIM_LOCK_IMPL_INIT { 0, NULL }

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
 * RCU on the sched backend (and in TSan builds of the threads backend) is
 * not liburcu: it is the runtime's own grace-period domain, the same
 * generic code that implements SRCU, written on the primitives above.
 */

/* ---- dispatch ------------------------------------------------------ */
#define KSIM_BE(fn, ...) \
	(ksim_sched_active ? sch_##fn(__VA_ARGS__) : thr_##fn(__VA_ARGS__))

#endif
