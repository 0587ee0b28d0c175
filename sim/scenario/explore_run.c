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

int xprog_load_file(struct xprog *x, const char *path, char **text, FILE *err)
{
	size_t len;
	int ret;

	memset(x, 0, sizeof(*x));
	*text = NULL;
	ret = scn_read_file(path, text, &len);
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
	struct sim_config cfg;
	int status;

	memset(&res, 0, sizeof(res));
	irqsim_scenario_opts_init(&so);
	so.err = c->err;
	so.checkers = c->checkers;
	so.seed = c->seed;
	so.has_seed = true;
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
	status = interp_run_sim(x->prog, &x->origins, &so, &cfg, &res);
	if (status < 0) {
		const char *why = status == -ENODEV ? "cannot create the simulation" : "out of memory";

		if (c->err && status == -ENODEV)
			fprintf(c->err, "%s: %s\n", x->name, why);
		out->status = INTERP_FAIL;
		out->line = 0;
		snprintf(out->msg, sizeof(out->msg), "%s", why);
		irqsim_scenario_result_free(&res);
		return out->status;
	}
	out->statements = res.statements;
	set_out(out, &res, status);
	irqsim_scenario_result_free(&res);
	return status;
}
