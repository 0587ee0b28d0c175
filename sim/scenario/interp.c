/*
 * One run of a scenario on one simulation: the statement loop, settling
 * after each statement (`settle on`), the origin each statement gives the
 * task that runs it, failure messages, and the teardown a VMM's exit does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"

/* ---- origins ---------------------------------------------------------- */

static unsigned int max_line_of(const struct scn_stmt *st, size_t n, unsigned int m)
{
	for (size_t i = 0; i < n; i++) {
		const struct scn_stmt *s = &st[i];

		if (s->line > m)
			m = s->line;
		if (s->kind == SCN_ROUTING && s->u.routing.end_line > m)
			m = s->u.routing.end_line;
		if (s->kind == SCN_THREAD) {
			if (s->u.thread.end_line > m)
				m = s->u.thread.end_line;
			m = max_line_of(s->u.thread.body, s->u.thread.n_body, m);
		}
	}
	return m;
}

/*
 * Every line gets "FILE:LINE" (lines without a statement cost a few bytes
 * and keep the lookup a plain index); line 0 is the teardown.
 */
int interp_origins_build(struct interp_origins *o, const struct scn_program *prog)
{
	const char *file = prog->filename ? prog->filename : "<scenario>";
	size_t flen = strlen(file), size, pos = 0;
	unsigned int max = max_line_of(prog->stmts, prog->n_stmts, 0);

	memset(o, 0, sizeof(*o));
	o->max_line = max;
	o->line = calloc((size_t)max + 1, sizeof(*o->line));
	size = ((size_t)max + 1) * (flen + 12) + flen + 16;
	o->buf = malloc(size);
	if (!o->line || !o->buf) {
		interp_origins_free(o);
		return -ENOMEM;
	}
	o->line[0] = o->buf;
	pos += (size_t)snprintf(o->buf, size, "%s (teardown)", file) + 1;
	for (unsigned int l = 1; l <= max; l++) {
		o->line[l] = o->buf + pos;
		pos += (size_t)snprintf(o->buf + pos, size - pos, "%s:%u", file, l) + 1;
	}
	return 0;
}

