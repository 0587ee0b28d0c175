/*
 * TSan and the sched backend: simulated tasks are no_sync fibers, so TSan
 * treats them as concurrent; the backend's own happens-before edges (lock
 * release -> acquire, task start, join, wait_until on an acquire load)
 * must keep correctly synchronised code free of reports. Built in every
 * configuration; meaningful under -Db_sanitize=thread, where a report
 * makes the binary exit non-zero (TSAN_OPTIONS=halt_on_error=1).
 * sched_tsan_race.c is the other half: a real race must be reported.
 */
#include "sim/kernel/backend.h"
#include "tests/cunit_main.h"
#include "harness.h"

struct shared {
	struct ksim_lock_impl lock;
	long counter;		/* lock */
	long data[4];		/* written before publish, read after */
	int published;		/* atomic: release store, acquire load */
};

static int locked_incr(void *arg)
{
	struct shared *sh = arg;

	for (int i = 0; i < 100; i++) {
		sch_lock_acquire(&sh->lock, i & 1);
		long v = sh->counter;

		sch_yield();	/* others run here and block on the lock */
		sh->counter = v + 1;
		sch_lock_release(&sh->lock);
	}
	return 0;
}

static void test_lock_orders_tasks(void)
{
	struct shared sh = { .lock = KSIM_LOCK_IMPL_INIT };
	struct sim *sim = h_sim_create(11, NULL, 0);
	struct task_struct *t[3];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	for (int i = 0; i < 3; i++)
		t[i] = h_task_start(sim, "incr", locked_incr, &sh);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(h_task_join(t[i]), 0);
	CU_ASSERT_EQUAL(sh.counter, 300);
	h_sim_destroy(sim);
}

static int writer(void *arg)
{
	struct shared *sh = arg;

	for (int i = 0; i < 4; i++) {
		sh->data[i] = i + 1;
		sch_yield();
	}
	__atomic_store_n(&sh->published, 1, __ATOMIC_RELEASE);
	return 0;
}

static bool published(void *arg)
{
	return __atomic_load_n(&((struct shared *)arg)->published, __ATOMIC_ACQUIRE);
}

static int reader(void *arg)
{
	struct shared *sh = arg;
	long sum = 0;

	if (sch_wait_until(published, sh, "publication"))
		return -1;
	for (int i = 0; i < 4; i++)
		sum += sh->data[i];
	return (int)sum;
}

static void test_wait_until_publication(void)
{
	struct shared sh = { .lock = KSIM_LOCK_IMPL_INIT };
	struct sim *sim = h_sim_create(12, NULL, 0);
	struct task_struct *r, *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	r = h_task_start(sim, "reader", reader, &sh);
	w = h_task_start(sim, "writer", writer, &sh);
	CU_ASSERT_EQUAL(h_task_join(r), 10);
	CU_ASSERT_EQUAL(h_task_join(w), 0);
	h_sim_destroy(sim);
}

static void test_join_orders_results(void)
{
	struct shared sh = { .lock = KSIM_LOCK_IMPL_INIT };
	struct sim *sim = h_sim_create(13, NULL, 0);
	struct task_struct *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	sh.data[0] = 100;	/* before start: the task sees it */
	w = h_task_start(sim, "writer", writer, &sh);
	CU_ASSERT_EQUAL(h_task_join(w), 0);
	/* plain reads after join: ordered by the join */
	CU_ASSERT_EQUAL(sh.data[0] + sh.data[3], 5);
	h_sim_destroy(sim);
}

static const struct cunit_test tsan_tests[] = {
	{ "lock_orders_tasks", test_lock_orders_tasks },
	{ "wait_until_publication", test_wait_until_publication },
	{ "join_orders_results", test_join_orders_results },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "tsan", tsan_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
