/*
 * irqsim_run_scenario(): read, parse, then run the program once, or once
 * per schedule for `run schedules=N` (the sched backend with seeds S,
 * S+1, ... S+N-1; the first failing seed is printed and can be replayed
 * alone with --seed). Each run is a fresh simulation; checker reports,
 * including the leaks sim_destroy finds, fail the run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "interp.h"

void irqsim_scenario_opts_init(struct irqsim_scenario_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->backend = SIM_BACKEND_SCHED;
	o->seed = 1;
	o->checkers = true;
	o->err = stderr;
	o->stmt_spans = true;
}

const char *irqsim_backend_name(enum sim_backend b)
{
	return b == SIM_BACKEND_THREADS ? "threads" : "sched";
}

int irqsim_backend_parse(const char *name, enum sim_backend *b)
{
	if (!strcmp(name, "sched"))
		*b = SIM_BACKEND_SCHED;
	else if (!strcmp(name, "threads"))
		*b = SIM_BACKEND_THREADS;
	else
		return -EINVAL;
	return 0;
}

void irqsim_scenario_result_free(struct irqsim_scenario_result *r)
{
	for (unsigned int i = 0; i < r->n_msgs; i++)
		free(r->msgs[i].text);
	free(r->stats);
	memset(r, 0, sizeof(*r));
}

static void record_plain(struct irqsim_scenario_result *r, int status, const char *text,
			 FILE *err)
{
	if (err) {
		fprintf(err, "%s\n", text);
		fflush(err);
	}
	if (status > r->status)
		r->status = status;
	if (r->n_msgs >= IRQSIM_SCN_MAX_MSGS) {
		r->msgs_truncated = true;
		return;
	}
	r->msgs[r->n_msgs].text = strdup(text);
	if (r->msgs[r->n_msgs].text) {
		r->msgs[r->n_msgs].status = status;
		r->n_msgs++;
	}
}

/* ---- one run ---------------------------------------------------------- */

static int run_once(const struct scn_program *prog, const struct interp_origins *origins,
		    const struct irqsim_scenario_opts *o, enum sim_backend backend,
		    uint64_t seed, struct irqsim_scenario_result *res)
{
	struct sim_config cfg;
	char name[512];
	int status;

	for (unsigned int i = 0; i < o->n_traces; i++) {
		snprintf(name, sizeof(name), "%s (backend %s, seed %" PRIu64 ")",
			 prog->filename, irqsim_backend_name(backend), seed);
		irqsim_trace_begin_run(o->traces[i], name);
	}
	sim_config_init(&cfg);
	cfg.backend = backend;
	cfg.seed = seed;
	cfg.checkers = o->checkers;
	status = interp_run_sim(prog, origins, o, &cfg, res);
	if (status == -ENODEV) {
		char text[512];

		snprintf(text, sizeof(text), "%s: cannot create the simulation (backend %s)",
			 prog->filename, irqsim_backend_name(backend));
		record_plain(res, INTERP_FAIL, text, o->err);
		return INTERP_FAIL;
	}
	if (status < 0) {
		record_plain(res, INTERP_FAIL, "out of memory", o->err);
		return INTERP_FAIL;
	}
	return status;
}

/* ---- schedules ---------------------------------------------------------- */

struct plan {
	uint64_t n;		/* runs */
	uint64_t seed0;		/* seed of the first run */
	bool force_sched;	/* schedules=N asks for deterministic interleavings */
};

static void make_plan(const struct scn_program *p, const struct irqsim_scenario_opts *o,
		      struct plan *pl)
{
	const struct scn_run *sched_run = NULL, *seeded_run = NULL;

