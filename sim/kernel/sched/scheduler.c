/*
 * The scheduler proper: which task runs next, switching to it, waiting
 * for a condition, and virtual time.
 *
 * A task is runnable unless it waits: for a lock word to clear or for a
 * condition to hold. Conditions are polled, not signalled: the scheduler
 * re-evaluates every waiter's condition at every choice point, so the
 * generic code needs no wake-up calls and a lost wake-up cannot exist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kshim/sim.h>
#include <kshim/task.h>

#include "san.h"
#include "sched_internal.h"

struct sch_state *sch;

static bool sch_runnable(struct sch_task *tk)
{
	switch (tk->wait) {
	case SCH_RUNNING:
		return true;
	case SCH_WAIT_LOCK:
		return !tk->lock->word;
	case SCH_WAIT_COND:
		return tk->cond(tk->cond_arg);
	case SCH_DONE:
		break;
	}
	return false;
}

static int sch_runq_reserve(size_t n)
{
	struct sch_task **q;
	const char **names;
	int *pids;

	if (n <= sch->runq_cap)
		return 0;
	q = realloc(sch->runq, n * 2 * sizeof(*q));
	if (!q)
		return -ENOMEM;
	sch->runq = q;
	pids = realloc(sch->pick_pids, n * 2 * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	sch->pick_pids = pids;
	names = realloc(sch->pick_names, n * 2 * sizeof(*names));
	if (!names)
		return -ENOMEM;
	sch->pick_names = names;
	sch->runq_cap = n * 2;
	return 0;
}

/* Ask the strategy (sch->choose) among the n runnable tasks in runq. */
static size_t sch_ask_strategy(size_t n, uint64_t r)
{
	struct sim_choice c = {
		.n = (unsigned int)n, .pids = sch->pick_pids,
		.names = sch->pick_names, .cur = -1, .cur_pid = sch->cur->pid,
		.step = sch->choices, .random = r,
	};

	for (size_t i = 0; i < n; i++) {
		sch->pick_pids[i] = sch->runq[i]->pid;
		sch->pick_names[i] = sch->runq[i]->comm;
		if (sch->runq[i] == sch->cur)
			c.cur = (int)i;
	}
	return sch->choose(sch->choose_ctx, &c) % n;
}

/*
 * The one choice point. Runnable tasks are listed in creation order; with
 * two or more, the choice is the next caller-supplied schedule byte modulo
 * their count, or once those run out, the strategy (sch_set_chooser) if
 * one is set, else the seeded generator. The generator
 * is drawn at every choice either way, so replaying a logged schedule as
 * bytes leaves every other user of sim_random() seeing the same values.
 * Only real choices (two or more runnable) consume a byte and are logged.
 */
struct sch_task *sch_pick_next(void)
{
	struct sch_task *tk;
	uint64_t r;
	size_t n = 0, idx;

	sch->now_ns += SCH_TICK_NS;
	if (sch_runq_reserve(sch->nr_tasks))
		abort();	/* a few pointers per task; nothing sane to do */
	sch->picking = true;
	sch_tsan_nosync_begin();
	for (tk = sch->tasks; tk; tk = tk->next)
		if (sch_runnable(tk))
			sch->runq[n++] = tk;
	sch_tsan_nosync_end();
	sch->picking = false;
	if (n <= 1)
		return n ? sch->runq[0] : NULL;

	sch_tsan_nosync_begin();
	r = sim_random(sch->sim);
	sch_tsan_nosync_end();
	if (sch->sched_pos < sch->sched_len)
		idx = sch->sched[sch->sched_pos++] % n;
	else if (sch->choose)
		idx = sch_ask_strategy(n, r);
	else
		idx = (size_t)(((unsigned __int128)r * n) >> 64);
	tk = sch->runq[idx];
	sch->choices++;
	sch_log_choice((uint8_t)idx, tk->pid);
	return tk;
}

static void sch_switch_to(struct sch_task *next)
{
	struct sch_task *prev = sch->cur;

	sch->cur = next;
	sch->switches++;
	ksim_current_task = next->t;
	coro_switch(&prev->coro, &next->coro);
}

/*
 * A switch point: run whichever task the choice picks (maybe the caller
 * again). If nothing is runnable, report the deadlock and give the CPU to
 * main for good; main's blocking call then sees sch->dead.
 */
void sch_schedule(void)
{
	struct sch_task *next;

	/*
	 * TSan: a task may stop here for good (deadlock); main, which then
	 * frees what it used, acquires this once the simulation is dead.
	 */
	sch_tsan_release(&sch->dead);
	next = sch_pick_next();

	if (!next) {
		sch_report_deadlock();
		sch->dead = true;
		next = &sch->main;
	}
	if (next != sch->cur)
		sch_switch_to(next);
}

void sch_yield(void)
{
	sch_tsan_ignore_begin();
	/* cond callbacks run inside the choice; they must not recurse into it */
	if (sch && !sch->dead && !sch->picking)
		sch_schedule();
	sch_tsan_ignore_end();
}

/* One switch point at which the caller is runnable only once cond holds. */
static bool sch_wait_cond(bool (*cond)(void *arg), void *arg, const char *what)
{
	struct sch_task *self;
	bool alive;

	sch_tsan_ignore_begin();
	if (!sch->dead) {
		self = sch->cur;
		self->wait = SCH_WAIT_COND;
		self->cond = cond;
		self->cond_arg = arg;
		self->what = what;
		if (self->t)
			self->t->waiting_on = arg;
		sch_schedule();
		self->wait = SCH_RUNNING;
		if (self->t)
			self->t->waiting_on = NULL;
	}
	alive = !sch->dead;
	sch_tsan_ignore_end();
	return alive;
}

int sch_wait_until(bool (*cond)(void *arg), void *arg, const char *what)
{
	if (!sch || sch->picking)
		return cond(arg) ? 0 : -EINVAL;
	/* a switch point even when cond already holds */
	if (!sch_wait_cond(cond, arg, what))
		goto dead;
	/* re-evaluated in the waiter's own context: TSan sees its acquires here */
	while (!cond(arg))
		if (!sch_wait_cond(cond, arg, what))
			goto dead;
	return 0;
dead:
	sch_tsan_acquire(&sch->dead);
	return cond(arg) ? 0 : -EDEADLK;
}

uint64_t sch_now_ns(void)
{
	return sch ? sch->now_ns : 0;
}

bool sch_is_dead(void)
{
	return sch && sch->dead;
}

int sch_set_schedule(const uint8_t *bytes, size_t len)
{
	uint8_t *copy = NULL;

	if (!sch)
		return -EINVAL;
	if (len && !bytes)
		return -EINVAL;
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, bytes, len);
	}
	free(sch->sched);
	sch->sched = copy;
	sch->sched_len = len;
	sch->sched_pos = 0;
	return 0;
}

void sch_set_chooser(sim_choose_fn fn, void *ctx)
{
	if (!sch)
		return;
	sch->choose = fn;
	sch->choose_ctx = ctx;
}