void interp_origins_free(struct interp_origins *o)
{
	free(o->line);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

/* ---- messages ---------------------------------------------------------- */

void interp_set_status(struct interp *in, int status)
{
	int cur = __atomic_load_n(&in->status, __ATOMIC_RELAXED);

	while (status > cur &&
	       !__atomic_compare_exchange_n(&in->status, &cur, status, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void interp_record(struct interp *in, unsigned int line, int status, const char *text,
		   bool print)
{
	struct irqsim_scenario_result *r = in->res;

	interp_set_status(in, status);
	pthread_mutex_lock(&in->lock);
	if (print && in->err) {
		fprintf(in->err, "%s\n", text);
		fflush(in->err);
	}
	if (r->n_msgs < IRQSIM_SCN_MAX_MSGS) {
		struct irqsim_scenario_msg *m = &r->msgs[r->n_msgs];

		m->text = strdup(text);
		if (m->text) {
			m->line = line;
			m->status = status;
			r->n_msgs++;
		}
	} else {
		r->msgs_truncated = true;
	}
	pthread_mutex_unlock(&in->lock);
}

int interp_fail(struct interp *in, unsigned int line, const char *fmt, ...)
{
	char msg[512], text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s:%u: %s", in->prog->filename, line, msg);
	interp_record(in, line, INTERP_FAIL, text, true);
	return INTERP_FAIL;
}

int interp_script_error(struct interp *in, const struct scn_stmt *s, const char *fmt, ...)
{
	char msg[512], text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s:%u:%u: error: %s", in->prog->filename,
		 s->line, s->col, msg);
	interp_record(in, s->line, INTERP_SCRIPT, text, true);
	return INTERP_SCRIPT;
}

/* ---- the run ------------------------------------------------------------ */

int interp_init(struct interp *in, const struct scn_program *prog,
		const struct irqsim_scenario_opts *opts,
		const struct interp_origins *origins, struct sim *sim,
		struct irqsim_scenario_result *res)
{
	memset(in, 0, sizeof(*in));
	in->prog = prog;
	in->opts = opts;
	in->origins = origins;
	in->err = opts->err;
	in->sim = sim;
	in->res = res;
	in->settle_on = true;
	in->ops = &interp_sim_ops;
	in->trace_stmts = opts->stmt_spans && opts->n_traces > 0;
	in->efd = malloc(sizeof(*in->efd) * (prog->n_eventfds ? prog->n_eventfds : 1));
	in->pending = calloc(prog->n_threads ? prog->n_threads : 1, sizeof(*in->pending));
	if (!in->efd || !in->pending) {
		free(in->efd);
		free(in->pending);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < prog->n_eventfds; i++)
		in->efd[i] = -1;
	pthread_mutex_init(&in->lock, NULL);
	return 0;
}

void interp_set_ops(struct interp *in, const struct interp_ops *ops)
{
	in->ops = ops;
}

void interp_destroy(struct interp *in)
{
	free(in->efd);
	free(in->pending);
	pthread_mutex_destroy(&in->lock);
}

static int dispatch(struct interp *in, const struct scn_stmt *s, bool main_task)
{
	switch (s->kind) {
	case SCN_VM:			return interp_vm(in, s);
	case SCN_EVENTFD:		return interp_eventfd(in, s);
	case SCN_WRITE:			return interp_write(in, s);
	case SCN_READ:			return interp_read(in, s);
	case SCN_CLOSE:			return interp_close(in, s);
	case SCN_ROUTING:		return interp_routing(in, s);
	case SCN_IRQ_LINE:		return interp_irq_line(in, s);
	case SCN_MSI:			return interp_msi(in, s);
	case SCN_IRQFD:			return interp_irqfd(in, s);
	case SCN_IOEVENTFD:		return interp_ioeventfd(in, s);
	case SCN_LAPIC:			return interp_lapic(in, s);
	case SCN_ACK:			return interp_ack(in, s);
	case SCN_EOI:			return interp_eoi(in, s);
	case SCN_GUEST_WRITE:		return interp_guest_write(in, s);
	case SCN_IOAPIC_PIN:		return interp_ioapic_pin(in, s);
	case SCN_EXPECT_LAPIC:
	case SCN_EXPECT_LAPIC_HAS:	return interp_expect_lapic(in, s);
	case SCN_EXPECT_IOAPIC:		return interp_expect_ioapic(in, s);
	case SCN_EXPECT_EVENTFD:	return interp_expect_eventfd(in, s);
	case SCN_EXPECT_EXITS:		return interp_expect_exits(in, s);
	case SCN_EXPECT_STAT:		return interp_expect_stat(in, s);
	case SCN_SETTLE:
		if (!main_task)
			return interp_script_error(in, s, "'settle' is only allowed outside threads");
		switch (s->u.settle.mode) {
		case SCN_SETTLE_OFF:
			in->settle_on = false;
			/* workers must not pick up work queued from now on */
			if (in->ops->simulated && in->sim)
				sim_hold_deferred(in->sim, true);
			break;
		case SCN_SETTLE_ON:
			in->settle_on = true;
			if (in->ops->simulated && in->sim)
				sim_hold_deferred(in->sim, false);
			break;
		case SCN_SETTLE_NOW:
			in->ops->settle(in);
			break;
		}
		return INTERP_CONTINUE;
	case SCN_THREAD:
		if (!main_task)
			return interp_script_error(in, s, "threads cannot be nested");
		return interp_thread_decl(in, s);
	case SCN_RUN:
		if (!main_task)
			return interp_script_error(in, s, "'run' is only allowed outside threads");
		return interp_run(in, s);
	default:
		break;
	}
	return interp_script_error(in, s, "statement kind %d is not supported", (int)s->kind);
}

int interp_exec(struct interp *in, const struct scn_stmt *s, bool main_task)
{
	char name[160];
	int rc;

	sim_set_origin(in->origins->line[s->line]);
	__atomic_fetch_add(&in->executed, 1, __ATOMIC_RELAXED);
	if (in->trace_stmts && s->kind != SCN_THREAD && ksim_tracing_on) {
		scn_stmt_print(in->prog, s, name, sizeof(name));
		ksim_trace_emit(SIM_EV_BEGIN, "scenario", name, "line=%u", s->line);
		rc = dispatch(in, s, main_task);
		ksim_trace_emit(SIM_EV_END, "scenario", name, "line=%u", s->line);
	} else {
		rc = dispatch(in, s, main_task);
	}
	return rc;
}

int interp_run_main(struct interp *in)
{
	const struct scn_program *p = in->prog;

	for (size_t i = 0; i < p->n_stmts; i++) {
		const struct scn_stmt *s = &p->stmts[i];
		int rc = interp_exec(in, s, true), st;

		if (interp_stops(in, rc))
			return rc;
		if (sim_is_dead(in->sim))
			return interp_fail(in, s->line, "the simulation deadlocked (every task blocked)");
		if (in->settle_on && s->kind != SCN_THREAD)
			in->ops->settle(in);
		/* a checker report filed during the statement fails the run here */
		st = __atomic_load_n(&in->status, __ATOMIC_RELAXED);
		if (interp_stops(in, st))
			return st;
	}
	return __atomic_load_n(&in->status, __ATOMIC_RELAXED);
}

bool interp_stops(const struct interp *in, int rc)
{
	if (rc == INTERP_CONTINUE)
		return false;
	return !(rc == INTERP_FAIL && in->opts->keep_going);
}

/*
 * What a VMM's exit does: the VM file is released (irqfds deactivated and
 * their shutdown flushed, then everything freed), then the eventfds the
 * host still holds are closed. A deadlocked simulation cannot run any of
 * it; sim_destroy frees what is left.
 */
void interp_teardown(struct interp *in)
{
	sim_set_origin(in->origins->line[0]);
	if (in->ops->snapshot_stats)
		in->ops->snapshot_stats(in);
	if (sim_is_dead(in->sim))
		return;
	in->ops->teardown(in);
}

/* ---- one simulation ------------------------------------------------------ */

static unsigned int origin_line(const char *origin)
{
	const char *c = origin ? strrchr(origin, ':') : NULL;

	return c ? (unsigned int)strtoul(c + 1, NULL, 10) : 0;
}

/* A checker report: the kernel-style text, then the scenario line that led there. */
static void on_report(void *ctx, const struct sim_report *rep)
{
	struct interp *in = ctx;
	const char *where = rep->origin ? rep->origin : in->prog->filename;
	const char *text = rep->text ? rep->text : "";
	size_t tl = strlen(text);
	char line[512];

	pthread_mutex_lock(&in->lock);
	if (in->err) {
		fprintf(in->err, "%s: checker report: %s\n%s%s", where, rep->title, text,
			tl && text[tl - 1] != '\n' ? "\n" : "");
		fflush(in->err);
	}
	pthread_mutex_unlock(&in->lock);
	snprintf(line, sizeof(line), "%s: checker report: %s", where, rep->title);
	interp_record(in, origin_line(rep->origin), INTERP_FAIL, line, false);
}

static void on_event(void *ctx, const struct sim_event *ev)
{
	const struct irqsim_scenario_opts *o = ctx;

	for (unsigned int i = 0; i < o->n_traces; i++)
		irqsim_trace_event(o->traces[i], ev);
}

int interp_run_sim(const struct scn_program *prog, const struct interp_origins *origins,
		   const struct irqsim_scenario_opts *o, struct sim_config *cfg,
		   struct irqsim_scenario_result *res)
{
	struct interp in;
	struct sim *sim;
	unsigned int reports;
	int status;

	/* set from the start, so the tasks sim_create starts get their names */
	if (o->n_traces) {
		cfg->tracer = on_event;
		cfg->tracer_ctx = (void *)o;
	}
	sim = sim_create(cfg);
	if (!sim)
		return -ENODEV;
	if (interp_init(&in, prog, o, origins, sim, res) < 0) {
		sim_destroy(sim);
		return -ENOMEM;
	}
	if (o->kvm)
		interp_set_ops(&in, &interp_kvm_ops);
	sim_set_report_hook(sim, on_report, &in);

	interp_run_main(&in);
	interp_teardown(&in);
	reports = sim_destroy(sim);

	res->reports += reports;
	res->not_checkable += in.not_checkable;
	res->statements = in.executed;
	res->statements_total += in.executed;
	if (o->n_traces)
		irqsim_trace_counts(o->traces[0], &res->trace);
	status = __atomic_load_n(&in.status, __ATOMIC_RELAXED);
	if (reports && status < INTERP_FAIL)
		status = INTERP_FAIL;
	interp_destroy(&in);
	return status;
}
