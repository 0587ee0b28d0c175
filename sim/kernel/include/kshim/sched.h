/*
 * Task context: current, might_sleep, cond_resched. might_sleep() with a
 * spinlock held, irqs off or in an RCU reader files the kernel's
 * "BUG: sleeping function called from invalid context" report.
 */
#ifndef KSHIM_SCHED_H
#define KSHIM_SCHED_H

#include <kshim/compiler.h>
#include <kshim/preempt.h>
#include <kshim/task.h>

void ksim_might_sleep(const char *file, int line, const char *func);
#define might_sleep()	ksim_might_sleep(__FILE__, __LINE__, __func__)
#define might_sleep_if(cond) do { if (cond) might_sleep(); } while (0)
#define cond_resched()	({ might_sleep(); ksim_switch_point(); 0; })
#define schedule()	ksim_switch_point()
#define cpu_relax_yield() ksim_spin_wait()
#define task_pid_nr(t)	((t)->pid)

/* Sleep for the given simulated time (msleep/usleep_range stand-ins). */
void ksim_msleep(unsigned int msecs);
#define msleep(ms)		ksim_msleep(ms)
#define usleep_range(min, max)	ksim_msleep(((min) + 999) / 1000)

#endif
