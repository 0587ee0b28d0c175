/*
 * Every checker fires on a wrong usage and stays silent on the correct
 * one, on both backends.
 */
#include <stdlib.h>
#include <kshim/kernel.h>
#include <kshim/rculist.h>
#include <kshim/srcu.h>
#include <kshim/seqlock.h>
#include <kshim/wait.h>
#include <kshim/poll.h>
#include <kshim/workqueue.h>
#include <kshim/completion.h>
#include "../cunit_main.h"
#include "rt.h"

struct pair {
	spinlock_t a, b;
	struct mutex m;
};

static void pair_init(struct pair *p)
{
	spin_lock_init(&p->a);
	spin_lock_init(&p->b);
	mutex_init(&p->m);
}

static void test_lockdep_cycle(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	spin_lock(&p.a);
	spin_lock(&p.b);
	spin_unlock(&p.b);
	spin_unlock(&p.a);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	/* the other order, no deadlock needed */
	spin_lock(&p.b);
	spin_lock(&p.a);
	spin_unlock(&p.a);
	spin_unlock(&p.b);
	CU_ASSERT_EQUAL(rt_reports(sim, "possible circular locking dependency"), 1);
	CU_ASSERT(rt_text_has(sim, "&p->a"));
	CU_ASSERT(rt_text_has(sim, "&p->b"));
	CU_ASSERT(rt_text_has(sim, "existing dependency chain"));
	CU_ASSERT(rt_text_has(sim, "test_lockdep_cycle"));
	/* reported once per pair */
	spin_lock(&p.b);
	spin_lock(&p.a);
	spin_unlock(&p.a);
	spin_unlock(&p.b);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 1);
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);
}

static void test_lockdep_consistent_order_silent(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	for (int i = 0; i < 3; i++) {
		mutex_lock(&p.m);
		spin_lock(&p.a);
		spin_lock(&p.b);
		spin_unlock(&p.b);
		spin_unlock(&p.a);
		mutex_unlock(&p.m);
	}
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_lockdep_recursive(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	spin_lock(&p.a);
	spin_lock(&p.a);	/* reported, not taken: the run goes on */
	CU_ASSERT_EQUAL(rt_reports(sim, "possible recursive locking detected"), 1);
	spin_unlock(&p.a);
	spin_unlock(&p.a);
	CU_ASSERT_FALSE(spin_is_locked(&p.a));
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);
}

static void init_twice(spinlock_t *l)
{
	spin_lock_init(l);	/* one init site: one class for both */
}

static void test_lockdep_same_class_nested(void)
{
	struct sim *sim = rt_sim();
	spinlock_t x, y;

	init_twice(&x);
	init_twice(&y);
	spin_lock(&x);
	spin_lock_nested(&y, SINGLE_DEPTH_NESTING);	/* annotated: silent */
	spin_unlock(&y);
	spin_unlock(&x);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	spin_lock(&x);
	spin_lock(&y);		/* same class, no annotation */
	spin_unlock(&y);
	spin_unlock(&x);
	CU_ASSERT_EQUAL(rt_reports(sim, "possible recursive locking detected"), 1);
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);
}

static void test_lockdep_irq_inconsistent(void)
{
	struct sim *sim = rt_sim();
	struct pair p;
	unsigned long flags;

	pair_init(&p);
	ksim_irq_enter();
	spin_lock(&p.a);
	spin_unlock(&p.a);
	ksim_irq_exit();
	spin_lock_irqsave(&p.a, flags);		/* irqs off: consistent */
	spin_unlock_irqrestore(&p.a, flags);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	spin_lock(&p.a);			/* irqs on: the irq could deadlock us */
	spin_unlock(&p.a);
	CU_ASSERT_EQUAL(rt_reports(sim, "inconsistent lock state"), 1);
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);
}

