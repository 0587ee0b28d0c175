/*
 * The sched backend through the public simulation API (sim_create with
 * SIM_BACKEND_SCHED, kernel-named locks): determinism per seed, deadlock
 * detection with its report, and replay of a logged schedule.
 * Needs the generic runtime (sim/kernel/sim.c and friends) in ksim_lib.
 */
#include <errno.h>
#include <string.h>

#include <kshim/mutex.h>
#include <kshim/sched.h>
#include <kshim/sim.h>

#include "sim/kernel/backend.h"
#include "tests/cunit_main.h"

#define STEPS 20

struct prog {
	struct mutex lock;
	int order[3 * STEPS];	/* lock */
	int n;			/* lock */
};

struct stepper_arg {
	struct prog *p;
	int id;
};

static int api_stepper(void *arg)
{
	struct stepper_arg *sa = arg;
	struct prog *p = sa->p;

	for (int i = 0; i < STEPS; i++) {
		mutex_lock(&p->lock);
		p->order[p->n++] = sa->id;
		mutex_unlock(&p->lock);
		cond_resched();
	}
	return 0;
}

static struct sim *api_sim(uint64_t seed, const uint8_t *sched, size_t len)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_SCHED;
	cfg.seed = seed;
	cfg.schedule = sched;
	cfg.schedule_len = len;
	return sim_create(&cfg);
}

static void run_prog(uint64_t seed, struct prog *p)
{
	struct stepper_arg args[3];
	struct task_struct *t[3];
	struct sim *sim = api_sim(seed, NULL, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	memset(p, 0, sizeof(*p));
	mutex_init(&p->lock);
	for (int i = 0; i < 3; i++) {
		args[i] = (struct stepper_arg){ p, i + 1 };
		t[i] = sim_task_start(sim, "step", api_stepper, &args[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t[i]);
	}
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(sim_task_join(t[i]), 0);
	CU_ASSERT_EQUAL(p->n, 3 * STEPS);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_api_determinism(void)
{
	static struct prog a, b, c;

	run_prog(7, &a);
	run_prog(7, &b);
	run_prog(8, &c);
	CU_ASSERT_EQUAL(memcmp(a.order, b.order, sizeof(a.order)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a.order, c.order, sizeof(a.order)), 0);
}

struct abba {
	struct mutex a, b;
};

static int api_ab(void *arg)
{
	struct abba *x = arg;

	mutex_lock(&x->a);
	cond_resched();
	mutex_lock(&x->b);
	mutex_unlock(&x->b);
	mutex_unlock(&x->a);
	return 0;
}

static int api_ba(void *arg)
{
	struct abba *x = arg;

	mutex_lock(&x->b);
	cond_resched();
	mutex_lock(&x->a);
	mutex_unlock(&x->a);
	mutex_unlock(&x->b);
	return 0;
}

/* Runs ABBA; true if it deadlocked. The schedule log goes to log/n. */
static bool run_abba(uint64_t seed, const uint8_t *sched, size_t len,
		     uint8_t *log, size_t *n)
{
	struct abba x;
	struct sim *sim = api_sim(seed, sched, len);
	struct task_struct *t1, *t2;
	const uint8_t *bytes;
	bool dead;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	mutex_init(&x.a);
	mutex_init(&x.b);
	t1 = sim_task_start(sim, "ab", api_ab, &x);
	t2 = sim_task_start(sim, "ba", api_ba, &x);
	sim_task_join(t1);
	sim_task_join(t2);
	dead = sim_is_dead(sim);
	if (dead)
		CU_ASSERT(sim_report_count(sim, SIM_REPORT_DEADLOCK) == 1);
	sch_schedule_log(&bytes, n);
	if (*n > 256)
		*n = 256;
	memcpy(log, bytes, *n);
	CU_ASSERT(sim_destroy(sim) > 0 || !dead);
	return dead;
}

static void test_api_deadlock_and_replay(void)
{
	uint8_t log[256], log2[256];
	uint64_t seed;
	size_t n, n2;

	for (seed = 1; seed < 200; seed++)
		if (run_abba(seed, NULL, 0, log, &n))
			break;
	CU_ASSERT_FATAL(seed < 200);	/* ABBA with a switch between: common */
	/* the logged choices reproduce it under any other seed */
	CU_ASSERT_TRUE(run_abba(seed + 1000, log, n, log2, &n2));
	CU_ASSERT_EQUAL(n, n2);
	CU_ASSERT_EQUAL(memcmp(log, log2, n), 0);
}

static const struct cunit_test api_tests[] = {
	{ "api_determinism", test_api_determinism },
	{ "api_deadlock_and_replay", test_api_deadlock_and_replay },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "runtime", api_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
