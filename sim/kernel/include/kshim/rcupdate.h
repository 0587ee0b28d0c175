/*
 * RCU. Threads backend: liburcu-memb readers and grace periods. Sched
 * backend and TSan builds: the runtime's own grace-period domain (the SRCU
 * code). Callbacks (call_rcu, kfree_rcu) run on the simulation's callback
 * task after a grace period, in the order they were queued.
 */
#ifndef KSHIM_RCUPDATE_H
#define KSHIM_RCUPDATE_H

#include <kshim/compiler.h>
#include <kshim/preempt.h>

#ifndef KSIM_TSAN
/*
 * liburcu-memb's read side, inlined into the threads backend's fast path.
 * liburcu has its own struct rcu_head and rcu_dereference & co: rename
 * the one, drop the others, so only the kernel's spellings remain.
 */
#define rcu_head __ksim_urcu_rcu_head
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#define KSIM_UNDEF_LGPL
#endif
#include <urcu/urcu-memb.h>
#ifdef KSIM_UNDEF_LGPL
#undef _LGPL_SOURCE
#undef KSIM_UNDEF_LGPL
#endif
#undef rcu_head
#undef rcu_dereference
#undef rcu_assign_pointer
#undef rcu_set_pointer
#undef rcu_xchg_pointer
#undef rcu_cmpxchg_pointer
#undef rcu_access_pointer
#define ksim_urcu_read_lock()	urcu_memb_read_lock()
#define ksim_urcu_read_unlock()	urcu_memb_read_unlock()

/*
 * liburcu-memb's inline read side (urcu/static/urcu-memb.h), for the
 * inline RCU modes, which the runtime selects only when liburcu uses
 * sys_membarrier: liburcu's reader barriers are then compiler barriers
 * (its grace period issues the membarrier), so the test of
 * urcu_memb_has_sys_membarrier it makes three times per read-side
 * section is made once, when the mode is chosen (ksim_update_slowpath).
 */
static __always_inline void ksim_urcu_fast_read_lock(void)
{
	unsigned long tmp;

	cmm_barrier();
	tmp = URCU_TLS(urcu_memb_reader).ctr;
	if (caa_likely(!(tmp & URCU_GP_CTR_NEST_MASK))) {
		_CMM_STORE_SHARED(URCU_TLS(urcu_memb_reader).ctr, _CMM_LOAD_SHARED(urcu_memb_gp.ctr));
		cmm_barrier();
	} else {
		_CMM_STORE_SHARED(URCU_TLS(urcu_memb_reader).ctr, tmp + URCU_GP_COUNT);
	}
}

static __always_inline void ksim_urcu_fast_read_unlock(void)
{
	unsigned long tmp = URCU_TLS(urcu_memb_reader).ctr;

	if (caa_likely((tmp & URCU_GP_CTR_NEST_MASK) == URCU_GP_COUNT)) {
		cmm_barrier();
		_CMM_STORE_SHARED(URCU_TLS(urcu_memb_reader).ctr, tmp - URCU_GP_COUNT);
		cmm_barrier();
		urcu_common_wake_up_gp(&urcu_memb_gp);
	} else {
		_CMM_STORE_SHARED(URCU_TLS(urcu_memb_reader).ctr, tmp - URCU_GP_COUNT);
	}
	cmm_barrier();
}
#else
#define ksim_urcu_read_lock()	thr_rcu_read_lock()
#define ksim_urcu_read_unlock()	thr_rcu_read_unlock()
/* TSan builds always use KSIM_RCU_SLOW: these are never reached. */
#define ksim_urcu_fast_read_lock()	thr_rcu_read_lock()
#define ksim_urcu_fast_read_unlock()	thr_rcu_read_unlock()
#endif

struct rcu_head {
	struct rcu_head *next;			/* callback queue link */
	void (*func)(struct rcu_head *head);	/* callback, or kfree_rcu offset */
};
#define callback_head rcu_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

void ksim_rcu_read_lock_slow(const struct ksim_site *site);
void ksim_rcu_read_unlock_slow(const struct ksim_site *site);
void ksim_rcu_suspicious(const char *file, int line, const char *msg);
void ksim_synchronize_rcu(const char *file, int line, const char *func);
void ksim_rcu_barrier(const char *file, int line, const char *func);
void call_rcu(struct rcu_head *head, rcu_callback_t func);

/*
 * ksim_rcu_mode KSIM_RCU_INLINE is liburcu alone. KSIM_RCU_CHECKED
 * (threads backend, checkers on, no tracer) keeps the nesting depth, and
 * at the outermost lock the site and the position among the held locks,
 * which reports print as the "rcu_read_lock" held lock. Everything else
 * (sched, own-domain RCU, tracing, no membarrier, a bad unlock) is out of
 * line.
 */
