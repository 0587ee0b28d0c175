/*
 * A real race between two simulated tasks: W writes a plain variable, R
 * reads it, nothing orders them. Under TSan this program must be reported
 * (meson: should_fail), which shows that the sched backend makes TSan see
 * tasks as concurrent rather than as one thread. It exits 0 when TSan
 * stays silent.
 *
 * The schedule is chosen so that W makes the scheduling choice after its
 * write and R makes one before its read: were the scheduler's call into
 * generic code (sim_random takes a pthread mutex) visible to TSan, that
 * mutex would order W's write before R's read and hide the race.
 */
#include <stdio.h>

#include "sim/kernel/backend.h"
#include "harness.h"

static long shared;

static int w_task(void *arg)
{
	(void)arg;
	shared = 1;
	sch_yield();		/* choice made by W: picks R */
	return 0;
}

static int r_task(void *arg)
{
	(void)arg;
	sch_yield();		/* choice made by R: picks R again */
	return (int)shared;
}

int main(void)
{
	/* main's join: W (0); W's yield: R (1); R's yield: R (1) */
	static const uint8_t schedule[] = { 0, 1, 1 };
	struct sim *sim = h_sim_create(14, schedule, sizeof(schedule));
	struct task_struct *w, *r;
	int seen;

	if (!sim)
		return 2;
	w = h_task_start(sim, "w", w_task, NULL);
	r = h_task_start(sim, "r", r_task, NULL);
	h_task_join(w);
	seen = h_task_join(r);
	printf("r saw %d\n", seen);
	h_sim_destroy(sim);
	return seen == 1 ? 0 : 2;
}
