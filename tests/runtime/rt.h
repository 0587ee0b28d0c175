/*
 * Shared helpers of the runtime tests: every test runs once per backend
 * (the CUnit suite "threads" or "sched" selects it).
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <kshim/kernel.h>
#include <kshim/sim.h>

#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif

static enum sim_backend rt_backend;

static inline int rt_use_threads(void) { rt_backend = SIM_BACKEND_THREADS; return 0; }
static inline int rt_use_sched(void) { rt_backend = SIM_BACKEND_SCHED; return 0; }

static inline struct sim *rt_sim(void)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = rt_backend;
	cfg.seed = 42;
	return sim_create(&cfg);
}

/* Number of stored reports whose title contains `what` (NULL: all). */
static inline unsigned int rt_reports(struct sim *sim, const char *what)
{
	unsigned int n = 0, all = sim_report_count(sim, -1);

	for (unsigned int i = 0; i < all; i++) {
		const struct sim_report *r = sim_report_get(sim, i);

		if (!what || strstr(r->title, what))
			n++;
	}
	return n;
}

/* Does any report's text contain `what`? */
static inline bool rt_text_has(struct sim *sim, const char *what)
{
	unsigned int all = sim_report_count(sim, -1);

	for (unsigned int i = 0; i < all; i++)
		if (strstr(sim_report_get(sim, i)->text, what))
			return true;
	return false;
}

/* Let other tasks run a while (a switch point on sched, a real pause on threads). */
static inline void rt_let_run(struct sim *sim)
{
	for (int i = 0; i < 200; i++) {
		cond_resched();
		if (sim_backend(sim) == SIM_BACKEND_THREADS)
			usleep(100);
	}
}

#define RT_SUITES(name, tests)						\
	{ "threads", tests, rt_use_threads, NULL },			\
	{ "sched", tests, rt_use_sched, NULL }

#endif
