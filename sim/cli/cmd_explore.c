/*
 * `irqsim explore FILE`: run a scenario under many interleavings chosen by
 * a strategy, print the first failing schedule and its minimised form;
 * `irqsim replay FILE --seed S [--schedule HEX]`: run one of them again.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <irqsim/explore.h>
#include "cli.h"

void cli_explore_usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim explore [OPTIONS] FILE\n"
		"\n"
		"Run the scenario under many interleavings of its tasks (sched backend) and\n"
		"report the first one that fails, with a minimised schedule to replay.\n"
		"\n"
		"Options:\n"
		"      --strategy NAME      random (default): seeded random choices;\n"
		"                           pct: probabilistic concurrency testing;\n"
		"                           exhaustive: every schedule with at most D\n"
		"                           preemptions (depth-first), until exhausted\n"
		"      --schedules N        run at most N schedules (default 1000)\n"
		"      --seed S             schedule i runs with seed S+i (exhaustive: S)\n"
		"                           (default 1)\n"
		"      --depth D            pct: bug depth (D-1 priority change points);\n"
		"                           exhaustive: preemption bound (default 2)\n"
		"      --fine               READ_ONCE/WRITE_ONCE/atomics are switch points too\n"
		"      --no-minimise        report the failing schedule as found\n"
		"      --minimise-runs N    spend at most N runs minimising (default 2000)\n"
		"      --no-checkers        turn off lockdep, context, RCU-usage and memory checks\n"
		"  -h, --help               show this help and exit\n"
		"\n"
		"Exit status: 0 no schedule failed, 1 a schedule failed, 2 a script error or\n"
		"a bad command line.\n");
}

void cli_replay_usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim replay [OPTIONS] FILE --seed S [--schedule HEX]\n"
		"\n"
		"Run the scenario once on the sched backend with the seed and schedule bytes\n"
		"that `irqsim explore` printed: the same run, event for event.\n"
		"\n"
		"Options:\n"
		"      --seed S             the seed (required)\n"
		"      --schedule HEX       schedule bytes: one per real choice, the index of\n"
		"                           the task picked among the runnable ones; after\n"
		"                           them the seed's generator chooses\n"
		"      --fine               as `irqsim explore --fine` (needed to replay its runs)\n"
		"  -v, --verbose            print the event trace as text\n"
		"      --trace FILE         write the event trace to FILE (Chrome JSON)\n"
		"      --trace-format FMT   chrome (default), jsonl or text\n"
		"      --no-checkers        turn off the checkers\n"
		"  -h, --help               show this help and exit\n"
		"\n"
		"Exit status: as `irqsim run`.\n");
}

enum {
	OPT_STRATEGY = 256, OPT_SCHEDULES, OPT_SEED, OPT_DEPTH, OPT_FINE, OPT_NO_MIN,
	OPT_MIN_RUNS, OPT_NO_CHECKERS, OPT_SCHEDULE, OPT_TRACE, OPT_TRACE_FMT,
};

/* ---- explore ---- */

static void print_replay(FILE *out, const char *file, const struct irqsim_explore_opts *o,
			 const struct irqsim_schedule *s, bool with_bytes)
{
	char *hex = NULL;

	if (with_bytes && s->len)
		hex = irqsim_schedule_to_hex(s->bytes, s->len);
	fprintf(out, "    irqsim replay %s --seed %" PRIu64 "%s%s%s\n", file, s->seed,
		o->fine ? " --fine" : "", hex ? " --schedule " : "", hex ? hex : "");
	free(hex);
}