static void test_lockdep_irq_safe_to_unsafe(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	spin_lock(&p.b);	/* b: irq-unsafe */
	spin_unlock(&p.b);
	ksim_irq_enter();
	spin_lock(&p.a);	/* a: irq-safe */
	spin_lock(&p.b);	/* a -> b: safe -> unsafe */
	spin_unlock(&p.b);
	spin_unlock(&p.a);
	ksim_irq_exit();
	CU_ASSERT_EQUAL(rt_reports(sim, "HARDIRQ-safe -> HARDIRQ-unsafe"), 1);
	CU_ASSERT(rt_text_has(sim, "&p->a") && rt_text_has(sim, "&p->b"));
	sim_destroy(sim);
}

struct waker {
	wait_queue_entry_t wait;
	spinlock_t *lock;
	int calls;
};

static int waker_fn(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct waker *w = container_of(wait, struct waker, wait);
	unsigned long flags;

	spin_lock_irqsave(w->lock, flags);
	w->calls++;
	spin_unlock_irqrestore(w->lock, flags);
	return 0;
}

static void test_lockdep_wake_function_is_irq(void)
{
	struct sim *sim = rt_sim();
	wait_queue_head_t wqh;
	struct waker w;
	spinlock_t l;

	init_waitqueue_head(&wqh);
	spin_lock_init(&l);
	w.lock = &l;
	w.calls = 0;
	init_waitqueue_func_entry(&w.wait, waker_fn);
	add_wait_queue(&wqh, &w.wait);
	wake_up_poll(&wqh, EPOLLIN);
	CU_ASSERT_EQUAL(w.calls, 1);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	spin_lock(&l);		/* irqs on, but l is used in a wake function */
	spin_unlock(&l);
	CU_ASSERT_EQUAL(rt_reports(sim, "inconsistent lock state"), 1);
	remove_wait_queue(&wqh, &w.wait);
	sim_destroy(sim);
}

