/* struct completion: one-shot or counted events a task can wait for. */
#ifndef KSHIM_COMPLETION_H
#define KSHIM_COMPLETION_H

#include <kshim/compiler.h>

struct completion {
	unsigned int done;	/* pending completions (UINT_MAX: complete_all); atomic */
};

#define COMPLETION_INITIALIZER(work)		{ 0 }
#define DECLARE_COMPLETION(work)		struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work)	DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	__atomic_store_n(&x->done, 0, __ATOMIC_RELAXED);
}
#define reinit_completion(x)	init_completion(x)

void complete(struct completion *x);
void complete_all(struct completion *x);
void ksim_wait_for_completion(struct completion *x, const char *file, int line, const char *func);
#define wait_for_completion(x)	ksim_wait_for_completion((x), __FILE__, __LINE__, __func__)
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);

#endif
