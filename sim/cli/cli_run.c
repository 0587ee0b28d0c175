/* `irqsim run [OPTIONS] FILE...`: run scenarios, one result per file. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

void cli_run_usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim run [OPTIONS] FILE...\n"
		"\n"
		"Run each scenario file and print one result line per file.\n"
		"\n"
		"Options:\n"
		"  -v, --verbose            print the event trace as text while running (which\n"
		"                           task did what, under which locks, which path each\n"
		"                           injection took, grace periods, work items), then a\n"
		"                           summary per file\n"
		"      --summary            print the summary per file (as -v, without the trace)\n"
		"      --json               print one JSON object per file instead of the\n"
		"                           result line (the -v trace then goes to stderr)\n"
		"      --trace FILE         write the event trace to FILE: Chrome trace event\n"
		"                           JSON, for chrome://tracing or https://ui.perfetto.dev\n"
		"      --trace-format FMT   chrome (default), jsonl or text (a FILE ending in\n"
		"                           .jsonl defaults to jsonl)\n"
		"      --backend NAME       sched (default: deterministic, seeded), threads\n"
		"                           (real pthreads) or kvm (the real kernel through\n"
		"                           /dev/kvm: what it cannot check is reported as such)\n"
		"      --seed S             the seed (default 1); with `run schedules=N`, replay\n"
		"                           just the schedule with this seed\n"
		"      --no-checkers        turn off lockdep, context, RCU-usage and memory checks\n"
		"  -h, --help               show this help and exit\n"
		"\n"
		"Exit status: 0 every file passed, 1 a statement's result, an expectation or\n"
		"a checker failed, 2 a script error, an unreadable file or a bad command line\n"
		"(the highest over all files).\n");
}

struct run_args {
	bool verbose, summary, json, checkers;
	const char *trace_path;
	bool has_trace_fmt;
	enum irqsim_trace_format trace_fmt;
	enum sim_backend backend;
	bool kvm;
	bool has_seed;
	uint64_t seed;
};

enum { OPT_SUMMARY = 255, OPT_JSON = 256, OPT_TRACE, OPT_TRACE_FMT, OPT_BACKEND, OPT_SEED, OPT_NO_CHECKERS };

static int parse_args(int argc, char **argv, struct run_args *a, int *first_file)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "trace-format", required_argument, NULL, OPT_TRACE_FMT },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "no-checkers", no_argument, NULL, OPT_NO_CHECKERS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->checkers = true;
	a->backend = SIM_BACKEND_SCHED;
	a->seed = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			cli_run_usage(stdout);
			return -1;
		case OPT_SUMMARY:
			a->summary = true;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_TRACE:
			a->trace_path = optarg;
			break;
		case OPT_TRACE_FMT:
			if (irqsim_trace_format_parse(optarg, &a->trace_fmt) < 0)
				return cli_usage_error("run", "unknown trace format '%s' (chrome, jsonl or text)", optarg);
			a->has_trace_fmt = true;
			break;
		case OPT_BACKEND:
			a->kvm = !strcmp(optarg, "kvm");
			if (!a->kvm && irqsim_backend_parse(optarg, &a->backend) < 0)
				return cli_usage_error("run", "unknown backend '%s' (sched, threads or kvm)", optarg);
			break;
		case OPT_SEED:
			if (cli_parse_u64(optarg, &a->seed) < 0)
				return cli_usage_error("run", "bad seed '%s' (a number, decimal or 0x hex)", optarg);
			a->has_seed = true;
			break;
		case OPT_NO_CHECKERS:
			a->checkers = false;
			break;
		default:
			return cli_option_error("run", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("run", "%s", "no scenario file given");
	*first_file = optind;
	return 0;
}

int cli_run(int argc, char **argv)
{
	struct irqsim_scenario_opts o;
	struct run_args a;
	FILE *trace_file = NULL;
	FILE *out = stdout;
	int first = 0, worst = CLI_OK, ret;

	ret = parse_args(argc, argv, &a, &first);
	if (ret < 0)
		return CLI_OK;		/* --help */
	if (ret > 0)
		return ret;

	irqsim_scenario_opts_init(&o);
	o.backend = a.backend;
	o.kvm = a.kvm;
	o.has_seed = a.has_seed;
	o.seed = a.seed;
	o.checkers = a.checkers;
	o.err = stderr;
	/* with --json, stdout carries only the JSON results */
	worst = cli_traces_open("run", o.traces, &o.n_traces,
				a.verbose ? (a.json ? stderr : stdout) : NULL, a.trace_path,
				a.has_trace_fmt, a.trace_fmt, &trace_file);
	if (worst)
		goto out;

	for (int i = first; i < argc; i++) {
		struct irqsim_scenario_result r;
		int st;

		fflush(out);
		st = irqsim_run_scenario(argv[i], &o, &r);
		if (a.json)
			cli_print_json(out, argv[i], &r);
		else
			cli_print_result(out, argv[i], &r);
		if ((a.verbose || a.summary) && !a.json)
			cli_print_summary(out, argv[i], &r, a.trace_path);
		fflush(out);
		if (st > worst)
			worst = st;
		irqsim_scenario_result_free(&r);
	}
out:
	ret = cli_traces_close("run", o.traces, o.n_traces, trace_file, a.trace_path);
	return ret > worst ? ret : worst;
}
