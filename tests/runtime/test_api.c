/*
 * API semantics of the runtime on both backends: SRCU domains, RCU/SRCU
 * callbacks, workqueues, delayed work on the simulated clock, wait
 * queues, eventfd and the fd table, fault injection on fd lookups.
 */
#include <kshim/kernel.h>
#include <kshim/srcu.h>
#include <kshim/rculist.h>
#include <kshim/workqueue.h>
#include <kshim/completion.h>
#include <kshim/eventfd.h>
#include "../cunit_main.h"
#include "rt.h"

/* ---- SRCU domains ---- */

struct reader_ctx {
	struct srcu_struct *ssp;
	struct completion in, release;
};

static int srcu_reader(void *arg)
{
	struct reader_ctx *r = arg;
	int idx = srcu_read_lock(r->ssp);

	complete(&r->in);
	wait_for_completion(&r->release);	/* SRCU readers may sleep */
	srcu_read_unlock(r->ssp, idx);
	return 0;
}

struct syncer_ctx {
	struct srcu_struct *ssp;
	struct completion done;
};

static int srcu_syncer(void *arg)
{
	struct syncer_ctx *s = arg;

	synchronize_srcu(s->ssp);
	complete(&s->done);
	return 0;
}

static void test_srcu_domains_independent(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct srcu, irq_srcu;
	struct reader_ctx r;
	struct syncer_ctx s;
	struct task_struct *rt, *st;

	init_srcu_struct(&srcu);
	init_srcu_struct(&irq_srcu);
	r.ssp = &srcu;
	init_completion(&r.in);
	init_completion(&r.release);
	rt = sim_task_start(sim, "reader", srcu_reader, &r);
	wait_for_completion(&r.in);
	/* a grace period of irq_srcu does not wait for srcu's reader */
	synchronize_srcu(&irq_srcu);
	synchronize_srcu_expedited(&irq_srcu);
	/* one of srcu does */
	s.ssp = &srcu;
	init_completion(&s.done);
	st = sim_task_start(sim, "syncer", srcu_syncer, &s);
	rt_let_run(sim);
	CU_ASSERT_FALSE(completion_done(&s.done));
	complete(&r.release);
	wait_for_completion(&s.done);
	sim_task_join(rt);
	sim_task_join(st);
	cleanup_srcu_struct(&srcu);
	cleanup_srcu_struct(&irq_srcu);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static int parker(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

/* Does a grace period of ssp wait for a reader in a task started now? */
static bool gp_waits_for_new_reader(struct sim *sim, struct srcu_struct *ssp, unsigned int *slot)
{
	struct reader_ctx r = { .ssp = ssp };
	struct syncer_ctx s = { .ssp = ssp };
	struct task_struct *rt, *st;
	bool waited;

	init_completion(&r.in);
	init_completion(&r.release);
	init_completion(&s.done);
	rt = sim_task_start(sim, "reader", srcu_reader, &r);
	*slot = rt->slot;
	wait_for_completion(&r.in);
	st = sim_task_start(sim, "syncer", srcu_syncer, &s);
	rt_let_run(sim);
	waited = !completion_done(&s.done);
	complete(&r.release);
	wait_for_completion(&s.done);
	sim_task_join(rt);
	sim_task_join(st);
	return waited;
}

/*
 * SRCU counters live in per-task slots: with every exclusive slot taken,
 * a reader counts in the shared slot 0, and a grace period still waits
 * for it; a joined task's slot goes to the next task, which adds to the
 * counts left there.
 */
static void test_srcu_slots_shared_and_reused(void)
{
	struct sim *sim = rt_sim();
	struct task_struct *parked[KSIM_NR_SLOTS];
	struct completion release;
	struct srcu_struct srcu;
	unsigned int n = 0, slot;

	init_srcu_struct(&srcu);
	init_completion(&release);
	CU_ASSERT(current->slot != 0);
	/* take every exclusive slot left (workers and callbacks hold some) */
	while (n < KSIM_NR_SLOTS) {
		parked[n] = sim_task_start(sim, "parker", parker, &release);
		if (!parked[n] || parked[n]->slot == 0)
			break;
		n++;
	}
	CU_ASSERT_FATAL(n < KSIM_NR_SLOTS && parked[n]);
	CU_ASSERT(gp_waits_for_new_reader(sim, &srcu, &slot));
	CU_ASSERT_EQUAL(slot, 0);
	complete_all(&release);
	for (unsigned int i = 0; i <= n; i++)
		sim_task_join(parked[i]);
	/* slots are free again: a reader reuses one (its counters are not fresh) */
	CU_ASSERT(gp_waits_for_new_reader(sim, &srcu, &slot));
	CU_ASSERT(slot != 0);
	synchronize_srcu(&srcu);
	cleanup_srcu_struct(&srcu);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static int cb_ran;

static void count_cb(struct rcu_head *head)
{
	(void)head;
	__atomic_add_fetch(&cb_ran, 1, __ATOMIC_RELAXED);
}

static void test_call_srcu_after_gp(void)
{
	struct sim *sim = rt_sim();
	struct srcu_struct srcu;
	struct rcu_head head;
	struct reader_ctx r;
	struct task_struct *rt;

	cb_ran = 0;
	init_srcu_struct(&srcu);
	r.ssp = &srcu;
	init_completion(&r.in);
	init_completion(&r.release);
	rt = sim_task_start(sim, "reader", srcu_reader, &r);
	wait_for_completion(&r.in);
	call_srcu(&srcu, &head, count_cb);
	rt_let_run(sim);
	CU_ASSERT_EQUAL(__atomic_load_n(&cb_ran, __ATOMIC_RELAXED), 0);	/* reader still inside */
	complete(&r.release);
	srcu_barrier(&srcu);
	CU_ASSERT_EQUAL(cb_ran, 1);
	sim_task_join(rt);
	cleanup_srcu_struct(&srcu);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

struct node {
	int v;
	struct rcu_head rcu;
};

static void test_call_rcu_and_kfree_rcu(void)
{
	struct sim *sim = rt_sim();
	struct node *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct node *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct rcu_head h;

	cb_ran = 0;
	call_rcu(&h, count_cb);
	kfree_rcu(a, rcu);
	kfree_rcu(b, rcu);
	rcu_barrier();
	CU_ASSERT_EQUAL(cb_ran, 1);
	CU_ASSERT_EQUAL(sim_alloc_live_objects(sim), 0);
	synchronize_rcu();
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

/* ---- workqueues ---- */

static int work_count;

static void counting_work(struct work_struct *w)
{
	(void)w;
	__atomic_add_fetch(&work_count, 1, __ATOMIC_RELAXED);
}

static void test_queue_flush_cancel(void)
{
	struct sim *sim = rt_sim();
	struct workqueue_struct *wq = alloc_workqueue("test-%d", 0, 0, 1);
	struct work_struct w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(wq);
	work_count = 0;
	INIT_WORK(&w, counting_work);
	CU_ASSERT_FALSE(flush_work(&w));	/* idle: nothing to wait for */
	CU_ASSERT_TRUE(queue_work(wq, &w));
	flush_work(&w);
	CU_ASSERT_EQUAL(work_count, 1);
	CU_ASSERT_FALSE(work_pending(&w));
	CU_ASSERT_TRUE(schedule_work(&w));
	flush_workqueue(system_wq);
	CU_ASSERT_EQUAL(work_count, 2);
	/* cancel before it runs: on sched nothing runs until a switch point */
	if (sim_backend(sim) == SIM_BACKEND_SCHED) {
		struct work_struct w2;

		INIT_WORK(&w2, counting_work);
		CU_ASSERT_TRUE(queue_work(wq, &w2) || true);
		cancel_work_sync(&w2);
		CU_ASSERT_FALSE(work_pending(&w2));
		CU_ASSERT_FALSE(cancel_work_sync(&w2));
	}
	flush_workqueue(wq);
	destroy_workqueue(wq);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_queue_twice_pending(void)
{
	struct sim *sim = rt_sim();
	struct workqueue_struct *wq = alloc_ordered_workqueue("ordered", 0);
	struct work_struct w;
	struct completion gate;

	work_count = 0;
	INIT_WORK(&w, counting_work);
	init_completion(&gate);
	/* hold the only worker of an ordered wq busy is not possible from outside;
	 * instead check the pending bit protocol directly */
	local_irq_disable();		/* queue_work from atomic context is allowed */
	CU_ASSERT_TRUE(queue_work(wq, &w));
	local_irq_enable();
	if (work_pending(&w))
		CU_ASSERT_FALSE(queue_work(wq, &w));
	flush_work(&w);
	CU_ASSERT(work_count >= 1 && work_count <= 2);
	destroy_workqueue(wq);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_workqueue_leak_reported(void)
{
	struct sim *sim = rt_sim();

	CU_ASSERT_PTR_NOT_NULL(alloc_workqueue("forgotten", 0, 0));
	CU_ASSERT(sim_destroy(sim) >= 1);
}

static void test_delayed_work_clock(void)
{
	struct sim *sim = rt_sim();
	struct delayed_work dw;

	work_count = 0;
	INIT_DELAYED_WORK(&dw, counting_work);
	CU_ASSERT_TRUE(schedule_delayed_work(&dw, msecs_to_jiffies(10)));
	CU_ASSERT_FALSE(schedule_delayed_work(&dw, 1));		/* already pending */
	CU_ASSERT_TRUE(delayed_work_pending(&dw));
	sim_clock_advance(sim, 5 * NSEC_PER_MSEC);
	rt_let_run(sim);
	CU_ASSERT_EQUAL(work_count, 0);
	sim_clock_advance(sim, 5 * NSEC_PER_MSEC);
	flush_delayed_work(&dw);
	CU_ASSERT_EQUAL(work_count, 1);
	CU_ASSERT_EQUAL(jiffies, 10);

	/* mod_delayed_work re-arms, cancel reports pending */
	CU_ASSERT_FALSE(mod_delayed_work(system_wq, &dw, 100));
	CU_ASSERT_TRUE(mod_delayed_work(system_wq, &dw, 50));
	CU_ASSERT_TRUE(cancel_delayed_work_sync(&dw));
	CU_ASSERT_FALSE(cancel_delayed_work_sync(&dw));
	sim_settle(sim);
	CU_ASSERT_EQUAL(work_count, 1);

	/* sim_settle jumps the clock to the timer */
	CU_ASSERT_TRUE(schedule_delayed_work(&dw, 30));
	sim_settle(sim);
	CU_ASSERT_EQUAL(work_count, 2);
	CU_ASSERT_EQUAL(sim_clock_ns(sim), 40 * NSEC_PER_MSEC);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

/* ---- wait queues and eventfd ---- */

struct rec {
	wait_queue_entry_t wait;
	int ret;		/* what the wake function returns */
	int calls;
	__poll_t last;
	int order;
};

static int next_order;

static int rec_wake(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct rec *r = container_of(wait, struct rec, wait);

	r->calls++;
	r->last = key_to_poll(key);
	r->order = ++next_order;
	return r->ret;
}

static void rec_init(struct rec *r, int ret)
{
	memset(r, 0, sizeof(*r));
	init_waitqueue_func_entry(&r->wait, rec_wake);
	r->ret = ret;
}

static void test_priority_exclusive(void)
{
	struct sim *sim = rt_sim();
	wait_queue_head_t wqh;
	struct rec plain, prio, prio2;

	init_waitqueue_head(&wqh);
	rec_init(&plain, 0);
	rec_init(&prio, 1);
	rec_init(&prio2, 1);
	add_wait_queue(&wqh, &plain.wait);
	CU_ASSERT_EQUAL(add_wait_queue_priority_exclusive(&wqh, &prio.wait), 0);
	CU_ASSERT_EQUAL(add_wait_queue_priority_exclusive(&wqh, &prio2.wait), -EBUSY);
	/* the priority exclusive waiter consumes the event: the walk stops */
	wake_up_poll(&wqh, EPOLLIN);
	CU_ASSERT_EQUAL(prio.calls, 1);
	CU_ASSERT_EQUAL(plain.calls, 0);
	/* returning 0, it lets the walk go on */
	prio.ret = 0;
	next_order = 0;
	wake_up_poll(&wqh, EPOLLIN);
	CU_ASSERT_EQUAL(prio.order, 1);
	CU_ASSERT_EQUAL(plain.order, 2);
	remove_wait_queue(&wqh, &prio.wait);
	CU_ASSERT_EQUAL(add_wait_queue_priority_exclusive(&wqh, &prio2.wait), 0);
	remove_wait_queue(&wqh, &prio2.wait);
	remove_wait_queue(&wqh, &plain.wait);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

struct poller {
	poll_table pt;
	struct rec rec;
	wait_queue_head_t *wqh;
};

static void poller_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct poller *p = container_of(pt, struct poller, pt);

	p->wqh = wqh;
	add_wait_queue(wqh, &p->rec.wait);
}

static void test_eventfd_counts(void)
{
	struct sim *sim = rt_sim();
	int fd = sim_eventfd(sim, 0);
	u64 v = 0;

	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(sim_fd_read(sim, fd, &v), -EAGAIN);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, 3), 0);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, fd, &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(sim_fd_read(sim, fd, &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(sim_fd_read(sim, fd, &v), -EAGAIN);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, ~0ULL), -EINVAL);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, ~0ULL - 1), 0);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, 1), -EAGAIN);	/* would overflow */
	CU_ASSERT_EQUAL(sim_fd_read(sim, fd, &v), 0);
	CU_ASSERT_EQUAL(v, ~0ULL - 1);
	CU_ASSERT_EQUAL(sim_fd_close(sim, fd), 0);
	CU_ASSERT_EQUAL(sim_fd_close(sim, fd), -EBADF);
	CU_ASSERT_EQUAL(sim_fd_read(sim, fd, &v), -EBADF);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_eventfd_signal_poll_hup(void)
{
	struct sim *sim = rt_sim();
	int fd = sim_eventfd(sim, 0), fd2;
	struct eventfd_ctx *ctx;
	struct poller p;
	struct file *f;
	__poll_t mask;
	u64 cnt;

	ctx = eventfd_ctx_fdget(fd);
	CU_ASSERT_FATAL(!IS_ERR(ctx));
	rec_init(&p.rec, 0);
	init_poll_funcptr(&p.pt, poller_queue);
	f = fget(fd);
	mask = vfs_poll(f, &p.pt);
	fput(f);
	CU_ASSERT_PTR_EQUAL(p.wqh, &ctx->wqh);
	CU_ASSERT_FALSE(mask & EPOLLIN);
	CU_ASSERT_TRUE(mask & EPOLLOUT);

	eventfd_signal(ctx);
	CU_ASSERT_EQUAL(p.rec.calls, 1);
	CU_ASSERT_TRUE(p.rec.last & EPOLLIN);
	CU_ASSERT_EQUAL(sim_fd_write(sim, fd, 2), 0);
	CU_ASSERT_EQUAL(p.rec.calls, 2);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, fd, &cnt), 0);
	CU_ASSERT_EQUAL(cnt, 3);
	f = fget(fd);
	CU_ASSERT_TRUE(vfs_poll(f, NULL) & EPOLLIN);
	fput(f);

	/* EPOLLHUP only when the last file reference goes */
	fd2 = sim_fd_dup(sim, fd);
	CU_ASSERT(fd2 >= 0 && fd2 != fd);
	CU_ASSERT_EQUAL(sim_fd_close(sim, fd), 0);
	CU_ASSERT_FALSE(p.rec.last & EPOLLHUP);
	CU_ASSERT_EQUAL(sim_fd_close(sim, fd2), 0);
	CU_ASSERT_TRUE(p.rec.last & EPOLLHUP);

	/* the ctx outlives its file while referenced */
	CU_ASSERT_EQUAL(eventfd_ctx_remove_wait_queue(ctx, &p.rec.wait, &cnt), 0);
	CU_ASSERT_EQUAL(cnt, 3);
	CU_ASSERT_EQUAL(ctx->count, 0);
	eventfd_ctx_put(ctx);
	CU_ASSERT_EQUAL(sim_alloc_live_objects(sim), 0);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_fd_errors(void)
{
	struct sim *sim = rt_sim();
	int pfd = sim_pipe(sim), efd = sim_eventfd(sim, 1);
	struct eventfd_ctx *ctx;
	struct file *f;
	u64 v;

	CU_ASSERT(pfd >= 0);
	CU_ASSERT_EQUAL(PTR_ERR(eventfd_ctx_fdget(-1)), -EBADF);
	CU_ASSERT_EQUAL(PTR_ERR(eventfd_ctx_fdget(12345)), -EBADF);
	CU_ASSERT_EQUAL(PTR_ERR(eventfd_ctx_fdget(pfd)), -EINVAL);
	f = fget(pfd);
	CU_ASSERT_PTR_NOT_NULL(f);
	CU_ASSERT_EQUAL(PTR_ERR(eventfd_ctx_fileget(f)), -EINVAL);
	CU_ASSERT_EQUAL(vfs_poll(f, NULL), DEFAULT_POLLMASK);
	fput(f);
	CU_ASSERT_EQUAL(sim_fd_read(sim, pfd, &v), -EINVAL);
	CU_ASSERT_EQUAL(sim_fd_write(sim, pfd, 1), -EINVAL);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, 999, &v), -EBADF);
	CU_ASSERT_EQUAL(sim_fd_dup(sim, 999), -EBADF);
	CU_ASSERT_EQUAL(sim_fd_write(sim, -3, 1), -EBADF);

	/* fault injection on the next fd lookup */
	sim_fail_nth_fdget(sim, 1);
	CU_ASSERT_EQUAL(PTR_ERR(eventfd_ctx_fdget(efd)), -EBADF);
	ctx = eventfd_ctx_fdget(efd);
	CU_ASSERT_FATAL(!IS_ERR(ctx));
	eventfd_ctx_put(ctx);
	CU_ASSERT_EQUAL(sim_fd_count(sim), 2);
	sim_fd_close(sim, pfd);
	sim_fd_close(sim, efd);
	CU_ASSERT_EQUAL(sim_fd_count(sim), 0);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_eventfd_leak_without_put(void)
{
	struct sim *sim = rt_sim();
	int fd = sim_eventfd(sim, 0);

	CU_ASSERT_FATAL(!IS_ERR(eventfd_ctx_fdget(fd)));	/* reference never put */
	CU_ASSERT_EQUAL(sim_destroy(sim), 1);
}

static void test_random_deterministic(void)
{
	struct sim *sim = rt_sim();
	uint64_t a[4], b;

	for (int i = 0; i < 4; i++)
		a[i] = sim_random(sim);
	CU_ASSERT(sim_random_below(sim, 10) < 10);
	sim_destroy(sim);
	sim = rt_sim();
	for (int i = 0; i < 4; i++) {
		b = sim_random(sim);
		CU_ASSERT_EQUAL(a[i], b);
	}
	CU_ASSERT_EQUAL(sim_seed(sim), 42);
	CU_ASSERT_PTR_EQUAL(sim_current(), sim);
	sim_destroy(sim);
	CU_ASSERT_PTR_NULL(sim_current());
}

struct trace_count {
	int lock_begin, lock_end, work, task, gp;
};

static void count_events(void *ctx, const struct sim_event *ev)
{
	struct trace_count *c = ctx;

	if (!strcmp(ev->cat, "lock"))
		ev->type == SIM_EV_BEGIN ? c->lock_begin++ : c->lock_end++;
	else if (!strcmp(ev->cat, "work") && ev->type == SIM_EV_BEGIN)
		c->work++;
	else if (ev->type == SIM_EV_TASK)
		c->task++;
	else if (!strcmp(ev->cat, "gp") && ev->type == SIM_EV_BEGIN)
		c->gp++;
}

static void test_trace_events(void)
{
	struct sim *sim = rt_sim();
	struct trace_count c = { 0 };
	struct work_struct w;
	spinlock_t l;

	spin_lock_init(&l);
	INIT_WORK(&w, counting_work);
	sim_set_tracer(sim, count_events, &c);
	spin_lock(&l);
	spin_unlock(&l);
	schedule_work(&w);
	flush_work(&w);
	synchronize_rcu();
	sim_set_tracer(sim, NULL, NULL);
	CU_ASSERT(c.lock_begin >= 1);
	CU_ASSERT_EQUAL(c.lock_begin, c.lock_end);
	CU_ASSERT_EQUAL(c.work, 1);
	CU_ASSERT(c.gp >= 1);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static void test_hold_deferred(void)
{
	struct sim *sim = rt_sim();
	struct work_struct w;
	struct rcu_head h;

	work_count = 0;
	cb_ran = 0;
	INIT_WORK(&w, counting_work);
	sim_hold_deferred(sim, true);
	CU_ASSERT_TRUE(schedule_work(&w));
	call_rcu(&h, count_cb);
	rt_let_run(sim);
	CU_ASSERT_EQUAL(__atomic_load_n(&work_count, __ATOMIC_RELAXED), 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&cb_ran, __ATOMIC_RELAXED), 0);
	sim_settle(sim);		/* settle runs held work */
	CU_ASSERT_EQUAL(work_count, 1);
	CU_ASSERT_EQUAL(cb_ran, 1);
	CU_ASSERT_TRUE(schedule_work(&w));
	CU_ASSERT_TRUE(flush_work(&w));	/* so does a flush */
	CU_ASSERT_EQUAL(work_count, 2);
	sim_hold_deferred(sim, false);
	CU_ASSERT_TRUE(schedule_work(&w));
	flush_work(&w);
	CU_ASSERT_EQUAL(work_count, 3);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
}

static const struct cunit_test tests[] = {
	{ "hold_deferred", test_hold_deferred },
	{ "srcu_domains_independent", test_srcu_domains_independent },
	{ "call_srcu_after_gp", test_call_srcu_after_gp },
	{ "srcu_slots_shared_and_reused", test_srcu_slots_shared_and_reused },
	{ "call_rcu_and_kfree_rcu", test_call_rcu_and_kfree_rcu },
	{ "queue_flush_cancel", test_queue_flush_cancel },
	{ "queue_twice_pending", test_queue_twice_pending },
	{ "workqueue_leak_reported", test_workqueue_leak_reported },
	{ "delayed_work_clock", test_delayed_work_clock },
	{ "priority_exclusive", test_priority_exclusive },
	{ "eventfd_counts", test_eventfd_counts },
	{ "eventfd_signal_poll_hup", test_eventfd_signal_poll_hup },
	{ "fd_errors", test_fd_errors },
	{ "eventfd_leak_without_put", test_eventfd_leak_without_put },
	{ "random_deterministic", test_random_deterministic },
	{ "trace_events", test_trace_events },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	RT_SUITES("api", tests),
};

CUNIT_MAIN(suites)
