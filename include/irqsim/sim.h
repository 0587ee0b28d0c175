/*
 * The simulation instance: not a kernel API, the runtime's own.
 *
 * A struct sim owns everything a simulated machine has: its tasks, its
 * workqueues, its RCU/SRCU callback queues, its fd table, its allocation
 * accounting, its checker reports and its seeded random generator.
 *
 * One simulation is active per process at a time (the kernel's globals,
 * such as the irqfd cleanup workqueue, are per-simulation state). The
 * thread that calls sim_create() becomes the simulation's "main" task and
 * must be the one that calls sim_destroy().
 */
#ifndef IRQSIM_SIM_H
#define IRQSIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim;
struct task_struct;

enum sim_backend {
	SIM_BACKEND_THREADS,	/* pthreads, liburcu, ck: real concurrency */
	SIM_BACKEND_SCHED,	/* coroutines on one OS thread, seeded schedule */
};

enum sim_yield_mode {
	SIM_YIELD_RUNTIME,	/* switch at every runtime call (default) */
	SIM_YIELD_FINE,		/* also at READ_ONCE/WRITE_ONCE/atomics */
};

/*
 * One real scheduling choice on the sched backend, as a strategy sees it
 * (valid only during the call).
 */
struct sim_choice {
	unsigned int n;			/* runnable tasks, >= 2 */
	const int *pids;		/* their pids, in creation order */
	const char *const *names;	/* their names (task comm) */
	int cur;			/* index of the task at the switch point, -1 if it cannot go on */
	int cur_pid;			/* pid of the task at the switch point, runnable or not */
	uint64_t step;			/* real choices made before this one in this run */
	uint64_t random;		/* the seeded generator's draw for this choice */
};

/* Returns the index (taken modulo n) of the task to run. */
typedef unsigned int (*sim_choose_fn)(void *ctx, const struct sim_choice *c);

/* Called on every trace event (see "tracing" below). */
struct sim_event;
typedef void (*sim_trace_fn)(void *ctx, const struct sim_event *ev);

struct sim_config {
	enum sim_backend backend;
	uint64_t seed;			/* the one seed for everything random */
	bool checkers;			/* lockdep, context, RCU-usage, memory */
	enum sim_yield_mode yield_mode;	/* sched backend only */
	/*
	 * sched backend: when set, scheduling choices are read from these
	 * bytes (one byte per choice, modulo the runnable count) until they
	 * run out, then from the seeded generator. Used by the fuzzers.
	 */
	const uint8_t *schedule;
	size_t schedule_len;
	/* threads backend: number of system_wq workers (default 2) */
	unsigned int system_wq_workers;
	/*
	 * sched backend (additive, for the explorer): once the schedule bytes
	 * run out, each real choice (two or more runnable tasks) is asked of
	 * choose(choose_ctx, ...) instead of the seeded generator (which is
	 * still drawn once per choice). NULL: the generator chooses.
	 */
	sim_choose_fn choose;
	void *choose_ctx;
	/*
	 * (additive) The tracer from the start, as sim_set_tracer(sim,
	 * tracer, tracer_ctx) would set it, but early enough to see the
	 * tasks sim_create itself starts (the RCU callback task, workqueue
	 * workers), so their tracks are named. NULL: no tracer.
	 */
	sim_trace_fn tracer;
	void *tracer_ctx;
};

/* Sensible defaults: sched backend, checkers on, seed 1. */
void sim_config_init(struct sim_config *cfg);

/* Create a simulation and make the calling thread its "main" task. NULL on failure. */
struct sim *sim_create(const struct sim_config *cfg);

/*
 * Run deferred work to completion, then free the simulation. Reports
 * leaks (every allocation still live, with its site) as checker reports
 * before freeing. Returns the number of reports the simulation produced
 * over its whole life (0 = clean).
 */
unsigned int sim_destroy(struct sim *sim);

/* The active simulation (NULL when none). */
struct sim *sim_current(void);
enum sim_backend sim_backend(const struct sim *sim);
uint64_t sim_seed(const struct sim *sim);

/* The one seeded generator (xoshiro-style, deterministic per seed). */
uint64_t sim_random(struct sim *sim);
/* Uniform in [0, bound); bound > 0. */
uint64_t sim_random_below(struct sim *sim, uint64_t bound);

/* ---- tasks -------------------------------------------------------- */

/*
 * Create and start a simulated task running fn(arg) (kthread_run-like).
 * On the sched backend it is a coroutine that first runs when the current
 * task reaches a switch point; on the threads backend it is a pthread.
 */
struct task_struct *sim_task_start(struct sim *sim, const char *name,
				   int (*fn)(void *arg), void *arg);
/* Wait for a task started by sim_task_start; returns fn's result. Frees it. */
int sim_task_join(struct task_struct *t);

/*
 * Run deferred work to completion: queued and delayed work items (the
 * simulated clock jumps to each timer), RCU and SRCU callbacks, repeated
 * until nothing is pending. Called from the main task.
 */
void sim_settle(struct sim *sim);

/*
 * Hold deferred work (the scenario language's `settle off`): while held,
 * workers do not start queued work items and RCU/SRCU callbacks are not
 * run, so in-between states can be observed. Anything that waits for
 * that work (sim_settle, flush_work, flush_workqueue, cancel_*_sync,
 * rcu_barrier, srcu_barrier) still lets it run while it waits.
 */
