/*
 * Workqueues, per simulation. Workers are simulated tasks; delayed work
 * runs off the simulated clock (sim_clock_advance fires due timers,
 * sim_settle jumps the clock to the next timer when nothing else is
 * pending). Return values follow the kernel: queue_work is false when the
 * work was already pending, cancel_* report whether it was pending,
 * flush_work whether it had to wait.
 */
#ifndef KSHIM_WORKQUEUE_H
#define KSHIM_WORKQUEUE_H

#include <kshim/compiler.h>
#include <kshim/list.h>
#include <kshim/jiffies.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

#define WORK_STRUCT_PENDING_BIT	0
#define WORK_STRUCT_CANCELING_BIT 1

struct work_struct {
	unsigned long data;		/* PENDING/CANCELING bits; atomic */
	struct list_head entry;		/* on its workqueue's list; sim workqueue lock */
	work_func_t func;		/* immutable after INIT_WORK */
	const char *name;		/* stringified func, for traces; immutable */
	/*
	 * runtime private, under the sim's workqueue lock. A running work
	 * is tracked by its worker, never through this struct: the work
	 * function may free it.
	 */
	struct workqueue_struct *wq;	/* where it was last queued */
	const char *origin;		/* origin of whoever queued it */
	unsigned long queued_seq;	/* times queued (names each instance) */
	unsigned long wq_seq;		/* position in wq when last queued */
};

struct timer_list {
	struct list_head entry;		/* on the sim's timer list; sim workqueue lock */
	u64 expires_ns;			/* simulated time it fires */
	void (*function)(struct timer_list *t);
	bool armed;			/* on the timer list */
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;	/* runtime private */
	struct workqueue_struct *wq;	/* target once the timer fires */
	int cpu;
};

#define WQ_UNBOUND		(1u << 1)
#define WQ_FREEZABLE		(1u << 2)
#define WQ_MEM_RECLAIM		(1u << 3)
#define WQ_HIGHPRI		(1u << 4)
#define WQ_CPU_INTENSIVE	(1u << 5)
#define WQ_PERCPU		(1u << 8)
#define __WQ_ORDERED		(1u << 17)
#define WQ_MAX_ACTIVE		512
#define WORK_CPU_UNBOUND	64

void ksim_init_work(struct work_struct *work, work_func_t func, const char *name);
void ksim_init_delayed_work(struct delayed_work *dwork, work_func_t func, const char *name);
#define INIT_WORK(w, f)		ksim_init_work((w), (f), #f)
#define INIT_DELAYED_WORK(w, f)	ksim_init_delayed_work((w), (f), #f)
#define __WORK_INITIALIZER(n, f) {					\
	.data = 0, .entry = LIST_HEAD_INIT((n).entry), .func = (f), .name = #f }
#define DECLARE_WORK(n, f)	struct work_struct n = __WORK_INITIALIZER(n, f)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

struct workqueue_struct *ksim_alloc_workqueue(unsigned int flags, int max_active,
					      const char *func, const char *file, int line,
					      const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
#define alloc_workqueue(fmt, flags, max_active, ...)			\
	ksim_alloc_workqueue((flags), (max_active), __func__, __FILE__, __LINE__, \
			     fmt, ##__VA_ARGS__)
#define alloc_ordered_workqueue(fmt, flags, ...)			\
	alloc_workqueue(fmt, (flags) | __WQ_ORDERED | WQ_UNBOUND, 1, ##__VA_ARGS__)
void destroy_workqueue(struct workqueue_struct *wq);

/* The simulation's system_wq (created by sim_create). */
struct workqueue_struct *ksim_system_wq(void);
#define system_wq		ksim_system_wq()
#define system_unbound_wq	ksim_system_wq()
#define system_long_wq		ksim_system_wq()

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
bool schedule_work(struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);
bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);

bool ksim_flush_work(struct work_struct *work, const char *file, int line, const char *func);
void ksim_flush_workqueue(struct workqueue_struct *wq, const char *file, int line,
			  const char *func);
bool ksim_flush_delayed_work(struct delayed_work *dwork, const char *file, int line,
			     const char *func);
bool ksim_cancel_work_sync(struct work_struct *work, const char *file, int line,
			   const char *func);
bool ksim_cancel_delayed_work_sync(struct delayed_work *dwork, const char *file, int line,
				   const char *func);
bool cancel_work(struct work_struct *work);
bool cancel_delayed_work(struct delayed_work *dwork);

#define flush_work(w)		ksim_flush_work((w), __FILE__, __LINE__, __func__)
#define flush_workqueue(wq)	ksim_flush_workqueue((wq), __FILE__, __LINE__, __func__)
#define flush_scheduled_work()	flush_workqueue(system_wq)
#define drain_workqueue(wq)	flush_workqueue(wq)
#define flush_delayed_work(d)	ksim_flush_delayed_work((d), __FILE__, __LINE__, __func__)
#define cancel_work_sync(w)	ksim_cancel_work_sync((w), __FILE__, __LINE__, __func__)
#define cancel_delayed_work_sync(d) ksim_cancel_delayed_work_sync((d), __FILE__, __LINE__, __func__)

static inline bool work_pending(const struct work_struct *work)
{
	return (__atomic_load_n(&work->data, __ATOMIC_ACQUIRE) >> WORK_STRUCT_PENDING_BIT) & 1;
}
#define delayed_work_pending(d)	work_pending(&(d)->work)
bool work_busy(struct work_struct *work);

#endif