static void test_lockdep_novalidate(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	lockdep_set_novalidate_class(&p.a);
	spin_lock(&p.a);
	spin_lock(&p.b);
	spin_unlock(&p.b);
	spin_unlock(&p.a);
	spin_lock(&p.b);
	spin_lock(&p.a);
	spin_unlock(&p.a);
	spin_unlock(&p.b);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_lockdep_hide_with_spin_release(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	/* eventfd.c's trick: drop a held lock from lockdep's view around a call */
	pair_init(&p);
	spin_lock(&p.b);
	spin_lock(&p.a);
	spin_unlock(&p.a);
	spin_unlock(&p.b);
	spin_lock(&p.a);
	spin_release(&p.a.dep_map, _RET_IP_);
	spin_lock(&p.b);
	spin_unlock(&p.b);
	spin_acquire(&p.a.dep_map, 0, 0, _RET_IP_);
	spin_unlock(&p.a);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_lockdep_assert_held(void)
{
	struct sim *sim = rt_sim();
	struct pair p;

	pair_init(&p);
	mutex_lock(&p.m);
	lockdep_assert_held(&p.m);
	mutex_unlock(&p.m);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	lockdep_assert_held(&p.m);
	CU_ASSERT_EQUAL(rt_reports(sim, "lockdep_assert_held(&p.m)"), 1);
	CU_ASSERT_FALSE(lockdep_is_held(&p.a));
	sim_destroy(sim);
}

static void test_seqcount_writer_needs_lock(void)
{
	struct sim *sim = rt_sim();
	seqcount_spinlock_t sc;
	spinlock_t l;

	spin_lock_init(&l);
	seqcount_spinlock_init(&sc, &l);
	spin_lock(&l);
	write_seqcount_begin(&sc);
	write_seqcount_end(&sc);
	spin_unlock(&l);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	write_seqcount_begin(&sc);
	write_seqcount_end(&sc);
	CU_ASSERT_EQUAL(rt_reports(sim, "lockdep_assert_held"), 1);
	sim_destroy(sim);
}

static void test_srcu_lockdep_cycle(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct d, other;
	struct mutex m;
	int idx;

	init_srcu_struct(&d);
	init_srcu_struct(&other);
	mutex_init(&m);
	/* a reader of d takes m: d -> m */
	idx = srcu_read_lock(&d);
	mutex_lock(&m);
	mutex_unlock(&m);
	srcu_read_unlock(&d, idx);
	/* waiting for another domain under m is fine */
	mutex_lock(&m);
	synchronize_srcu(&other);
	mutex_unlock(&m);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	/* waiting for d's readers under m: m -> d closes the cycle */
	mutex_lock(&m);
	synchronize_srcu(&d);
	mutex_unlock(&m);
	CU_ASSERT_EQUAL(rt_reports(sim, "possible circular locking dependency"), 1);
	CU_ASSERT(rt_text_has(sim, "&d"));
	cleanup_srcu_struct(&d);
	cleanup_srcu_struct(&other);
	sim_destroy(sim);
}

/* ---- context ---- */

static void test_sleep_in_atomic(void)
{
	struct sim *sim = rt_sim();
	struct pair p;
	void *x;

	pair_init(&p);
	spin_lock(&p.a);
	x = kmalloc(8, GFP_ATOMIC);	/* allowed */
	kfree(x);
	spin_unlock(&p.a);
	mutex_lock(&p.m);		/* sleeping with a mutex held is fine */
	might_sleep();
	mutex_unlock(&p.m);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);

	spin_lock(&p.a);
	mutex_lock(&p.m);
	mutex_unlock(&p.m);
	spin_unlock(&p.a);
	CU_ASSERT_EQUAL(rt_reports(sim, "sleeping function called from invalid context"), 1);
	CU_ASSERT(rt_text_has(sim, "in_atomic(): 1"));
	CU_ASSERT(rt_text_has(sim, "&p->a"));

	rcu_read_lock();
	x = kmalloc(8, GFP_KERNEL);
	kfree(x);
	rcu_read_unlock();
	CU_ASSERT(rt_text_has(sim, "RCU nest depth: 1"));

	local_irq_disable();
	might_sleep();
	local_irq_enable();
	CU_ASSERT(rt_text_has(sim, "irqs_disabled(): 1"));
	CU_ASSERT_EQUAL(rt_reports(sim, "sleeping function"), 3);
	sim_destroy(sim);
}

/*
 * The rcu_read_lock entry of a report stays where it was taken among the
 * held locks, also after a lock below it is released.
 */
static void test_rcu_held_lock_position(void)
{
	struct sim *sim = rt_sim();
	char want[160];
	struct pair p;
	int line;

	pair_init(&p);
	spin_lock(&p.a);
	line = __LINE__ + 1;
	rcu_read_lock();
	spin_lock(&p.b);
	spin_unlock(&p.a);
	might_sleep();
	spin_unlock(&p.b);
	rcu_read_unlock();
	CU_ASSERT_EQUAL(rt_reports(sim, "sleeping function"), 1);
	CU_ASSERT(rt_text_has(sim, "2 locks held by main/1:"));
	snprintf(want, sizeof(want),
		 " #0: (rcu_read_lock){.+.+}, at: test_rcu_held_lock_position (tests/runtime/test_checkers.c:%d)\n #1: (&p->b)",
		 line);
	CU_ASSERT(rt_text_has(sim, want));
	might_sleep();		/* outside every reader: nothing held, nothing reported */
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 1);
	sim_destroy(sim);
}

static void noop_work(struct work_struct *w)
{
	(void)w;
}

static void test_flush_work_in_atomic(void)
{
	struct sim *sim = rt_sim();
	struct work_struct w;
	spinlock_t l;

	spin_lock_init(&l);
	INIT_WORK(&w, noop_work);
	spin_lock(&l);
	flush_work(&w);
	cancel_work_sync(&w);
	spin_unlock(&l);
	CU_ASSERT(rt_reports(sim, "sleeping function") >= 1);
	sim_destroy(sim);
}

/* ---- RCU usage ---- */

struct obj {
	int v;
	struct list_head list;
	struct rcu_head rcu;
};

