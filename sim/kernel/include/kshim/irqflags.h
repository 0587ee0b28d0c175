/*
 * Simulated interrupt state of the current task. Disabling irqs makes the
 * task atomic for the sleeping checks, and locks taken with irqs on are
 * "irq-unsafe" for lockdep. ksim_irq_enter/exit mark a simulated hardirq
 * (the model's interrupt context); wait-queue wake functions count too.
 */
#ifndef KSHIM_IRQFLAGS_H
#define KSHIM_IRQFLAGS_H

#include <kshim/compiler.h>

static inline unsigned long ksim_irq_save(void)
{
	struct task_struct *t = current;
	unsigned long flags = (unsigned long)t->irqs_off;

	t->irqs_off = 1;
	return flags;
}

static inline void ksim_irq_restore(unsigned long flags)
{
	current->irqs_off = (int)flags;
}

#define local_irq_disable()	((void)(current->irqs_off = 1))
#define local_irq_enable()	((void)(current->irqs_off = 0))
#define local_irq_save(flags)	((flags) = ksim_irq_save())
#define local_irq_restore(flags) ksim_irq_restore(flags)
#define irqs_disabled()		(current->irqs_off != 0)
#define irqs_disabled_flags(f)	((f) != 0)
#define local_bh_disable()	((void)(current->preempt_count++))
#define local_bh_enable()	((void)(current->preempt_count--))

/* Enter/leave a simulated hardirq on the current task (irqs off inside). */
void ksim_irq_enter(void);
void ksim_irq_exit(void);

/* True inside ksim_irq_enter/exit or a wait-queue wake function. */
static inline bool ksim_in_irq(void)
{
	struct task_struct *t = current;

	return t && (t->in_irq || t->in_wakeup);
}
#define in_irq()		ksim_in_irq()
#define in_hardirq()		ksim_in_irq()
#define in_interrupt()		ksim_in_irq()
#define in_task()		(!ksim_in_irq())

#endif