	for (size_t i = 0; i < p->n_stmts; i++) {
		const struct scn_stmt *s = &p->stmts[i];

		if (s->kind != SCN_RUN)
			continue;
		if (s->u.run.has_schedules && !sched_run)
			sched_run = &s->u.run;
		if (s->u.run.has_seed && !seeded_run)
			seeded_run = &s->u.run;
	}
	pl->n = 1;
	pl->seed0 = o->seed;
	pl->force_sched = sched_run != NULL;
	if (sched_run) {
		pl->n = sched_run->schedules ? sched_run->schedules : 1;
		if (sched_run->has_seed)
			pl->seed0 = sched_run->seed;
	} else if (seeded_run) {
		pl->seed0 = seeded_run->seed;
	}
	/* the real kernel runs once: its own interleaving (interp_run says so) */
	if (o->kvm) {
		pl->n = 1;
		pl->force_sched = false;
	}
	/* a seed from the user replays exactly that run */
	if (o->has_seed) {
		pl->n = 1;
		pl->seed0 = o->seed;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int irqsim_run_scenario_text(const char *name, const char *text, size_t len,
			     const struct irqsim_scenario_opts *opts,
			     struct irqsim_scenario_result *r)
{
	struct irqsim_scenario_opts dflt;
	const struct irqsim_scenario_opts *o = opts;
	struct scn_program *prog = NULL;
	struct interp_origins origins;
	struct scn_diag diag;
	enum sim_backend backend;
	struct plan pl;
	double t0 = now_s();
	int ret;

	memset(r, 0, sizeof(*r));
	if (!o) {
		irqsim_scenario_opts_init(&dflt);
		o = &dflt;
	}
	r->backend = o->backend;
	r->seed = o->seed;
	scn_diag_init(&diag);
	ret = scn_parse(name, text, len, &prog, &diag);
	if (ret < 0) {
		if (o->err)
			scn_diag_print(&diag, o->err);
		for (unsigned int i = 0; i < diag.count && r->n_msgs < IRQSIM_SCN_MAX_MSGS; i++) {
			r->msgs[r->n_msgs].line = diag.msg[i].line;
			r->msgs[r->n_msgs].status = INTERP_SCRIPT;
			r->msgs[r->n_msgs].text = diag.msg[i].text;
			diag.msg[i].text = NULL;
			r->n_msgs++;
		}
		if (ret != -EINVAL || !diag.count) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s: error: cannot parse: %s", name, strerror(-ret));
			record_plain(r, INTERP_SCRIPT, msg, o->err);
		}
		scn_diag_free(&diag);
		r->status = INTERP_SCRIPT;
		return r->status;
	}
	scn_diag_free(&diag);
	if (interp_origins_build(&origins, prog) < 0) {
		scn_program_free(prog);
		record_plain(r, INTERP_FAIL, "out of memory", o->err);
		return r->status;
	}

	make_plan(prog, o, &pl);
	backend = pl.force_sched ? SIM_BACKEND_SCHED : o->backend;
	if (o->kvm) {
		const char *why = NULL;

		/* host threads are real pthreads around real ioctls */
		backend = SIM_BACKEND_THREADS;
		r->kvm = true;
		if (irqsim_kvm_backend_available(&why, &r->ack_mode) < 0) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s: error: the kvm backend cannot run: %s",
				 name, why);
			record_plain(r, INTERP_SCRIPT, msg, o->err);
			interp_origins_free(&origins);
			scn_program_free(prog);
			return r->status;
		}
	}
	r->backend = backend;
	r->seed = pl.seed0;
	r->schedules_wanted = pl.n;
	for (uint64_t i = 0; i < pl.n; i++) {
		uint64_t seed = pl.seed0 + i;
		int st = run_once(prog, &origins, o, backend, seed, r);

		r->schedules++;
		if (st > r->status)
			r->status = st;
		if (st != INTERP_CONTINUE) {
			r->seed = seed;
			r->seed_failed = true;
			if (pl.n > 1) {
				char msg[1024];

				snprintf(msg, sizeof(msg),
					 "%s: schedule %" PRIu64 " of %" PRIu64 " failed with seed %" PRIu64
					 "; replay it with: irqsim run --seed %" PRIu64 " %s",
					 name, i + 1, pl.n, seed, seed, name);
				record_plain(r, st, msg, o->err);
			}
			break;
		}
	}
	r->seconds = now_s() - t0;
	interp_origins_free(&origins);
	scn_program_free(prog);
	return r->status;
}

int irqsim_run_scenario(const char *path, const struct irqsim_scenario_opts *opts,
			struct irqsim_scenario_result *r)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = scn_read_file(path, &text, &len);
	if (ret < 0) {
		char msg[1024];

		memset(r, 0, sizeof(*r));
		r->backend = opts ? opts->backend : SIM_BACKEND_SCHED;
		r->seed = opts ? opts->seed : 1;
		snprintf(msg, sizeof(msg), "%s: error: cannot read the file: %s", path, strerror(-ret));
		record_plain(r, INTERP_SCRIPT, msg, opts ? opts->err : stderr);
		return r->status;
	}
	ret = irqsim_run_scenario_text(path, text, len, opts, r);
	free(text);
	return ret;
}
