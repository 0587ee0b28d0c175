/*
 * Runtime overhead, side by side in one run: the kernel-named primitives
 * through the runtime (checkers off and on) against raw liburcu / ck /
 * pthread calls, with ratios; the sched backend's task switch; the
 * latency of synchronize_rcu. Targets: checkers off <= 1.5x raw, on <= 5x;
 * a sched task switch under 100 ns.
 * Usage: bench_runtime [--quick] [--csv FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kshim/kernel.h>
#include <kshim/srcu.h>
#include <kshim/sim.h>
#include "sim/kernel/backend.h"
#include "bench_raw.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double rt_rcu_ns(unsigned long n)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		rcu_read_lock();
		barrier();
		rcu_read_unlock();
	}
	return (now_ns() - t0) / (double)n;
}

static struct srcu_struct bench_srcu;

static double rt_srcu_ns(unsigned long n)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		int idx = srcu_read_lock(&bench_srcu);

		barrier();
		srcu_read_unlock(&bench_srcu, idx);
	}
	return (now_ns() - t0) / (double)n;
}

static DEFINE_SPINLOCK(bench_lock);
static DEFINE_MUTEX(bench_mutex);

static double rt_spin_ns(unsigned long n)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		spin_lock(&bench_lock);
		barrier();
		spin_unlock(&bench_lock);
	}
	return (now_ns() - t0) / (double)n;
}

static double rt_mutex_ns(unsigned long n)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		mutex_lock(&bench_mutex);
		barrier();
		mutex_unlock(&bench_mutex);
	}
	return (now_ns() - t0) / (double)n;
}

static double rt_sync_ns(unsigned long n)
{
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++)
		synchronize_rcu();
	return (now_ns() - t0) / (double)n;
}

/*
 * Repetitions: every operation is sampled REPS times, each runtime sample
 * right beside a raw sample (alternating which goes first), so a burst of
 * load from the other builds on the 2 cores hits both sides alike. The
 * figures are medians; a ratio is the median of the per-repetition ratios
 * of the runtime sample to the raw sample beside it. Samples are short
 * (well under a millisecond), so most of them run without preemption.
 */
#define REPS	31
#define NOPS	5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[4 * REPS];
	int m = 0;

	for (int i = 0; i < n && m < 4 * REPS; i++)
		if (v[i] >= 0)
			s[m++] = v[i];
	if (!m)
		return -1;
	qsort(s, (size_t)m, sizeof(s[0]), cmp_double);
	return m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

struct row {
	const char *op, *baseline;
	double (*rt)(unsigned long n);
	double (*raw)(unsigned long n);
	unsigned long div;		/* iterations per sample: n / div */
	double off[REPS], on[REPS];	/* runtime samples, checkers off / on */
	double raw_off[REPS], raw_on[REPS];	/* raw samples beside them */
};

static struct sim *threads_sim(bool checkers)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_THREADS;
	cfg.checkers = checkers;
	return sim_create(&cfg);
}

static void measure(struct row *r, unsigned long n, bool checkers)
{
	struct sim *sim = threads_sim(checkers);

	if (!sim) {
		fprintf(stderr, "bench_runtime: sim_create failed\n");
		exit(1);
	}
	init_srcu_struct(&bench_srcu);
	for (int k = 0; k < REPS; k++) {
		for (int i = 0; i < NOPS; i++) {
			unsigned long it = n / r[i].div + 10;
			double *rt = checkers ? &r[i].on[k] : &r[i].off[k];
			double *raw = checkers ? &r[i].raw_on[k] : &r[i].raw_off[k];

			/* raw calls from this (liburcu-registered) thread */
			if (k % 2) {
				*rt = r[i].rt(it);
				*raw = r[i].raw(it);
			} else {
				*raw = r[i].raw(it);
				*rt = r[i].rt(it);
			}
		}
	}
	cleanup_srcu_struct(&bench_srcu);
	sim_destroy(sim);
}

static double ratio(const double *v, const double *raw)
{
	double q[REPS];

	for (int k = 0; k < REPS; k++)
		q[k] = v[k] >= 0 && raw[k] > 0 ? v[k] / raw[k] : -1;
	return median(q, REPS);
}

