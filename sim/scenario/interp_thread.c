/*
 * `thread NAME ... end` and `run`: each thread declared since the previous
 * `run` becomes a simulated task (sim_task_start) when `run` is reached;
 * `run` waits for all of them. A statement that fails stops its thread
 * only; the others finish, then the scenario fails at the `run`.
 *
 * Which interleaving the tasks follow is the backend's business: the
 * threads backend runs them on real pthreads, the sched backend picks
 * switches from the simulation's seed (interp_api.c makes `run
 * schedules=N` a loop over N seeds).
 */
#include <errno.h>
#include <stdlib.h>
#include "interp.h"

struct thread_ctx {
	struct interp *in;
	const struct scn_stmt *decl;
	struct task_struct *task;
};

int interp_thread_decl(struct interp *in, const struct scn_stmt *s)
{
	if (in->n_pending >= in->prog->n_threads)
		return interp_script_error(in, s, "more threads than the program declares");
	in->pending[in->n_pending++] = s;
	return INTERP_CONTINUE;
}

static int thread_main(void *arg)
{
	struct thread_ctx *c = arg;
	const struct scn_thread *t = &c->decl->u.thread;

	for (size_t i = 0; i < t->n_body; i++) {
		int rc = interp_exec(c->in, &t->body[i], false);

		if (interp_stops(c->in, rc))
			return rc;
	}
	return INTERP_CONTINUE;
}

int interp_run(struct interp *in, const struct scn_stmt *s)
{
	struct thread_ctx *ctx;
	uint32_t n = in->n_pending;
	int worst = INTERP_CONTINUE;

	/* the kernel runs the threads once, in whatever order the host's scheduler picks */
	if (!in->ops->simulated && s->u.run.has_schedules && s->u.run.schedules > 1)
		interp_not_checkable(in, s, s->line,
				     "schedules=N (the real kernel runs one interleaving, not N seeded ones)");
	if (!n)
		return INTERP_CONTINUE;
	ctx = calloc(n, sizeof(*ctx));
	if (!ctx)
		return interp_fail(in, s->line, "out of memory starting the threads");
	for (uint32_t i = 0; i < n; i++) {
		ctx[i].in = in;
		ctx[i].decl = in->pending[i];
		ctx[i].task = sim_task_start(in->sim, in->pending[i]->u.thread.name,
					     thread_main, &ctx[i]);
		if (!ctx[i].task) {
			worst = interp_fail(in, in->pending[i]->line,
					    "cannot start thread '%s'", in->pending[i]->u.thread.name);
			break;
		}
	}
	/* every started task is joined, even after a failure, so none outlives the run */
	for (uint32_t i = 0; i < n; i++) {
		int rc;

		if (!ctx[i].task)
			continue;
		rc = sim_task_join(ctx[i].task);
		if (rc > worst)
			worst = rc;
	}
	sim_set_origin(in->origins->line[s->line]);
	free(ctx);
	in->n_pending = 0;
	if (sim_is_dead(in->sim))
		return interp_fail(in, s->line, "the threads deadlocked (every task blocked)");
	return worst;
}
