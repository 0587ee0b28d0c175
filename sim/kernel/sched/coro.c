/*
 * Coroutine engine of the sched backend (see coro.h).
 *
 * glibc's fortified _longjmp (__longjmp_chk) aborts on a jump to another
 * stack, so fortify is switched off for this file before any header; if
 * it is still on (a forced include got there first) the engine falls back
 * to swapcontext on every switch, which is correct but about 20x slower.
 */
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coro.h"
#include "san.h"

#if defined(__USE_FORTIFY_LEVEL) && __USE_FORTIFY_LEVEL > 0
# define CORO_FAST 0
#elif defined(KSIM_CORO_UCONTEXT)
# define CORO_FAST 0	/* forced from the build, e.g. to compare costs */
#else
# define CORO_FAST 1
#endif

#ifdef SCH_TSAN
__thread int sch_tsan_depth;
#endif

/* TSan: leave every ignore bracket before a switch; returns how many. */
static inline int tsan_suspend(void)
{
#ifdef SCH_TSAN
	int depth = sch_tsan_depth;

	for (int i = 0; i < depth; i++)
		sch_tsan_ignore_end();
	return depth;
#else
	return 0;
#endif
}

static inline void tsan_resume(int depth)
{
	for (int i = 0; i < depth; i++)
		sch_tsan_ignore_begin();
}

/* The coroutine being entered or resumed, and the one that switched to it. */
static __thread struct coro *coro_running;
static __thread struct coro *coro_prev;

const char *coro_method(void)
{
	return CORO_FAST ? "setjmp" : "ucontext";
}

/* ASan: announce the stack we are about to run on; fake = NULL when leaving for good. */
static inline void asan_start(struct coro *from, struct coro *to, bool dying)
{
#ifdef SCH_ASAN
	__sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake,
				       to->stack_bottom, to->stack_size);
#else
	(void)from; (void)to; (void)dying;
#endif
}

/* TSan: from here on, accesses belong to the target fiber (no sync: concurrent). */
static inline void tsan_switch(void *fiber)
{
#ifdef SCH_TSAN
	__tsan_switch_to_fiber(fiber, __tsan_switch_to_fiber_no_sync);
#else
	(void)fiber;
#endif
}

/*
 * ASan: we run again on self's stack. The bounds of the stack we came
 * from are learnt here; that is the only way to know the thread's own
 * stack, which the main context needs when it is switched back to.
 */
static inline void san_finish(struct coro *self)
{
#ifdef SCH_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(self ? self->asan_fake : NULL, &bottom, &size);
	if (coro_prev && !coro_prev->map) {
		coro_prev->stack_bottom = bottom;
		coro_prev->stack_size = size;
	}
#else
	(void)self;
#endif
}

int coro_init_main(struct coro *c)
{
	*c = (struct coro){ .started = true };
#ifdef SCH_TSAN
	c->tsan_fiber = __tsan_get_current_fiber();
#endif
	return 0;
}

static void coro_entry(void)
{
	struct coro *self;

	sch_tsan_ignore_begin();	/* a new fiber reads the engine's state */
	self = coro_running;
	san_finish(NULL);
	sch_tsan_ignore_end();
	self->fn(self->arg);
	abort();	/* fn must leave through coro_exit_to() */
}

/*
 * Stacks of destroyed coroutines, kept for the next ones: the explorer
 * creates and destroys a handful of tasks per run, thousands of runs a
 * second, and mmap + mprotect + munmap + first-touch page faults would
 * cost more than the run itself. Each entry keeps its guard page.
 */
#define CORO_STACK_CACHE	16

struct coro_stack {
	void *map;
	size_t len;
};

static __thread struct coro_stack coro_stack_cache[CORO_STACK_CACHE];
static __thread unsigned int coro_stack_cached;

static void *coro_stack_get(size_t len)
{
	for (unsigned int i = coro_stack_cached; i-- > 0;) {
		struct coro_stack *cs = &coro_stack_cache[i];
		void *map;

		if (cs->len != len)
			continue;
		map = cs->map;
		*cs = coro_stack_cache[--coro_stack_cached];
		return map;
	}
	return NULL;
}

static void coro_stack_put(void *map, size_t len)
{
	if (coro_stack_cached == CORO_STACK_CACHE) {
		munmap(map, len);
		return;
	}
	coro_stack_cache[coro_stack_cached++] = (struct coro_stack){ map, len };
}

/*
 * A stack of len bytes, guard page (the first page) included; NULL on
 * failure. Not inlined: gcc's -Wclobbered cannot follow it next to getcontext.
 */
static __attribute__((noinline)) void *coro_stack_alloc(size_t len, size_t page)
{
	void *map = coro_stack_get(len);

	if (map)
		return map;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	/* the guard page: an overflow faults instead of corrupting a neighbour */
	if (mprotect(map, page, PROT_NONE)) {
		munmap(map, len);
		return NULL;
	}
	return map;
}

