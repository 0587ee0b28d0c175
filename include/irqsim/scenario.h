/*
 * libirqsim: run a .scn scenario (docs/scenario-language.md) on the
 * simulator. The irqsim command is a thin client of this API.
 *
 *	struct irqsim_scenario_opts o;
 *	struct irqsim_scenario_result r;
 *
 *	irqsim_scenario_opts_init(&o);
 *	irqsim_run_scenario("t.scn", &o, &r);	// messages go to o.err
 *	printf("%s\n", r.status ? "FAIL" : "PASS");
 *	irqsim_scenario_result_free(&r);
 *
 * Exit statuses (r.status) follow the contract: 0 every statement and
 * expectation held and no checker reported; 1 a statement's result, an
 * expectation or a checker failed; 2 the script is wrong (or unreadable).
 */
#ifndef IRQSIM_SCENARIO_H
#define IRQSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/sim.h>
#include <irqsim/trace.h>

#define IRQSIM_SCN_MAX_TRACES	4

/* One statement's result as the interpreter saw it (irqsim diff compares these). */
struct irqsim_scenario_obs {
	unsigned int line;		/* the line holding the `=>` (a routing block: `end`) */
	const char *stmt;		/* the statement, canonical form, first line */
	/* "ok", "EBUSY", "3", "0x41", "none", "kernel", "irr=1 remote_irr=0", "count=2"... */
	const char *got;
	bool held;			/* matched the script's `=>` or expectation */
	bool alternatives;		/* the script accepts several results (`=> A|B`) */
	bool not_checkable;		/* this backend cannot check it (got says why) */
};

struct irqsim_scenario_opts {
	enum sim_backend backend;	/* default sched */
	bool has_seed;			/* seed given by the user: replay exactly this one */
	uint64_t seed;			/* default 1 */
	bool checkers;			/* default true */
	FILE *err;			/* failure messages and reports (default stderr) */
	/* event sinks: every run of the scenario is traced into each */
	struct irqsim_trace *traces[IRQSIM_SCN_MAX_TRACES];
	unsigned int n_traces;
	bool stmt_spans;		/* trace each statement as a span (default true) */

	/*
	 * Execute on the real kernel through /dev/kvm instead of the model
	 * (docs/kvm-backend.md). Threads then run on real pthreads; what the
	 * kernel cannot show (counters, checkers, schedules=N, settle off
	 * windows) is reported as not checkable.
	 */
	bool kvm;
	/* Record a failing statement and go on (irqsim diff); script errors still stop. */
	bool keep_going;
	/* Called with each statement's result as it happens (may be NULL). */
	void (*observe)(void *ctx, const struct irqsim_scenario_obs *obs);
	/*
	 * kvm backend: the result an expectation or ack on this line should
	 * poll for besides the script's own (irqsim diff passes the
	 * simulator's), NULL for none.
	 */
	const char *(*want)(void *ctx, unsigned int line);
	void *observe_ctx;
};

void irqsim_scenario_opts_init(struct irqsim_scenario_opts *o);

/* One failure message, as printed ("t.scn:5: expected 0x41, got none"). */
struct irqsim_scenario_msg {
	unsigned int line;		/* 0 when not tied to a line */
	int status;			/* 1 or 2 */
	char *text;
};

#define IRQSIM_SCN_MAX_MSGS	32

struct irqsim_scenario_stat {
	const char *name;		/* static (irqsim_stat_names) */
	uint64_t value;
};

struct irqsim_scenario_result {
	int status;			/* 0, 1 or 2 */
	enum sim_backend backend;	/* backend actually used */
	uint64_t seed;			/* seed of the first run, or of the failing one */
	bool seed_failed;		/* status 1 came from the run with `seed` */
	uint64_t schedules;		/* runs made (schedules=N: up to N) */
	uint64_t schedules_wanted;	/* N of `run schedules=N` (1 without) */
	uint64_t statements;		/* statements executed in one run (the last) */
	uint64_t statements_total;	/* over every run */
	double seconds;			/* wall time of all runs */
	unsigned int reports;		/* checker reports, all runs */
	/* failure messages, in order (at most IRQSIM_SCN_MAX_MSGS kept) */
	struct irqsim_scenario_msg msgs[IRQSIM_SCN_MAX_MSGS];
	unsigned int n_msgs;
	bool msgs_truncated;
	/* counters of the last run's VM, read just before it was destroyed */
	struct irqsim_scenario_stat *stats;
	unsigned int n_stats;
	/* trace event counts of the last run (zero without a trace sink) */
	struct irqsim_trace_counts trace;
	/* the kvm backend: ran on /dev/kvm, and how `ack` was performed */
	bool kvm;
	const char *ack_mode;		/* static: "host" or "guest" (kvm only) */
	unsigned int not_checkable;	/* statements reported as not checkable */
};

/*
 * Run the scenario file at path. Returns r->status (0/1/2) and fills r
 * (free it with irqsim_scenario_result_free). An unreadable file is status
 * 2 with a message. Never exits the process.
 */
int irqsim_run_scenario(const char *path, const struct irqsim_scenario_opts *o,
			struct irqsim_scenario_result *r);

/* The same for a scenario held in memory; name is used in messages. */
int irqsim_run_scenario_text(const char *name, const char *text, size_t len,
			     const struct irqsim_scenario_opts *o,
			     struct irqsim_scenario_result *r);

void irqsim_scenario_result_free(struct irqsim_scenario_result *r);

/*
 * 0 when the kvm backend can run here (/dev/kvm usable); else -errno and
 * *why (static) says why. *ack_mode (static, may be NULL) names the
 * acknowledge mode: "host" on kvm_pvm, which EOIs on injection.
 */
int irqsim_kvm_backend_available(const char **why, const char **ack_mode);

/* "sched" / "threads", and back (-EINVAL for an unknown name). */
const char *irqsim_backend_name(enum sim_backend b);
int irqsim_backend_parse(const char *name, enum sim_backend *b);

#endif