void sim_hold_deferred(struct sim *sim, bool hold);

/* Simulated clock (nanoseconds), used by delayed work and jiffies. */
uint64_t sim_clock_ns(struct sim *sim);
/* Advance the simulated clock; fires the timers that came due. */
void sim_clock_advance(struct sim *sim, uint64_t ns);

/*
 * sched backend: true once the scheduler found every task blocked (a
 * deadlock report was filed); blocking calls then return at once in the
 * main task and the run must be abandoned.
 */
bool sim_is_dead(const struct sim *sim);

/* ---- checker reports ---------------------------------------------- */

enum sim_report_kind {
	SIM_REPORT_LOCKDEP,	/* circular dependency, recursion, irq inversion, assert_held */
	SIM_REPORT_CONTEXT,	/* sleeping function called from invalid context */
	SIM_REPORT_RCU,		/* suspicious RCU usage, sync inside reader, bad srcu idx */
	SIM_REPORT_MEMORY,	/* leak, double free, use after free, bad free */
	SIM_REPORT_WARN,	/* WARN_ON / BUG_ON from model code */
	SIM_REPORT_DEADLOCK,	/* sched backend: every task blocked */
	SIM_REPORT_INVARIANT,	/* a model invariant broken (checked by the model) */
	SIM_REPORT_NR_KINDS,
};

struct sim_report {
	enum sim_report_kind kind;
	const char *title;	/* first line, e.g. "WARNING: possible circular locking dependency detected" */
	const char *text;	/* the whole report, kernel style, several lines */
	const char *origin;	/* origin of the task that hit it (sim_set_origin), or NULL */
};

unsigned int sim_report_count(const struct sim *sim, int kind /* -1 = all */);
const struct sim_report *sim_report_get(const struct sim *sim, unsigned int i);
void sim_report_clear(struct sim *sim);

/* Called synchronously on every report (e.g. the CLI prints it). */
typedef void (*sim_report_hook_fn)(void *ctx, const struct sim_report *r);
void sim_set_report_hook(struct sim *sim, sim_report_hook_fn fn, void *ctx);

/*
 * Where the current task's actions come from, e.g. "t.scn:12". Work
 * items, timers and RCU callbacks inherit the origin of the task that
 * queued them, so a report names the scenario line that led there.
 * The string must stay valid for the simulation's lifetime.
 */
void sim_set_origin(const char *origin);
const char *sim_get_origin(void);

/* File a report from model or runtime code (kernel-style multi-line text). */
void sim_report(enum sim_report_kind kind, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- fault injection ------------------------------------------------ */

/* Fail the nth allocation from now on (1 = the next one); 0 disables. */
void sim_fail_nth_alloc(struct sim *sim, unsigned long n);
/* Fail every allocation made by function `site` (its __func__) while on. */
void sim_fail_alloc_site(struct sim *sim, const char *site, bool on);
/* Fail the nth fd lookup (fget/eventfd_ctx_fdget) from now with -EBADF; 0 disables. */
void sim_fail_nth_fdget(struct sim *sim, unsigned long n);
/* Count of allocations made so far (for fail-the-Nth loops). */
unsigned long sim_alloc_count(const struct sim *sim);
/* Bytes and objects live right now. */
size_t sim_alloc_live_bytes(const struct sim *sim);
unsigned long sim_alloc_live_objects(const struct sim *sim);

/* ---- tracing ------------------------------------------------------ */

enum sim_event_type {
	SIM_EV_BEGIN,		/* a span starts on the task's track */
	SIM_EV_END,		/* the innermost open span with this name ends */
	SIM_EV_INSTANT,		/* a point event */
	SIM_EV_TASK,		/* a task was created (name = task name) */
};

struct sim_event {
	uint64_t ts_ns;		/* sched: virtual time; threads: monotonic since start */
	int tid;		/* simulated task id (main = 1) */
	enum sim_event_type type;
	const char *cat;	/* "lock", "rcu", "srcu", "gp", "work", "irq", "exit", "report", "task" */
	const char *name;	/* e.g. "&kvm->irqfds.lock", "irqfd_inject fast" */
	const char *args;	/* "k=v k=v" or NULL */
	const char *origin;	/* the task's origin at the time, or NULL */
};

/* Set, replace or (fn NULL) remove the tracer; sim_config.tracer sets it from the start. */
void sim_set_tracer(struct sim *sim, sim_trace_fn fn, void *ctx);

extern int ksim_tracing_on;	/* fast check: a tracer is set */
void ksim_trace_emit(enum sim_event_type type, const char *cat,
		     const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define sim_trace(type, cat, name, ...)					\
	do {								\
		if (__builtin_expect(__atomic_load_n(&ksim_tracing_on, __ATOMIC_RELAXED), 0))		\
			ksim_trace_emit(type, cat, name, __VA_ARGS__);	\
	} while (0)
#define sim_trace_instant(cat, name, ...) \
	sim_trace(SIM_EV_INSTANT, cat, name, __VA_ARGS__)

/* ---- checkers ----------------------------------------------------- */

/* Global switch read on every hot path (set from sim_config.checkers). */
extern int ksim_checkers_on;

#endif
