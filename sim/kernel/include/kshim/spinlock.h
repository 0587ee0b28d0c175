/*
 * spinlock_t (raw_spinlock_t is the same type here). Without checkers on
 * the threads backend a lock is an inline test-and-set on the lock word
 * (contention handled out of line); with checkers every acquire goes
 * through lockdep and the context tracking.
 */
#ifndef KSHIM_SPINLOCK_H
#define KSHIM_SPINLOCK_H

#include <kshim/compiler.h>
#include <kshim/irqflags.h>
#include <kshim/lockdep.h>
#include <kshim/bug.h>

typedef struct spinlock {
	struct ksim_lock_impl impl;	/* the lock word (backend) */
	struct lockdep_map dep_map;	/* class and name (lockdep) */
} spinlock_t;
typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname) \
	{ .impl = KSIM_LOCK_IMPL_INIT, .dep_map = KSIM_DEP_MAP_INIT(#lockname, KSIM_LK_SPIN) }
#define __RAW_SPIN_LOCK_UNLOCKED(lockname)	__SPIN_LOCK_UNLOCKED(lockname)
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

void ksim_spin_lock_init(spinlock_t *l, const char *name, const struct lock_class_key *key);
#define spin_lock_init(l) do {						\
	static struct lock_class_key __key;				\
	ksim_spin_lock_init((l), #l, &__key);				\
} while (0)
#define raw_spin_lock_init(l)	spin_lock_init(l)

void ksim_spin_lock_slow(spinlock_t *l, unsigned int subclass, const struct ksim_site *site);
void ksim_spin_unlock_slow(spinlock_t *l, const struct ksim_site *site);
int ksim_spin_trylock_slow(spinlock_t *l, const struct ksim_site *site);

static __always_inline void __ksim_spin_lock(spinlock_t *l, unsigned int subclass,
					     const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		ksim_spin_lock_slow(l, subclass, site);
	else
		ksim_lock_word_acquire(&l->impl, false);
}

static __always_inline void __ksim_spin_unlock(spinlock_t *l, const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		ksim_spin_unlock_slow(l, site);
	else
		ksim_lock_word_release(&l->impl);
}

static __always_inline int __ksim_spin_trylock(spinlock_t *l, const struct ksim_site *site)
{
	if (unlikely(KSIM_FLAG(ksim_slowpath)))
		return ksim_spin_trylock_slow(l, site);
	return ksim_lock_word_trylock(&l->impl);
}

#define spin_lock_nested(l, sub) __ksim_spin_lock((l), (sub), KSIM_SITE())
#define spin_lock(l)		spin_lock_nested(l, 0)
#define spin_unlock(l)		__ksim_spin_unlock((l), KSIM_SITE())
#define spin_trylock(l)		__ksim_spin_trylock((l), KSIM_SITE())
#define spin_lock_bh(l)		do { local_bh_disable(); spin_lock(l); } while (0)
#define spin_unlock_bh(l)	do { spin_unlock(l); local_bh_enable(); } while (0)
#define spin_lock_irq(l)	do { local_irq_disable(); spin_lock(l); } while (0)
#define spin_unlock_irq(l)	do { spin_unlock(l); local_irq_enable(); } while (0)
#define spin_lock_irqsave(l, flags) do { local_irq_save(flags); spin_lock(l); } while (0)
#define spin_lock_irqsave_nested(l, flags, sub) \
	do { local_irq_save(flags); spin_lock_nested(l, sub); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { spin_unlock(l); local_irq_restore(flags); } while (0)
#define spin_is_locked(l)	(__atomic_load_n(&(l)->impl.word, __ATOMIC_RELAXED) != 0)
#define assert_spin_locked(l)	WARN_ON_ONCE(!spin_is_locked(l))

#define raw_spin_lock(l)		spin_lock(l)
#define raw_spin_unlock(l)		spin_unlock(l)
#define raw_spin_trylock(l)		spin_trylock(l)
#define raw_spin_lock_irq(l)		spin_lock_irq(l)
#define raw_spin_unlock_irq(l)		spin_unlock_irq(l)
#define raw_spin_lock_irqsave(l, f)	spin_lock_irqsave(l, f)
#define raw_spin_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define raw_spin_lock_nested(l, s)	spin_lock_nested(l, s)

#endif
