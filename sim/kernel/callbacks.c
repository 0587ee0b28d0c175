/*
 * RCU and SRCU callbacks: queued per domain, run by one task per
 * simulation ("rcu_cb") after a grace period of their domain, in the
 * order they were queued. Not liburcu's call_rcu threads: callbacks run
 * in a simulated task (checkers see them), with no 10 ms batching delay,
 * and nothing is left running at exit.
 */
#include "internal.h"

void ksim_rcu_gp_for_callbacks(void);

static bool cb_work(void *arg)
{
	struct sim *sim = arg;

	return (__atomic_load_n(&sim->cb_list, __ATOMIC_ACQUIRE) != NULL &&
		!ksim_deferred_held(sim)) ||
	       __atomic_load_n(&sim->cb_stop, __ATOMIC_ACQUIRE);
}

static void invoke(struct rcu_head *head)
{
	rcu_callback_t fn = head->func;
	unsigned long off = (unsigned long)fn;

	if (off < KSIM_KFREE_RCU_MAX_OFFSET) {
		ksim_kfree((char *)head - off, "kfree_rcu", __FILE__, __LINE__);
		return;
	}
	fn(head);
}

static int cb_task_fn(void *arg)
{
	struct sim *sim = arg;

	for (;;) {
		struct srcu_struct *dom;
		struct rcu_head *list, *next;
		unsigned long n = 0;

		if (ksim_wait_until(cb_work, sim, "rcu callbacks"))
			return 0;
		ksim_lock(sim);
		dom = sim->cb_list;
		if (dom && ksim_deferred_held(sim) && !__atomic_load_n(&sim->cb_stop, __ATOMIC_ACQUIRE)) {
			ksim_unlock(sim);
			continue;
		}
		if (!dom) {
			ksim_unlock(sim);
			if (__atomic_load_n(&sim->cb_stop, __ATOMIC_ACQUIRE))
				return 0;
			continue;
		}
		__atomic_store_n(&sim->cb_list, dom->cb_next, __ATOMIC_RELEASE);
		dom->cb_listed = false;
		dom->cb_next = NULL;
		list = dom->cb_head;
		dom->cb_head = NULL;
		dom->cb_tail = &dom->cb_head;
		ksim_unlock(sim);

		if (dom == &sim->rcu_dom)
			ksim_rcu_gp_for_callbacks();
		else
			ksim_srcu_gp(dom);
		sim_trace(SIM_EV_BEGIN, "gp", "callbacks", "domain=%s", dom->dep_map.name);
		for (; list; list = next) {
			next = list->next;
			invoke(list);
			n++;
		}
		sim_trace(SIM_EV_END, "gp", "callbacks", NULL);
		__atomic_add_fetch(&dom->cb_done, n, __ATOMIC_RELEASE);
		__atomic_sub_fetch(&sim->cb_inflight, (long)n, __ATOMIC_RELEASE);
		ksim_notify();
	}
}

void ksim_cb_enqueue(struct srcu_struct *dom, struct rcu_head *head, rcu_callback_t func)
{
	struct sim *sim = ksim_sim;

	head->func = func;
	head->next = NULL;
	__atomic_add_fetch(&sim->cb_inflight, 1, __ATOMIC_RELAXED);
	ksim_lock(sim);
	*dom->cb_tail = head;
	dom->cb_tail = &head->next;
	dom->cb_queued++;
	if (!dom->cb_listed) {
		struct srcu_struct **pp = &sim->cb_list;

		while (*pp)
			pp = &(*pp)->cb_next;
		dom->cb_listed = true;
		dom->cb_next = NULL;
		__atomic_store_n(pp, dom, __ATOMIC_RELEASE);
	}
	ksim_unlock(sim);
	ksim_notify();
	ksim_switch_point();
}

struct barrier_arg {
	struct srcu_struct *dom;
	unsigned long target;
};

static bool barrier_done(void *arg)
{
	struct barrier_arg *ba = arg;

	return (long)(__atomic_load_n(&ba->dom->cb_done, __ATOMIC_ACQUIRE) - ba->target) >= 0;
}

void ksim_cb_barrier(struct srcu_struct *dom)
{
	struct sim *sim = ksim_sim;
	struct barrier_arg ba = { dom, 0 };

	ksim_lock(sim);
	ba.target = dom->cb_queued;
	ksim_unlock(sim);
	if (current == sim->cb_task) {
		if (!barrier_done(&ba))
			sim_report(SIM_REPORT_RCU, "WARNING: rcu_barrier() from an RCU callback",
				   "WARNING: rcu_barrier()/srcu_barrier() called from a callback: it would wait for itself\n");
		return;
	}
	ksim_wait_deferred(barrier_done, &ba, "rcu_barrier");
}

bool ksim_cb_idle(void *arg)
{
	struct sim *sim = arg;

	return __atomic_load_n(&sim->cb_inflight, __ATOMIC_ACQUIRE) == 0;
}

int ksim_callbacks_init(struct sim *sim)
{
	sim->cb_task = sim_task_start(sim, "rcu_cb", cb_task_fn, sim);
	return sim->cb_task ? 0 : -ENOMEM;
}

void ksim_callbacks_exit(struct sim *sim)
{
	if (!sim->cb_task)
		return;
	__atomic_store_n(&sim->cb_stop, 1, __ATOMIC_RELEASE);
	ksim_notify();
	if (!sim_is_dead(sim))
		sim_task_join(sim->cb_task);
	sim->cb_task = NULL;
}
