/*
 * The writer object: one lock, the per-task table shared by the formats,
 * event counts, and the public entry points of <irqsim/trace.h>.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

static const char *const known_cats[] = {
	"lock", "rcu", "srcu", "gp", "work", "irq", "exit", "report", "task",
	"scenario", "eventfd", "ioctl", "sched", "timer", NULL,
};

/*
 * Categories come from a small set of literals; an unknown one is kept in
 * a small table so that spans can point at it after the event is gone.
 */
static char extra_cats[16][24];
static unsigned int n_extra_cats;
static pthread_mutex_t cats_lock = PTHREAD_MUTEX_INITIALIZER;

const char *trace_cat(const char *cat)
{
	const char *found = "other";

	if (!cat)
		return "other";
	for (unsigned int i = 0; known_cats[i]; i++)
		if (!strcmp(cat, known_cats[i]))
			return known_cats[i];
	pthread_mutex_lock(&cats_lock);
	for (unsigned int i = 0; i < n_extra_cats; i++) {
		if (!strcmp(cat, extra_cats[i])) {
			found = extra_cats[i];
			goto out;
		}
	}
	if (n_extra_cats < 16 && strlen(cat) < sizeof(extra_cats[0])) {
		strcpy(extra_cats[n_extra_cats], cat);
		found = extra_cats[n_extra_cats++];
	}
out:
	pthread_mutex_unlock(&cats_lock);
	return found;
}

struct trace_task *trace_task(struct irqsim_trace *t, int tid)
{
	if (tid < 0)
		return NULL;
	if ((unsigned int)tid >= t->n_tasks) {
		unsigned int n = t->n_tasks ? t->n_tasks : 16;
		struct trace_task *nt;

		while (n <= (unsigned int)tid)
			n *= 2;
		nt = realloc(t->tasks, n * sizeof(*nt));
		if (!nt)
			return NULL;
		memset(nt + t->n_tasks, 0, (n - t->n_tasks) * sizeof(*nt));
		t->tasks = nt;
		t->n_tasks = n;
	}
	return &t->tasks[tid];
}

const char *trace_task_name(struct irqsim_trace *t, int tid, char *buf, size_t size)
{
	struct trace_task *k = tid >= 0 && (unsigned int)tid < t->n_tasks ? &t->tasks[tid] : NULL;

	if (k && k->name)
		return k->name;
	if (tid == 1)
		return "main";
	snprintf(buf, size, "task%d", tid);
	return buf;
}