int coro_create(struct coro *c, size_t stack_size, void (*fn)(void *arg), void *arg)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const size_t size = ((stack_size ? stack_size : CORO_DEFAULT_STACK) + page - 1) & ~(page - 1);
	const size_t len = size + page;
	void *const map = coro_stack_alloc(len, page);

	if (!map)
		return -ENOMEM;
	*c = (struct coro){
		.map = map, .map_len = len,
		.stack_bottom = (char *)map + page, .stack_size = size,
		.fn = fn, .arg = arg,
	};
	if (getcontext(&c->uc))
		goto fail;
	c->uc.uc_stack.ss_sp = (char *)map + page;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, coro_entry, 0);
#ifdef SCH_TSAN
	c->tsan_fiber = __tsan_create_fiber(0);
#endif
	return 0;
fail:
	coro_stack_put(map, len);
	return -ENOMEM;
}

/*
 * ASan: the switch jumps with the compiler's __builtin_setjmp/longjmp from
 * an uninstrumented helper. A plain _longjmp goes through ASan's
 * interceptor, and every noreturn call gets __asan_handle_no_return: each
 * makes a sigaltstack syscall to unpoison the stack being left, ~11% of a
 * fuzz_api input. The stack is not abandoned here (the fiber annotations
 * already tell ASan which stack runs), and a dying coroutine's whole stack
 * is unpoisoned by coro_destroy, so nothing is lost. Both ends of a jump
 * must use the same pair: CORO_SETJMP/coro_jump everywhere. The jump sits
 * behind a volatile flag that is always true: a call the compiler knows
 * (or infers) never returns would get the hook again.
 */
#ifdef SCH_ASAN
# define CORO_SETJMP(jb)	__builtin_setjmp((void **)(jb))

static volatile bool coro_jump_armed = true;

static __attribute__((no_sanitize("address"), noinline)) void coro_jump(jmp_buf jb)
{
	if (coro_jump_armed)
		__builtin_longjmp((void **)jb, 1);
}
#else
# define CORO_SETJMP(jb)	_setjmp(jb)
# define coro_jump(jb)		_longjmp(jb, 1)
#endif

/*
 * Both switches' bookkeeping, up to the jump: which coroutine runs, and
 * the sanitizers told about the new stack. Returns whether `to` starts
 * here (its first entry goes through setcontext); *depth is TSan's
 * ignore depth to restore on the way back. Inlined so the switch stays
 * one frame, as the sanitizers' fiber calls expect.
 */
static inline __attribute__((always_inline)) bool
coro_enter(struct coro *from, struct coro *to, bool exiting, int *depth)
{
	void *fiber;
	bool first;

	coro_prev = from;
	coro_running = to;
	first = !to->started;
	to->started = true;
	fiber = to->tsan_fiber;
	asan_start(from, to, exiting);
	*depth = tsan_suspend();	/* no shared memory is touched after this */
	tsan_switch(fiber);
	return first;
}

/*
 * TSan: the engine's state is shared by every fiber, so it is kept out of
 * TSan's view; `first` and `depth` are locals, not written after _setjmp.
 */
void coro_switch(struct coro *from, struct coro *to)
{
	bool first;
	int depth;

	sch_tsan_ignore_begin();
	first = coro_enter(from, to, false, &depth);
#if CORO_FAST
	if (CORO_SETJMP(from->jb) == 0) {
		if (!first)
			coro_jump(to->jb);
		setcontext(&to->uc);	/* first entry only: one sigprocmask */
		abort();
	}
#else
	(void)first;
	swapcontext(&from->uc, &to->uc);
#endif
	tsan_resume(depth);
	san_finish(from);
	sch_tsan_ignore_end();
}

void coro_exit_to(struct coro *from, struct coro *to)
{
	bool first;
	int depth;

	sch_tsan_ignore_begin();
	/* TSan refuses to destroy a fiber left ignoring: its depth is not restored */
	first = coro_enter(from, to, true, &depth);
	(void)depth;
#if CORO_FAST
	if (!first)
		coro_jump(to->jb);
#else
	(void)first;
#endif
	setcontext(&to->uc);
	abort();
}

void coro_destroy(struct coro *c)
{
	if (!c->map)
		return;
#ifdef SCH_ASAN
	/* frames left on an abandoned stack stay poisoned; the range gets reused */
	__asan_unpoison_memory_region(c->map, c->map_len);
#endif
#ifdef SCH_TSAN
	__tsan_destroy_fiber(c->tsan_fiber);
#endif
	coro_stack_put(c->map, c->map_len);
	c->map = NULL;
}
