/* Preemption count of the current task (spinlocks and preempt_disable). */
#ifndef KSHIM_PREEMPT_H
#define KSHIM_PREEMPT_H

#include <kshim/compiler.h>
#include <kshim/irqflags.h>

#define preempt_count()		(current->preempt_count)
#define preempt_disable()	do { current->preempt_count++; barrier(); } while (0)
#define preempt_enable()	do { barrier(); current->preempt_count--; ksim_switch_point(); } while (0)
#define preempt_enable_no_resched() do { barrier(); current->preempt_count--; } while (0)
#define in_atomic()		(current->preempt_count != 0)
#define preemptible()		(current->preempt_count == 0 && !irqs_disabled())
#define get_cpu()		({ preempt_disable(); 0; })
#define put_cpu()		preempt_enable()
#define smp_processor_id()	0

#endif