static void print_explore(FILE *out, const char *file, const struct irqsim_explore_opts *o,
			  const struct irqsim_explore_result *r)
{
	const char *strat = irqsim_strategy_name(o->strategy);
	double rate = r->seconds > 0 ? (double)r->schedules / r->seconds : 0;
	char how[96];

	if (o->strategy == IRQSIM_STRATEGY_RANDOM)
		snprintf(how, sizeof(how), "strategy random");
	else
		snprintf(how, sizeof(how), "strategy %s, depth %u", strat, o->depth);
	if (r->status == 2) {
		fprintf(out, "ERROR %s (script error)\n", file);
		return;
	}
	if (!r->found) {
		if (o->strategy == IRQSIM_STRATEGY_EXHAUSTIVE)
			fprintf(out, "PASS %s (%" PRIu64 " schedules, %s, seed %" PRIu64 ", %s, %.0f schedules/s)\n",
				file, r->schedules, how, o->seed,
				r->exhausted ? "space exhausted" : "budget reached before the space was exhausted",
				rate);
		else
			fprintf(out, "PASS %s (%" PRIu64 " schedules, %s, seeds %" PRIu64 "-%" PRIu64 ", %.0f schedules/s)\n",
				file, r->schedules, how, o->seed, o->seed + r->schedules - 1, rate);
		if (r->nondeterministic)
			fprintf(out, "  warning: the same schedule prefix led to different choices (nondeterminism)\n");
		return;
	}
	fprintf(out, "FAIL %s (schedule %" PRIu64 " of %" PRIu64 ", %s, seed %" PRIu64 ")\n",
		file, r->found_at, o->schedules, how, r->failing.seed);
	fprintf(out, "  failure: %s\n", r->message ? r->message : "?");
	fprintf(out, "  as found: %" PRIu64 " choices, %u %s; replay with:\n",
		r->failing.choices, r->failing.preemptions,
		r->failing.preemptions == 1 ? "preemption" : "preemptions");
	/* a random schedule is its seed: the generator makes the same choices again */
	print_replay(out, file, o, &r->failing, o->strategy != IRQSIM_STRATEGY_RANDOM);
	if (o->minimise)
		fprintf(out, "  minimised in %" PRIu64 " runs: %u %s in %zu schedule bytes; replay with:\n",
			r->minimise_runs, r->minimal.preemptions,
			r->minimal.preemptions == 1 ? "preemption" : "preemptions", r->minimal.len);
	if (o->minimise)
		print_replay(out, file, o, &r->minimal, true);
	if (r->nondeterministic)
		fprintf(out, "  warning: the scenario did not replay deterministically\n");
}

