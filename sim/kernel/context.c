/*
 * Execution-context checks: sleeping in atomic context, WARN/BUG, printk,
 * simulated interrupts, and the checks made when a task exits.
 */
#include "internal.h"

static bool sleep_invalid(const struct task_struct *t)
{
	return t->preempt_count > 0 || t->irqs_off || t->rcu_read_depth > 0 ||
	       t->in_irq || t->in_wakeup;
}

void ksim_might_sleep(const char *file, int line, const char *func)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 };

	if (!KSIM_FLAG(ksim_checkers_on) || !t || t->lockdep_off || !sleep_invalid(t))
		return;
	if (!ksim_once(file, (uintptr_t)line | (7UL << 56)))
		return;
	kbuf_printf(&b, "BUG: sleeping function called from invalid context at %s:%d\n",
		    ksim_short_file(file), line);
	kbuf_printf(&b, "in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s\n",
		    t->preempt_count > 0 || t->in_irq || t->in_wakeup, t->irqs_off ? 1 : 0,
		    t->pid, t->comm);
	kbuf_printf(&b, "preempt_count: %x, expected: 0\n", t->preempt_count);
	kbuf_printf(&b, "RCU nest depth: %d, expected: 0\n", t->rcu_read_depth);
	if (t->in_irq || t->in_wakeup)
		kbuf_printf(&b, "in simulated irq context (%s)\n",
			    t->in_irq ? "ksim_irq_enter" : "wait-queue wake function");
	ksim_print_held_locks(&b, t);
	kbuf_printf(&b, "Call site: %s (%s:%d)\n", func, ksim_short_file(file), line);
	ksim_report_text(SIM_REPORT_CONTEXT, "BUG: sleeping function called from invalid context",
			 b.s);
	kbuf_free(&b);
}

void ksim_irq_enter(void)
{
	struct task_struct *t = current;

	t->in_irq++;
	t->irqs_off = 1;
	sim_trace(SIM_EV_BEGIN, "irq", "hardirq", NULL);
}

void ksim_irq_exit(void)
{
	struct task_struct *t = current;

	sim_trace(SIM_EV_END, "irq", "hardirq", NULL);
	if (--t->in_irq == 0)
		t->irqs_off = 0;
}

void ksim_warn(const char *file, int line, const char *func, bool once, const char *fmt, ...)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 }, msg = { 0 };
	va_list ap;

	if (once && !ksim_once(file, (uintptr_t)line | (1UL << 62)))
		return;
	va_start(ap, fmt);
	kbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	kbuf_printf(&b, "------------[ cut here ]------------\n");
	kbuf_printf(&b, "%s\n", msg.s ? msg.s : "");
	kbuf_printf(&b, "WARNING: CPU: 0 PID: %d at %s:%d %s\n", t ? t->pid : 0,
		    ksim_short_file(file), line, func);
	if (t)
		ksim_print_held_locks(&b, t);
	ksim_report_text(SIM_REPORT_WARN, msg.s ? msg.s : "WARNING", b.s);
	kbuf_free(&msg);
	kbuf_free(&b);
}

void ksim_bug(const char *file, int line, const char *func, const char *cond)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 }, title = { 0 };

	kbuf_printf(&title, "kernel BUG at %s:%d!", ksim_short_file(file), line);
	kbuf_printf(&b, "------------[ cut here ]------------\n%s\n", title.s);
	kbuf_printf(&b, "BUG_ON(%s) in %s, PID: %d\n", cond, func, t ? t->pid : 0);
	if (t)
		ksim_print_held_locks(&b, t);
	ksim_report_text(SIM_REPORT_WARN, title.s, b.s);
	kbuf_free(&title);
	kbuf_free(&b);
}

void ksim_bug_fatal(const char *file, int line, const char *func)
{
	ksim_bug(file, line, func, "BUG()");
	fprintf(stderr, "irqsim: BUG() at %s:%d in %s, aborting\n", ksim_short_file(file), line, func);
	abort();
}

int ksim_printk(const char *fmt, ...)
{
	static int verbose = -1;
	char buf[512];
	const char *p = fmt;
	va_list ap;
	int level = 4, n;

	if (p[0] == '\001' && p[1]) {
		if (p[1] >= '0' && p[1] <= '7')
			level = p[1] - '0';
		p += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), p, ap);
	va_end(ap);
	if (verbose < 0) {
		const char *e = getenv("IRQSIM_VERBOSE");

		verbose = e && *e && strcmp(e, "0");
	}
	sim_trace_instant("printk", buf, "level=%d", level);
	if (verbose || !ksim_sim)
		fprintf(stderr, "%s", buf);
	return n;
}

/* At task exit (and at sim_destroy for main): nothing may still be held. */
void ksim_task_exit_checks(struct task_struct *t, const char *what)
{
	struct ksim_buf b = { 0 };

	if (!KSIM_FLAG(ksim_checkers_on) || !t)
		return;
	if (ksim_held_lock_count(t) > 0) {
		char title[128];

		snprintf(title, sizeof(title), "WARNING: %s/%d still has locks held!", t->comm, t->pid);
		kbuf_printf(&b, "=====================================\n%s\n", title);
		kbuf_printf(&b, "-------------------------------------\n(at %s)\n", what);
		ksim_print_held_locks(&b, t);
		ksim_report_text(t->rcu_read_depth || t->srcu_depth ? SIM_REPORT_RCU :
				 SIM_REPORT_LOCKDEP, title, b.s);
		kbuf_free(&b);
	} else if (t->rcu_read_depth || t->srcu_depth || t->preempt_count || t->irqs_off) {
		kbuf_printf(&b, "BUG: task %s/%d exited in atomic context (%s)\n", t->comm, t->pid, what);
		kbuf_printf(&b, "preempt_count: %x, irqs_off: %d, RCU nest depth: %d, SRCU depth: %d\n",
			    t->preempt_count, t->irqs_off, t->rcu_read_depth, t->srcu_depth);
		ksim_report_text(t->rcu_read_depth || t->srcu_depth ? SIM_REPORT_RCU : SIM_REPORT_CONTEXT,
				 "BUG: task exited in atomic context", b.s);
		kbuf_free(&b);
	}
}
