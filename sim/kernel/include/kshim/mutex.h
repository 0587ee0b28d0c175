/* struct mutex: a sleeping lock (might_sleep checked on every lock). */
#ifndef KSHIM_MUTEX_H
#define KSHIM_MUTEX_H

#include <kshim/compiler.h>
#include <kshim/lockdep.h>
#include <kshim/bug.h>

struct mutex {
	struct ksim_lock_impl impl;	/* the lock word (backend) */
	struct lockdep_map dep_map;	/* class and name (lockdep) */
};

#define __MUTEX_INITIALIZER(lockname) \
	{ .impl = KSIM_LOCK_IMPL_INIT, .dep_map = KSIM_DEP_MAP_INIT(#lockname, KSIM_LK_MUTEX) }
#define DEFINE_MUTEX(x)	struct mutex x = __MUTEX_INITIALIZER(x)

void ksim_mutex_init(struct mutex *m, const char *name, const struct lock_class_key *key);
#define mutex_init(m) do {						\
	static struct lock_class_key __key;				\
	ksim_mutex_init((m), #m, &__key);				\
} while (0)

void ksim_mutex_lock_slow(struct mutex *m, unsigned int subclass, const struct ksim_site *site);
int ksim_mutex_trylock_slow(struct mutex *m, const struct ksim_site *site);
void ksim_mutex_unlock_slow(struct mutex *m, const struct ksim_site *site);
void ksim_mutex_destroy(struct mutex *m, const char *file, int line, const char *func);

static __always_inline void __ksim_mutex_lock(struct mutex *m, unsigned int subclass,
					      const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		ksim_mutex_lock_slow(m, subclass, site);
	else
		ksim_lock_word_acquire(&m->impl, true);
}

static __always_inline int __ksim_mutex_trylock(struct mutex *m, const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		return ksim_mutex_trylock_slow(m, site);
	return ksim_lock_word_trylock(&m->impl);
}

static __always_inline void __ksim_mutex_unlock(struct mutex *m, const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		ksim_mutex_unlock_slow(m, site);
	else
		ksim_lock_word_release(&m->impl);
}

#define mutex_lock_nested(m, sub) __ksim_mutex_lock((m), (sub), KSIM_SITE())
#define mutex_lock(m)		mutex_lock_nested(m, 0)
#define mutex_lock_interruptible(m) ({ mutex_lock(m); 0; })
#define mutex_lock_killable(m)	({ mutex_lock(m); 0; })
#define mutex_trylock(m)	__ksim_mutex_trylock((m), KSIM_SITE())
#define mutex_unlock(m)		__ksim_mutex_unlock((m), KSIM_SITE())
#define mutex_is_locked(m)	(__atomic_load_n(&(m)->impl.word, __ATOMIC_RELAXED) != 0)
#define mutex_destroy(m)	ksim_mutex_destroy((m), __FILE__, __LINE__, __func__)

#endif
