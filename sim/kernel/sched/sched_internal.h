/*
 * State shared by the files of the sched backend. Everything here lives
 * on one OS thread and is touched only between switch points, so no lock
 * protects it: "owned by the scheduler" below means exactly that.
 */
#ifndef KSIM_SCHED_INTERNAL_H
#define KSIM_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../backend.h"
#include "coro.h"

/* Virtual time one switch point costs (sch_now_ns). */
#define SCH_TICK_NS		100

enum sch_wait {
	SCH_RUNNING,		/* runnable */
	SCH_WAIT_LOCK,		/* runnable once lock->word == 0 */
	SCH_WAIT_COND,		/* runnable once cond(cond_arg) */
	SCH_DONE,		/* fn returned; never runnable again */
};

/* One simulated task as the scheduler sees it (task_struct.be points here). */
struct sch_task {
	struct coro coro;		/* owned by the scheduler */
	struct task_struct *t;		/* NULL once detached (joined after death) */
	int pid;			/* copy of t->pid: t may be freed before us */
	char comm[32];			/* copy of t->comm, for reports */
	enum sch_wait wait;		/* set by the task itself before it blocks */
	struct ksim_lock_impl *lock;	/* SCH_WAIT_LOCK: the lock */
	bool sleeping;			/* SCH_WAIT_LOCK: mutex (true) or spinlock */
	bool (*cond)(void *arg);	/* SCH_WAIT_COND */
	void *cond_arg;
	const char *what;		/* SCH_WAIT_COND: caller's description */
	struct sch_task *next;		/* task list, creation order */
};

/* The scheduler of the one active sched-backend simulation. */
struct sch_state {
	struct sim *sim;		/* immutable */
	struct sch_task main;		/* task 1: the thread's own context */
	struct sch_task *tasks;		/* all tasks, creation order (main first) */
	struct sch_task **tail;
	struct sch_task *cur;		/* the running task */
	struct sch_task **runq;		/* scratch for sch_pick_next */
	size_t runq_cap;
	size_t nr_tasks;
	bool picking;			/* inside sch_pick_next (cond callbacks run) */
	bool dead;			/* deadlock found: only main runs from now on */
	uint64_t now_ns;		/* virtual time */
	uint64_t switches;		/* context switches made */

	uint8_t *sched;			/* caller-supplied choices (a copy) */
	size_t sched_len, sched_pos;

	sim_choose_fn choose;		/* strategy after the bytes (NULL: generator) */
	void *choose_ctx;
	int *pick_pids;			/* scratch for the strategy: runq's pids, names */
	const char **pick_names;
	uint64_t choices;		/* real choices made so far */

	uint8_t *log;			/* choice made at each real choice point */
	int *log_pid;			/* task chosen there */
	size_t log_len, log_cap;
	bool log_lost;			/* an entry could not be stored (ENOMEM) */
};

extern struct sch_state *sch;

/* scheduler.c */
struct sch_task *sch_pick_next(void);
void sch_schedule(void);
/* sched_deadlock.c: file the report; the caller switches to main */
void sch_report_deadlock(void);
/* sched_log.c */
void sch_log_choice(uint8_t choice, int pid);
void sch_log_free(void);

#endif
