/*
 * Workqueues: per simulation, workers are simulated tasks. A work item is
 * PENDING from queueing until a worker picks it up (the bit is cleared
 * before the function runs, so it can requeue itself); while it runs it
 * is tracked by its worker only, since the function may free it.
 * Timers (delayed work) live on one sorted list per simulation and fire
 * from sim_clock_advance / sim_settle.
 */
#include "internal.h"

#define MAX_WORKERS 8

struct worker {
	struct task_struct *task;
	struct workqueue_struct *wq;
	struct work_struct *cur;	/* running item (compared, never dereferenced); sim lock */
	unsigned long cur_seq;		/* its queued_seq */
	unsigned long cur_wq_seq;	/* its position in the wq (for flush_workqueue) */
};

struct workqueue_struct {
	char name[32];
	unsigned int flags;
	struct list_head worklist;	/* pending items; sim lock */
	struct list_head node;		/* sim->workqueues; sim lock */
	unsigned long seq;		/* items ever queued here; sim lock */
	int stopping;			/* atomic */
	int nr_workers;
	struct worker workers[MAX_WORKERS];
	bool is_system;
};

static struct workqueue_struct *system_wq_of(void)
{
	return ksim_sim ? ksim_sim->sys_wq : NULL;
}

struct workqueue_struct *ksim_system_wq(void)
{
	return system_wq_of();
}

void ksim_init_work(struct work_struct *work, work_func_t func, const char *name)
{
	work->data = 0;
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->name = name;
	work->wq = NULL;
	work->origin = NULL;
	work->queued_seq = 0;
}

void ksim_init_delayed_work(struct delayed_work *dwork, work_func_t func, const char *name)
{
	ksim_init_work(&dwork->work, func, name);
	INIT_LIST_HEAD(&dwork->timer.entry);
	dwork->timer.expires_ns = 0;
	dwork->timer.function = NULL;
	dwork->timer.armed = false;
	dwork->wq = NULL;
	dwork->cpu = WORK_CPU_UNBOUND;
}

static bool test_and_set_pending(struct work_struct *work)
{
	return __atomic_fetch_or(&work->data, 1UL << WORK_STRUCT_PENDING_BIT, __ATOMIC_ACQ_REL) &
	       (1UL << WORK_STRUCT_PENDING_BIT);
}

static void clear_pending(struct work_struct *work)
{
	__atomic_fetch_and(&work->data, ~(1UL << WORK_STRUCT_PENDING_BIT), __ATOMIC_RELEASE);
}

static bool canceling(struct work_struct *work)
{
	return __atomic_load_n(&work->data, __ATOMIC_ACQUIRE) & (1UL << WORK_STRUCT_CANCELING_BIT);
}

/* Put a PENDING item on wq's list; sim lock held. */
static void insert_work(struct sim *sim, struct workqueue_struct *wq, struct work_struct *work)
{
	work->wq = wq;
	work->queued_seq++;
	work->origin = current ? current->origin : NULL;
	list_add_tail(&work->entry, &wq->worklist);
	work->wq_seq = ++wq->seq;
	__atomic_add_fetch(&sim->wq_inflight, 1, __ATOMIC_RELEASE);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	struct sim *sim = ksim_sim;

	if (!wq || canceling(work) || test_and_set_pending(work))
		return false;
	ksim_lock(sim);
	insert_work(sim, wq, work);
	ksim_unlock(sim);
	sim_trace_instant("work", work->name, "queue wq=%s", wq->name);
	ksim_notify();
	ksim_switch_point();
	return true;
}

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	(void)cpu;
	return queue_work(wq, work);
}

bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq_of(), work);
}

static bool worker_has_work(void *arg)
{
	struct worker *w = arg;

	return (!list_empty(&w->wq->worklist) && !ksim_deferred_held(ksim_sim)) ||
	       __atomic_load_n(&w->wq->stopping, __ATOMIC_ACQUIRE);
}

static void leaked_context(struct task_struct *t, work_func_t fn, const char *name)
{
	if (!KSIM_FLAG(ksim_checkers_on))
		return;
	if (!t->lockdep_depth && !t->preempt_count && !t->rcu_read_depth && !t->irqs_off &&
	    !t->srcu_depth)
		return;
	sim_report(SIM_REPORT_LOCKDEP, "BUG: workqueue leaked lock or atomic",
		   "BUG: workqueue leaked lock or atomic: %s/0x%08x/%d\n    last function: %s (%p)\n"
		   "RCU nest depth: %d, SRCU depth: %d, irqs off: %d, locks held: %d\n",
		   t->comm, t->preempt_count, t->pid, name, (void *)(uintptr_t)fn, t->rcu_read_depth,
		   t->srcu_depth, t->irqs_off, ksim_held_lock_count(t));
	t->lockdep_depth = 0;
	t->preempt_count = 0;
	t->irqs_off = 0;
}