int cli_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strategy", required_argument, NULL, OPT_STRATEGY },
		{ "schedules", required_argument, NULL, OPT_SCHEDULES },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "depth", required_argument, NULL, OPT_DEPTH },
		{ "fine", no_argument, NULL, OPT_FINE },
		{ "no-minimise", no_argument, NULL, OPT_NO_MIN },
		{ "minimise-runs", required_argument, NULL, OPT_MIN_RUNS },
		{ "no-checkers", no_argument, NULL, OPT_NO_CHECKERS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;
	uint64_t v;
	int c, st;

	irqsim_explore_opts_init(&o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_explore_usage(stdout);
			return CLI_OK;
		case OPT_STRATEGY:
			if (irqsim_strategy_parse(optarg, &o.strategy) < 0)
				return cli_usage_error("explore", "unknown strategy '%s' (random, pct or exhaustive)", optarg);
			break;
		case OPT_SCHEDULES:
			if (cli_parse_u64(optarg, &o.schedules) < 0 || !o.schedules)
				return cli_usage_error("explore", "bad schedule count '%s' (a positive number)", optarg);
			break;
		case OPT_SEED:
			if (cli_parse_u64(optarg, &o.seed) < 0)
				return cli_usage_error("explore", "bad seed '%s' (a number, decimal or 0x hex)", optarg);
			break;
		case OPT_DEPTH:
			if (cli_parse_u64(optarg, &v) < 0 || v > 32)
				return cli_usage_error("explore", "bad depth '%s' (0 to 32)", optarg);
			o.depth = (unsigned int)v;
			break;
		case OPT_FINE:
			o.fine = true;
			break;
		case OPT_NO_MIN:
			o.minimise = false;
			break;
		case OPT_MIN_RUNS:
			if (cli_parse_u64(optarg, &o.minimise_runs) < 0)
				return cli_usage_error("explore", "bad run count '%s'", optarg);
			break;
		case OPT_NO_CHECKERS:
			o.checkers = false;
			break;
		default:
			return cli_option_error("explore", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("explore", "%s", "no scenario file given");
	if (optind + 1 < argc)
		return cli_usage_error("explore", "one scenario file at a time ('%s' is extra)", argv[optind + 1]);
	if (o.strategy == IRQSIM_STRATEGY_PCT && !o.depth)
		return cli_usage_error("explore", "%s", "pct needs --depth 1 or more");
	o.err = stderr;
	fflush(stdout);
	st = irqsim_explore(argv[optind], &o, &r);
	print_explore(stdout, argv[optind], &o, &r);
	fflush(stdout);
	irqsim_explore_result_free(&r);
	return st;
}

/* ---- replay ---- */

int cli_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "schedule", required_argument, NULL, OPT_SCHEDULE },
		{ "fine", no_argument, NULL, OPT_FINE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "trace-format", required_argument, NULL, OPT_TRACE_FMT },
		{ "no-checkers", no_argument, NULL, OPT_NO_CHECKERS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct irqsim_replay_opts o;
	enum irqsim_trace_format fmt = IRQSIM_TRACE_CHROME;
	const char *trace_path = NULL, *file;
	bool has_seed = false, has_fmt = false, verbose = false;
	uint8_t *bytes = NULL;
	FILE *trace_file = NULL;
	uint64_t statements = 0;
	int c, st, ret;

	irqsim_replay_opts_init(&o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_replay_usage(stdout);
			free(bytes);
			return CLI_OK;
		case 'v':
			verbose = true;
			break;
		case OPT_SEED:
			if (cli_parse_u64(optarg, &o.seed) < 0)
				goto bad_seed;
			has_seed = true;
			break;
		case OPT_SCHEDULE:
			free(bytes);
			if (irqsim_schedule_from_hex(optarg, &bytes, &o.schedule_len) < 0)
				goto bad_hex;
			o.schedule = bytes;
			break;
		case OPT_FINE:
			o.fine = true;
			break;
		case OPT_TRACE:
			trace_path = optarg;
			break;
		case OPT_TRACE_FMT:
			if (irqsim_trace_format_parse(optarg, &fmt) < 0) {
				free(bytes);
				return cli_usage_error("replay", "unknown trace format '%s' (chrome, jsonl or text)", optarg);
			}
			has_fmt = true;
			break;
		case OPT_NO_CHECKERS:
			o.checkers = false;
			break;
		default:
			free(bytes);
			return cli_option_error("replay", c, argv);
		}
	}
	if (optind >= argc || optind + 1 < argc) {
		free(bytes);
		return cli_usage_error("replay", "%s", optind >= argc ? "no scenario file given"
								 : "one scenario file at a time");
	}
	if (!has_seed) {
		free(bytes);
		return cli_usage_error("replay", "%s", "--seed S is required (the seed explore printed)");
	}
	file = argv[optind];
	st = cli_traces_open("replay", o.traces, &o.n_traces, verbose ? stdout : NULL,
			     trace_path, has_fmt, fmt, &trace_file);
	if (st)
		goto out;
	st = irqsim_replay(file, &o, &statements);
	printf("%s %s (%" PRIu64 " statements, backend sched, seed %" PRIu64 ", %zu schedule bytes)\n",
	       st == 0 ? "PASS" : st == 1 ? "FAIL" : "ERROR", file, statements, o.seed,
	       o.schedule_len);
	goto out;
bad_seed:
	free(bytes);
	return cli_usage_error("replay", "bad seed '%s' (a number, decimal or 0x hex)", optarg);
bad_hex:
	return cli_usage_error("replay", "bad schedule '%s' (hex bytes, two digits each)", optarg);
out:
	ret = cli_traces_close("replay", o.traces, o.n_traces, trace_file, trace_path);
	if (ret > st)
		st = ret;
	free(bytes);
	return st;
}
