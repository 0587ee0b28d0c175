/*
 * The explorer's strategies: what to run at each real choice point of the
 * sched backend (sim_config.choose, called from sch_pick_next). Every
 * strategy records the run's choices in s->log, which therefore holds the
 * schedule bytes that replay the run exactly.
 *
 *   random   the seeded generator's draw, exactly as the scheduler uses it
 *            without a strategy (so a failing seed replays on its own)
 *   pct      probabilistic concurrency testing (Burckhardt, Kothari,
 *            Musuvathi, Nagarakatte, ASPLOS 2010): random task priorities,
 *            d-1 random priority change points over the estimated number
 *            of steps, always the highest-priority runnable task
 *   dfs      depth-first enumeration of the choices, default first, with
 *            at most `bound` preemptions per run, the bound raised from 0
 *            to the depth asked for once each level is exhausted
 *            (iterative context bounding, Musuvathi and Qadeer, PLDI 2007:
 *            most bugs need few preemptions, so those schedules come first)
 *   guided   a list of decisions, "go on with the current task" everywhere
 *            else: the minimiser's runs
 *
 * Except for random, a task that has never run is run as soon as it is
 * runnable, up to its first switch point, before the strategy is asked
 * (a forced step). The runtime's workers and the RCU callback runner are
 * created with the simulation and would otherwise stay runnable through
 * every statement until the main task first blocks: choices that can only
 * let an idle task reach its wait, which would swamp the search and the
 * change points. The step is still logged (it is a real choice for the
 * scheduler), so the schedule bytes replay it.
 *
 * A preemption is a choice, other than a forced one, that switches away
 * from a task that could go on (cur >= 0 and the chosen index is not cur).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explore.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)r * n) >> 64);
}

void xstrat_init(struct xstrat *s, enum xstrat_kind kind, unsigned int depth)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->depth = depth ? depth : 1;
	if (s->depth > XPCT_MAX_DEPTH)
		s->depth = XPCT_MAX_DEPTH;
	s->max_bound = depth;
	s->bound = 0;
	s->est_steps = 1;
}

void xstrat_free(struct xstrat *s)
{
	free(s->log.steps);
	free(s->tasks);
	free(s->nodes);
	memset(s, 0, sizeof(*s));
}

void xstrat_begin_run(struct xstrat *s, uint64_t seed)
{
	s->log.len = 0;
	s->log.lost = false;
	s->pre = 0;
	s->dsteps = 0;
	if (s->tasks)
		memset(s->tasks, 0, s->tasks_cap * sizeof(*s->tasks));
	if (s->kind != XS_PCT)
		return;
	s->rng = seed ^ 0x5043545043545043ULL;	/* independent of the simulation's stream */
	s->n_change = s->depth - 1;
	for (unsigned int i = 0; i < s->n_change; i++)
		s->change[i] = below(splitmix(&s->rng), s->est_steps);
}

/* The per-task state of pid; NULL only on ENOMEM (callers degrade gracefully). */
static struct xtask *task_of(struct xstrat *s, int pid)
{
	size_t need = (size_t)(pid < 0 ? 0 : pid) + 1;

	if (need > s->tasks_cap) {
		size_t cap = need * 2 > 16 ? need * 2 : 16;
		struct xtask *t = realloc(s->tasks, cap * sizeof(*t));

		if (!t)
			return NULL;
		memset(t + s->tasks_cap, 0, (cap - s->tasks_cap) * sizeof(*t));
		s->tasks = t;
		s->tasks_cap = cap;
	}
	return &s->tasks[pid < 0 ? 0 : pid];
}

static void log_step(struct xstrat *s, const struct sim_choice *c, unsigned int idx,
		     uint32_t visit, bool forced)
{
	struct xlog *l = &s->log;

	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 512;
		struct xstep *st = realloc(l->steps, cap * sizeof(*st));

		if (!st) {
			l->lost = true;
			return;
		}
		l->steps = st;
		l->cap = cap;
	}
	l->steps[l->len++] = (struct xstep){
		.pid = c->pids[idx], .cur_pid = c->cur_pid, .visit = visit,
		.n = (uint16_t)c->n, .cur = (int16_t)c->cur,
		.idx = (uint8_t)idx, .forced = forced,
	};
}

/* ---- pct ---- */

static uint64_t pct_prio(struct xstrat *s, int pid)
{
	struct xtask *t = task_of(s, pid);

	if (!t)
		return 0;
	/*
	 * A task first seen gets a random priority above every change-point
	 * priority (1 .. d-1); tasks appear as they are created.
	 */
	if (!t->prio)
		t->prio = s->depth + 1 + (splitmix(&s->rng) >> 8);
	return t->prio;
}

static unsigned int pct_highest(struct xstrat *s, const struct sim_choice *c)
{
	unsigned int best = 0;
	uint64_t bp = 0;

	for (unsigned int i = 0; i < c->n; i++) {
		uint64_t v = pct_prio(s, c->pids[i]);

		if (v > bp) {
			bp = v;
			best = i;
		}
	}
	return best;
}

static unsigned int pct_choose(struct xstrat *s, const struct sim_choice *c)
{
	unsigned int idx = pct_highest(s, c);

	/* at change point i the task about to run drops to priority i: below all others */
	for (unsigned int i = 0; i < s->n_change; i++) {
		struct xtask *t;

		if (s->change[i] != s->dsteps)
			continue;
		t = task_of(s, c->pids[idx]);
		if (t)
			t->prio = i + 1;
		idx = pct_highest(s, c);
	}
	return idx;
}

