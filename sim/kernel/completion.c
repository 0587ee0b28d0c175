/* Completions on the backend's wait_until. */
#include "internal.h"
#include <kshim/completion.h>

void complete(struct completion *x)
{
	unsigned int d = __atomic_load_n(&x->done, __ATOMIC_RELAXED);

	do {
		if (d == UINT_MAX)
			break;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d + 1, false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	ksim_notify();
	ksim_switch_point();
}

void complete_all(struct completion *x)
{
	__atomic_store_n(&x->done, UINT_MAX, __ATOMIC_RELEASE);
	ksim_notify();
	ksim_switch_point();
}

bool try_wait_for_completion(struct completion *x)
{
	unsigned int d = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);

	do {
		if (!d)
			return false;
		if (d == UINT_MAX)
			return true;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d - 1, false, __ATOMIC_ACQUIRE,
					      __ATOMIC_ACQUIRE));
	return true;
}

bool completion_done(struct completion *x)
{
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE) != 0;
}

static bool has_done(void *arg)
{
	return completion_done(arg);
}

void ksim_wait_for_completion(struct completion *x, const char *file, int line, const char *func)
{
	ksim_might_sleep(file, line, func);
	while (!try_wait_for_completion(x))
		if (ksim_wait_until(has_done, x, "wait_for_completion"))
			return;
}
