/*
 * Interpreter throughput: statements per second for a generated scenario of
 * 100,000 simple statements (eventfd write/read, an expectation, an
 * irq_line on an unmapped GSI), end to end (parse + run + teardown), with
 * tracing off and on, side by side in one run.
 *
 *   bench_scenario [--statements N] [--csv FILE] [--min-rate R]
 *
 * Prints CSV (config,statements,seconds,statements_per_second,ratio_to_off)
 * and writes it to FILE too. With --min-rate, exits 1 if the untraced rate
 * is below R statements per second (the target is 1,000,000).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <irqsim/scenario.h>
#include <irqsim/trace.h>

static char *generate(unsigned long n, bool settle_off, size_t *len)
{
	static const char *const body[] = {
		"write ev\n",
		"read ev => 1\n",
		"expect eventfd ev count=0\n",
		"irq_line 100 1 => -1\n",
	};
	size_t cap = 128 + n * 32, pos = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	pos += (size_t)snprintf(s + pos, cap - pos, "vm vcpus=1\neventfd ev\n%s",
				settle_off ? "settle off\n" : "");
	for (unsigned long i = 0; i < n; i++)
		pos += (size_t)snprintf(s + pos, cap - pos, "%s", body[i % 4]);
	*len = pos;
	return s;
}

struct config {
	const char *name;
	bool settle_off;
	int trace;		/* -1 none, else enum irqsim_trace_format */
};

static int run(const struct config *c, unsigned long n, double *secs, uint64_t *stmts)
{
	struct irqsim_scenario_opts o;
	struct irqsim_scenario_result r;
	FILE *devnull = NULL;
	size_t len;
	char *text = generate(n, c->settle_off, &len);
	int st;

	if (!text)
		return -ENOMEM;
	irqsim_scenario_opts_init(&o);
	if (c->trace >= 0) {
		devnull = fopen("/dev/null", "w");
		if (!devnull) {
			free(text);
			return -errno;
		}
		o.traces[0] = irqsim_trace_new((enum irqsim_trace_format)c->trace, devnull);
		o.n_traces = 1;
	}
	st = irqsim_run_scenario_text("bench.scn", text, len, &o, &r);
	*secs = r.seconds;
	*stmts = r.statements;
	irqsim_scenario_result_free(&r);
	if (o.n_traces)
		irqsim_trace_finish(o.traces[0]);
	if (devnull)
		fclose(devnull);
	free(text);
	return st;
}

int main(int argc, char **argv)
{
	static const struct config configs[] = {
		{ "trace_off", false, -1 },
		{ "trace_off_settle_off", true, -1 },
		{ "trace_chrome", false, IRQSIM_TRACE_CHROME },
		{ "trace_text", false, IRQSIM_TRACE_TEXT },
	};
	unsigned long n = 100000;
	const char *csv_path = NULL;
	double min_rate = 0, base = 0;
	FILE *csv = NULL;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--statements") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			csv_path = argv[++i];
		else if (!strcmp(argv[i], "--min-rate") && i + 1 < argc)
			min_rate = strtod(argv[++i], NULL);
		else {
			fprintf(stderr, "usage: %s [--statements N] [--csv FILE] [--min-rate R]\n", argv[0]);
			return 2;
		}
	}
	if (csv_path && !(csv = fopen(csv_path, "w"))) {
		perror(csv_path);
		return 2;
	}
	printf("config,statements,seconds,statements_per_second,ratio_to_off\n");
	if (csv)
		fprintf(csv, "config,statements,seconds,statements_per_second,ratio_to_off\n");
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		double secs = 0, rate;
		uint64_t stmts = 0;
		int st = run(&configs[i], n, &secs, &stmts);

		if (st != 0) {
			fprintf(stderr, "bench_scenario: %s: the scenario failed (status %d)\n",
				configs[i].name, st);
			ret = 1;
			continue;
		}
		rate = secs > 0 ? (double)stmts / secs : 0;
		if (i == 0)
			base = rate;
		printf("%s,%llu,%.6f,%.0f,%.3f\n", configs[i].name, (unsigned long long)stmts, secs,
		       rate, base > 0 ? rate / base : 0);
		if (csv)
			fprintf(csv, "%s,%llu,%.6f,%.0f,%.3f\n", configs[i].name,
				(unsigned long long)stmts, secs, rate, base > 0 ? rate / base : 0);
		if (i == 0 && min_rate > 0 && rate < min_rate) {
			fprintf(stderr, "bench_scenario: %.0f statements/s is below the target %.0f\n",
				rate, min_rate);
			ret = 1;
		}
	}
	if (csv)
		fclose(csv);
	return ret;
}
