/*
 * Chrome trace event format (the JSON that chrome://tracing and
 * https://ui.perfetto.dev load): {"traceEvents":[...]} with
 *   ph "M"  process_name (one process per scenario run) and thread_name
 *           (one track per simulated task),
 *   ph "B"/"E"  spans: locks held, RCU/SRCU read sections, grace periods,
 *           work items, scenario statements,
 *   ph "i"  instants: injections, EOIs, exits, checker reports,
 * ts in microseconds.
 *
 * B/E pairs must nest on a track, but a task may release locks in any
 * order (lock A, lock B, unlock A). Ending a span that is not the
 * innermost closes the spans above it, then reopens them at the same
 * timestamp (args "reopened"), so the file stays well formed.
 */
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

static void sep(struct irqsim_trace *t)
{
	if (t->any_event)
		fputs(",\n", t->out);
	t->any_event = true;
}

static void header(struct irqsim_trace *t)
{
	if (t->header_done)
		return;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", t->out);
	t->header_done = true;
}

static void thread_name(struct irqsim_trace *t, int tid)
{
	char nb[32];

	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\",\"args\":{\"name\":",
		t->pid, tid);
	trace_json_str(t->out, trace_task_name(t, tid, nb, sizeof(nb)));
	fputs("}}", t->out);
	sep(t);
	/* the main task first, then tasks in creation order */
	fprintf(t->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
		t->pid, tid, tid);
}

void trace_chrome_run(struct irqsim_trace *t, const char *name)
{
	header(t);
	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":",
		t->pid);
	trace_json_str(t->out, name ? name : "irqsim");
	fputs("}}", t->out);
	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":%d}}",
		t->pid, t->pid);
}

static void ev_head(struct irqsim_trace *t, char ph, int tid, uint64_t ts_ns, const char *cat,
		    const char *name)
{
	sep(t);
	fprintf(t->out, "{\"ph\":\"%c\",\"pid\":%d,\"tid\":%d,\"ts\":%llu.%03llu,\"cat\":", ph, t->pid,
		tid, (unsigned long long)(ts_ns / 1000), (unsigned long long)(ts_ns % 1000));
	trace_json_str(t->out, cat ? cat : "other");
	fputs(",\"name\":", t->out);
	trace_json_str(t->out, name);
}

static void ev_args(struct irqsim_trace *t, const char *args, const char *origin, bool reopened)
{
	unsigned int n;

	fputs(",\"args\":{", t->out);
	n = trace_json_args(t->out, args);
	if (origin) {
		fputs(n ? ",\"origin\":" : "\"origin\":", t->out);
		trace_json_str(t->out, origin);
		n++;
	}
	if (reopened)
		fputs(n ? ",\"reopened\":\"1\"" : "\"reopened\":\"1\"", t->out);
	fputc('}', t->out);
}

static void end_span(struct irqsim_trace *t, int tid, const struct trace_span *sp, uint64_t ts)
{
	ev_head(t, 'E', tid, ts, sp->cat, sp->name);
	fputc('}', t->out);
}

static void end_event(struct irqsim_trace *t, struct trace_task *k, const struct sim_event *ev)
{
	int idx = trace_span_find(k, ev->name);

	if (idx < 0)
		return;		/* never opened in this trace: nothing to close */
	for (int j = (int)k->depth - 1; j >= idx; j--)
		end_span(t, ev->tid, &k->stack[j], ev->ts_ns);
	trace_span_remove(k, (unsigned int)idx);
	for (unsigned int j = (unsigned int)idx; j < k->depth; j++) {
		ev_head(t, 'B', ev->tid, ev->ts_ns, k->stack[j].cat, k->stack[j].name);
		ev_args(t, NULL, NULL, true);
		fputc('}', t->out);
	}
}

void trace_chrome_event(struct irqsim_trace *t, const struct sim_event *ev)
{
	struct trace_task *k = trace_task(t, ev->tid);

	if (!k)
		return;
	if (ev->type == SIM_EV_TASK) {
		int tid = trace_task_created(t, ev);
		struct trace_task *nk = trace_task(t, tid);

		/* trace_task may have moved the table: k is stale */
		if (nk) {
			thread_name(t, tid);
			nk->announced = true;
		}
		return;
	}
	if (!k->announced) {
		thread_name(t, ev->tid);
		k->announced = true;
	}
	switch (ev->type) {
	case SIM_EV_BEGIN:
		if (trace_span_push(k, ev) < 0)
			return;
		ev_head(t, 'B', ev->tid, ev->ts_ns, ev->cat, ev->name);
		ev_args(t, ev->args, ev->origin, false);
		fputc('}', t->out);
		break;
	case SIM_EV_END:
		end_event(t, k, ev);
		break;
	case SIM_EV_INSTANT:
		ev_head(t, 'i', ev->tid, ev->ts_ns, ev->cat, ev->name);
		fputs(",\"s\":\"t\"", t->out);
		ev_args(t, ev->args, ev->origin, false);
		fputc('}', t->out);
		break;
	default:
		break;
	}
}

void trace_chrome_close_all(struct irqsim_trace *t)
{
	for (unsigned int tid = 0; tid < t->n_tasks; tid++) {
		struct trace_task *k = &t->tasks[tid];

		for (int j = (int)k->depth - 1; j >= 0; j--)
			end_span(t, (int)tid, &k->stack[j], t->last_ts);
	}
}

void trace_chrome_trailer(struct irqsim_trace *t)
{
	header(t);
	fputs("\n]}\n", t->out);
}
