/*
 * The schedule log: the choice made at every real choice point (an index
 * into the runnable tasks in creation order) and the pid it picked.
 * Fed back through sch_set_schedule(), the choice bytes replay the run
 * byte for byte; the pids are for people and for the explorer.
 */
#include <errno.h>
#include <stdlib.h>

#include "san.h"
#include "sched_internal.h"

void sch_log_choice(uint8_t choice, int pid)
{
	if (sch->log_len == sch->log_cap) {
		size_t cap = sch->log_cap ? sch->log_cap * 2 : 256;
		uint8_t *log = realloc(sch->log, cap);
		int *pids;

		if (!log)
			goto lost;
		sch->log = log;
		pids = realloc(sch->log_pid, cap * sizeof(*pids));
		if (!pids)
			goto lost;
		sch->log_pid = pids;
		sch->log_cap = cap;
	}
	sch->log[sch->log_len] = choice;
	sch->log_pid[sch->log_len] = pid;
	sch->log_len++;
	return;
lost:
	sch->log_lost = true;	/* the run goes on; sch_schedule_log says so */
}

void sch_log_free(void)
{
	free(sch->log);
	free(sch->log_pid);
	sch->log = NULL;
	sch->log_pid = NULL;
	sch->log_len = sch->log_cap = 0;
}

int sch_schedule_log(const uint8_t **bytes, size_t *n)
{
	*bytes = sch ? sch->log : NULL;
	*n = sch ? sch->log_len : 0;
	if (!sch)
		return -EINVAL;
	return sch->log_lost ? -ENOMEM : 0;
}

void sch_schedule_trace(const int **pids, size_t *n)
{
	*pids = sch ? sch->log_pid : NULL;
	*n = sch ? sch->log_len : 0;
}

void sch_schedule_log_reset(void)
{
	if (sch) {
		sch->log_len = 0;
		sch->log_lost = false;
	}
}
