/*
 * Coroutines on one OS thread: an mmap'd stack with a guard page,
 * makecontext for the first entry, then _setjmp/_longjmp for every switch
 * (swapcontext costs a sigprocmask syscall per switch). Sanitizer fiber
 * annotations are built in. Used only by the sched backend.
 */
#ifndef KSIM_SCHED_CORO_H
#define KSIM_SCHED_CORO_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

#define CORO_DEFAULT_STACK	(256 * 1024)

/* Every field is touched only by the coroutine switch code (one OS thread). */
struct coro {
	jmp_buf jb;			/* registers at the last switch away (fast path) */
	ucontext_t uc;			/* first entry; every switch on the slow path */
	bool started;			/* has run at least once */
	void *map;			/* guard page + stack; NULL for the thread's own context */
	size_t map_len;
	const void *stack_bottom;	/* ASan: lowest stack address; NULL until known (main) */
	size_t stack_size;
	void *asan_fake;		/* ASan: fake stack kept while switched away */
	void *tsan_fiber;		/* TSan: this coroutine's fiber */
	void (*fn)(void *arg);		/* entry; must leave through coro_exit_to() */
	void *arg;
};

/* Turn the calling thread's own context into a coroutine (never freed stack). */
int coro_init_main(struct coro *c);
/* A new coroutine that will run fn(arg) when first switched to. -ENOMEM. */
int coro_create(struct coro *c, size_t stack_size, void (*fn)(void *arg), void *arg);
/* Save from (the running coroutine), resume to. Returns when from is resumed. */
void coro_switch(struct coro *from, struct coro *to);
/* Leave from for good (it will never be resumed) and resume to. */
void coro_exit_to(struct coro *from, struct coro *to) __attribute__((noreturn));
/* Free a coroutine that is not running (its stack is unmapped). */
void coro_destroy(struct coro *c);
/* "setjmp" or "ucontext": which switch the build uses (see coro.c). */
const char *coro_method(void);

#endif