static void test_rcu_dereference_checks(void)
{
	struct sim *sim = rt_sim();
	struct obj o = { .v = 1 }, *p, __rcu *gp = NULL;
	struct mutex m;

	mutex_init(&m);
	rcu_assign_pointer(gp, &o);
	rcu_read_lock();
	p = rcu_dereference(gp);
	rcu_read_unlock();
	mutex_lock(&m);
	p = rcu_dereference_check(gp, lockdep_is_held(&m));
	p = rcu_dereference_protected(gp, lockdep_is_held(&m));
	mutex_unlock(&m);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);

	p = rcu_dereference(gp);
	CU_ASSERT_PTR_EQUAL(p, &o);
	CU_ASSERT_EQUAL(rt_reports(sim, "suspicious RCU usage"), 1);
	CU_ASSERT(rt_text_has(sim, "suspicious rcu_dereference_check() usage"));
	p = rcu_dereference_check(gp, lockdep_is_held(&m));
	p = rcu_dereference_protected(gp, lockdep_is_held(&m));
	CU_ASSERT_EQUAL(rt_reports(sim, "suspicious RCU usage"), 3);
	CU_ASSERT(rt_text_has(sim, "rcu_dereference_protected() usage"));
	sim_destroy(sim);
}

static void test_srcu_dereference_domain(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct d1, d2;
	struct obj o, *p, __rcu *gp = NULL;
	int idx;

	init_srcu_struct(&d1);
	init_srcu_struct(&d2);
	rcu_assign_pointer(gp, &o);
	idx = srcu_read_lock(&d1);
	p = srcu_dereference(gp, &d1);
	srcu_read_unlock(&d1, idx);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	idx = srcu_read_lock(&d2);
	p = srcu_dereference(gp, &d1);		/* the wrong domain's reader */
	srcu_read_unlock(&d2, idx);
	CU_ASSERT_PTR_EQUAL(p, &o);
	CU_ASSERT_EQUAL(rt_reports(sim, "suspicious RCU usage"), 1);
	cleanup_srcu_struct(&d1);
	cleanup_srcu_struct(&d2);
	sim_destroy(sim);
}

static void test_rculist_conditions(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct d;
	struct obj o, *pos;
	struct mutex m;
	LIST_HEAD(head);
	int n = 0, idx;

	init_srcu_struct(&d);
	mutex_init(&m);
	list_add_rcu(&o.list, &head);
	rcu_read_lock();
	list_for_each_entry_rcu(pos, &head, list)
		n++;
	rcu_read_unlock();
	mutex_lock(&m);
	list_for_each_entry_rcu(pos, &head, list, lockdep_is_held(&m))
		n++;
	mutex_unlock(&m);
	idx = srcu_read_lock(&d);
	list_for_each_entry_srcu(pos, &head, list, srcu_read_lock_held(&d))
		n++;
	srcu_read_unlock(&d, idx);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	list_for_each_entry_rcu(pos, &head, list)
		n++;
	CU_ASSERT(rt_text_has(sim, "RCU-list traversed in non-reader section!!"));
	list_for_each_entry_srcu(pos, &head, list, srcu_read_lock_held(&d))
		n++;
	CU_ASSERT(rt_text_has(sim, "RCU-list traversed without holding the required lock!!"));
	CU_ASSERT_EQUAL(rt_reports(sim, "suspicious RCU usage"), 2);
	cleanup_srcu_struct(&d);
	sim_destroy(sim);
}

static void test_sync_inside_reader(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct d1, d2;
	int idx;

	init_srcu_struct(&d1);
	init_srcu_struct(&d2);
	idx = srcu_read_lock(&d1);
	synchronize_srcu(&d2);		/* another domain: fine, and it completes */
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	synchronize_srcu(&d1);		/* would never return: reported, skipped */
	srcu_read_unlock(&d1, idx);
	CU_ASSERT(rt_text_has(sim, "Illegal synchronize_srcu() in same-type SRCU"));
	rcu_read_lock();
	synchronize_rcu();
	rcu_read_unlock();
	CU_ASSERT(rt_text_has(sim, "Illegal synchronize_rcu() in RCU read-side critical section"));
	synchronize_rcu();
	cleanup_srcu_struct(&d1);
	cleanup_srcu_struct(&d2);
	sim_destroy(sim);
}

