/*
 * Lock validator. A lock class is keyed by its init site: each expansion
 * of spin_lock_init/mutex_init/init_srcu_struct owns a static
 * struct lock_class_key, and the class is named from the stringified lock
 * expression ("&kvm->irqfds.lock"), as in the kernel. Statically defined
 * locks (DEFINE_SPINLOCK) are keyed by their own map.
 */
#ifndef KSHIM_LOCKDEP_H
#define KSHIM_LOCKDEP_H

#include <kshim/compiler.h>

/* Only its address matters; one byte so two keys never share one. */
struct lock_class_key {
	char __one;
};

enum ksim_lock_kind {
	KSIM_LK_SPIN,		/* spinlock_t: atomic, irq state tracked */
	KSIM_LK_MUTEX,		/* struct mutex: sleeps */
	KSIM_LK_SRCU,		/* srcu_struct: readers recursive, sync waits */
	KSIM_LK_RCU,		/* the RCU read side: shown, not in the graph */
	KSIM_LK_OTHER,
};

struct lockdep_map {
	const struct lock_class_key *key; /* init-site key; NULL = the map itself; immutable after init */
	const char *name;		/* stringified lock expression; immutable after init */
	unsigned int class_cache;	/* cached class (generation << 16 | index); relaxed atomic */
	unsigned char kind;		/* enum ksim_lock_kind; immutable after init */
	bool novalidate;		/* lockdep_set_novalidate_class: not in the graph */
};

#define KSIM_DEP_MAP_INIT(lockname, lkind) \
	{ .key = NULL, .name = lockname, .class_cache = 0, .kind = (lkind), .novalidate = false }

void ksim_lockdep_init_map(struct lockdep_map *m, const char *name,
			   const struct lock_class_key *key, int kind);
/* Record that current acquires m (order, recursion, irq state). Returns 1 when
 * it is a self-deadlocking re-acquire of a held lock: the caller must not take it. */
int ksim_lock_acquire(struct lockdep_map *m, unsigned int subclass, int trylock,
		       int read, const char *file, int line, const char *func);
/* Drop m from current's held locks; false if it was only recursively "held". */
bool ksim_lock_release(struct lockdep_map *m, const char *file, int line);
/* Record that current waits for every holder of m to leave (synchronize_srcu). */
void ksim_lock_wait_for(struct lockdep_map *m, const char *file, int line, const char *func);
bool ksim_lock_is_held(const struct lockdep_map *m);
void ksim_lockdep_assert_held(const struct lockdep_map *m, bool held, const char *expr,
			      const char *file, int line, const char *func);
void ksim_lockdep_assert_irqs(bool want_disabled, const char *file, int line, const char *func);

#define lockdep_assert_held(l) do {					\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lockdep_assert_held(&(l)->dep_map, true, #l,	\
					 __FILE__, __LINE__, __func__);	\
} while (0)
#define lockdep_assert_not_held(l) do {					\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lockdep_assert_held(&(l)->dep_map, false, #l,	\
					 __FILE__, __LINE__, __func__);	\
} while (0)
#define lockdep_assert_held_once(l)	lockdep_assert_held(l)
#define lockdep_assert_held_write(l)	lockdep_assert_held(l)
#define lockdep_assert_held_read(l)	lockdep_assert_held(l)
/* As in the kernel, true when lock checking is off. */
#define lockdep_is_held(l)	(!KSIM_FLAG(ksim_checkers_on) || ksim_lock_is_held(&(l)->dep_map))
#define lockdep_assert(cond)	WARN_ON(KSIM_FLAG(ksim_checkers_on) && !(cond))
#define lockdep_assert_once(cond)						\
	WARN_ONCE(KSIM_FLAG(ksim_checkers_on) && !(cond), "lockdep_assert_once(%s)", #cond)
#define lockdep_assert_irqs_disabled() do {				\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lockdep_assert_irqs(true, __FILE__, __LINE__, __func__); \
} while (0)
#define lockdep_assert_irqs_enabled() do {				\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lockdep_assert_irqs(false, __FILE__, __LINE__, __func__); \
} while (0)

#define lockdep_set_class(l, k) \
	ksim_lockdep_init_map(&(l)->dep_map, (l)->dep_map.name, (k), (l)->dep_map.kind)
#define lockdep_set_class_and_name(l, k, n) \
	ksim_lockdep_init_map(&(l)->dep_map, (n), (k), (l)->dep_map.kind)
/* Keep the lock out of the dependency graph (the kernel's no-validate class). */
#define lockdep_set_novalidate_class(l) ((void)((l)->dep_map.novalidate = true))

/* Raw annotations, as eventfd.c uses them to hide irqfds.lock from lockdep. */
#define spin_acquire(map, sub, trylock, ip) do {			\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lock_acquire((map), (sub), (trylock), 0,		\
				  __FILE__, __LINE__, __func__);	\
} while (0)
#define spin_release(map, ip) do {					\
	if (KSIM_FLAG(ksim_checkers_on))						\
		ksim_lock_release((map), __FILE__, __LINE__);		\
} while (0)
#define mutex_acquire(map, sub, trylock, ip)	spin_acquire(map, sub, trylock, ip)
#define mutex_release(map, ip)			spin_release(map, ip)
#define lock_acquire_exclusive(map, sub, trylock, nest, ip) spin_acquire(map, sub, trylock, ip)
#define lock_release(map, ip)			spin_release(map, ip)

#define SINGLE_DEPTH_NESTING	1
#define MAX_LOCKDEP_SUBCLASSES	8U

#endif
