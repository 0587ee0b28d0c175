/*
 * Compiler helpers and memory-ordering primitives with the kernel's names.
 * READ_ONCE/WRITE_ONCE are relaxed atomics (so TSan sees only real races)
 * and, on the sched backend in fine mode, switch points.
 */
#ifndef KSHIM_COMPILER_H
#define KSHIM_COMPILER_H

#include <stddef.h>
#include <kshim/types.h>
#include <kshim/ksim.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" : : : "memory")

#define __rcu
#define __user
#define __iomem
#define __percpu
#define __force
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#ifndef __bitwise
#define __bitwise
#endif
#define __must_check	__attribute__((warn_unused_result))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#define noinline	__attribute__((noinline))
#define __maybe_unused	__attribute__((unused))
#define __always_unused	__attribute__((unused))
#define __used		__attribute__((used))
#define __cold		__attribute__((cold))
#define __noreturn	__attribute__((noreturn))
#define __packed	__attribute__((packed))
#define __aligned(x)	__attribute__((aligned(x)))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define fallthrough	__attribute__((fallthrough))

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define __must_be_array(a)	BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#define container_of(ptr, type, member) ({				\
	void *__mptr = (void *)(ptr);					\
	((type *)((char *)__mptr - offsetof(type, member))); })
#define container_of_const(ptr, type, member) container_of(ptr, type, member)

/* The type of x without qualifiers, for scalar x (kernel technique). */
#define __ksim_scalar_cases(type)					\
	unsigned type: (unsigned type)0, signed type: (signed type)0
#define __unqual_scalar_typeof(x) typeof(				\
	_Generic((x),							\
		 char: (char)0,						\
		 __ksim_scalar_cases(char),				\
		 __ksim_scalar_cases(short),				\
		 __ksim_scalar_cases(int),				\
		 __ksim_scalar_cases(long),				\
		 __ksim_scalar_cases(long long),			\
		 _Bool: (_Bool)0,					\
		 default: ((void)0, (x))))

#define READ_ONCE(x) ({							\
	__unqual_scalar_typeof(x) __ro_val;				\
	ksim_fine_yield();						\
	__atomic_load(&(x), &__ro_val, __ATOMIC_RELAXED);		\
	__ro_val; })

#define WRITE_ONCE(x, val) do {						\
	__unqual_scalar_typeof(x) __wo_val = (val);			\
	ksim_fine_yield();						\
	__atomic_store(&(x), &__wo_val, __ATOMIC_RELAXED);		\
} while (0)

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define mb()		smp_mb()
#define rmb()		smp_rmb()
#define wmb()		smp_wmb()
#if defined(__x86_64__) && !defined(KSIM_TSAN)
/*
 * As on x86 in the kernel: every atomic read-modify-write is a locked
 * instruction, itself a full barrier, so only the compiler needs fencing.
 * (A seq_cst fence here would add an mfence after the locked op.)
 */
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()
#else
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#endif
#define smp_mb__after_spinlock()	smp_mb()

#define smp_store_release(p, v) do {					\
	__unqual_scalar_typeof(*(p)) __sr_val = (v);			\
	ksim_fine_yield();						\
	__atomic_store((p), &__sr_val, __ATOMIC_RELEASE);		\
} while (0)

#define smp_load_acquire(p) ({						\
	__unqual_scalar_typeof(*(p)) __la_val;				\
	ksim_fine_yield();						\
	__atomic_load((p), &__la_val, __ATOMIC_ACQUIRE);		\
	__la_val; })

#define smp_store_mb(var, value) do { WRITE_ONCE(var, value); smp_mb(); } while (0)
#define cpu_relax()	__builtin_ia32_pause()

/* min/max without the kernel's strict type check: use min_t for mixed types. */
#define min(x, y) ({ __auto_type __mx = (x); __auto_type __my = (y); __mx < __my ? __mx : __my; })
#define max(x, y) ({ __auto_type __mx = (x); __auto_type __my = (y); __mx > __my ? __mx : __my; })
#define min_t(type, x, y) ({ type __mx = (x); type __my = (y); __mx < __my ? __mx : __my; })
#define max_t(type, x, y) ({ type __mx = (x); type __my = (y); __mx > __my ? __mx : __my; })
#define min3(x, y, z)	min(min(x, y), z)
#define max3(x, y, z)	max(max(x, y), z)
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define swap(a, b) do { typeof(a) __sw_tmp = (a); (a) = (b); (b) = __sw_tmp; } while (0)

#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define _THIS_IP_	({ __label__ __here; __here: (unsigned long)&&__here; })

#endif
