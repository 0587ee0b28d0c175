/*
 * The threads backend: every task is a pthread (all signals blocked),
 * spinlocks are ck fas locks (C11 atomics in TSan builds), blocking waits
 * sleep on one condition variable with a generation counter.
 */
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>
#include "../internal.h"
#ifndef KSIM_TSAN
#include <ck_spinlock.h>
#endif

struct thr_task {
	pthread_t th;
};

static pthread_mutex_t wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wait_cv;
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;
static unsigned long wait_gen;	/* atomic */
static int waiters;		/* atomic */

static void cv_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&wait_cv, &a);
	pthread_condattr_destroy(&a);
}

/* Readers may skip their barrier when grace periods can force one (sim/kernel/srcu.c). */
static void membarrier_init(void)
{
#ifndef KSIM_TSAN
	/* as liburcu-memb: the private expedited command, registered once per process */
	if (urcu_memb_has_sys_membarrier &&
	    !syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0))
		__atomic_store_n(&ksim_membarrier_ok, 1, __ATOMIC_RELAXED);
#endif
}

/* A full barrier on every running thread of the process. */
void thr_membarrier(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0))
		abort();	/* registered in thr_sim_init: cannot fail */
}

int thr_sim_init(struct sim *sim)
{
	(void)sim;
	pthread_once(&cv_once, cv_init);
	thr_rcu_register();
	membarrier_init();
	return 0;
}

void thr_sim_exit(struct sim *sim)
{
	(void)sim;
	__atomic_store_n(&ksim_membarrier_ok, 0, __ATOMIC_RELAXED);
	thr_rcu_unregister();
}

static void *trampoline(void *arg)
{
	struct task_struct *t = arg;

	ksim_current_task = t;
	thr_rcu_register();
	t->result = t->fn(t->arg);
	thr_rcu_unregister();
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	thr_notify();
	ksim_current_task = NULL;
	return NULL;
}

int thr_task_start(struct task_struct *t)
{
	struct thr_task *be = calloc(1, sizeof(*be));
	sigset_t all, old;
	int ret;

	if (!be)
		return -ENOMEM;
	t->be = be;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);	/* inherited: runtime threads take no signals */
	ret = pthread_create(&be->th, NULL, trampoline, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		free(be);
		t->be = NULL;
		return -ret;
	}
	return 0;
}

int thr_task_join(struct task_struct *t)
{
	struct thr_task *be = t->be;

	if (!be)
		return -EINVAL;
	pthread_join(be->th, NULL);
	free(be);
	t->be = NULL;
	return t->result;
}

void thr_yield(void)
{
	sched_yield();
}

bool thr_lock_trylock(struct ksim_lock_impl *l)
{
#ifdef KSIM_TSAN
	return __atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE) == 0;
#else
	return ck_spinlock_fas_trylock((ck_spinlock_fas_t *)(void *)&l->word);
#endif
}

void thr_lock_acquire(struct ksim_lock_impl *l, bool sleeping)
{
	unsigned int spins = 0;

	while (!thr_lock_trylock(l)) {
		/* spin on a plain read, then give the holder the cpu (2 cores, many threads) */
		while (__atomic_load_n(&l->word, __ATOMIC_RELAXED)) {
			if (++spins < (sleeping ? 50u : 200u))
				__builtin_ia32_pause();
			else
				sched_yield();
		}
	}
}

void thr_lock_release(struct ksim_lock_impl *l)
{
#ifdef KSIM_TSAN
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
#else
	ck_spinlock_fas_unlock((ck_spinlock_fas_t *)(void *)&l->word);
#endif
}

/*
 * Wait for cond: spin briefly, then sleep until a notify or 1 ms (so a
 * condition nobody notifies, e.g. SRCU readers leaving, is still seen).
 */
int thr_wait_until(bool (*cond)(void *arg), void *arg, const char *what)
{
	(void)what;
	for (unsigned int i = 0;; i++) {
		unsigned long gen = __atomic_load_n(&wait_gen, __ATOMIC_SEQ_CST);
		struct timespec ts;

		if (cond(arg))
			return 0;
		if (i < 20) {
			__builtin_ia32_pause();
			continue;
		}
		if (i < 40) {
			sched_yield();
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&wait_mu);
		__atomic_add_fetch(&waiters, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&wait_gen, __ATOMIC_SEQ_CST) == gen)
			pthread_cond_timedwait(&wait_cv, &wait_mu, &ts);
		__atomic_sub_fetch(&waiters, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&wait_mu);
	}
}

void thr_notify(void)
{
	__atomic_add_fetch(&wait_gen, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&waiters, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&wait_mu);
		pthread_cond_broadcast(&wait_cv);
		pthread_mutex_unlock(&wait_mu);
	}
}
