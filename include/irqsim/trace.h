/*
 * libirqsim event trace writers.
 *
 * The runtime reports what every simulated task does (locks taken and
 * released, RCU/SRCU read sections, grace periods, work items, injections,
 * EOIs, exits, checker reports) as struct sim_event through the tracer set
 * with sim_set_tracer(). A struct irqsim_trace turns that stream into one
 * of three formats:
 *
 *   IRQSIM_TRACE_TEXT    one readable line per event, indented by the
 *                        task's open spans, instants listing the locks held
 *   IRQSIM_TRACE_JSONL   one JSON object per event per line
 *   IRQSIM_TRACE_CHROME  the Chrome trace event format ({"traceEvents":[...]},
 *                        ph B/E/i/M, ts in microseconds), which
 *                        chrome://tracing and https://ui.perfetto.dev load;
 *                        one process per scenario run, one track per task
 *
 * A writer may be fed from several OS threads at once (threads backend): it
 * serialises its output with its own lock.
 */
#ifndef IRQSIM_TRACE_H
#define IRQSIM_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <irqsim/sim.h>

enum irqsim_trace_format {
	IRQSIM_TRACE_TEXT,
	IRQSIM_TRACE_JSONL,
	IRQSIM_TRACE_CHROME,
};

struct irqsim_trace;

/* Event counts by kind, for summaries. */
struct irqsim_trace_counts {
	uint64_t events;	/* every event seen */
	uint64_t locks;		/* lock spans begun (cat "lock") */
	uint64_t rcu;		/* RCU read sections (cat "rcu") */
	uint64_t srcu;		/* SRCU read sections (cat "srcu") */
	uint64_t gp;		/* grace periods waited for (cat "gp") */
	uint64_t work;		/* work items run (cat "work") */
	uint64_t irq;		/* injection / EOI / ack instants (cat "irq") */
	uint64_t exits;		/* exits to userspace (cat "exit") */
	uint64_t reports;	/* checker reports (cat "report") */
	uint64_t tasks;		/* tasks created */
};

/* A writer on out (not closed by the writer). NULL on ENOMEM. */
struct irqsim_trace *irqsim_trace_new(enum irqsim_trace_format fmt, FILE *out);

/* Parse "text", "jsonl" or "chrome"; -EINVAL otherwise. */
int irqsim_trace_format_parse(const char *name, enum irqsim_trace_format *fmt);

/*
 * Start a new run (a scenario file, or one schedule of it): in the Chrome
 * format a new process named `name`; in text and JSONL a header line.
 * Spans still open from the previous run are closed.
 */
void irqsim_trace_begin_run(struct irqsim_trace *t, const char *name);

/* Feed one event. */
void irqsim_trace_event(struct irqsim_trace *t, const struct sim_event *ev);

/* A sim_trace_fn: ctx is a struct irqsim_trace *. */
void irqsim_trace_sink(void *ctx, const struct sim_event *ev);

/* Counts since the last irqsim_trace_begin_run (or since creation). */
void irqsim_trace_counts(struct irqsim_trace *t, struct irqsim_trace_counts *out);

/*
 * Close open spans, write the trailer (Chrome: "]}"), flush. Returns 0, or
 * -EIO if a write to the stream failed at any point. Frees the writer.
 */
int irqsim_trace_finish(struct irqsim_trace *t);

#endif
