/*
 * Task lifetime on the sched backend: the simulation's scheduler, each
 * task's coroutine from creation to reaping, and join.
 *
 * A finished coroutine cannot free the stack it runs on: it marks itself
 * done and switches away for good; its stack is unmapped by whoever joins
 * it, or by sch_sim_exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kshim/sim.h>
#include <kshim/task.h>

#include "san.h"
#include "sched_internal.h"

int ksim_sched_active;

static size_t sch_stack_size = CORO_DEFAULT_STACK;

void sch_set_stack_size(size_t bytes)
{
	sch_stack_size = bytes ? bytes : CORO_DEFAULT_STACK;
}

static void sch_copy_comm(struct sch_task *tk, const struct task_struct *t)
{
	tk->pid = t->pid;
	snprintf(tk->comm, sizeof(tk->comm), "%.*s", (int)sizeof(t->comm), t->comm);
}

static void sch_add_task(struct sch_task *tk)
{
	*sch->tail = tk;
	sch->tail = &tk->next;
	sch->nr_tasks++;
}

static void sch_remove_task(struct sch_task *tk)
{
	struct sch_task **pp;

	for (pp = &sch->tasks; *pp != tk; pp = &(*pp)->next)
		;
	*pp = tk->next;
	if (sch->tail == &tk->next)
		sch->tail = pp;
	sch->nr_tasks--;
}

int sch_sim_init(struct sim *sim)
{
	struct task_struct *main_task = ksim_current_task;
	int err = 0;

	sch_tsan_ignore_begin();
	if (!sim || !main_task) {
		err = -EINVAL;	/* the generic code sets current to main first */
		goto out;
	}
	if (sch) {
		err = -EBUSY;	/* one simulation per process */
		goto out;
	}
	sch = calloc(1, sizeof(*sch));
	if (!sch) {
		err = -ENOMEM;
		goto out;
	}
	sch->sim = sim;
	sch->tail = &sch->tasks;
	coro_init_main(&sch->main.coro);
	sch->main.t = main_task;
	sch_copy_comm(&sch->main, main_task);
	main_task->be = &sch->main;
	sch_add_task(&sch->main);
	sch->cur = &sch->main;
	ksim_sched_active = 1;
out:
	sch_tsan_ignore_end();
	return err;
}

void sch_sim_exit(struct sim *sim)
{
	struct sch_task *tk, *next;

	(void)sim;
	sch_tsan_ignore_begin();
	if (!sch || sch->cur != &sch->main)
		goto out;	/* only main may tear down: others run on the stacks freed here */
	for (tk = sch->tasks; tk; tk = next) {
		next = tk->next;
		if (tk->t)
			tk->t->be = NULL;
		if (tk == &sch->main)
			continue;
		coro_destroy(&tk->coro);
		free(tk);
	}
	free(sch->runq);
	free(sch->pick_pids);
	free(sch->pick_names);
	free(sch->sched);
	sch_log_free();
	free(sch);
	sch = NULL;
	ksim_sched_active = 0;
out:
	sch_tsan_ignore_end();
}

/* The bottom frame of every task's coroutine. */
static void sch_task_entry(void *arg)
{
	struct sch_task *self = arg;
	struct task_struct *t = self->t;
	struct sch_task *next;
	int ret;

	sch_tsan_acquire(t);	/* pairs with the release in sch_task_start */
	ret = t->fn(t->arg);
	t->result = ret;
	sch_tsan_release(t);	/* pairs with the acquire in sch_task_join */
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);

	sch_tsan_ignore_begin();
	self->wait = SCH_DONE;
	next = sch_pick_next();
	if (!next) {
		sch_report_deadlock();
		sch->dead = true;
		next = &sch->main;
	}
	sch->cur = next;
	sch->switches++;
	ksim_current_task = next->t;
	sch_tsan_ignore_end();	/* TSan refuses to destroy a fiber left ignoring */
	coro_exit_to(&self->coro, &next->coro);
}

int sch_task_start(struct task_struct *t)
{
	struct sch_task *tk;
	int err;

	if (!t || !t->fn)
		return -EINVAL;
	sch_tsan_release(t);
	sch_tsan_ignore_begin();
	err = -EINVAL;
	if (!sch)
		goto out;
	err = -EDEADLK;
	if (sch->dead)
		goto out;	/* it would never run */
	err = -ENOMEM;
	tk = calloc(1, sizeof(*tk));
	if (!tk)
		goto out;
	err = coro_create(&tk->coro, sch_stack_size, sch_task_entry, tk);
	if (err) {
		free(tk);
		goto out;
	}
	tk->t = t;
	sch_copy_comm(tk, t);
	sch_tsan_name(tk->coro.tsan_fiber, tk->comm);
	t->be = tk;
	t->done = 0;
	sch_add_task(tk);
	err = 0;
out:
	sch_tsan_ignore_end();
	return err;
}

static bool sch_task_finished(void *arg)
{
	struct task_struct *t = arg;

	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

/* Forget a task: after this the generic code may free t. */
static void sch_reap(struct sch_task *tk)
{
	sch_remove_task(tk);
	tk->t->be = NULL;
	coro_destroy(&tk->coro);
	free(tk);
}

int sch_task_join(struct task_struct *t)
{
	struct sch_task *tk;
	char what[64];	/* lives while we wait: a deadlock report reads it */
	int err;

	if (!t || !sch || !t->be)
		return -EINVAL;
	tk = t->be;
	if (tk == &sch->main || tk == sch->cur)
		return -EINVAL;	/* a task cannot join itself, nor anyone main */
	snprintf(what, sizeof(what), "task %d (%s) to finish (join)", tk->pid, tk->comm);
	err = sch_wait_until(sch_task_finished, t, what);
	if (!err)
		sch_tsan_acquire(t);
	sch_tsan_ignore_begin();
	/* after a deadlock the task never runs again: its stack can go now */
	sch_reap(tk);
	sch_tsan_ignore_end();
	return err;
}
