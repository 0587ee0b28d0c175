/*
 * seqcount_t and seqcount_spinlock_t. The threads backend uses
 * ck_sequence; TSan builds use C11 atomics; on the sched backend every
 * begin/retry/write_begin/write_end is a switch point and a reader that
 * finds a write in progress lets the writer run. Readers must copy the
 * protected fields with READ_ONCE (field by field) so TSan stays quiet.
 */
#ifndef KSHIM_SEQLOCK_H
#define KSHIM_SEQLOCK_H

#include <kshim/compiler.h>
#include <kshim/spinlock.h>
#ifndef KSIM_TSAN
#include <ck_sequence.h>
#endif

typedef struct seqcount {
#ifndef KSIM_TSAN
	ck_sequence_t ck;		/* odd while a writer is inside */
#else
	unsigned int sequence;		/* odd while a writer is inside */
#endif
} seqcount_t;

/* A seqcount whose writers are serialized by a spinlock (asserted). */
typedef struct seqcount_spinlock {
	seqcount_t seqcount;
	spinlock_t *lock;		/* the writers' lock; immutable after init */
} seqcount_spinlock_t;

#ifndef KSIM_TSAN
#define SEQCNT_ZERO(name)	{ .ck = CK_SEQUENCE_INITIALIZER }
#else
#define SEQCNT_ZERO(name)	{ .sequence = 0 }
#endif

static inline unsigned int *ksim_seq_word(const seqcount_t *s)
{
#ifndef KSIM_TSAN
	return (unsigned int *)&s->ck.sequence;
#else
	return (unsigned int *)&s->sequence;
#endif
}

static inline void seqcount_init(seqcount_t *s)
{
	__atomic_store_n(ksim_seq_word(s), 0, __ATOMIC_RELAXED);
}

#define seqcount_spinlock_init(s, l) do {				\
	seqcount_init(&(s)->seqcount);					\
	(s)->lock = (l);						\
} while (0)

/* Either seqcount type to its seqcount_t (the kernel does this with _Generic too). */
#define __ksim_seqcount(s) _Generic((s),					\
	seqcount_t *: (seqcount_t *)(void *)(s),				\
	const seqcount_t *: (seqcount_t *)(void *)(s),				\
	seqcount_spinlock_t *: &((seqcount_spinlock_t *)(void *)(s))->seqcount,	\
	const seqcount_spinlock_t *: &((seqcount_spinlock_t *)(void *)(s))->seqcount)
#define __ksim_seqlock(s) _Generic((s),						\
	seqcount_spinlock_t *: ((seqcount_spinlock_t *)(void *)(s))->lock,	\
	const seqcount_spinlock_t *: ((seqcount_spinlock_t *)(void *)(s))->lock, \
	default: (spinlock_t *)NULL)

static inline unsigned int ksim_read_seqcount_begin(const seqcount_t *s)
{
	unsigned int seq;

	if (unlikely(KSIM_FLAG(ksim_sched_active)))
		ksim_switch_point();
#ifndef KSIM_TSAN
	if (likely(!KSIM_FLAG(ksim_sched_active)))
		return ck_sequence_read_begin(&s->ck);
#endif
	while ((seq = __atomic_load_n(ksim_seq_word(s), __ATOMIC_ACQUIRE)) & 1)
		ksim_spin_wait();
	return seq;
}

static inline int ksim_read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	int r;

#ifndef KSIM_TSAN
	r = ck_sequence_read_retry(&s->ck, start);
#else
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	r = __atomic_load_n(ksim_seq_word(s), __ATOMIC_RELAXED) != start;
#endif
	if (unlikely(KSIM_FLAG(ksim_sched_active)))
		ksim_switch_point();
	return r;
}

void ksim_seqcount_assert_writer(spinlock_t *lock, const char *file, int line, const char *func);

static inline void ksim_write_seqcount_begin(seqcount_t *s, spinlock_t *lock,
					     const char *file, int line, const char *func)
{
	if (unlikely(KSIM_FLAG(ksim_checkers_on)) && lock)
		ksim_seqcount_assert_writer(lock, file, line, func);
	if (unlikely(KSIM_FLAG(ksim_sched_active)))
		ksim_switch_point();
#ifndef KSIM_TSAN
	ck_sequence_write_begin(&s->ck);
#else
	__atomic_store_n(&s->sequence, __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
#endif
}

static inline void ksim_write_seqcount_end(seqcount_t *s)
{
#ifndef KSIM_TSAN
	ck_sequence_write_end(&s->ck);
#else
	__atomic_store_n(&s->sequence, __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
#endif
	if (unlikely(KSIM_FLAG(ksim_sched_active)))
		ksim_switch_point();
}

#define read_seqcount_begin(s)		ksim_read_seqcount_begin(__ksim_seqcount(s))
#define raw_read_seqcount_begin(s)	ksim_read_seqcount_begin(__ksim_seqcount(s))
#define read_seqcount_retry(s, start)	ksim_read_seqcount_retry(__ksim_seqcount(s), (start))
#define write_seqcount_begin(s) \
	ksim_write_seqcount_begin(__ksim_seqcount(s), __ksim_seqlock(s), __FILE__, __LINE__, __func__)
#define raw_write_seqcount_begin(s) \
	ksim_write_seqcount_begin(__ksim_seqcount(s), NULL, __FILE__, __LINE__, __func__)
#define write_seqcount_end(s)		ksim_write_seqcount_end(__ksim_seqcount(s))
#define raw_write_seqcount_end(s)	ksim_write_seqcount_end(__ksim_seqcount(s))

#endif
