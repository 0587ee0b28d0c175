/*
 * Sanitizer glue for the sched backend. Every hook compiles to nothing in
 * a build without the matching sanitizer, so plain builds link without
 * the sanitizer runtimes.
 *
 * TSan: simulated tasks are TSan fibers switched with no_sync, so TSan
 * sees them as concurrent threads and reports real races between them.
 * The scheduler's own bookkeeping (task table, run queue, lock words) is
 * touched by whichever task happens to run the scheduler, which TSan
 * would call a race; it is bracketed with sch_tsan_ignore_begin/end. The
 * happens-before edges a kernel gives (lock release -> acquire, task
 * creation -> first instruction, last instruction -> join) are annotated
 * explicitly with sch_tsan_release/acquire, outside those brackets.
 */
#ifndef KSIM_SCHED_SAN_H
#define KSIM_SCHED_SAN_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
# define SCH_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SCH_ASAN 1
# endif
#endif

#if defined(__SANITIZE_THREAD__)
# define SCH_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define SCH_TSAN 1
# endif
#endif

#ifdef SCH_ASAN
# include <sanitizer/asan_interface.h>
# include <sanitizer/common_interface_defs.h>
#endif

#ifdef SCH_TSAN
# include <sanitizer/tsan_interface.h>
/* Exported by the TSan runtime (gcc and clang) but not declared in its header. */
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);

/*
 * Ignore nesting of the running fiber. A fiber must not stay ignoring
 * while switched away (TSan refuses to destroy such a fiber, and a blocked
 * task is destroyed that way after a deadlock), so coro_switch ends them
 * all before a switch and restores them on return. Only touched while
 * ignoring, so TSan never sees it.
 */
extern __thread int sch_tsan_depth;

static inline void sch_tsan_ignore_begin(void)
{
	__tsan_ignore_thread_begin();
	sch_tsan_depth++;
}

static inline void sch_tsan_ignore_end(void)
{
	sch_tsan_depth--;
	__tsan_ignore_thread_end();
}
static inline void sch_tsan_acquire(void *addr) { __tsan_acquire(addr); }
static inline void sch_tsan_release(void *addr) { __tsan_release(addr); }

/*
 * Around calls from the scheduler into generic code (sim_random, reports,
 * wait conditions): a pthread mutex taken there would order whichever
 * tasks happen to make scheduling choices and hide their races.
 */
void AnnotateIgnoreSyncBegin(const char *file, int line);
void AnnotateIgnoreSyncEnd(const char *file, int line);
static inline void sch_tsan_nosync_begin(void) { AnnotateIgnoreSyncBegin(__FILE__, __LINE__); }
static inline void sch_tsan_nosync_end(void) { AnnotateIgnoreSyncEnd(__FILE__, __LINE__); }
/* TSan reports then name the simulated task instead of "Thread T7". */
static inline void sch_tsan_name(void *fiber, const char *name) { __tsan_set_fiber_name(fiber, name); }
#else
static inline void sch_tsan_name(void *fiber, const char *name) { (void)fiber; (void)name; }
static inline void sch_tsan_nosync_begin(void) { }
static inline void sch_tsan_nosync_end(void) { }
static inline void sch_tsan_ignore_begin(void) { }
static inline void sch_tsan_ignore_end(void) { }
static inline void sch_tsan_acquire(void *addr) { (void)addr; }
static inline void sch_tsan_release(void *addr) { (void)addr; }
#endif

#endif
