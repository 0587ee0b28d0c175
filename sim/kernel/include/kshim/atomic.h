/*
 * atomic_t, atomic64_t, atomic_long_t. As in the kernel, operations that
 * return a value are fully ordered; the void ones are relaxed. Each is a
 * switch point in the sched backend's fine mode.
 */
#ifndef KSHIM_ATOMIC_H
#define KSHIM_ATOMIC_H

#include <kshim/compiler.h>

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

#define __KSIM_ATOMIC_OPS(pfx, atype, ctype)					\
static inline ctype pfx##_read(const atype *v)					\
{ ksim_fine_yield(); return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }	\
static inline void pfx##_set(atype *v, ctype i)					\
{ ksim_fine_yield(); __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline ctype pfx##_read_acquire(const atype *v)				\
{ ksim_fine_yield(); return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); }	\
static inline void pfx##_set_release(atype *v, ctype i)				\
{ ksim_fine_yield(); __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }	\
static inline void pfx##_add(ctype i, atype *v)					\
{ ksim_fine_yield(); __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline void pfx##_sub(ctype i, atype *v)					\
{ ksim_fine_yield(); __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline void pfx##_inc(atype *v) { pfx##_add(1, v); }			\
static inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }			\
static inline void pfx##_or(ctype i, atype *v)					\
{ ksim_fine_yield(); __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline void pfx##_and(ctype i, atype *v)					\
{ ksim_fine_yield(); __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline ctype pfx##_fetch_add(ctype i, atype *v)				\
{ ksim_fine_yield(); return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline ctype pfx##_fetch_sub(ctype i, atype *v)				\
{ ksim_fine_yield(); return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline ctype pfx##_fetch_or(ctype i, atype *v)				\
{ ksim_fine_yield(); return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline ctype pfx##_fetch_and(ctype i, atype *v)				\
{ ksim_fine_yield(); return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline ctype pfx##_add_return(ctype i, atype *v)			\
{ return pfx##_fetch_add(i, v) + i; }						\
static inline ctype pfx##_sub_return(ctype i, atype *v)			\
{ return pfx##_fetch_sub(i, v) - i; }						\
static inline ctype pfx##_inc_return(atype *v) { return pfx##_add_return(1, v); } \
static inline ctype pfx##_dec_return(atype *v) { return pfx##_sub_return(1, v); } \
static inline bool pfx##_dec_and_test(atype *v) { return pfx##_dec_return(v) == 0; } \
static inline bool pfx##_inc_and_test(atype *v) { return pfx##_inc_return(v) == 0; } \
static inline bool pfx##_sub_and_test(ctype i, atype *v)			\
{ return pfx##_sub_return(i, v) == 0; }					\
static inline ctype pfx##_xchg(atype *v, ctype n)				\
{ ksim_fine_yield(); return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); } \
static inline ctype pfx##_cmpxchg(atype *v, ctype o, ctype n)			\
{										\
	ksim_fine_yield();							\
	__atomic_compare_exchange_n(&v->counter, &o, n, false,			\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	return o;								\
}										\
static inline bool pfx##_try_cmpxchg(atype *v, ctype *o, ctype n)		\
{										\
	ksim_fine_yield();							\
	return __atomic_compare_exchange_n(&v->counter, o, n, false,		\
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
}										\
/* Add a to v unless v == u; returns true if it added. */			\
static inline bool pfx##_add_unless(atype *v, ctype a, ctype u)		\
{										\
	ctype c = pfx##_read(v);						\
	do {									\
		if (c == u)							\
			return false;						\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));				\
	return true;								\
}										\
static inline bool pfx##_inc_not_zero(atype *v) { return pfx##_add_unless(v, 1, 0); }

__KSIM_ATOMIC_OPS(atomic, atomic_t, int)
__KSIM_ATOMIC_OPS(atomic64, atomic64_t, s64)
__KSIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

/* Plain-value helpers the kernel also offers. */
#define xchg(p, n) ({ ksim_fine_yield(); __atomic_exchange_n((p), (n), __ATOMIC_SEQ_CST); })
#define cmpxchg(p, o, n) ({						\
	__unqual_scalar_typeof(*(p)) __cx_old = (o);			\
	ksim_fine_yield();						\
	__atomic_compare_exchange_n((p), &__cx_old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	__cx_old; })

#endif
