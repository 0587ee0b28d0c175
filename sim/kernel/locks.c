/*
 * spinlock_t and struct mutex slow paths: lockdep, context tracking,
 * tracing and the sched backend's switch points around the backend's
 * lock word.
 */
#include "internal.h"

void ksim_spin_lock_init(spinlock_t *l, const char *name, const struct lock_class_key *key)
{
	l->impl.word = 0;
	l->impl.owner = NULL;
	ksim_lockdep_init_map(&l->dep_map, name, key, KSIM_LK_SPIN);
}

void ksim_mutex_init(struct mutex *m, const char *name, const struct lock_class_key *key)
{
	m->impl.word = 0;
	m->impl.owner = NULL;
	ksim_lockdep_init_map(&m->dep_map, name, key, KSIM_LK_MUTEX);
}

/* KSIM_BE(lock_*), with the threads backend's lock word inline (kshim/ksim.h). */
static inline void be_lock_acquire(struct ksim_lock_impl *l, bool sleeping)
{
	if (KSIM_FLAG(ksim_sched_active))
		sch_lock_acquire(l, sleeping);
	else
		ksim_lock_word_acquire(l, sleeping);
}

static inline bool be_lock_trylock(struct ksim_lock_impl *l)
{
	if (KSIM_FLAG(ksim_sched_active))
		return sch_lock_trylock(l);
	return ksim_lock_word_trylock(l);
}

static inline void be_lock_release(struct ksim_lock_impl *l)
{
	if (KSIM_FLAG(ksim_sched_active))
		sch_lock_release(l);
	else
		ksim_lock_word_release(l);
}

static inline void took(struct ksim_lock_impl *impl, struct lockdep_map *m, bool atomic)
{
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_checkers_on) && t) {
		impl->owner = t;
		if (atomic)
			t->preempt_count++;
	}
	sim_trace(SIM_EV_BEGIN, "lock", m->name, NULL);
}

/* Returns false when the release must not touch the lock word. */
static inline bool dropping(struct ksim_lock_impl *impl, struct lockdep_map *m, bool atomic,
		     const char *file, int line)
{
	struct task_struct *t = current;

	sim_trace(SIM_EV_END, "lock", m->name, NULL);
	if (KSIM_FLAG(ksim_checkers_on) && t && !t->lockdep_off) {
		if (!ksim_lock_release(m, file, line))
			return false;
		impl->owner = NULL;
		if (atomic && t->preempt_count > 0)
			t->preempt_count--;
	}
	return true;
}

void ksim_spin_lock_slow(spinlock_t *l, unsigned int subclass, const struct ksim_site *site)
{
	if (KSIM_FLAG(ksim_checkers_on) &&
	    ksim_lock_acquire(&l->dep_map, subclass, 0, 0, site->file, site->line, site->func))
		return;		/* re-acquire of a held lock: reported, not taken */
	ksim_switch_point();
	be_lock_acquire(&l->impl, false);
	took(&l->impl, &l->dep_map, true);
}

void ksim_spin_unlock_slow(spinlock_t *l, const struct ksim_site *site)
{
	if (!dropping(&l->impl, &l->dep_map, true, site->file, site->line))
		return;
	be_lock_release(&l->impl);
	ksim_switch_point();
}

int ksim_spin_trylock_slow(spinlock_t *l, const struct ksim_site *site)
{
	ksim_switch_point();
	if (!be_lock_trylock(&l->impl))
		return 0;
	if (KSIM_FLAG(ksim_checkers_on))
		ksim_lock_acquire(&l->dep_map, 0, 1, 0, site->file, site->line, site->func);
	took(&l->impl, &l->dep_map, true);
	return 1;
}

void ksim_mutex_lock_slow(struct mutex *m, unsigned int subclass, const struct ksim_site *site)
{
	if (KSIM_FLAG(ksim_checkers_on)) {
		ksim_might_sleep(site->file, site->line, site->func);
		if (ksim_lock_acquire(&m->dep_map, subclass, 0, 0, site->file, site->line, site->func))
			return;
	}
	ksim_switch_point();
	be_lock_acquire(&m->impl, true);
	took(&m->impl, &m->dep_map, false);
}

int ksim_mutex_trylock_slow(struct mutex *m, const struct ksim_site *site)
{
	ksim_switch_point();
	if (!be_lock_trylock(&m->impl))
		return 0;
	if (KSIM_FLAG(ksim_checkers_on))
		ksim_lock_acquire(&m->dep_map, 0, 1, 0, site->file, site->line, site->func);
	took(&m->impl, &m->dep_map, false);
	return 1;
}

void ksim_mutex_unlock_slow(struct mutex *m, const struct ksim_site *site)
{
	if (!dropping(&m->impl, &m->dep_map, false, site->file, site->line))
		return;
	be_lock_release(&m->impl);
	ksim_switch_point();
}

void ksim_mutex_destroy(struct mutex *m, const char *file, int line, const char *func)
{
	if (mutex_is_locked(m))
		ksim_warn(file, line, func, false, "DEBUG_LOCKS_WARN_ON(mutex_is_locked(%s))",
			  m->dep_map.name);
}

void ksim_seqcount_assert_writer(spinlock_t *lock, const char *file, int line, const char *func)
{
	ksim_lockdep_assert_held(&lock->dep_map, true, lock->dep_map.name, file, line, func);
}