static int worker_fn(void *arg)
{
	struct worker *w = arg;
	struct workqueue_struct *wq = w->wq;
	struct sim *sim = ksim_sim;
	struct task_struct *t = current;

	for (;;) {
		struct work_struct *work;
		work_func_t fn;
		const char *name;

		if (ksim_wait_until(worker_has_work, w, "worker idle"))
			return 0;
		ksim_lock(sim);
		if (list_empty(&wq->worklist) || (ksim_deferred_held(sim) &&
		    !__atomic_load_n(&wq->stopping, __ATOMIC_ACQUIRE))) {
			ksim_unlock(sim);
			if (__atomic_load_n(&wq->stopping, __ATOMIC_ACQUIRE) && list_empty(&wq->worklist))
				return 0;
			continue;
		}
		work = list_first_entry(&wq->worklist, struct work_struct, entry);
		list_del_init(&work->entry);
		w->cur = work;
		w->cur_seq = work->queued_seq;
		w->cur_wq_seq = work->wq_seq;
		fn = work->func;
		name = work->name;
		t->origin = work->origin;
		clear_pending(work);
		ksim_unlock(sim);

		sim_trace(SIM_EV_BEGIN, "work", name, "wq=%s", wq->name);
		fn(work);	/* may free work */
		sim_trace(SIM_EV_END, "work", name, NULL);
		leaked_context(t, fn, name);

		ksim_lock(sim);
		w->cur = NULL;
		ksim_unlock(sim);
		__atomic_sub_fetch(&sim->wq_inflight, 1, __ATOMIC_RELEASE);
		ksim_notify();
	}
}

/* tracked: allocated through kmalloc (leak-checked); the system_wq is not. */
static struct workqueue_struct *wq_create(unsigned int flags, int max_active, bool tracked,
					  const char *func, const char *file, int line,
					  const char *name)
{
	struct sim *sim = ksim_sim;
	struct workqueue_struct *wq;
	int n;

	if (!sim)
		return NULL;
	if (tracked)
		wq = ksim_kmalloc(sizeof(*wq), GFP_KERNEL | __GFP_ZERO, func, file, line);
	else
		wq = calloc(1, sizeof(*wq));
	if (!wq)
		return NULL;
	snprintf(wq->name, sizeof(wq->name), "%s", name);
	wq->flags = flags;
	wq->is_system = !tracked;
	INIT_LIST_HEAD(&wq->worklist);
	n = (int)sim->cfg.system_wq_workers;
	if ((flags & __WQ_ORDERED) || max_active == 1)
		n = 1;
	else if (max_active > 0 && max_active < n)
		n = max_active;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	if (n < 1)
		n = 1;
	ksim_lock(sim);
	list_add_tail(&wq->node, &sim->workqueues);
	ksim_unlock(sim);
	for (int i = 0; i < n; i++) {
		char tname[64];

		wq->workers[i].wq = wq;
		snprintf(tname, sizeof(tname), "kworker/%s:%d", wq->name, i);
		wq->workers[i].task = sim_task_start(sim, tname, worker_fn, &wq->workers[i]);
		if (!wq->workers[i].task)
			break;
		wq->nr_workers++;
	}
	if (!wq->nr_workers) {
		ksim_lock(sim);
		list_del(&wq->node);
		ksim_unlock(sim);
		if (tracked)
			ksim_kfree(wq, func, file, line);
		else
			free(wq);
		return NULL;
	}
	return wq;
}

