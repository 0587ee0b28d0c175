/*
 * Internals of the trace writers: per-task state (name, open spans), the
 * shared JSON helpers, and the three formats' entry points.
 */
#ifndef IRQSIM_TRACE_INTERNAL_H
#define IRQSIM_TRACE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/trace.h>

struct trace_span {
	char *name;		/* owned copy */
	const char *cat;	/* interned (trace_cat) */
	uint64_t ts_ns;		/* when it began */
};

struct trace_task {
	char *name;		/* owned; NULL until known */
	struct trace_span *stack;	/* open spans, innermost last */
	unsigned int depth, cap;
	bool announced;		/* Chrome: thread_name written in this run */
};

struct irqsim_trace {
	enum irqsim_trace_format fmt;
	FILE *out;
	pthread_mutex_t lock;		/* serialises everything below */
	struct trace_task *tasks;	/* indexed by tid */
	unsigned int n_tasks;
	int pid;			/* Chrome process = run number, from 1 */
	bool any_event;			/* Chrome: a comma is needed before the next one */
	bool header_done;
	uint64_t last_ts;		/* of the current run */
	struct irqsim_trace_counts counts;
	bool io_error;
};

/* The task record for tid (grown on demand); NULL on ENOMEM or tid < 0. */
struct trace_task *trace_task(struct irqsim_trace *t, int tid);
const char *trace_task_name(struct irqsim_trace *t, int tid, char *buf, size_t size);
int trace_span_push(struct trace_task *k, const struct sim_event *ev);
/* Index of the innermost open span named name, or -1. */
int trace_span_find(const struct trace_task *k, const char *name);
void trace_span_remove(struct trace_task *k, unsigned int idx);
void trace_tasks_reset(struct irqsim_trace *t);
/* SIM_EV_TASK comes from the creating task; the new task's id is its "pid=N" arg. */
int trace_created_tid(const struct sim_event *ev);
/* Record the name a SIM_EV_TASK event gives; returns the new task's id. */
int trace_task_created(struct irqsim_trace *t, const struct sim_event *ev);
/* A stable copy of a category string (small fixed set). */
const char *trace_cat(const char *cat);

/* JSON: a quoted, escaped string; args "k=v k=v" as an object's members. */
void trace_json_str(FILE *f, const char *s);
/* Writes `"k":"v",...` (no braces); returns the number of members written. */
unsigned int trace_json_args(FILE *f, const char *args);

/* Formats: called with t->lock held. */
void trace_text_run(struct irqsim_trace *t, const char *name);
void trace_text_event(struct irqsim_trace *t, const struct sim_event *ev);
void trace_jsonl_run(struct irqsim_trace *t, const char *name);
void trace_jsonl_event(struct irqsim_trace *t, const struct sim_event *ev);
void trace_chrome_run(struct irqsim_trace *t, const char *name);
void trace_chrome_event(struct irqsim_trace *t, const struct sim_event *ev);
/* Close the spans still open at the end of a run (Chrome writes E events). */
void trace_chrome_close_all(struct irqsim_trace *t);
void trace_chrome_trailer(struct irqsim_trace *t);

#endif
