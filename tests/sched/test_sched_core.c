/*
 * The sched backend on its own (through tests/sched/harness.c): coroutine
 * engine, task lifetime, locks, wait_until, deadlock detection,
 * determinism and schedule replay.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/backend.h"
#include "sim/kernel/sched/coro.h"
#include "sim/kernel/sched/san.h"
#include "tests/cunit_main.h"
#include "harness.h"

/* ---- coroutine engine ------------------------------------------------ */

struct coro_test {
	struct coro main, co;
	int steps[8];
	int nr;
};

static void coro_test_fn(void *arg)
{
	struct coro_test *ct = arg;
	volatile char big[4096];	/* a real frame on the coroutine's stack */

	/* TSan sees coroutines as threads: the handoff of ct is annotated */
	sch_tsan_acquire(ct);
	memset((char *)big, 1, sizeof(big));
	ct->steps[ct->nr++] = 1;
	sch_tsan_release(ct);
	coro_switch(&ct->co, &ct->main);
	sch_tsan_acquire(ct);
	ct->steps[ct->nr++] = big[100] + 2;	/* the frame survived the switch */
	sch_tsan_release(ct);
	coro_exit_to(&ct->co, &ct->main);
}

static void test_coro_switch_finish(void)
{
	struct coro_test ct = { .nr = 0 };

	CU_ASSERT_EQUAL(coro_init_main(&ct.main), 0);
	CU_ASSERT_EQUAL_FATAL(coro_create(&ct.co, 0, coro_test_fn, &ct), 0);
	CU_ASSERT_PTR_NOT_NULL(ct.co.map);
	ct.steps[ct.nr++] = 0;
	sch_tsan_release(&ct);
	coro_switch(&ct.main, &ct.co);
	sch_tsan_acquire(&ct);
	ct.steps[ct.nr++] = 10;
	sch_tsan_release(&ct);
	coro_switch(&ct.main, &ct.co);
	sch_tsan_acquire(&ct);
	ct.steps[ct.nr++] = 20;
	CU_ASSERT_EQUAL(ct.nr, 5);
	CU_ASSERT_EQUAL(ct.steps[0], 0);
	CU_ASSERT_EQUAL(ct.steps[1], 1);
	CU_ASSERT_EQUAL(ct.steps[2], 10);
	CU_ASSERT_EQUAL(ct.steps[3], 3);
	CU_ASSERT_EQUAL(ct.steps[4], 20);
	coro_destroy(&ct.co);
	CU_ASSERT_PTR_NULL(ct.co.map);
}

/* ---- tasks ----------------------------------------------------------- */

static int task_return_arg(void *arg)
{
	sch_yield();
	return (int)(long)arg;
}

static void test_task_start_join(void)
{
	struct sim *sim = h_sim_create(1, NULL, 0);
	struct task_struct *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	CU_ASSERT_EQUAL(ksim_sched_active, 1);
	a = h_task_start(sim, "a", task_return_arg, (void *)7L);
	b = h_task_start(sim, "b", task_return_arg, (void *)9L);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	/* runnable, not run: main has not switched */
	CU_ASSERT_EQUAL(__atomic_load_n(&a->done, __ATOMIC_ACQUIRE), 0);
	CU_ASSERT_EQUAL(h_task_join(a), 7);
	CU_ASSERT_EQUAL(h_task_join(b), 9);
	CU_ASSERT_PTR_EQUAL(current, &sim->main_task);
	CU_ASSERT_EQUAL(sim->nr_reports, 0);
	h_sim_destroy(sim);
	CU_ASSERT_EQUAL(ksim_sched_active, 0);
}

