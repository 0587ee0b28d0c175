/*
 * The readable trace (`irqsim run -v`): one line per event, indented by
 * the task's open spans; instants list what the task holds at that
 * moment (locks, RCU/SRCU read sections) and the scenario line behind
 * them.
 *
 *     12.345us main         + lock     &kvm->irqfds.lock
 *     12.400us main           * irq    irqfd inject fast  gsi=24 vector=0x41  [held: &kvm->irqfds.lock]  t.scn:7
 */
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

void trace_text_run(struct irqsim_trace *t, const char *name)
{
	fprintf(t->out, "== %s ==\n", name ? name : "run");
}

static void held(FILE *f, const struct trace_task *k)
{
	bool any = false;

	for (unsigned int i = 0; i < k->depth; i++) {
		if (!strcmp(k->stack[i].cat, "scenario"))
			continue;
		fprintf(f, "%s%s%s%s", any ? ", " : "  [held: ",
			strcmp(k->stack[i].cat, "lock") ? k->stack[i].cat : "",
			strcmp(k->stack[i].cat, "lock") ? " " : "", k->stack[i].name);
		any = true;
	}
	if (any)
		fputc(']', f);
}

static void line(struct irqsim_trace *t, const struct sim_event *ev, unsigned int depth,
		 char mark)
{
	char nb[32];

	fprintf(t->out, "%12.3fus %-24s %*s%c %-8s %s", (double)ev->ts_ns / 1000.0,
		trace_task_name(t, ev->tid, nb, sizeof(nb)), (int)(2 * depth), "", mark,
		ev->cat ? ev->cat : "", ev->name ? ev->name : "");
	if (ev->args && ev->args[0] && mark != '-')
		fprintf(t->out, "  %s", ev->args);
}

void trace_text_event(struct irqsim_trace *t, const struct sim_event *ev)
{
	struct trace_task *k = trace_task(t, ev->tid);
	unsigned int depth = k ? k->depth : 0;
	int idx;

	switch (ev->type) {
	case SIM_EV_TASK:
		line(t, ev, depth, '=');
		fprintf(t->out, "  (task %d created)\n", trace_task_created(t, ev));
		return;
	case SIM_EV_BEGIN:
		line(t, ev, depth, '+');
		fputc('\n', t->out);
		if (k)
			trace_span_push(k, ev);
		return;
	case SIM_EV_END:
		idx = k ? trace_span_find(k, ev->name) : -1;
		if (idx >= 0) {
			trace_span_remove(k, (unsigned int)idx);
			depth = (unsigned int)idx;
		}
		line(t, ev, depth, '-');
		fputc('\n', t->out);
		return;
	case SIM_EV_INSTANT:
		line(t, ev, depth, '*');
		if (k)
			held(t->out, k);
		if (ev->origin)
			fprintf(t->out, "  %s", ev->origin);
		fputc('\n', t->out);
		return;
	}
}
