/*
 * The deadlock report: every task is blocked, so name each one and what
 * it waits for (a lock and its holder, or the caller's description of a
 * condition), the way hung-task and lockdep reports list tasks.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kshim/sim.h>
#include <kshim/task.h>

#include "san.h"
#include "sched_internal.h"

static struct sch_task *sch_task_of(const struct task_struct *t)
{
	for (struct sch_task *tk = sch->tasks; tk; tk = tk->next)
		if (tk->t && tk->t == t)
			return tk;
	return NULL;
}

static void sch_describe(FILE *f, struct sch_task *tk)
{
	struct sch_task *owner;

	fprintf(f, "  task %d (%s): ", tk->pid, tk->comm);
	switch (tk->wait) {
	case SCH_WAIT_LOCK:
		owner = sch_task_of(tk->lock->owner);
		fprintf(f, "blocked on %s %p held by ",
			tk->sleeping ? "mutex" : "spinlock", (void *)tk->lock);
		if (owner)
			fprintf(f, "task %d (%s)\n", owner->pid, owner->comm);
		else
			fprintf(f, "an unknown owner\n");
		break;
	case SCH_WAIT_COND:
		fprintf(f, "waiting for %s\n", tk->what ? tk->what : "a condition");
		break;
	case SCH_DONE:
		fprintf(f, "finished\n");
		break;
	case SCH_RUNNING:
		fprintf(f, "runnable\n");	/* cannot happen: then no deadlock */
		break;
	}
}

void sch_report_deadlock(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		sim_report(SIM_REPORT_DEADLOCK, "BUG: deadlock: every task is blocked",
			   "(no memory for the task list)\n");
		return;
	}
	fprintf(f, "virtual time %llu ns, %zu tasks:\n",
		(unsigned long long)sch->now_ns, sch->nr_tasks);
	for (struct sch_task *tk = sch->tasks; tk; tk = tk->next)
		sch_describe(f, tk);
	fclose(f);
	sch_tsan_nosync_begin();
	sim_report(SIM_REPORT_DEADLOCK, "BUG: deadlock: every task is blocked",
		   "%s", text);
	sch_tsan_nosync_end();
	free(text);
}
