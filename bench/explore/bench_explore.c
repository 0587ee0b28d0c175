/*
 * Explorer throughput: schedules per second for a 3-thread scenario of 34
 * statements (a VM, three eventfds, two MSI routes, an irqfd; each thread
 * writes, reads, binds irqfds and acks), per strategy, side by side in one
 * run with the interpreter's own `run schedules=N` loop as the baseline.
 * Every schedule is a fresh simulation: parse once, run N times.
 *
 *   bench_explore [--schedules N] [--csv FILE] [--min-rate R]
 *
 * Prints CSV (config,schedules,wall_s,cpu_s,schedules_per_s_wall,
 * schedules_per_s_cpu,ratio_to_run) and writes it to FILE too. The rate
 * that counts is per CPU second of this process (the machine is shared:
 * wall time includes other people's builds). With --min-rate, exits 1 if
 * the random strategy's CPU rate is below R (the target is 10,000).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <irqsim/explore.h>
#include <irqsim/scenario.h>

static const char scenario[] =
	"vm vcpus=2\n"
	"eventfd a\n"
	"eventfd b\n"
	"eventfd c\n"
	"routing\n"
	"  gsi 24 msi addr=0xfee00000 data=0x41\n"
	"  gsi 25 msi addr=0xfee01000 data=0x42\n"
	"end\n"
	"irqfd a gsi=24\n"
	"thread t1\n"
	"  write a\n"
	"  write a\n"
	"  read a => 0|1|2|EAGAIN\n"
	"  write b\n"
	"  irqfd b gsi=25 => ok|EBUSY\n"
	"  write b\n"
	"  read b => 0|1|2|3|EAGAIN\n"
	"  write c\n"
	"end\n"
	"thread t2\n"
	"  write b\n"
	"  irqfd c gsi=25 => ok|EBUSY\n"
	"  write c\n"
	"  read c => 0|1|2|EAGAIN\n"
	"  write a\n"
	"  write a\n"
	"  vcpu 0 ack => 0x41|none\n"
	"  vcpu 0 eoi\n"
	"end\n"
	"thread t3\n"
	"  write c\n"
	"  write c\n"
	"  read a => 0|1|2|3|EAGAIN\n"
	"  vcpu 1 ack => 0x42|none\n"
	"  write b\n"
	"  read b => 0|1|2|3|EAGAIN\n"
	"  write a\n"
	"  write c\n"
	"end\n"
	"run%s\n";

struct config {
	const char *name;
	int strategy;		/* -1: `run schedules=N` through irqsim_run_scenario_text */
	unsigned int depth;
	bool fine;
};

static const struct config configs[] = {
	{ "run_schedules", -1, 0, false },
	{ "random", IRQSIM_STRATEGY_RANDOM, 0, false },
	{ "pct_d3", IRQSIM_STRATEGY_PCT, 3, false },
	{ "exhaustive_b2", IRQSIM_STRATEGY_EXHAUSTIVE, 2, false },
	{ "random_fine", IRQSIM_STRATEGY_RANDOM, 0, true },
};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs made, or -1 on a failure (the scenario must pass every schedule). */
static long long run(const struct config *c, unsigned long n, double *wall, double *cpu)
{
	char text[sizeof(scenario) + 64];
	double w0, c0;
	long long made;
	int st;

	w0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (c->strategy < 0) {
		struct irqsim_scenario_opts o;
		struct irqsim_scenario_result r;
		char arg[48];

		snprintf(arg, sizeof(arg), " schedules=%lu", n);
		snprintf(text, sizeof(text), scenario, arg);
		irqsim_scenario_opts_init(&o);
		st = irqsim_run_scenario_text("bench.scn", text, strlen(text), &o, &r);
		made = (long long)r.schedules;
		irqsim_scenario_result_free(&r);
	} else {
		struct irqsim_explore_opts o;
		struct irqsim_explore_result r;

		snprintf(text, sizeof(text), scenario, "");
		irqsim_explore_opts_init(&o);
		o.strategy = (enum irqsim_strategy)c->strategy;
		o.depth = c->depth;
		o.fine = c->fine;
		o.schedules = n;
		st = irqsim_explore_text("bench.scn", text, strlen(text), &o, &r);
		made = (long long)r.schedules;
		irqsim_explore_result_free(&r);
	}
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	return st ? -1 : made;
}

int main(int argc, char **argv)
{
	unsigned long n = 5000;
	const char *csv_path = NULL;
	double min_rate = 0, base = 0, random_rate = 0;
	FILE *csv = NULL;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--schedules") && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
			csv_path = argv[++i];
		} else if (!strcmp(argv[i], "--min-rate") && i + 1 < argc) {
			min_rate = strtod(argv[++i], NULL);
		} else {
			fprintf(stderr, "usage: bench_explore [--schedules N] [--csv FILE] [--min-rate R]\n");
			return 2;
		}
	}
	if (!n)
		n = 1;
	if (csv_path && !(csv = fopen(csv_path, "w"))) {
		fprintf(stderr, "bench_explore: cannot write %s: %s\n", csv_path, strerror(errno));
		return 2;
	}
	printf("config,schedules,wall_s,cpu_s,schedules_per_s_wall,schedules_per_s_cpu,ratio_to_run\n");
	if (csv)
		fprintf(csv, "config,schedules,wall_s,cpu_s,schedules_per_s_wall,schedules_per_s_cpu,ratio_to_run\n");
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct config *c = &configs[i];
		double wall, cpu, rw, rc;
		long long made = run(c, n, &wall, &cpu);

		if (made <= 0) {
			fprintf(stderr, "bench_explore: %s: a schedule failed\n", c->name);
			ret = 1;
			continue;
		}
		rw = wall > 0 ? (double)made / wall : 0;
		rc = cpu > 0 ? (double)made / cpu : 0;
		if (c->strategy < 0)
			base = rc;
		if (c->strategy == IRQSIM_STRATEGY_RANDOM && !c->fine)
			random_rate = rc;
		printf("%s,%lld,%.3f,%.3f,%.0f,%.0f,%.2f\n", c->name, made, wall, cpu, rw, rc,
		       base > 0 ? rc / base : 0);
		if (csv)
			fprintf(csv, "%s,%lld,%.3f,%.3f,%.0f,%.0f,%.2f\n", c->name, made, wall, cpu,
				rw, rc, base > 0 ? rc / base : 0);
	}
	if (csv)
		fclose(csv);
	if (min_rate > 0 && random_rate < min_rate) {
		fprintf(stderr, "bench_explore: random strategy at %.0f schedules/s (CPU), below %.0f\n",
			random_rate, min_rate);
		ret = 1;
	}
	return ret;
}
