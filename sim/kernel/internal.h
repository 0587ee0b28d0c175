/*
 * Runtime internals shared by the generic code of sim/kernel (not the
 * backends' private state, not a public API).
 *
 * Locking inside the runtime: sim->lock (a host mutex) protects the
 * simulation's tables (tasks, reports, fds, workqueues, timers, callback
 * queues); sim->alloc_lock the allocation table; lockdep has its own.
 * None is ever held across a switch point or a call into model code, so
 * sched coroutines never block on them. ksim_lock/ksim_unlock also mark
 * the task as "inside the runtime" (no fine-mode yields, no lockdep).
 */
#ifndef KSIM_INTERNAL_H
#define KSIM_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kshim/kernel.h>
#include <kshim/srcu.h>
#include <kshim/workqueue.h>
#include <kshim/file.h>
#include "backend.h"

/* ---- growable text buffer for reports ---- */
struct ksim_buf {
	char *s;
	size_t len, cap;
};
void kbuf_printf(struct ksim_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kbuf_vprintf(struct ksim_buf *b, const char *fmt, va_list ap);
void kbuf_free(struct ksim_buf *b);
const char *ksim_short_file(const char *file);

struct ksim_alloc_hdr;

struct ksim_once_set {
	uint64_t *keys;			/* open addressing, 0 = empty */
	size_t cap, nr;
};

struct sim {
	struct sim_config cfg;		/* immutable after create */
	pthread_mutex_t lock;		/* the tables below */
	pthread_mutex_t rng_lock;
	uint64_t rng[4];		/* xoshiro256** state; rng_lock */

	struct task_struct *main_task;	/* immutable */
	struct task_struct *tasks;	/* every task started, via sim_next; lock */
	int next_pid;			/* lock */
	uint32_t slots_used;		/* task slots handed out (bit n = slot n); lock */

	struct sim_report **reports;	/* lock */
	unsigned int nr_reports, cap_reports;
	unsigned int total_reports;	/* over the whole life (not cleared) */
	sim_report_hook_fn hook;
	void *hook_ctx;
	struct ksim_once_set once;	/* report dedupe keys; lock */

	struct file **fds;		/* fd table; lock */
	int nr_fds;

	uint64_t clock_ns;		/* simulated clock; atomic */
	uint64_t start_mono_ns;		/* threads: trace timestamps */

	/* workqueues and timers: lock */
	struct list_head workqueues;
	struct list_head timers;	/* armed timers, sorted by expiry */
	struct workqueue_struct *sys_wq;
	long wq_inflight;		/* queued + running work items; atomic */

	/* RCU / SRCU callbacks: lock */
	struct srcu_struct rcu_dom;	/* RCU: own-domain readers (sched/TSan) + call_rcu queue */
	struct srcu_struct *cb_list;	/* domains with queued callbacks */
	long cb_inflight;		/* queued + running callbacks; atomic */
	int cb_stop;			/* atomic */
	struct task_struct *cb_task;

	/* memory: alloc_lock */
	pthread_mutex_t alloc_lock;
	struct ksim_alloc_hdr **buckets;
	size_t nr_buckets;
	unsigned long alloc_count;	/* kmalloc calls */
	unsigned long live_objects;
	size_t live_bytes;
	unsigned long fail_nth_alloc;	/* countdown, 0 = off */
	char **fail_sites;
	unsigned int nr_fail_sites;
	struct ksim_freed {		/* recently freed: double-free detection */
		const void *p;
		const char *func, *file;
		int line;
		const char *afunc;
		int aline;
		const char *afile;
	} *freed;
	unsigned int freed_pos, freed_cap;
	struct ksim_alloc_hdr **quarantine;	/* sched, no ASan: poisoned objects */
	unsigned int q_head, q_len, q_cap;
	size_t q_bytes;

	int defer_hold;			/* sim_hold_deferred; atomic */
	int defer_override;		/* waits that need the deferred work; atomic */

	unsigned long fail_nth_fdget;	/* countdown; lock */
	int dead;			/* threads: never; sched: sch_is_dead */
};

/* The active simulation. */
extern struct sim *ksim_sim;

/* Does the current task use the runtime's own RCU domain (sched, TSan)? */
extern int ksim_rcu_own;
void ksim_update_slowpath(void);

static inline void ksim_enter(void)
{
	if (current)
		current->lockdep_off++;
}

static inline void ksim_leave(void)
{
	if (current)
		current->lockdep_off--;
}

static inline void ksim_lock(struct sim *sim)
{
	ksim_enter();
	pthread_mutex_lock(&sim->lock);
}

static inline void ksim_unlock(struct sim *sim)
{
	pthread_mutex_unlock(&sim->lock);
	ksim_leave();
}

/* Is deferred work held back (sim_hold_deferred, and nobody waits for it)? */
static inline bool ksim_deferred_held(struct sim *sim)
{
	return __atomic_load_n(&sim->defer_hold, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&sim->defer_override, __ATOMIC_ACQUIRE);
}
/* ksim_wait_until for a wait that needs deferred work to run. */
int ksim_wait_deferred(bool (*cond)(void *arg), void *arg, const char *what);

/* Block until cond(arg) (both backends). Returns 0, or -EDEADLK (sched). */
int ksim_wait_until(bool (*cond)(void *arg), void *arg, const char *what);
/* ksim_notify (kshim/ksim.h): never under sim->lock. */
uint64_t ksim_now_ns(void);

/* ---- reports ---- */
void ksim_report_text(enum sim_report_kind kind, const char *title, const char *text);
/* True the first time (per simulation) this key is seen. */
bool ksim_once(const void *a, uintptr_t b);
void ksim_print_task(struct ksim_buf *b, const struct task_struct *t);
void ksim_print_held_locks(struct ksim_buf *b, const struct task_struct *t);
/* Locks a report lists for t: held_locks plus the lazily recorded rcu_read_lock. */
int ksim_held_lock_count(const struct task_struct *t);
void ksim_print_lock(struct ksim_buf *b, const struct held_lock *h);
void ksim_reports_free(struct sim *sim);

/* ---- pieces of sim_create/sim_destroy ---- */
void ksim_lockdep_reset(void);
int ksim_workqueue_init(struct sim *sim);
void ksim_workqueue_exit(struct sim *sim);
bool ksim_wq_idle(void *arg);
int ksim_timers_next(struct sim *sim, uint64_t *expires);
void ksim_timers_fire(struct sim *sim, uint64_t now);
int ksim_callbacks_init(struct sim *sim);
void ksim_callbacks_exit(struct sim *sim);
bool ksim_cb_idle(void *arg);
int ksim_alloc_init(struct sim *sim);
void ksim_alloc_exit(struct sim *sim);
void ksim_files_exit(struct sim *sim);
/* host_bridge.c: unbind the host eventfds still bound (sim_destroy). */
void ksim_host_bridge_exit(struct sim *sim);
void ksim_task_exit_checks(struct task_struct *t, const char *what);

/* ---- SRCU core, also the own-domain RCU ---- */
int ksim_srcu_init_raw(struct srcu_struct *ssp, struct sim *sim);
/* ksim_srcu_lock_raw / ksim_srcu_unlock_raw: inline in kshim/srcu.h */
void ksim_srcu_gp(struct srcu_struct *ssp);
void ksim_cb_enqueue(struct srcu_struct *dom, struct rcu_head *head, rcu_callback_t func);
void ksim_cb_barrier(struct srcu_struct *dom);

/* The threads backend's RCU registration (threads/rcu_memb.c). */
void thr_rcu_register(void);
void thr_rcu_unregister(void);

/* RCU's lockdep map ("rcu_read_lock"), shown in held-lock lists. */
extern struct lockdep_map ksim_rcu_lock_map;

#endif