int trace_span_push(struct trace_task *k, const struct sim_event *ev)
{
	struct trace_span *sp;

	if (k->depth == k->cap) {
		unsigned int cap = k->cap ? k->cap * 2 : 8;
		struct trace_span *ns = realloc(k->stack, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		k->stack = ns;
		k->cap = cap;
	}
	sp = &k->stack[k->depth];
	sp->name = strdup(ev->name ? ev->name : "?");
	if (!sp->name)
		return -ENOMEM;
	sp->cat = trace_cat(ev->cat);
	sp->ts_ns = ev->ts_ns;
	k->depth++;
	return 0;
}

int trace_span_find(const struct trace_task *k, const char *name)
{
	for (int i = (int)k->depth - 1; i >= 0; i--)
		if (!strcmp(k->stack[i].name, name ? name : "?"))
			return i;
	return -1;
}

void trace_span_remove(struct trace_task *k, unsigned int idx)
{
	free(k->stack[idx].name);
	memmove(&k->stack[idx], &k->stack[idx + 1], (k->depth - idx - 1) * sizeof(k->stack[0]));
	k->depth--;
}

int trace_created_tid(const struct sim_event *ev)
{
	const char *p = ev->args ? strstr(ev->args, "pid=") : NULL;

	if (p && (p == ev->args || p[-1] == ' '))
		return atoi(p + 4);
	return ev->tid;
}

int trace_task_created(struct irqsim_trace *t, const struct sim_event *ev)
{
	int tid = trace_created_tid(ev);
	struct trace_task *k = trace_task(t, tid);

	if (k) {
		free(k->name);
		k->name = ev->name ? strdup(ev->name) : NULL;
	}
	return tid;
}

void trace_tasks_reset(struct irqsim_trace *t)
{
	for (unsigned int i = 0; i < t->n_tasks; i++) {
		struct trace_task *k = &t->tasks[i];

		while (k->depth)
			trace_span_remove(k, k->depth - 1);
		free(k->stack);
		free(k->name);
	}
	free(t->tasks);
	t->tasks = NULL;
	t->n_tasks = 0;
}

struct irqsim_trace *irqsim_trace_new(enum irqsim_trace_format fmt, FILE *out)
{
	struct irqsim_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fmt = fmt;
	t->out = out;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

int irqsim_trace_format_parse(const char *name, enum irqsim_trace_format *fmt)
{
	if (!strcmp(name, "text"))
		*fmt = IRQSIM_TRACE_TEXT;
	else if (!strcmp(name, "jsonl"))
		*fmt = IRQSIM_TRACE_JSONL;
	else if (!strcmp(name, "chrome"))
		*fmt = IRQSIM_TRACE_CHROME;
	else
		return -EINVAL;
	return 0;
}

static void end_run_locked(struct irqsim_trace *t)
{
	if (t->fmt == IRQSIM_TRACE_CHROME)
		trace_chrome_close_all(t);
	trace_tasks_reset(t);
}

void irqsim_trace_begin_run(struct irqsim_trace *t, const char *name)
{
	pthread_mutex_lock(&t->lock);
	end_run_locked(t);
	memset(&t->counts, 0, sizeof(t->counts));
	t->pid++;
	t->last_ts = 0;
	switch (t->fmt) {
	case IRQSIM_TRACE_TEXT:
		trace_text_run(t, name);
		break;
	case IRQSIM_TRACE_JSONL:
		trace_jsonl_run(t, name);
		break;
	case IRQSIM_TRACE_CHROME:
		trace_chrome_run(t, name);
		break;
	}
	pthread_mutex_unlock(&t->lock);
}

static void count(struct irqsim_trace_counts *c, const struct sim_event *ev)
{
	const char *cat = ev->cat ? ev->cat : "";

	c->events++;
	if (ev->type == SIM_EV_TASK) {
		c->tasks++;
		return;
	}
	if (ev->type == SIM_EV_END)
		return;
	if (!strcmp(cat, "lock"))
		c->locks++;
	else if (!strcmp(cat, "rcu"))
		c->rcu++;
	else if (!strcmp(cat, "srcu"))
		c->srcu++;
	else if (!strcmp(cat, "gp"))
		c->gp++;
	else if (!strcmp(cat, "work"))
		c->work++;
	else if (!strcmp(cat, "irq"))
		c->irq++;
	else if (!strcmp(cat, "exit"))
		c->exits++;
	else if (!strcmp(cat, "report"))
		c->reports++;
}

void irqsim_trace_event(struct irqsim_trace *t, const struct sim_event *ev)
{
	pthread_mutex_lock(&t->lock);
	if (!t->pid) {
		/* events before any begin_run form run 1 */
		t->pid = 1;
		if (t->fmt == IRQSIM_TRACE_CHROME)
			trace_chrome_run(t, "irqsim");
	}
	count(&t->counts, ev);
	if (ev->ts_ns > t->last_ts)
		t->last_ts = ev->ts_ns;
	switch (t->fmt) {
	case IRQSIM_TRACE_TEXT:
		trace_text_event(t, ev);
		break;
	case IRQSIM_TRACE_JSONL:
		trace_jsonl_event(t, ev);
		break;
	case IRQSIM_TRACE_CHROME:
		trace_chrome_event(t, ev);
		break;
	}
	if (ferror(t->out))
		t->io_error = true;
	pthread_mutex_unlock(&t->lock);
}

void irqsim_trace_sink(void *ctx, const struct sim_event *ev)
{
	irqsim_trace_event(ctx, ev);
}

void irqsim_trace_counts(struct irqsim_trace *t, struct irqsim_trace_counts *out)
{
	pthread_mutex_lock(&t->lock);
	*out = t->counts;
	pthread_mutex_unlock(&t->lock);
}

int irqsim_trace_finish(struct irqsim_trace *t)
{
	int ret;

	pthread_mutex_lock(&t->lock);
	end_run_locked(t);
	if (t->fmt == IRQSIM_TRACE_CHROME)
		trace_chrome_trailer(t);
	if (fflush(t->out) != 0 || ferror(t->out))
		t->io_error = true;
	ret = t->io_error ? -EIO : 0;
	pthread_mutex_unlock(&t->lock);
	pthread_mutex_destroy(&t->lock);
	free(t);
	return ret;
}
