/*
 * What the interpreter tells its observer (irqsim diff) about each
 * statement, the statements a backend cannot check, and the polling the
 * kvm backend needs because the kernel runs its deferred work when it
 * likes.
 */
#include <string.h>
#include <time.h>
#include "interp.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Hand the observer one result (o->observe set); in->lock held. */
static void observe_locked(struct interp *in, const struct scn_stmt *s, unsigned int line,
			   const char *got, bool held, bool not_checkable)
{
	const struct irqsim_scenario_opts *o = in->opts;
	struct irqsim_scenario_obs obs;
	char stmt[160];

	scn_stmt_print(in->prog, s, stmt, sizeof(stmt));
	memset(&obs, 0, sizeof(obs));
	obs.line = line;
	obs.stmt = stmt;
	obs.got = got;
	obs.held = held;
	obs.alternatives = !not_checkable && s->n_results > 1;
	obs.not_checkable = not_checkable;
	o->observe(o->observe_ctx, &obs);
}

void interp_observe(struct interp *in, const struct scn_stmt *s, unsigned int line,
		    const char *got, bool held)
{
	if (!in->opts->observe)
		return;
	/* observers may be called from several threads: serialise them */
	pthread_mutex_lock(&in->lock);
	observe_locked(in, s, line, got, held, false);
	pthread_mutex_unlock(&in->lock);
}

int interp_not_checkable(struct interp *in, const struct scn_stmt *s, unsigned int line,
			 const char *why)
{
	char text[512];

	__atomic_fetch_add(&in->not_checkable, 1, __ATOMIC_RELAXED);
	snprintf(text, sizeof(text), "%s:%u: note: not checkable on the %s backend: %s",
		 in->prog->filename, line, in->ops->name, why);
	pthread_mutex_lock(&in->lock);
	if (in->err) {
		fprintf(in->err, "%s\n", text);
		fflush(in->err);
	}
	if (in->opts->observe)
		observe_locked(in, s, line, why, true, true);
	pthread_mutex_unlock(&in->lock);
	return INTERP_CONTINUE;
}

int interp_taint(struct interp *in, const struct scn_stmt *s, const char *why)
{
	const char *none = NULL;

	if (__atomic_compare_exchange_n(&in->taint, &none, why, false, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED))
		__atomic_store_n(&in->taint_line, s->line, __ATOMIC_RELEASE);
	return interp_not_checkable(in, s, s->line, why);
}

bool interp_tainted(struct interp *in, const struct scn_stmt *s, unsigned int line)
{
	const char *why = __atomic_load_n(&in->taint, __ATOMIC_ACQUIRE);
	char text[256];

	if (!why)
		return false;
	snprintf(text, sizeof(text), "follows line %u, which could not be done here (%s)",
		 __atomic_load_n(&in->taint_line, __ATOMIC_ACQUIRE), why);
	interp_not_checkable(in, s, line, text);
	return true;
}

bool interp_poll_again(struct interp *in, unsigned int line, const char *got, bool held,
		       double *t0)
{
	const struct irqsim_scenario_opts *o = in->opts;
	struct timespec step = { 0, 1000000 };	/* 1 ms */
	const char *want;

	if (!in->ops->poll_ms || held || __atomic_load_n(&in->taint, __ATOMIC_ACQUIRE))
		return false;
	if (o->want) {
		want = o->want(o->observe_ctx, line);
		if (want && !strcmp(want, got))
			return false;
	}
	if (*t0 == 0)
		*t0 = now_s();
	else if (now_s() - *t0 > in->ops->poll_ms / 1000.0)
		return false;
	nanosleep(&step, NULL);
	return true;
}