static double raw_median(const struct row *r)
{
	double all[2 * REPS];

	memcpy(all, r->raw_off, sizeof(r->raw_off));
	memcpy(all + REPS, r->raw_on, sizeof(r->raw_on));
	return median(all, 2 * REPS);
}

static const char *verdict(double q, double target)
{
	if (q < 0)
		return "n/a";
	return q <= target ? "ok" : "MISS";
}

int main(int argc, char **argv)
{
	/* iterations per sample: short samples, so most of them see no preemption */
	unsigned long n = 50000;
	const char *csv = NULL;
	struct row r[NOPS] = {
		{ "rcu_read_lock+unlock", "liburcu-memb read_lock+unlock", rt_rcu_ns, raw_urcu_read_ns, 1 },
		{ "srcu_read_lock+unlock", "ck_epoch begin+end", rt_srcu_ns, raw_ck_epoch_ns, 1 },
		{ "spin_lock+unlock", "ck_spinlock_fas lock+unlock", rt_spin_ns, raw_ck_spin_ns, 1 },
		{ "mutex_lock+unlock", "pthread_mutex lock+unlock", rt_mutex_ns, raw_pthread_mutex_ns, 1 },
		{ "synchronize_rcu", "urcu_memb_synchronize_rcu", rt_sync_ns, raw_urcu_sync_ns, 10000 },
	};
	double sw_s[REPS], coro_s[REPS], sw = -1, coro = -1;
	double q_off[NOPS], q_on[NOPS], raw[NOPS];
	struct sim_config cfg;
	struct sim *sim;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			n = 2000;
		else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			csv = argv[++i];
	}
	measure(r, n, false);
	measure(r, n, true);

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_SCHED;
	cfg.checkers = false;
	sim = sim_create(&cfg);
	if (sim) {
		for (int k = 0; k < REPS; k++) {
			sw_s[k] = sch_bench_switch_ns(n / 50 + 10);
			coro_s[k] = sch_bench_coro_ns(n / 50 + 10);
		}
		sw = median(sw_s, REPS);
		coro = median(coro_s, REPS);
		sim_destroy(sim);
	}

	printf("medians of %d repetitions; a ratio is the median of the per-repetition ratios\n", REPS);
	printf("%-24s %10s %10s %10s %8s %8s  %s\n", "operation (ns/op)", "ckr off", "ckr on",
	       "raw", "off/raw", "on/raw", "raw baseline");
	for (int i = 0; i < NOPS; i++) {
		raw[i] = raw_median(&r[i]);
		q_off[i] = ratio(r[i].off, r[i].raw_off);
		q_on[i] = ratio(r[i].on, r[i].raw_on);
		printf("%-24s %10.1f %10.1f %10.1f %7.2fx %7.2fx  %s  [off %s, on %s]\n", r[i].op,
		       median(r[i].off, REPS), median(r[i].on, REPS), raw[i], q_off[i], q_on[i],
		       r[i].baseline, verdict(q_off[i], 1.5), verdict(q_on[i], 5.0));
	}
	if (sw > 0)
		printf("%-24s %10.1f %10s %10.1f %7.2fx %8s  bare coroutine switch  [%s: < 100 ns]\n",
		       "sched task switch", sw, "-", coro, coro > 0 ? sw / coro : 0, "-",
		       sw < 100 ? "ok" : "MISS");
	else
		printf("%-24s %10s\n", "sched task switch", "n/a");

	if (csv) {
		f = fopen(csv, "w");
		if (!f) {
			perror(csv);
			return 1;
		}
		fprintf(f, "operation,checkers_off_ns,checkers_on_ns,raw_ns,off_ratio,on_ratio,raw_baseline\n");
		for (int i = 0; i < NOPS; i++)
			fprintf(f, "%s,%.2f,%.2f,%.2f,%.3f,%.3f,%s\n", r[i].op, median(r[i].off, REPS),
				median(r[i].on, REPS), raw[i], q_off[i], q_on[i], r[i].baseline);
		fprintf(f, "sched task switch,%.2f,,%.2f,%.3f,,bare coroutine switch\n", sw, coro,
			coro > 0 ? sw / coro : 0);
		fclose(f);
		printf("wrote %s\n", csv);
	}
	return 0;
}
