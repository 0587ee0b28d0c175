/* Trace hooks: cheap when no tracer is set (one global test). */
#include "internal.h"

int ksim_tracing_on;
static sim_trace_fn tracer;
static void *tracer_ctx;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

void sim_set_tracer(struct sim *sim, sim_trace_fn fn, void *ctx)
{
	(void)sim;
	pthread_mutex_lock(&trace_lock);
	tracer = fn;
	tracer_ctx = ctx;
	__atomic_store_n(&ksim_tracing_on, fn != NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&trace_lock);
	ksim_update_slowpath();
}

void ksim_trace_emit(enum sim_event_type type, const char *cat, const char *name,
		     const char *fmt, ...)
{
	struct task_struct *t = current;
	struct sim_event ev;
	char args[256];
	va_list ap;

	if (!tracer || (t && t->lockdep_off))
		return;
	args[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(args, sizeof(args), fmt, ap);
		va_end(ap);
	}
	ev.ts_ns = ksim_now_ns();
	ev.tid = t ? t->pid : 0;
	ev.type = type;
	ev.cat = cat;
	ev.name = name;
	ev.args = args[0] ? args : NULL;
	ev.origin = t ? t->origin : NULL;
	ksim_enter();
	pthread_mutex_lock(&trace_lock);
	if (tracer)
		tracer(tracer_ctx, &ev);
	pthread_mutex_unlock(&trace_lock);
	ksim_leave();
}