static __always_inline void __ksim_rcu_read_lock(const struct ksim_site *site)
{
	int mode = KSIM_FLAG(ksim_rcu_mode);

	if (likely(mode == KSIM_RCU_INLINE)) {
		ksim_urcu_fast_read_lock();
	} else if (mode == KSIM_RCU_CHECKED) {
		struct task_struct *t = current;

		ksim_urcu_fast_read_lock();
		if (t->rcu_read_depth++ == 0) {
			t->rcu_site = site;
			t->rcu_held_pos = t->lockdep_depth;
		}
	} else {
		ksim_rcu_read_lock_slow(site);
	}
}

static __always_inline void __ksim_rcu_read_unlock(const struct ksim_site *site)
{
	int mode = KSIM_FLAG(ksim_rcu_mode);

	if (likely(mode == KSIM_RCU_INLINE)) {
		ksim_urcu_fast_read_unlock();
	} else if (mode == KSIM_RCU_CHECKED && likely(current->rcu_read_depth > 0)) {
		current->rcu_read_depth--;
		ksim_urcu_fast_read_unlock();
	} else {
		ksim_rcu_read_unlock_slow(site);
	}
}

#define rcu_read_lock()		__ksim_rcu_read_lock(KSIM_SITE())
#define rcu_read_unlock()	__ksim_rcu_read_unlock(KSIM_SITE())
#define rcu_read_lock_bh()	rcu_read_lock()
#define rcu_read_unlock_bh()	rcu_read_unlock()
#define rcu_read_lock_sched()	rcu_read_lock()
#define rcu_read_unlock_sched()	rcu_read_unlock()

/* As in the kernel, these answer 1 when RCU checking is off. */
#define rcu_read_lock_held()	(!KSIM_FLAG(ksim_checkers_on) || current->rcu_read_depth > 0)
#define rcu_read_lock_any_held()					\
	(!KSIM_FLAG(ksim_checkers_on) || current->rcu_read_depth > 0 ||		\
	 current->preempt_count > 0 || current->irqs_off)
#define rcu_read_lock_bh_held()	rcu_read_lock_any_held()
#define rcu_read_lock_sched_held() rcu_read_lock_any_held()

#define RCU_LOCKDEP_WARN(c, s) do {					\
	if (unlikely(KSIM_FLAG(ksim_checkers_on)) && (c))				\
		ksim_rcu_suspicious(__FILE__, __LINE__, s);		\
} while (0)

#define rcu_dereference_raw(p) ({					\
	ksim_fine_yield();						\
	__atomic_load_n(&(p), __ATOMIC_CONSUME); })
#define rcu_dereference_check(p, c) ({					\
	RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_held()),		\
			 "suspicious rcu_dereference_check() usage!");	\
	rcu_dereference_raw(p); })
#define rcu_dereference_protected(p, c) ({				\
	RCU_LOCKDEP_WARN(!(c),						\
			 "suspicious rcu_dereference_protected() usage!"); \
	__atomic_load_n(&(p), __ATOMIC_RELAXED); })
#define rcu_dereference(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p)		rcu_dereference_check(p, rcu_read_lock_any_held())
#define rcu_dereference_sched(p)	rcu_dereference_check(p, rcu_read_lock_any_held())
#define rcu_access_pointer(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_pointer_handoff(p)		(p)

#define rcu_assign_pointer(p, v) do {					\
	ksim_fine_yield();						\
	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE);			\
} while (0)
#define RCU_INIT_POINTER(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define RCU_INITIALIZER(v)	(v)
#define rcu_replace_pointer(rcu_ptr, ptr, c) ({				\
	typeof(ptr) __rrp_tmp = rcu_dereference_protected((rcu_ptr), (c)); \
	rcu_assign_pointer((rcu_ptr), (ptr));				\
	__rrp_tmp; })

#define synchronize_rcu()		ksim_synchronize_rcu(__FILE__, __LINE__, __func__)
#define synchronize_rcu_expedited()	ksim_synchronize_rcu(__FILE__, __LINE__, __func__)
#define rcu_barrier()			ksim_rcu_barrier(__FILE__, __LINE__, __func__)

/* kfree_rcu: the kernel's trick, the field offset in place of a callback. */
#define KSIM_KFREE_RCU_MAX_OFFSET	4096
#define kfree_rcu(ptr, rhf) do {					\
	typeof(ptr) ___kr_p = (ptr);					\
	BUILD_BUG_ON(offsetof(typeof(*(ptr)), rhf) >= KSIM_KFREE_RCU_MAX_OFFSET); \
	if (___kr_p)							\
		call_rcu(&___kr_p->rhf, (rcu_callback_t)(unsigned long)	\
			 offsetof(typeof(*(ptr)), rhf));		\
} while (0)
#define kvfree_rcu(ptr, rhf)	kfree_rcu(ptr, rhf)

static inline void init_rcu_head(struct rcu_head *head) { (void)head; }
static inline void destroy_rcu_head(struct rcu_head *head) { (void)head; }

#endif
