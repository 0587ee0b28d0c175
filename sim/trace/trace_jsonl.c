/*
 * JSON lines: one object per event, for scripts (jq, pandas). A run opens
 * with {"run":N,"name":...}; events carry the run number, the simulated
 * task and its name, the event type, category, name, parsed args and the
 * scenario line (origin).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

void trace_jsonl_run(struct irqsim_trace *t, const char *name)
{
	fprintf(t->out, "{\"run\":%d,\"name\":", t->pid);
	trace_json_str(t->out, name ? name : "run");
	fputs("}\n", t->out);
}

void trace_jsonl_event(struct irqsim_trace *t, const struct sim_event *ev)
{
	static const char *const types[] = {
		[SIM_EV_BEGIN] = "begin", [SIM_EV_END] = "end",
		[SIM_EV_INSTANT] = "instant", [SIM_EV_TASK] = "task",
	};
	char nb[32];

	if (ev->type == SIM_EV_TASK)
		trace_task_created(t, ev);
	fprintf(t->out, "{\"run\":%d,\"ts_ns\":%" PRIu64 ",\"tid\":%d,\"task\":", t->pid,
		ev->ts_ns, ev->tid);
	trace_json_str(t->out, trace_task_name(t, ev->tid, nb, sizeof(nb)));
	fprintf(t->out, ",\"ev\":\"%s\",\"cat\":", (unsigned int)ev->type < 4 ? types[ev->type] : "?");
	trace_json_str(t->out, ev->cat);
	fputs(",\"name\":", t->out);
	trace_json_str(t->out, ev->name);
	fputs(",\"args\":{", t->out);
	trace_json_args(t->out, ev->args);
	fputc('}', t->out);
	if (ev->origin) {
		fputs(",\"origin\":", t->out);
		trace_json_str(t->out, ev->origin);
	}
	fputs("}\n", t->out);
}