/* A task that never gets joined is freed by sch_sim_exit (LSan checks it). */
static void test_unjoined_task_freed(void)
{
	struct sim *sim = h_sim_create(2, NULL, 0);
	struct task_struct *a;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	a = h_task_start(sim, "a", task_return_arg, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	h_sim_destroy(sim);
	CU_ASSERT_PTR_NULL(a->be);
	free(a);
}

/* ---- locks ----------------------------------------------------------- */

struct lock_test {
	struct ksim_lock_impl lock;
	int inside;		/* tasks inside the critical section */
	int overlap;		/* times two were inside at once */
	int count;
	int contended;		/* times a task found the lock held */
	int rounds;
};

static int lock_worker(void *arg)
{
	struct lock_test *lt = arg;

	for (int i = 0; i < lt->rounds; i++) {
		sch_yield();
		if (lt->lock.word)
			__atomic_fetch_add(&lt->contended, 1, __ATOMIC_RELAXED); /* outside the lock */
		sch_lock_acquire(&lt->lock, i & 1);
		if (lt->inside++)
			lt->overlap++;
		CU_ASSERT_PTR_EQUAL(lt->lock.owner, current);
		sch_yield();	/* others run, and must block on the lock */
		lt->count++;
		lt->inside--;
		sch_lock_release(&lt->lock);
		sch_yield();
	}
	return 0;
}

static void test_lock_blocks_and_hands_off(void)
{
	struct lock_test lt = { .lock = KSIM_LOCK_IMPL_INIT, .rounds = 50 };
	struct sim *sim = h_sim_create(3, NULL, 0);
	struct task_struct *t[3];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	for (int i = 0; i < 3; i++)
		t[i] = h_task_start(sim, "locker", lock_worker, &lt);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(h_task_join(t[i]), 0);
	CU_ASSERT_EQUAL(lt.count, 3 * 50);
	CU_ASSERT_EQUAL(lt.overlap, 0);
	CU_ASSERT_EQUAL(lt.lock.word, 0);
	CU_ASSERT_PTR_NULL(lt.lock.owner);
	/* tasks did block on the held lock, and still never overlapped */
	CU_ASSERT(lt.contended > 0);
	CU_ASSERT_EQUAL(sim->nr_reports, 0);
	h_sim_destroy(sim);
}

struct trylock_test {
	struct ksim_lock_impl lock;
	int may_release;	/* set by main once it has tried the held lock */
};

static bool trylock_may_release(void *arg)
{
	return __atomic_load_n(&((struct trylock_test *)arg)->may_release, __ATOMIC_ACQUIRE);
}

static int trylock_holder(void *arg)
{
	struct trylock_test *tt = arg;

	sch_lock_acquire(&tt->lock, false);
	sch_wait_until(trylock_may_release, tt, "main's go");
	sch_lock_release(&tt->lock);
	return 0;
}

static bool lock_held(void *arg)
{
	return ((struct ksim_lock_impl *)arg)->word != 0;
}

static void test_trylock(void)
{
	struct trylock_test tt = { .lock = KSIM_LOCK_IMPL_INIT };
	struct sim *sim = h_sim_create(4, NULL, 0);
	struct task_struct *h;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	h = h_task_start(sim, "holder", trylock_holder, &tt);
	CU_ASSERT_EQUAL(sch_wait_until(lock_held, &tt.lock, "the holder"), 0);
	CU_ASSERT_EQUAL_FATAL(tt.lock.word, 1);
	CU_ASSERT_PTR_EQUAL(tt.lock.owner, h);
	CU_ASSERT_FALSE(sch_lock_trylock(&tt.lock));
	__atomic_store_n(&tt.may_release, 1, __ATOMIC_RELEASE);
	CU_ASSERT_EQUAL(h_task_join(h), 0);
	CU_ASSERT_TRUE(sch_lock_trylock(&tt.lock));
	CU_ASSERT_PTR_EQUAL(tt.lock.owner, current);
	sch_lock_release(&tt.lock);
	h_sim_destroy(sim);
}

/* ---- wait_until ------------------------------------------------------ */

/* Shared between tasks without a lock, so atomic (TSan sees tasks as threads). */
struct flag_test {
	int flag;
	int seen_before;	/* waiter returned while the flag was clear */
	int waiter_done;
};

static bool flag_set(void *arg)
{
	return __atomic_load_n(&((struct flag_test *)arg)->flag, __ATOMIC_ACQUIRE);
}

static int flag_waiter(void *arg)
{
	struct flag_test *ft = arg;
	int err = sch_wait_until(flag_set, ft, "the flag");

	if (!flag_set(ft))
		ft->seen_before = 1;
	__atomic_store_n(&ft->waiter_done, 1, __ATOMIC_RELEASE);
	return err;
}

static int flag_setter(void *arg)
{
	struct flag_test *ft = arg;

	for (int i = 0; i < 30; i++) {
		CU_ASSERT_EQUAL(__atomic_load_n(&ft->waiter_done, __ATOMIC_ACQUIRE), 0);
		sch_yield();
	}
	__atomic_store_n(&ft->flag, 1, __ATOMIC_RELEASE);
	return 0;
}

static void test_wait_until(void)
{
	struct flag_test ft = { 0 };
	struct sim *sim = h_sim_create(5, NULL, 0);
	struct task_struct *w, *s;
	uint64_t t0 = sch_now_ns();

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	w = h_task_start(sim, "waiter", flag_waiter, &ft);
	s = h_task_start(sim, "setter", flag_setter, &ft);
	CU_ASSERT_EQUAL(h_task_join(w), 0);
	CU_ASSERT_EQUAL(h_task_join(s), 0);
	CU_ASSERT_EQUAL(ft.seen_before, 0);
	CU_ASSERT_EQUAL(ft.waiter_done, 1);
	CU_ASSERT(sch_now_ns() >= t0 + 30 * 100);	/* virtual time moved per switch point */
	CU_ASSERT_EQUAL(sim->nr_reports, 0);
	h_sim_destroy(sim);
}

/* ---- deadlocks ------------------------------------------------------- */

struct abba {
	struct ksim_lock_impl a, b;
};

static int take_a_then_b(void *arg)
{
	struct abba *x = arg;

	sch_lock_acquire(&x->a, true);
	sch_yield();
	sch_lock_acquire(&x->b, true);
	sch_lock_release(&x->b);
	sch_lock_release(&x->a);
	return 0;
}

static int take_b_then_a(void *arg)
{
	struct abba *x = arg;

	sch_lock_acquire(&x->b, true);
	sch_yield();
	sch_lock_acquire(&x->a, true);
	sch_lock_release(&x->a);
	sch_lock_release(&x->b);
	return 0;
}

/* Runs the ABBA pair under a schedule; returns the number of deadlock reports. */
static unsigned int run_abba(const uint8_t *schedule, size_t len, char **text)
{
	struct abba x = { KSIM_LOCK_IMPL_INIT, KSIM_LOCK_IMPL_INIT };
	struct sim *sim = h_sim_create(6, schedule, len);
	struct task_struct *t1, *t2;
	unsigned int reports;
	int e1, e2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	t1 = h_task_start(sim, "ab", take_a_then_b, &x);
	t2 = h_task_start(sim, "ba", take_b_then_a, &x);
	e1 = h_task_join(t1);
	e2 = h_task_join(t2);
	reports = sim->nr_reports;
	if (reports) {
		CU_ASSERT_EQUAL(e1, -EDEADLK);
		CU_ASSERT_EQUAL(e2, -EDEADLK);
		CU_ASSERT_TRUE(sch_is_dead());
		CU_ASSERT_EQUAL(sim->reports[0].kind, SIM_REPORT_DEADLOCK);
		CU_ASSERT_STRING_EQUAL(sim->reports[0].title,
				       "BUG: deadlock: every task is blocked");
		*text = strdup(sim->reports[0].text);
	} else {
		CU_ASSERT_EQUAL(e1, 0);
		CU_ASSERT_EQUAL(e2, 0);
	}
	h_sim_destroy(sim);
	return reports;
}

static void test_deadlock_abba(void)
{
	/*
	 * Choices, main blocked in join so {ab, ba} runnable: ab (0) reaches
	 * acquire(a), the switch point there picks ab (0): a taken; its yield
	 * picks ba (1), at acquire(b) ba again (1): b taken; its yield picks
	 * ab (0), which blocks on b; ba is left alone and blocks on a.
	 */
	static const uint8_t deadly[] = { 0, 0, 1, 1, 0 };
	static const uint8_t serial[16] = { 0 };	/* ab runs through first */
	char *text = NULL;

	CU_ASSERT_EQUAL(run_abba(deadly, sizeof(deadly), &text), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "task 2 (ab): blocked on mutex"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "held by task 3 (ba)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "held by task 2 (ab)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "task 1 (main): waiting for task 2 (ab) to finish"));
	free(text);
	/* the same program with ab running through first does not deadlock */
	CU_ASSERT_EQUAL(run_abba(serial, sizeof(serial), &text), 0);
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

static void test_deadlock_single_wait(void)
{
	struct sim *sim = h_sim_create(7, NULL, 0);
	struct ksim_lock_impl l = KSIM_LOCK_IMPL_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	CU_ASSERT_FALSE(sch_is_dead());
	CU_ASSERT_EQUAL(sch_wait_until(never, NULL, "godot"), -EDEADLK);
	CU_ASSERT_TRUE(sch_is_dead());
	CU_ASSERT_EQUAL_FATAL(sim->nr_reports, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sim->reports[0].text,
				      "task 1 (main): waiting for godot"));
	/* from now on nothing blocks, and no further report is filed */
	CU_ASSERT_EQUAL(sch_wait_until(never, NULL, "godot"), -EDEADLK);
	l.word = 1;	/* held by a task that will never run */
	sch_lock_acquire(&l, false);
	CU_ASSERT_PTR_EQUAL(l.owner, current);
	sch_lock_release(&l);
	sch_yield();
	CU_ASSERT_PTR_NULL(h_task_start(sim, "late", task_return_arg, NULL));
	CU_ASSERT_EQUAL(sim->nr_reports, 1);
	h_sim_destroy(sim);
}

