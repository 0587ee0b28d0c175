/*
 * Shared by the eventfd-area benches (doorbell, irqfd, iobus, dpci): a
 * clock, the raw host baselines every bench prints beside its figures (a
 * real eventfd write(2) and a real thread round trip), the simulated
 * machine they measure, argument parsing and CSV output.
 */
#ifndef BENCH_EVENTFD_UTIL_H
#define BENCH_EVENTFD_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Nanoseconds per write(2) of 1 to a real, non-blocking eventfd. */
double bench_raw_eventfd_write_ns(uint64_t n);
/* Nanoseconds per real thread round trip (mutex + condvar ping-pong). */
double bench_raw_handoff_ns(uint64_t n);

/* Median of n samples (sorts them in place). */
double bench_median(double *v, int n);

struct sim;
struct kvm;
/* The benches' simulation: threads backend (real concurrency), checkers off; NULL on failure. */
struct sim *bench_sim_create(void);
/* A VM with vCPU 0, and the in-kernel irqchip if asked: 0, or -1. */
int bench_vm_create(struct sim *sim, bool irqchip, struct kvm **kvm);

struct bench_args {
	uint64_t n;		/* iterations (-n) */
	const char *csv;	/* output file (-o) */
	int quick;		/* -q: a smoke run */
};

static inline void bench_parse(int argc, char **argv, struct bench_args *a,
			       uint64_t default_n, const char *default_csv)
{
	int i;

	a->n = default_n;
	a->csv = default_csv;
	a->quick = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			a->n = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			a->csv = argv[++i];
		else if (!strcmp(argv[i], "-q"))
			a->quick = 1;
		else {
			fprintf(stderr, "usage: %s [-n N] [-o FILE.csv] [-q]\n", argv[0]);
			exit(2);
		}
	}
	if (a->quick && a->n > default_n / 20)
		a->n = default_n / 20 ? default_n / 20 : 1;
}

static inline FILE *bench_csv_open(const char *path, const char *header)
{
	FILE *f = path ? fopen(path, "w") : NULL;

	if (path && !f)
		perror(path);
	if (f)
		fprintf(f, "%s\n", header);
	return f;
}

#endif