/* ---- dfs ---- */

/* The index of alternative k at a node: 0 is the default, then the others in order. */
static unsigned int dfs_index(const struct xnode *nd, unsigned int k)
{
	unsigned int first = xstep_default(nd->cur);

	if (k == 0)
		return first;
	k--;
	return k < first ? k : k + 1;
}

static unsigned int dfs_cost(const struct xnode *nd, unsigned int k)
{
	return nd->cur >= 0 && k != 0;
}

static unsigned int dfs_choose(struct xstrat *s, const struct sim_choice *c)
{
	struct xnode *nd;
	unsigned int idx;

	if (s->dsteps < s->n_nodes) {
		nd = &s->nodes[s->dsteps];
		if (nd->n != c->n || nd->cur != c->cur) {
			s->nondet = true;	/* the same prefix led elsewhere: keep going, flagged */
			nd->n = (uint16_t)c->n;
			nd->cur = (int16_t)c->cur;
			if (nd->alt >= nd->n)
				nd->alt = 0;
		}
	} else {
		if (s->n_nodes == s->nodes_cap) {
			size_t cap = s->nodes_cap ? s->nodes_cap * 2 : 512;
			struct xnode *n = realloc(s->nodes, cap * sizeof(*n));

			if (!n)
				return xstep_default(c->cur);	/* explored as far as memory allows */
			s->nodes = n;
			s->nodes_cap = cap;
		}
		nd = &s->nodes[s->n_nodes++];
		*nd = (struct xnode){ .n = (uint16_t)c->n, .cur = (int16_t)c->cur, .alt = 0 };
	}
	nd->pre = s->pre;
	idx = dfs_index(nd, nd->alt);
	s->pre += dfs_cost(nd, nd->alt);
	return idx;
}

bool xstrat_dfs_next(struct xstrat *s)
{
	/* nodes past the choices this run made belong to another branch */
	if (s->n_nodes > s->dsteps)
		s->n_nodes = s->dsteps;
	while (s->n_nodes) {
		struct xnode *nd = &s->nodes[s->n_nodes - 1];

		for (unsigned int k = nd->alt + 1u; k < nd->n; k++) {
			if (nd->pre + dfs_cost(nd, k) <= s->bound) {
				nd->alt = (uint16_t)k;
				return true;
			}
		}
		s->n_nodes--;
	}
	/* this bound is exhausted: start over with one more preemption allowed */
	if (s->bound < s->max_bound) {
		s->bound++;
		return true;
	}
	return false;
}

/* ---- guided ---- */

static unsigned int guided_choose(struct xstrat *s, const struct sim_choice *c,
				  uint32_t visit)
{
	for (size_t d = 0; d < s->guide_len; d++) {
		const struct xdecision *g = &s->guide[d];

		if (g->cur_pid != c->cur_pid || g->visit != visit)
			continue;
		for (unsigned int i = 0; i < c->n; i++)
			if (c->pids[i] == g->pid)
				return i;
		break;
	}
	return xstep_default(c->cur);
}

/* ---- the callback ---- */

/* A runnable task that has never run, or -1. */
static int first_unstarted(struct xstrat *s, const struct sim_choice *c)
{
	for (unsigned int i = 0; i < c->n; i++) {
		struct xtask *t = task_of(s, c->pids[i]);

		if (t && !t->started)
			return (int)i;
	}
	return -1;
}

unsigned int xstrat_choose(void *ctx, const struct sim_choice *c)
{
	struct xstrat *s = ctx;
	struct xtask *cur = task_of(s, c->cur_pid), *t;
	uint32_t visit = 0;
	unsigned int idx;
	int fresh;

	if (cur) {
		cur->started = true;
		visit = cur->visits++;
	}
	if (s->kind != XS_RANDOM) {
		fresh = first_unstarted(s, c);
		if (fresh >= 0) {
			idx = (unsigned int)fresh;
			goto out;
		}
	}
	switch (s->kind) {
	case XS_PCT:
		idx = pct_choose(s, c);
		break;
	case XS_DFS:
		idx = dfs_choose(s, c);
		break;
	case XS_GUIDED:
		idx = guided_choose(s, c, visit);
		break;
	case XS_RANDOM:
	default:
		idx = (unsigned int)below(c->random, c->n);
		break;
	}
	if (idx >= c->n)
		idx = 0;
	fresh = -1;
	s->dsteps++;
out:
	t = task_of(s, c->pids[idx]);
	if (t)
		t->started = true;
	log_step(s, c, idx, visit, fresh >= 0);
	return idx;
}

unsigned int xlog_preemptions(const struct xlog *l, size_t upto)
{
	unsigned int n = 0;

	if (upto > l->len)
		upto = l->len;
	for (size_t i = 0; i < upto; i++)
		n += !l->steps[i].forced && l->steps[i].cur >= 0 &&
		     l->steps[i].idx != l->steps[i].cur;
	return n;
}

uint8_t *xlog_bytes(const struct xlog *l)
{
	uint8_t *b;

	if (!l->len)
		return NULL;
	b = malloc(l->len);
	if (!b)
		return NULL;
	for (size_t i = 0; i < l->len; i++)
		b[i] = l->steps[i].idx;
	return b;
}
