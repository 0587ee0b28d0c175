/*
 * A minimal stand-in for the generic runtime, so the sched backend can be
 * tested alone: a struct sim with a seeded generator and a report list,
 * the main task_struct, and task creation and join as sim_create,
 * sim_task_start and sim_task_join do them (see the contract in
 * sim/kernel/backend.h). Linked only into tests/sched/test_sched_core.
 */
#ifndef TESTS_SCHED_HARNESS_H
#define TESTS_SCHED_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kshim/sim.h>
#include <kshim/task.h>

#define H_MAX_REPORTS 8

struct sim {
	uint64_t seed;
	uint64_t rng[4];		/* xoshiro256** state */
	unsigned int nr_reports;
	struct sim_report reports[H_MAX_REPORTS];
	struct task_struct main_task;
	int next_pid;
};

/* seed, then optional schedule bytes (NULL/0 for none); NULL on failure */
struct sim *h_sim_create(uint64_t seed, const uint8_t *schedule, size_t len);
void h_sim_destroy(struct sim *sim);
struct task_struct *h_task_start(struct sim *sim, const char *name,
				 int (*fn)(void *arg), void *arg);
/* returns fn's result, or a negative errno from sch_task_join; frees t */
int h_task_join(struct task_struct *t);

#endif