/* A deadlock found while a coroutine waits on a condition; main is blocked in join. */
static int wait_forever(void *arg)
{
	return sch_wait_until(never, arg, "nothing");
}

static void test_deadlock_in_coroutine(void)
{
	struct sim *sim = h_sim_create(8, NULL, 0);
	struct task_struct *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	t = h_task_start(sim, "stuck", wait_forever, NULL);
	CU_ASSERT_EQUAL(h_task_join(t), -EDEADLK);
	CU_ASSERT_EQUAL_FATAL(sim->nr_reports, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sim->reports[0].text,
				      "task 2 (stuck): waiting for nothing"));
	h_sim_destroy(sim);
}

/* ---- determinism and replay ------------------------------------------ */

#define STEPS 40
#define LOG_MAX 1024

struct interleave {
	struct ksim_lock_impl lock;
	int order[3 * STEPS];
	int n;
};

static struct interleave *il;

static int stepper(void *arg)
{
	for (int i = 0; i < STEPS; i++) {
		/* the lock never blocks here (no switch inside); it orders the log for TSan */
		sch_lock_acquire(&il->lock, false);
		il->order[il->n++] = (int)(long)arg;
		sch_lock_release(&il->lock);
		sch_yield();
	}
	return 0;
}

/* The 3-task program; fills out and the schedule log. */
static void run_three(uint64_t seed, const uint8_t *sched, size_t len,
		      struct interleave *out, uint8_t *log, size_t *log_len)
{
	struct sim *sim = h_sim_create(seed, sched, len);
	struct task_struct *t[3];
	const uint8_t *bytes;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	memset(out, 0, sizeof(*out));
	il = out;
	for (long i = 0; i < 3; i++)
		t[i] = h_task_start(sim, "step", stepper, (void *)(i + 1));
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(h_task_join(t[i]), 0);
	CU_ASSERT_EQUAL(out->n, 3 * STEPS);
	CU_ASSERT_EQUAL(sch_schedule_log(&bytes, &n), 0);
	CU_ASSERT_FATAL(n <= LOG_MAX);
	memcpy(log, bytes, n);
	*log_len = n;
	h_sim_destroy(sim);
}