static void test_srcu_bad_unlock(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct d1, d2;
	int idx;

	init_srcu_struct(&d1);
	init_srcu_struct(&d2);
	idx = srcu_read_lock(&d1);
	srcu_read_unlock(&d1, idx ^ 1);
	CU_ASSERT_EQUAL(rt_reports(sim, "wrong index"), 1);
	idx = srcu_read_lock(&d1);
	srcu_read_unlock(&d2, idx);
	CU_ASSERT_EQUAL(rt_reports(sim, "not read-locked"), 1);
	srcu_read_unlock(&d1, idx);
	synchronize_srcu(&d1);		/* counters stayed consistent */
	CU_ASSERT_EQUAL(current->srcu_depth, 0);
	cleanup_srcu_struct(&d1);
	cleanup_srcu_struct(&d2);
	sim_destroy(sim);
}

static spinlock_t exit_lock;

static int exit_holding_lock(void *arg)
{
	(void)arg;
	spin_lock(&exit_lock);
	return 0;
}

static int exit_in_rcu(void *arg)
{
	(void)arg;
	rcu_read_lock();
	return 0;
}

static int exit_clean(void *arg)
{
	(void)arg;
	rcu_read_lock();
	rcu_read_unlock();
	return 7;
}

static void test_task_exit_checks(void)
{
	struct sim *sim = rt_sim();

	spin_lock_init(&exit_lock);
	CU_ASSERT_EQUAL(sim_task_join(sim_task_start(sim, "clean", exit_clean, NULL)), 7);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	sim_task_join(sim_task_start(sim, "holder", exit_holding_lock, NULL));
	CU_ASSERT_EQUAL(rt_reports(sim, "still has locks held"), 1);
	CU_ASSERT_EQUAL(sim_report_get(sim, 0)->kind, SIM_REPORT_LOCKDEP);
	if (sim_backend(sim) == SIM_BACKEND_THREADS) {
		/* an RCU reader that exits (liburcu would wedge the sched variant's domain) */
		sim_task_join(sim_task_start(sim, "reader", exit_in_rcu, NULL));
		CU_ASSERT_EQUAL(sim_report_count(sim, SIM_REPORT_RCU), 1);
	}
	sim_report_clear(sim);
	exit_lock.impl.word = 0;
	sim_destroy(sim);
}

/* ---- memory ---- */

static void test_leak_reported_with_site(void)
{
	struct sim *sim = rt_sim();
	void *p = kzalloc(24, GFP_KERNEL);
	void *q = kmalloc(8, GFP_KERNEL);

	CU_ASSERT_PTR_NOT_NULL(p);
	kfree(q);
	CU_ASSERT_EQUAL(sim_alloc_live_objects(sim), 1);
	CU_ASSERT_EQUAL(sim_alloc_live_bytes(sim), 24);
	sim_set_report_hook(sim, NULL, NULL);
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);	/* the leak (and p is freed by it) */
}

static unsigned int leak_seen;
static char leak_text[512];

static void leak_hook(void *ctx, const struct sim_report *r)
{
	(void)ctx;
	if (r->kind == SIM_REPORT_MEMORY) {
		leak_seen++;
		snprintf(leak_text, sizeof(leak_text), "%s", r->text);
	}
}

static void test_leak_text(void)
{
	struct sim *sim = rt_sim();

	leak_seen = 0;
	sim_set_report_hook(sim, leak_hook, NULL);
	CU_ASSERT_PTR_NOT_NULL(kmalloc(40, GFP_KERNEL));
	sim_destroy(sim);
	CU_ASSERT_EQUAL(leak_seen, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(leak_text, "test_leak_text"));
	CU_ASSERT_PTR_NOT_NULL(strstr(leak_text, "size 40"));
}

static void test_double_and_invalid_free(void)
{
	struct sim *sim = rt_sim();
	void *p = kmalloc(16, GFP_KERNEL);
	int on_stack = 0;
	void *m;

	kfree(p);
	CU_ASSERT_EQUAL(rt_reports(sim, NULL), 0);
	kfree(p);
	CU_ASSERT_EQUAL(rt_reports(sim, "double-free"), 1);
	CU_ASSERT(rt_text_has(sim, "test_double_and_invalid_free"));
	kfree(&on_stack);
	CU_ASSERT_EQUAL(rt_reports(sim, "invalid-free"), 1);
	m = malloc(8);
	kfree(m);
	CU_ASSERT_EQUAL(rt_reports(sim, "invalid-free"), 2);
	free(m);
	kfree(NULL);
	CU_ASSERT_EQUAL(sim_destroy(sim), 3);
}