struct workqueue_struct *ksim_alloc_workqueue(unsigned int flags, int max_active,
					      const char *func, const char *file, int line,
					      const char *fmt, ...)
{
	char name[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return wq_create(flags, max_active, true, func, file, line, name);
}

struct flush_wq_arg {
	struct workqueue_struct *wq;
	unsigned long target;		/* wq->seq when the flush began */
};

/* Items queued up to target are done when none of them is pending or running. */
static bool wq_flushed(void *arg)
{
	struct flush_wq_arg *fa = arg;
	struct workqueue_struct *wq = fa->wq;
	struct sim *sim = ksim_sim;
	bool busy = false;
	struct work_struct *w;

	ksim_lock(sim);
	list_for_each_entry(w, &wq->worklist, entry)
		if (w->wq_seq <= fa->target)
			busy = true;
	for (int i = 0; !busy && i < wq->nr_workers; i++)
		if (wq->workers[i].cur && wq->workers[i].cur_wq_seq <= fa->target)
			busy = true;
	ksim_unlock(sim);
	return !busy;
}

void ksim_flush_workqueue(struct workqueue_struct *wq, const char *file, int line, const char *func)
{
	struct flush_wq_arg fa = { wq, 0 };
	struct sim *sim = ksim_sim;

	if (!wq)
		return;
	ksim_might_sleep(file, line, func);
	ksim_lock(sim);
	fa.target = wq->seq;
	ksim_unlock(sim);
	ksim_wait_deferred(wq_flushed, &fa, "flush_workqueue");
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	struct sim *sim = ksim_sim;

	if (!wq)
		return;
	ksim_flush_workqueue(wq, __FILE__, __LINE__, __func__);
	__atomic_store_n(&wq->stopping, 1, __ATOMIC_RELEASE);
	ksim_notify();
	for (int i = 0; i < wq->nr_workers; i++)
		if (!sim_is_dead(sim))
			sim_task_join(wq->workers[i].task);
	ksim_lock(sim);
	list_del(&wq->node);
	ksim_unlock(sim);
	if (wq->is_system)
		free(wq);
	else
		ksim_kfree(wq, "destroy_workqueue", __FILE__, __LINE__);
}

struct flush_work_arg {
	struct work_struct *work;
	unsigned long target;
};

/* Is this instance (or an older one) of work pending or running? sim lock held. */
static bool work_busy_locked(struct sim *sim, struct work_struct *work, unsigned long target)
{
	struct workqueue_struct *wq;

	if (work_pending(work) && !list_empty(&work->entry) && work->queued_seq <= target)
		return true;
	list_for_each_entry(wq, &sim->workqueues, node)
		for (int i = 0; i < wq->nr_workers; i++)
			if (wq->workers[i].cur == work && wq->workers[i].cur_seq <= target)
				return true;
	return false;
}

static bool work_flushed(void *arg)
{
	struct flush_work_arg *fa = arg;
	struct sim *sim = ksim_sim;
	bool busy;

	ksim_lock(sim);
	busy = work_busy_locked(sim, fa->work, fa->target);
	ksim_unlock(sim);
	return !busy;
}

bool work_busy(struct work_struct *work)
{
	struct sim *sim = ksim_sim;
	bool busy;

	ksim_lock(sim);
	busy = work_busy_locked(sim, work, ~0UL);
	ksim_unlock(sim);
	return busy || work_pending(work);
}

bool ksim_flush_work(struct work_struct *work, const char *file, int line, const char *func)
{
	struct flush_work_arg fa = { work, 0 };
	struct sim *sim = ksim_sim;
	bool busy;

	ksim_might_sleep(file, line, func);
	ksim_lock(sim);
	fa.target = work->queued_seq;
	busy = work_busy_locked(sim, work, fa.target);
	ksim_unlock(sim);
	if (!busy)
		return false;
	ksim_wait_deferred(work_flushed, &fa, "flush_work");
	return true;
}

/* Take a pending item off its list or timer; sim lock held. True if it was pending. */
static bool grab_pending_locked(struct sim *sim, struct work_struct *work, struct timer_list *timer)
{
	if (!work_pending(work))
		return false;
	if (timer && timer->armed) {
		list_del_init(&timer->entry);
		timer->armed = false;
	} else if (!list_empty(&work->entry)) {
		list_del_init(&work->entry);
		__atomic_sub_fetch(&sim->wq_inflight, 1, __ATOMIC_RELEASE);
	}
	clear_pending(work);
	return true;
}

static bool cancel_common(struct work_struct *work, struct timer_list *timer, bool sync,
			  const char *file, int line, const char *func)
{
	struct sim *sim = ksim_sim;
	struct flush_work_arg fa = { work, ~0UL };
	bool was;

	if (sync)
		ksim_might_sleep(file, line, func);
	ksim_lock(sim);
	was = grab_pending_locked(sim, work, timer);
	if (sync)
		__atomic_fetch_or(&work->data, 1UL << WORK_STRUCT_CANCELING_BIT, __ATOMIC_ACQ_REL);
	ksim_unlock(sim);
	if (sync) {
		ksim_wait_deferred(work_flushed, &fa, "cancel_work_sync");
		__atomic_fetch_and(&work->data, ~(1UL << WORK_STRUCT_CANCELING_BIT), __ATOMIC_RELEASE);
	}
	return was;
}

bool cancel_work(struct work_struct *work)
{
	return cancel_common(work, NULL, false, __FILE__, __LINE__, __func__);
}

bool ksim_cancel_work_sync(struct work_struct *work, const char *file, int line, const char *func)
{
	return cancel_common(work, NULL, true, file, line, func);
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	return cancel_common(&dwork->work, &dwork->timer, false, __FILE__, __LINE__, __func__);
}

bool ksim_cancel_delayed_work_sync(struct delayed_work *dwork, const char *file, int line,
				   const char *func)
{
	return cancel_common(&dwork->work, &dwork->timer, true, file, line, func);
}

/* Arm dwork (PENDING already set); sim lock held. */
static void queue_delayed_locked(struct sim *sim, struct workqueue_struct *wq,
				 struct delayed_work *dwork, unsigned long delay)
{
	struct timer_list *timer = &dwork->timer, *t;
	struct list_head *pos = &sim->timers;

	dwork->wq = wq;
	if (!delay) {
		insert_work(sim, wq, &dwork->work);
		return;
	}
	timer->expires_ns = sim_clock_ns(sim) + jiffies_to_nsecs(delay);
	dwork->work.origin = current ? current->origin : NULL;
	list_for_each_entry(t, &sim->timers, entry) {
		if (t->expires_ns > timer->expires_ns) {
			pos = &t->entry;
			break;
		}
	}
	list_add_tail(&timer->entry, pos);
	timer->armed = true;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	struct sim *sim = ksim_sim;

	if (!wq || canceling(&dwork->work) || test_and_set_pending(&dwork->work))
		return false;
	ksim_lock(sim);
	queue_delayed_locked(sim, wq, dwork, delay);
	ksim_unlock(sim);
	ksim_notify();
	ksim_switch_point();
	return true;
}

bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work(system_wq_of(), dwork, delay);
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	struct sim *sim = ksim_sim;
	bool was;

	if (!wq || canceling(&dwork->work))
		return false;
	ksim_lock(sim);
	was = grab_pending_locked(sim, &dwork->work, &dwork->timer);
	test_and_set_pending(&dwork->work);
	queue_delayed_locked(sim, wq, dwork, delay);
	ksim_unlock(sim);
	ksim_notify();
	ksim_switch_point();
	return was;
}

