/*
 * Switch-cost probes for bench/ and the docs: the bare coroutine switch,
 * and a full scheduler switch (sch_yield: choice + switch) between two
 * tasks that do nothing but yield.
 */
#include <stdlib.h>
#include <time.h>

#include <kshim/task.h>

#include "coro.h"
#include "san.h"
#include "sched_internal.h"

static uint64_t sch_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct coro_pingpong {
	struct coro main, peer;
	unsigned long left;
};

static void coro_pingpong_peer(void *arg)
{
	struct coro_pingpong *pp = arg;

	sch_tsan_ignore_begin();	/* pp is shared with main; a probe, not a test */
	while (pp->left) {
		pp->left--;
		coro_switch(&pp->peer, &pp->main);
	}
	sch_tsan_ignore_end();
	coro_exit_to(&pp->peer, &pp->main);
}

double sch_bench_coro_ns(unsigned long iterations)
{
	struct coro_pingpong pp = { .left = iterations };
	uint64_t t0, t1;

	if (!iterations)
		return -1;
	sch_tsan_ignore_begin();
	coro_init_main(&pp.main);
	if (coro_create(&pp.peer, 0, coro_pingpong_peer, &pp)) {
		sch_tsan_ignore_end();
		return -1;
	}
	t0 = sch_mono_ns();
	while (pp.left)
		coro_switch(&pp.main, &pp.peer);
	coro_switch(&pp.main, &pp.peer);	/* let the peer leave */
	t1 = sch_mono_ns();
	coro_destroy(&pp.peer);
	sch_tsan_ignore_end();
	/* each iteration is two switches: there and back */
	return (double)(t1 - t0) / (2.0 * (double)iterations + 1.0);
}

static int sch_bench_task(void *arg)
{
	unsigned long n = *(unsigned long *)arg;

	while (n--)
		sch_yield();
	return 0;
}

double sch_bench_switch_ns(unsigned long iterations)
{
	struct task_struct *t[2];
	uint64_t t0, t1, sw0;
	double ns = -1;
	int i, j;

	if (!sch || sch->dead || sch->cur != &sch->main || !iterations)
		return -1;
	for (i = 0; i < 2; i++) {
		t[i] = calloc(1, sizeof(*t[i]));
		if (t[i]) {
			t[i]->pid = -(i + 1);	/* not the generic code's pids */
			t[i]->comm[0] = 'b';
			t[i]->sim = sch->sim;
			t[i]->fn = sch_bench_task;
			t[i]->arg = &iterations;
		}
		if (!t[i] || sch_task_start(t[i])) {
			free(t[i]);
			break;
		}
	}
	sw0 = sch->switches;
	t0 = sch_mono_ns();
	for (j = 0; j < i; j++)
		sch_task_join(t[j]);
	t1 = sch_mono_ns();
	if (i == 2 && sch->switches > sw0)
		ns = (double)(t1 - t0) / (double)(sch->switches - sw0);
	for (j = 0; j < i; j++)
		free(t[j]);
	return ns;
}
