/*
 * A scenario parsed once and run many times: one fresh sched-backend
 * simulation per schedule, the same statement loop as `irqsim run`
 * (interp.c), with the schedule bytes and the strategy callback of the
 * explorer in the simulation's config. Failure messages are recorded in
 * the run's result and printed only when the caller asks (err).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "explore.h"

int xprog_load(struct xprog *x, const char *name, const char *text, size_t len, FILE *err)
{
	struct scn_diag diag;
	int ret;

	memset(x, 0, sizeof(*x));
	x->name = name;
	scn_diag_init(&diag);
	ret = scn_parse(name, text, len, &x->prog, &diag);
	if (ret < 0) {
		if (err && diag.count)
			scn_diag_print(&diag, err);
		else if (err)
			fprintf(err, "%s: error: cannot parse: %s\n", name, strerror(-ret));
		scn_diag_free(&diag);
		return ret == -ENOMEM ? -ENOMEM : INTERP_SCRIPT;
	}
	scn_diag_free(&diag);
	if (interp_origins_build(&x->origins, x->prog) < 0) {
		scn_program_free(x->prog);
		x->prog = NULL;
		return -ENOMEM;
	}
	return 0;
}

int xread_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nb;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		nb = realloc(buf, cap + 1);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			if (ferror(f))
				err = -EIO;
			break;
		}
		cap *= 2;
	}
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int xprog_load_file(struct xprog *x, const char *path, char **text, FILE *err)
{
	size_t len;
	int ret;

	memset(x, 0, sizeof(*x));
	*text = NULL;
	ret = xread_file(path, text, &len);
	if (ret < 0) {
		if (err)
			fprintf(err, "%s: error: cannot read the file: %s\n", path, strerror(-ret));
		return INTERP_SCRIPT;
	}
	return xprog_load(x, path, *text, len, err);
}

void xprog_free(struct xprog *x)
{
	if (x->prog) {
		interp_origins_free(&x->origins);
		scn_program_free(x->prog);
	}
	memset(x, 0, sizeof(*x));
}

static unsigned int origin_line(const char *origin)
{
	const char *c = origin ? strrchr(origin, ':') : NULL;

	return c ? (unsigned int)strtoul(c + 1, NULL, 10) : 0;
}

/* A checker report fails the run; printed in full only when err is set. */
static void on_report(void *ctx, const struct sim_report *rep)
{
	struct interp *in = ctx;
	const char *where = rep->origin ? rep->origin : in->prog->filename;
	const char *text = rep->text ? rep->text : "";
	size_t tl = strlen(text);
	char line[512];

	if (in->err) {
		fprintf(in->err, "%s: checker report: %s\n%s%s", where, rep->title, text,
			tl && text[tl - 1] != '\n' ? "\n" : "");
		fflush(in->err);
	}
	snprintf(line, sizeof(line), "%s: checker report: %s", where, rep->title);
	interp_record(in, origin_line(rep->origin), INTERP_FAIL, line, false);
}

struct trace_sinks {
	struct irqsim_trace *const *traces;
	unsigned int n;
};

static void on_event(void *ctx, const struct sim_event *ev)
{
	const struct trace_sinks *t = ctx;

	for (unsigned int i = 0; i < t->n; i++)
		irqsim_trace_event(t->traces[i], ev);
}

static void set_out(struct xrun_out *out, const struct irqsim_scenario_result *res, int status)
{
	out->status = status;
	out->line = 0;
	out->msg[0] = '\0';
	if (status && res->n_msgs) {
		out->line = res->msgs[0].line;
		snprintf(out->msg, sizeof(out->msg), "%s", res->msgs[0].text);
	} else if (status) {
		snprintf(out->msg, sizeof(out->msg), "checker report at teardown");
	}
}

int xrun_once(const struct xprog *x, const struct xrun_cfg *c, struct xrun_out *out)
{
	struct irqsim_scenario_result res;
	struct irqsim_scenario_opts so;
	struct trace_sinks sinks = { c->traces, c->n_traces };
	struct sim_config cfg;
	struct interp in;
	struct sim *sim;
	unsigned int reports;
	int status;

	memset(&res, 0, sizeof(res));
	irqsim_scenario_opts_init(&so);
	so.err = c->err;
	so.checkers = c->checkers;
	so.seed = c->seed;
	so.has_seed = true;
	so.n_traces = 0;	/* the tracer is set below; interp only reads n_traces for spans */
	for (unsigned int i = 0; i < c->n_traces && i < IRQSIM_SCN_MAX_TRACES; i++)
		so.traces[so.n_traces++] = c->traces[i];

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_SCHED;
	cfg.seed = c->seed;
	cfg.checkers = c->checkers;
	cfg.yield_mode = c->fine ? SIM_YIELD_FINE : SIM_YIELD_RUNTIME;
	cfg.schedule = c->schedule;
	cfg.schedule_len = c->schedule_len;
	cfg.choose = c->choose;
	cfg.choose_ctx = c->choose_ctx;
	sim = sim_create(&cfg);
	if (!sim) {
		if (c->err)
			fprintf(c->err, "%s: cannot create the simulation\n", x->name);
		out->status = INTERP_FAIL;
		out->line = 0;
		snprintf(out->msg, sizeof(out->msg), "cannot create the simulation");
		return out->status;
	}
	if (interp_init(&in, x->prog, &so, &x->origins, sim, &res) < 0) {
		sim_destroy(sim);
		out->status = INTERP_FAIL;
		out->line = 0;
		snprintf(out->msg, sizeof(out->msg), "out of memory");
		return out->status;
	}
	sim_set_report_hook(sim, on_report, &in);
	if (c->n_traces)
		sim_set_tracer(sim, on_event, &sinks);

	interp_run_main(&in);
	interp_teardown(&in);
	reports = sim_destroy(sim);

	status = __atomic_load_n(&in.status, __ATOMIC_RELAXED);
	if (reports && status < INTERP_FAIL)
		status = INTERP_FAIL;
	out->statements = in.executed;
	set_out(out, &res, status);
	interp_destroy(&in);
	irqsim_scenario_result_free(&res);
	return status;
}