static void test_determinism(void)
{
	static struct interleave a, b, c;
	static uint8_t la[LOG_MAX], lb[LOG_MAX], lc[LOG_MAX];
	size_t na, nb, nc;

	run_three(42, NULL, 0, &a, la, &na);
	run_three(42, NULL, 0, &b, lb, &nb);
	run_three(43, NULL, 0, &c, lc, &nc);
	CU_ASSERT(na > 0);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(memcmp(la, lb, na), 0);
	CU_ASSERT_EQUAL(memcmp(a.order, b.order, sizeof(a.order)), 0);
	/* 120 steps of 3 tasks: two seeds agreeing throughout is ~impossible */
	CU_ASSERT_NOT_EQUAL(memcmp(a.order, c.order, sizeof(a.order)), 0);
}

static void test_schedule_bytes_replay(void)
{
	static struct interleave a, b, c;
	static uint8_t la[LOG_MAX], lb[LOG_MAX], lc[LOG_MAX];
	size_t na, nb, nc;

	run_three(100, NULL, 0, &a, la, &na);
	/* another seed, driven by seed 100's log, runs seed 100's interleaving */
	run_three(200, la, na, &b, lb, &nb);
	CU_ASSERT_EQUAL(memcmp(a.order, b.order, sizeof(a.order)), 0);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(memcmp(la, lb, na), 0);
	/* bytes are taken modulo the runnable count: 3 == 0 when 3 are runnable */
	memset(lc, 3, sizeof(lc));
	run_three(300, lc, 4, &c, lc, &nc);
	CU_ASSERT_EQUAL(c.order[0], 1);
	CU_ASSERT_EQUAL(lc[0], 0);
}

