/*
 * The interleaving explorer (include/irqsim/explore.h, docs/explore.md),
 * internal interfaces. Split by concern:
 *
 *   explore_run.c       a parsed scenario, run once per schedule on a fresh
 *                       sched-backend simulation (parse once, run many)
 *   explore_strategy.c  the choice-point callbacks: random, PCT, bounded
 *                       DFS (exhaustive) and guided (minimisation); each
 *                       records the run's choices
 *   explore_min.c       shrinking a failing schedule (delta debugging)
 *   explore.c           the exploration loop, replay, hex
 *
 * Everything runs on the thread that called irqsim_explore(): the choice
 * callbacks run inside the scheduler, between switch points, so no state
 * here needs a lock.
 */
#ifndef IRQSIM_EXPLORE_INTERNAL_H
#define IRQSIM_EXPLORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/explore.h>
#include "interp.h"

/* ---- explore_run.c ---- */

/* A scenario parsed once; immutable while it runs. */
struct xprog {
	const char *name;
	struct scn_program *prog;
	struct interp_origins origins;
};

/* Parse; INTERP_SCRIPT (diagnostics printed to err) or 0; -ENOMEM. */
int xprog_load(struct xprog *x, const char *name, const char *text, size_t len, FILE *err);
/* Read the file, then xprog_load; *text must be freed after xprog_free. */
int xprog_load_file(struct xprog *x, const char *path, char **text, FILE *err);
void xprog_free(struct xprog *x);

struct xrun_cfg {
	uint64_t seed;
	const uint8_t *schedule;	/* sim_config.schedule */
	size_t schedule_len;
	sim_choose_fn choose;		/* sim_config.choose */
	void *choose_ctx;
	bool fine;
	bool checkers;
	FILE *err;			/* NULL: silent */
	struct irqsim_trace *const *traces;
	unsigned int n_traces;
};

/* How a run ended. Two failing runs are "the same failure" when status and line match. */
struct xrun_out {
	int status;			/* 0, 1 or 2 */
	unsigned int line;		/* line of the first message (0: none) */
	char msg[384];			/* first message */
	uint64_t statements;
};

/* One run on a fresh simulation. Returns out->status. */
int xrun_once(const struct xprog *x, const struct xrun_cfg *c, struct xrun_out *out);

/* ---- explore_strategy.c ---- */

/* One real choice as it was made. */
struct xstep {
	int pid;			/* chosen */
	int cur_pid;			/* the task at the switch point */
	uint32_t visit;			/* how many earlier choices cur_pid was at */
	uint16_t n;			/* runnable tasks */
	int16_t cur;			/* index of the task at the switch point, -1 none */
	uint8_t idx;			/* chosen index (the schedule byte) */
	bool forced;			/* a new task's first step (not a decision) */
};

/* The choices of one run (reused from run to run). */
struct xlog {
	struct xstep *steps;
	size_t len, cap;
	bool lost;			/* ENOMEM: the log is incomplete */
};

/* A node of the bounded depth-first search: one choice of the current prefix. */
struct xnode {
	uint16_t n;
	int16_t cur;
	uint16_t alt;			/* k-th alternative: 0 = continue (or index 0) */
	uint32_t pre;			/* preemptions before this choice */
};

/*
 * A decision of a guided run: when task cur_pid reaches its visit-th
 * choice point, run pid (if it is runnable). Keyed by the task's own
 * progress, so dropping another decision does not move this one.
 */
struct xdecision {
	int cur_pid;
	uint32_t visit;
	int pid;
};

/* What the strategy keeps per task (by pid), reset every run. */
struct xtask {
	uint64_t prio;			/* pct: 0 = not drawn yet */
	uint32_t visits;		/* choices this task was at */
	bool started;			/* has run (was at a choice, or was picked) */
};

enum xstrat_kind { XS_RANDOM, XS_PCT, XS_DFS, XS_GUIDED };

#define XPCT_MAX_DEPTH	32

struct xstrat {
	enum xstrat_kind kind;
	struct xlog log;		/* this run */
	uint64_t rng;			/* the strategy's own generator (pct) */
	struct xtask *tasks;		/* by pid */
	size_t tasks_cap;
	size_t dsteps;			/* choices left to the strategy in this run */

	/* pct: change points, counted in dsteps */
	unsigned int depth;
	uint64_t change[XPCT_MAX_DEPTH];
	unsigned int n_change;
	uint64_t est_steps;		/* estimated choices per run */

	/* dfs: one node per choice left to the strategy (dsteps) */
	struct xnode *nodes;
	size_t n_nodes, nodes_cap;
	unsigned int bound;		/* preemption bound of this pass */
	unsigned int max_bound;		/* the last pass's bound (--depth) */
	unsigned int pre;		/* preemptions so far in this run */
	bool nondet;			/* a replayed prefix saw other choices */

	/* guided: the decisions; default everywhere else */
	const struct xdecision *guide;
	size_t guide_len;
};

void xstrat_init(struct xstrat *s, enum xstrat_kind kind, unsigned int depth);
void xstrat_free(struct xstrat *s);
/* Before each run: pct draws its priorities and change points from seed. */
void xstrat_begin_run(struct xstrat *s, uint64_t seed);
/* The sim_choose_fn; ctx is the struct xstrat. */
unsigned int xstrat_choose(void *ctx, const struct sim_choice *c);
/* dfs, after a run: move to the next schedule; false when the space is exhausted. */
bool xstrat_dfs_next(struct xstrat *s);
/* Preemptions in the first `upto` steps of a log. */
unsigned int xlog_preemptions(const struct xlog *l, size_t upto);
/* The log's choice bytes, malloc'd (NULL for an empty log). */
uint8_t *xlog_bytes(const struct xlog *l);
/* The default choice (what `guided` picks without a guide entry). */
static inline unsigned int xstep_default(int cur)
{
	return cur >= 0 ? (unsigned int)cur : 0;
}

/* ---- explore_min.c ---- */

struct xmin_ctx {
	const struct xprog *x;
	const struct irqsim_explore_opts *o;
	uint64_t seed;
	const struct xrun_out *want;	/* the failure to keep */
	uint64_t runs;			/* runs made */
};

/*
 * Shrink the failing run recorded in log (run with ctx->seed): fewer
 * scheduling decisions (preemptions first), then the shortest prefix of
 * schedule bytes that still gives the same failure. Fills *out.
 */
int xmin_minimise(struct xmin_ctx *m, const struct xlog *log, struct irqsim_schedule *out);

#endif
