/*
 * struct task_struct: one simulated task (a host thread, a vCPU, a
 * workqueue worker, the RCU/SRCU callback runner). Its fields hold the
 * execution context the checkers need: preemption and irq state, RCU and
 * SRCU read-side nesting, and the stack of held locks.
 */
#ifndef KSIM_TASK_H
#define KSIM_TASK_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct lockdep_map;
struct ksim_site;

#define KSIM_MAX_HELD_LOCKS	48
#define KSIM_MAX_SRCU_HELD	16

struct held_lock {
	struct lockdep_map *map;	/* lock instance's map (class via map->key) */
	const char *file;		/* where it was taken */
	int line;
	unsigned int subclass;
	bool irqs_were_off;		/* irqs disabled when taken (irq-safe use) */
	/* additions (runtime): */
	const char *func;		/* function that took it */
	bool read;			/* SRCU/RCU read side: recursive, no wait */
	bool recursed;			/* a self-deadlocking re-acquire: not really taken */
	unsigned int cls;		/* lockdep class index (0 = none yet) */
};

struct task_struct {
	int pid;			/* 1 = main; immutable */
	char comm[32];			/* task name; immutable */
	struct sim *sim;		/* owning simulation; immutable */

	int (*fn)(void *arg);		/* entry point; immutable */
	void *arg;
	int result;			/* fn's return value, set when done */
	int done;			/* set (release) when fn returned */

	/* execution context: touched only by the task itself */
	int preempt_count;		/* spinlocks held + preempt_disable() */
	int irqs_off;			/* local_irq_disable nesting (0/1 semantics) */
	int rcu_read_depth;		/* rcu_read_lock nesting */
	int srcu_depth;			/* srcu_read_lock nesting, all domains */
	struct {
		const void *ssp;	/* struct srcu_struct * */
		int idx;
	} srcu_held[KSIM_MAX_SRCU_HELD];
	int lockdep_depth;
	struct held_lock held_locks[KSIM_MAX_HELD_LOCKS];
	int in_wakeup;			/* inside a wait-queue wake function */
	/* additions (runtime): */
	int in_irq;			/* ksim_irq_enter nesting (simulated hardirq) */
	int in_eventfd;			/* inside eventfd_signal (recursion check) */
	int rcu_idx;			/* own-domain RCU: counter index of the outermost reader */
	/*
	 * The outermost rcu_read_lock (checkers on): where, and how many
	 * held_locks entries were below it. Reports print it as a held lock
	 * at that position; it is never written into held_locks.
	 */
	const struct ksim_site *rcu_site;
	int rcu_held_pos;
	unsigned int slot;		/* per-task slot (kshim/ksim.h), 0 = shared; set at creation */
	int lockdep_off;		/* >0 while a checker itself runs (no recursion) */
	bool joined;			/* sim_task_join done (generic) */
	struct task_struct *sim_next;	/* sim's task list; sim task lock */

	const char *origin;		/* scenario line that drives this task */

	void *be;			/* backend private (pthread / coroutine) */
	void *waiting_on;		/* sched: what the task is blocked on */
};

/* The running task (thread-local; the sched backend swaps it). */
extern __thread struct task_struct *ksim_current_task
	__attribute__((tls_model("initial-exec")));
#define current (ksim_current_task)

#endif