static void test_use_after_free_write(void)
{
#ifndef RT_ASAN
	struct sim *sim = rt_sim();
	struct obj *o = kmalloc(sizeof(*o), GFP_KERNEL);
	volatile int *late = &o->v;

	kfree(o);
	if (sim_backend(sim) == SIM_BACKEND_SCHED) {
		*late = 5;	/* lands in the poisoned quarantine */
		CU_ASSERT_EQUAL(sim_destroy(sim), 1);
	} else {
		CU_ASSERT_EQUAL(sim_destroy(sim), 0);
	}
#endif
}

/* ---- fault injection ---- */

static void test_fail_nth_alloc(void)
{
	struct sim *sim = rt_sim();
	unsigned long before = sim_alloc_count(sim);
	void *a, *b, *c;

	sim_fail_nth_alloc(sim, 2);
	a = kmalloc(8, GFP_KERNEL);
	b = kmalloc(8, GFP_KERNEL);
	c = kmalloc(8, GFP_KERNEL);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_EQUAL(sim_alloc_count(sim) - before, 3);
	kfree(a);
	kfree(c);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void *alloc_here(void)
{
	return kmalloc(8, GFP_KERNEL);
}

static void test_fail_alloc_site(void)
{
	struct sim *sim = rt_sim();
	void *a;

	sim_fail_alloc_site(sim, "alloc_here", true);
	CU_ASSERT_PTR_NULL(alloc_here());
	a = kmalloc(8, GFP_KERNEL);	/* another site */
	CU_ASSERT_PTR_NOT_NULL(a);
	kfree(a);
	sim_fail_alloc_site(sim, "alloc_here", false);
	a = alloc_here();
	CU_ASSERT_PTR_NOT_NULL(a);
	kfree(a);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static const struct cunit_test tests[] = {
	{ "lockdep_cycle", test_lockdep_cycle },
	{ "lockdep_consistent_order_silent", test_lockdep_consistent_order_silent },
	{ "lockdep_recursive", test_lockdep_recursive },
	{ "lockdep_same_class_nested", test_lockdep_same_class_nested },
	{ "lockdep_irq_inconsistent", test_lockdep_irq_inconsistent },
	{ "lockdep_irq_safe_to_unsafe", test_lockdep_irq_safe_to_unsafe },
	{ "lockdep_wake_function_is_irq", test_lockdep_wake_function_is_irq },
	{ "lockdep_novalidate", test_lockdep_novalidate },
	{ "lockdep_hide_with_spin_release", test_lockdep_hide_with_spin_release },
	{ "lockdep_assert_held", test_lockdep_assert_held },
	{ "seqcount_writer_needs_lock", test_seqcount_writer_needs_lock },
	{ "srcu_lockdep_cycle", test_srcu_lockdep_cycle },
	{ "sleep_in_atomic", test_sleep_in_atomic },
	{ "rcu_held_lock_position", test_rcu_held_lock_position },
	{ "flush_work_in_atomic", test_flush_work_in_atomic },
	{ "rcu_dereference_checks", test_rcu_dereference_checks },
	{ "srcu_dereference_domain", test_srcu_dereference_domain },
	{ "rculist_conditions", test_rculist_conditions },
	{ "sync_inside_reader", test_sync_inside_reader },
	{ "srcu_bad_unlock", test_srcu_bad_unlock },
	{ "task_exit_checks", test_task_exit_checks },
	{ "leak_reported_with_site", test_leak_reported_with_site },
	{ "leak_text", test_leak_text },
	{ "double_and_invalid_free", test_double_and_invalid_free },
	{ "use_after_free_write", test_use_after_free_write },
	{ "fail_nth_alloc", test_fail_nth_alloc },
	{ "fail_alloc_site", test_fail_alloc_site },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	RT_SUITES("checkers", tests),
};

CUNIT_MAIN(suites)
