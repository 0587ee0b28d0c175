/*
 * The raw baselines: liburcu-memb, ck and pthread called directly, with
 * no runtime in between. Separate file: liburcu's struct rcu_head and the
 * shim's cannot meet in one translation unit.
 */
#include <pthread.h>
#include <time.h>
#include <ck_epoch.h>
#include <ck_spinlock.h>
#ifndef KSIM_TSAN
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>
#endif
#include "bench_raw.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double raw_urcu_read_ns(unsigned long n)
{
#ifndef KSIM_TSAN
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		urcu_memb_read_lock();
		__asm__ __volatile__("" ::: "memory");
		urcu_memb_read_unlock();
	}
	return (now_ns() - t0) / (double)n;
#else
	(void)n;
	return -1;
#endif
}

double raw_urcu_sync_ns(unsigned long n)
{
#ifndef KSIM_TSAN
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++)
		urcu_memb_synchronize_rcu();
	return (now_ns() - t0) / (double)n;
#else
	(void)n;
	return -1;
#endif
}

double raw_ck_epoch_ns(unsigned long n)
{
	static ck_epoch_t epoch;
	static ck_epoch_record_t rec;
	static int init;
	ck_epoch_section_t sec;
	double t0;

	if (!init) {
		ck_epoch_init(&epoch);
		ck_epoch_register(&epoch, &rec, NULL);
		init = 1;
	}
	t0 = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		ck_epoch_begin(&rec, &sec);
		__asm__ __volatile__("" ::: "memory");
		ck_epoch_end(&rec, &sec);
	}
	return (now_ns() - t0) / (double)n;
}

double raw_ck_spin_ns(unsigned long n)
{
	static ck_spinlock_fas_t l = CK_SPINLOCK_FAS_INITIALIZER;
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		ck_spinlock_fas_lock(&l);
		__asm__ __volatile__("" ::: "memory");
		ck_spinlock_fas_unlock(&l);
	}
	return (now_ns() - t0) / (double)n;
}

double raw_pthread_mutex_ns(unsigned long n)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	double t0 = now_ns();

	for (unsigned long i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		__asm__ __volatile__("" ::: "memory");
		pthread_mutex_unlock(&m);
	}
	return (now_ns() - t0) / (double)n;
}