bool ksim_flush_delayed_work(struct delayed_work *dwork, const char *file, int line,
			     const char *func)
{
	struct sim *sim = ksim_sim;

	ksim_lock(sim);
	if (dwork->timer.armed) {
		list_del_init(&dwork->timer.entry);
		dwork->timer.armed = false;
		insert_work(sim, dwork->wq, &dwork->work);
	}
	ksim_unlock(sim);
	ksim_notify();
	return ksim_flush_work(&dwork->work, file, line, func);
}

int ksim_timers_next(struct sim *sim, uint64_t *expires)
{
	int ret = -ENOENT;

	ksim_lock(sim);
	if (!list_empty(&sim->timers)) {
		*expires = list_first_entry(&sim->timers, struct timer_list, entry)->expires_ns;
		ret = 0;
	}
	ksim_unlock(sim);
	return ret;
}

void ksim_timers_fire(struct sim *sim, uint64_t now)
{
	bool fired = false;

	ksim_lock(sim);
	while (!list_empty(&sim->timers)) {
		struct timer_list *t = list_first_entry(&sim->timers, struct timer_list, entry);
		struct delayed_work *dwork = container_of(t, struct delayed_work, timer);
		const char *origin;

		if (t->expires_ns > now)
			break;
		list_del_init(&t->entry);
		t->armed = false;
		origin = dwork->work.origin;
		insert_work(sim, dwork->wq, &dwork->work);
		dwork->work.origin = origin;
		fired = true;
	}
	ksim_unlock(sim);
	if (fired)
		ksim_notify();
}

bool ksim_wq_idle(void *arg)
{
	struct sim *sim = arg;

	return __atomic_load_n(&sim->wq_inflight, __ATOMIC_ACQUIRE) == 0;
}

int ksim_workqueue_init(struct sim *sim)
{
	sim->sys_wq = wq_create(0, 0, false, __func__, __FILE__, __LINE__, "events");
	return sim->sys_wq ? 0 : -ENOMEM;
}

void ksim_workqueue_exit(struct sim *sim)
{
	struct workqueue_struct *wq;

	for (;;) {
		ksim_lock(sim);
		wq = NULL;
		if (!list_empty(&sim->workqueues)) {
			struct workqueue_struct *w;

			list_for_each_entry(w, &sim->workqueues, node) {
				if (!w->is_system) {
					wq = w;
					break;
				}
			}
		}
		ksim_unlock(sim);
		if (!wq)
			break;
		/* The model's workqueues must be destroyed by the model: report, then reap. */
		if (KSIM_FLAG(ksim_checkers_on))
			sim_report(SIM_REPORT_MEMORY, "BUG: workqueue leaked",
				   "BUG: workqueue '%s' was never destroyed (destroy_workqueue missing)\n",
				   wq->name);
		destroy_workqueue(wq);
	}
	if (sim->sys_wq) {
		destroy_workqueue(sim->sys_wq);
		sim->sys_wq = NULL;
	}
	/* timers still armed belong to work the model never cancelled */
	ksim_lock(sim);
	while (!list_empty(&sim->timers)) {
		struct timer_list *t = list_first_entry(&sim->timers, struct timer_list, entry);

		list_del_init(&t->entry);
		t->armed = false;
	}
	ksim_unlock(sim);
}
