/*
 * RCU: liburcu-memb on the threads backend, the runtime's own domain
 * (sim->rcu_dom) on the sched backend and in TSan builds; plus the
 * RCU-usage checks.
 */
#include "internal.h"

void ksim_rcu_read_lock_slow(const struct ksim_site *site)
{
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_rcu_own)) {
		ksim_switch_point();
		if (t->rcu_read_depth++ == 0)
			t->rcu_idx = ksim_srcu_lock_raw(&ksim_sim->rcu_dom, true);
	} else {
		ksim_urcu_read_lock();
		if (KSIM_FLAG(ksim_checkers_on))
			t->rcu_read_depth++;
	}
	/* the held-lock entry reports show: recorded here, printed by ksim_print_held_locks */
	if (KSIM_FLAG(ksim_checkers_on) && t->rcu_read_depth == 1) {
		t->rcu_site = site;
		t->rcu_held_pos = t->lockdep_depth;
	}
	sim_trace(SIM_EV_BEGIN, "rcu", "rcu_read_lock", NULL);
}

void ksim_rcu_read_unlock_slow(const struct ksim_site *site)
{
	struct task_struct *t = current;

	sim_trace(SIM_EV_END, "rcu", "rcu_read_lock", NULL);
	if ((KSIM_FLAG(ksim_checkers_on) || KSIM_FLAG(ksim_rcu_own)) && t->rcu_read_depth <= 0) {
		if (ksim_once(site->file, (uintptr_t)site->line | (15UL << 56)))
			sim_report(SIM_REPORT_RCU, "WARNING: rcu_read_unlock() without rcu_read_lock()",
				   "WARNING: bad unlock balance detected!\n%s/%d is trying to release lock (rcu_read_lock) at: %s:%d\nbut there are no more locks to release!\n",
				   t->comm, t->pid, ksim_short_file(site->file), site->line);
		return;
	}
	if (KSIM_FLAG(ksim_rcu_own)) {
		if (--t->rcu_read_depth == 0)
			ksim_srcu_unlock_raw(&ksim_sim->rcu_dom, t->rcu_idx);
		ksim_switch_point();
	} else {
		if (KSIM_FLAG(ksim_checkers_on))
			t->rcu_read_depth--;
		ksim_urcu_read_unlock();
	}
}

void ksim_rcu_suspicious(const char *file, int line, const char *msg)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 };

	if (!t || t->lockdep_off || !ksim_once(file, (uintptr_t)line | (8UL << 56)))
		return;
	kbuf_printf(&b, "=============================\nWARNING: suspicious RCU usage\n");
	kbuf_printf(&b, "-----------------------------\n%s:%d %s\n", ksim_short_file(file), line, msg);
	kbuf_printf(&b, "\nother info that might help us debug this:\n\n");
	kbuf_printf(&b, "rcu_scheduler_active = 2, debug_locks = 1\n");
	ksim_print_held_locks(&b, t);
	ksim_report_text(SIM_REPORT_RCU, "WARNING: suspicious RCU usage", b.s);
	kbuf_free(&b);
}

void ksim_rcu_list_check(bool srcu, bool cond, const char *file, int line)
{
	struct task_struct *t = current;

	if (cond || !t)
		return;
	if (srcu)
		ksim_rcu_suspicious(file, line, "RCU-list traversed without holding the required lock!!");
	else if (!(t->rcu_read_depth > 0 || t->preempt_count > 0 || t->irqs_off))
		ksim_rcu_suspicious(file, line, "RCU-list traversed in non-reader section!!");
}

static void rcu_gp(void)
{
	sim_trace(SIM_EV_BEGIN, "gp", "synchronize_rcu", NULL);
	if (KSIM_FLAG(ksim_rcu_own))
		ksim_srcu_gp(&ksim_sim->rcu_dom);
	else
		thr_synchronize_rcu();
	sim_trace(SIM_EV_END, "gp", "synchronize_rcu", NULL);
}

/* The grace period the callback task waits for before RCU callbacks. */
void ksim_rcu_gp_for_callbacks(void)
{
	rcu_gp();
}

void ksim_synchronize_rcu(const char *file, int line, const char *func)
{
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_checkers_on) && t) {
		ksim_might_sleep(file, line, func);
		if (t->rcu_read_depth > 0) {
			ksim_rcu_suspicious(file, line,
					    "Illegal synchronize_rcu() in RCU read-side critical section!");
			return;		/* it would never return */
		}
	}
	rcu_gp();
	ksim_switch_point();
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	ksim_cb_enqueue(&ksim_sim->rcu_dom, head, func);
}

void ksim_rcu_barrier(const char *file, int line, const char *func)
{
	if (KSIM_FLAG(ksim_checkers_on))
		ksim_might_sleep(file, line, func);
	ksim_cb_barrier(&ksim_sim->rcu_dom);
}

/* Backend-contract names: both backends queue on the callback task. */
void thr_call_rcu(struct rcu_head *head, void (*fn)(struct rcu_head *))
{
	call_rcu(head, fn);
}

void thr_rcu_barrier(void)
{
	ksim_cb_barrier(&ksim_sim->rcu_dom);
}