static void test_schedule_bytes_choose(void)
{
	/* main blocks in join: {1, 2, 3} runnable; always the last one */
	static uint8_t last[LOG_MAX];
	static struct interleave a;
	static uint8_t log[LOG_MAX];
	size_t n;

	memset(last, 2, sizeof(last));
	run_three(1, last, sizeof(last), &a, log, &n);
	/*
	 * index 2 of {1, 2, 3} is task 3, to its end; then 2 % 2 = 0 of
	 * {1, 2} is task 1, to its end; then task 2 alone
	 */
	for (int i = 0; i < STEPS; i++) {
		CU_ASSERT_EQUAL(a.order[i], 3);
		CU_ASSERT_EQUAL(a.order[STEPS + i], 1);
		CU_ASSERT_EQUAL(a.order[2 * STEPS + i], 2);
	}
}

/* ---- sanitizers ------------------------------------------------------ */

static jmp_buf escape;
static volatile int escape_armed = 1;

static int deep(int n)
{
	volatile char pad[512];

	memset((char *)pad, n, sizeof(pad));
	if (n == 0) {
		if (escape_armed)
			longjmp(escape, 1);	/* what a CUnit *_FATAL assert does */
		return 0;
	}
	return deep(n - 1) + pad[7];
}

/*
 * ASan unpoisons the frames a longjmp abandons, but only if it knows the
 * bounds of the stack it runs on: without the fiber annotations it takes
 * the coroutine for the thread's stack, gives up ("ignoring requested
 * __asan_handle_no_return"), and the dead frames' redzones stay poisoned
 * for the next frames there: gcc then reports a false stack-buffer-overflow.
 */
static __attribute__((noinline)) int stale_poison_below(void)
{
#ifdef SCH_ASAN
	volatile char here = 0;
	uintptr_t below = (uintptr_t)&here - 8192;

	return __asan_region_is_poisoned((void *)below, 8192 - 512) != NULL;
#else
	return 0;
#endif
}

static int longjmp_task(void *arg)
{
	volatile char after[2048];

	(void)arg;
	if (!setjmp(escape))
		deep(20);
	CU_ASSERT_EQUAL(stale_poison_below(), 0);
	sch_yield();
	memset((char *)after, 0, sizeof(after));	/* ASan once flagged this */
	sch_yield();
	return after[5];
}

static void test_asan_longjmp_in_task(void)
{
	struct sim *sim = h_sim_create(9, NULL, 0);
	struct task_struct *t[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	t[0] = h_task_start(sim, "lj", longjmp_task, NULL);
	t[1] = h_task_start(sim, "lj", task_return_arg, NULL);
	CU_ASSERT_EQUAL(h_task_join(t[0]), 0);
	CU_ASSERT_EQUAL(h_task_join(t[1]), 0);
	h_sim_destroy(sim);
}

/* ---- cost -------------------------------------------------------------- */

static void test_switch_cost(void)
{
	struct sim *sim = h_sim_create(10, NULL, 0);
	double coro_ns, sched_ns;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	coro_ns = sch_bench_coro_ns(200000);
	sched_ns = sch_bench_switch_ns(200000);
	printf("\n    [%s] coroutine switch %.1f ns, scheduler switch %.1f ns ",
	       coro_method(), coro_ns, sched_ns);
	CU_ASSERT(coro_ns > 0);
	CU_ASSERT(sched_ns > 0);
	h_sim_destroy(sim);
}

static const struct cunit_test runtime_tests[] = {
	{ "coro_switch_finish", test_coro_switch_finish },
	{ "task_start_join", test_task_start_join },
	{ "unjoined_task_freed", test_unjoined_task_freed },
	{ "lock_blocks_and_hands_off", test_lock_blocks_and_hands_off },
	{ "trylock", test_trylock },
	{ "wait_until", test_wait_until },
	{ "deadlock_abba", test_deadlock_abba },
	{ "deadlock_single_wait", test_deadlock_single_wait },
	{ "deadlock_in_coroutine", test_deadlock_in_coroutine },
	{ "determinism", test_determinism },
	{ "schedule_bytes_replay", test_schedule_bytes_replay },
	{ "schedule_bytes_choose", test_schedule_bytes_choose },
	{ "asan_longjmp_in_task", test_asan_longjmp_in_task },
	{ "switch_cost", test_switch_cost },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "runtime", runtime_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
