/*
 * The simulation instance: creation and teardown, tasks, the seeded
 * generator, the simulated clock and settling.
 */
#include <time.h>
#include "internal.h"

struct sim *ksim_sim;
__thread struct task_struct *ksim_current_task __attribute__((tls_model("initial-exec")));
int ksim_checkers_on;
int ksim_slowpath;
int ksim_fine_mode;
int ksim_rcu_own;
int ksim_rcu_mode = KSIM_RCU_SLOW;
int ksim_membarrier_ok;

#define KSIM_SET(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void ksim_update_slowpath(void)
{
	int own = 0, mode = KSIM_RCU_INLINE;
	bool membarrier = KSIM_FLAG(ksim_membarrier_ok);

#ifdef KSIM_TSAN
	own = 1;
#endif
	if (KSIM_FLAG(ksim_sched_active))
		own = 1;
	KSIM_SET(ksim_rcu_own, own);
	KSIM_SET(ksim_slowpath, KSIM_FLAG(ksim_checkers_on) || KSIM_FLAG(ksim_tracing_on) ||
		 KSIM_FLAG(ksim_sched_active) || own);
	/* the inline modes rely on membarrier (kshim/rcupdate.h, sim/kernel/srcu.c) */
	if (own || KSIM_FLAG(ksim_tracing_on) || !membarrier)
		mode = KSIM_RCU_SLOW;
	else if (KSIM_FLAG(ksim_checkers_on))
		mode = KSIM_RCU_CHECKED;
	KSIM_SET(ksim_rcu_mode, mode);
	KSIM_SET(ksim_fine_mode, KSIM_FLAG(ksim_sched_active) && ksim_sim &&
		 ksim_sim->cfg.yield_mode == SIM_YIELD_FINE);
}

void sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = SIM_BACKEND_SCHED;
	cfg->seed = 1;
	cfg->checkers = true;
	cfg->yield_mode = SIM_YIELD_RUNTIME;
	cfg->system_wq_workers = 2;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
uint64_t sim_random(struct sim *sim)
{
	uint64_t *s = sim->rng, r, t;

	pthread_mutex_lock(&sim->rng_lock);
	r = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	pthread_mutex_unlock(&sim->rng_lock);
	return r;
}

uint64_t sim_random_below(struct sim *sim, uint64_t bound)
{
	if (!bound)
		return 0;
	return (uint64_t)(((unsigned __int128)sim_random(sim) * bound) >> 64);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t ksim_now_ns(void)
{
	struct sim *sim = ksim_sim;

	if (KSIM_FLAG(ksim_sched_active))
		return sch_now_ns();
	return sim ? mono_ns() - sim->start_mono_ns : 0;
}

/* A free per-task slot (kshim/ksim.h), or 0 (shared) when all are taken; sim->lock held. */
static unsigned int slot_get(struct sim *sim)
{
	uint32_t free = ~sim->slots_used & ~1u;
	unsigned int slot;

	BUILD_BUG_ON(KSIM_NR_SLOTS != 32);
	if (!free)
		return 0;
	slot = (unsigned int)__builtin_ctz(free);
	sim->slots_used |= 1u << slot;
	return slot;
}

static struct task_struct *task_alloc(struct sim *sim, const char *name,
				      int (*fn)(void *), void *arg)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	snprintf(t->comm, sizeof(t->comm), "%s", name ? name : "task");
	t->sim = sim;
	t->fn = fn;
	t->arg = arg;
	t->origin = current ? current->origin : NULL;
	ksim_lock(sim);
	t->pid = ++sim->next_pid;
	t->slot = slot_get(sim);
	t->sim_next = sim->tasks;
	sim->tasks = t;
	ksim_unlock(sim);
	return t;
}

static void task_unlink(struct sim *sim, struct task_struct *t)
{
	struct task_struct **pp;

	ksim_lock(sim);
	for (pp = &sim->tasks; *pp; pp = &(*pp)->sim_next) {
		if (*pp == t) {
			*pp = t->sim_next;
			break;
		}
	}
	/* t has finished (or never ran): its slot's counts stay, the next owner adds to them */
	sim->slots_used &= ~(1u << t->slot) | 1u;
	ksim_unlock(sim);
}

struct sim *sim_create(const struct sim_config *cfg)
{
	struct sim_config defcfg;
	struct sim *sim;
	uint64_t x;
	int ret;

	if (ksim_sim)
		return NULL;	/* one simulation per process at a time */
	if (!cfg) {
		sim_config_init(&defcfg);
		cfg = &defcfg;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	sim->cfg = *cfg;
	if (!sim->cfg.system_wq_workers)
		sim->cfg.system_wq_workers = 2;
	pthread_mutex_init(&sim->lock, NULL);
	pthread_mutex_init(&sim->rng_lock, NULL);
	pthread_mutex_init(&sim->alloc_lock, NULL);
	x = cfg->seed;
	for (int i = 0; i < 4; i++)
		sim->rng[i] = splitmix64(&x);
	INIT_LIST_HEAD(&sim->workqueues);
	INIT_LIST_HEAD(&sim->timers);
	sim->start_mono_ns = mono_ns();
	if (ksim_alloc_init(sim))
		goto err_free;

	sim->main_task = calloc(1, sizeof(*sim->main_task));
	if (!sim->main_task)
		goto err_alloc;
	sim->main_task->pid = 1;
	sim->main_task->slot = 1;
	sim->slots_used = 1u << 1;
	sim->next_pid = 1;
	snprintf(sim->main_task->comm, sizeof(sim->main_task->comm), "main");
	sim->main_task->sim = sim;
	ksim_current_task = sim->main_task;

	ksim_lockdep_reset();
	KSIM_SET(ksim_checkers_on, cfg->checkers);
	ksim_sim = sim;
	/* before the backend and the workqueues start their tasks */
	if (cfg->tracer)
		sim_set_tracer(sim, cfg->tracer, cfg->tracer_ctx);
	if (cfg->backend == SIM_BACKEND_SCHED) {
		ret = sch_sim_init(sim);
		if (!ret && cfg->schedule_len)
			ret = sch_set_schedule(cfg->schedule, cfg->schedule_len);
		if (!ret)
			sch_set_chooser(cfg->choose, cfg->choose_ctx);
	} else {
		ret = thr_sim_init(sim);
	}
	if (ret)
		goto err_task;
	ksim_update_slowpath();
	if (ksim_srcu_init_raw(&sim->rcu_dom, sim))
		goto err_backend;
	ksim_lockdep_init_map(&sim->rcu_dom.dep_map, "rcu", NULL, KSIM_LK_RCU);
	if (ksim_callbacks_init(sim))
		goto err_backend;
	if (ksim_workqueue_init(sim))
		goto err_callbacks;
	return sim;

err_callbacks:
	ksim_callbacks_exit(sim);
err_backend:
	if (cfg->backend == SIM_BACKEND_SCHED)
		sch_sim_exit(sim);
	else
		thr_sim_exit(sim);
err_task:
	sim_set_tracer(sim, NULL, NULL);
	ksim_sim = NULL;
	KSIM_SET(ksim_checkers_on, 0);
	ksim_update_slowpath();
	ksim_current_task = NULL;
	free(sim->main_task);
err_alloc:
	ksim_alloc_exit(sim);
err_free:
	free(sim);
	return NULL;
}

unsigned int sim_destroy(struct sim *sim)
{
	struct task_struct *t, *next;
	unsigned int total;

	if (!sim || sim != ksim_sim)
		return 0;
	ksim_host_bridge_exit(sim);	/* real threads must stop before the teardown */
	sim_settle(sim);
	ksim_files_exit(sim);		/* last fput: EPOLLHUP wakeups may queue work */
	sim_settle(sim);
	ksim_workqueue_exit(sim);
	ksim_callbacks_exit(sim);
	/* Tasks never joined: join them (threads) or let sched free their coroutines. */
	for (t = sim->tasks; t; t = next) {
		next = t->sim_next;
		if (!t->joined && !KSIM_FLAG(ksim_sched_active) && !sim->dead)
			sim_task_join(t);
	}
	ksim_task_exit_checks(sim->main_task, "sim_destroy");
	ksim_alloc_exit(sim);		/* leak reports */
	if (KSIM_FLAG(ksim_sched_active))
		sch_sim_exit(sim);
	else
		thr_sim_exit(sim);
	/* the tracer belongs to this simulation: the next one must not call it */
	sim_set_tracer(sim, NULL, NULL);
	for (t = sim->tasks; t; t = next) {
		next = t->sim_next;
		free(t);
	}
	total = sim->total_reports;
	ksim_reports_free(sim);
	free(sim->fds);
	free(sim->once.keys);
	ksim_sim = NULL;
	KSIM_SET(ksim_checkers_on, 0);
	ksim_update_slowpath();
	ksim_current_task = NULL;
	free(sim->main_task);
	pthread_mutex_destroy(&sim->lock);
	pthread_mutex_destroy(&sim->rng_lock);
	pthread_mutex_destroy(&sim->alloc_lock);
	free(sim);
	return total;
}

struct sim *sim_current(void)
{
	return ksim_sim;
}

enum sim_backend sim_backend(const struct sim *sim)
{
	return sim->cfg.backend;
}

uint64_t sim_seed(const struct sim *sim)
{
	return sim->cfg.seed;
}

bool sim_is_dead(const struct sim *sim)
{
	if (sim->cfg.backend == SIM_BACKEND_SCHED && KSIM_FLAG(ksim_sched_active))
		return sch_is_dead();
	return sim->dead;
}

struct task_struct *sim_task_start(struct sim *sim, const char *name,
				   int (*fn)(void *arg), void *arg)
{
	struct task_struct *t;

	if (!sim || !fn)
		return NULL;
	t = task_alloc(sim, name, fn, arg);
	if (!t)
		return NULL;
	sim_trace(SIM_EV_TASK, "task", t->comm, "pid=%d", t->pid);
	if (KSIM_BE(task_start, t)) {
		task_unlink(sim, t);
		free(t);
		return NULL;
	}
	return t;
}

int sim_task_join(struct task_struct *t)
{
	struct sim *sim;
	int ret;

	if (!t)
		return -EINVAL;
	sim = t->sim;
	ret = KSIM_BE(task_join, t);
	if (ret == -EDEADLK && KSIM_FLAG(ksim_sched_active) && sch_is_dead())
		return ret;	/* the task never finished; its struct stays listed */
	ret = t->result;
	t->joined = true;
	ksim_task_exit_checks(t, "exit");
	task_unlink(sim, t);
	free(t);
	return ret;
}

int ksim_wait_until(bool (*cond)(void *arg), void *arg, const char *what)
{
	if (cond(arg))
		return 0;
	return KSIM_BE(wait_until, cond, arg, what);
}

int ksim_wait_deferred(bool (*cond)(void *arg), void *arg, const char *what)
{
	struct sim *sim = ksim_sim;
	int ret;

	if (cond(arg))
		return 0;
	__atomic_add_fetch(&sim->defer_override, 1, __ATOMIC_ACQ_REL);
	ksim_notify();
	ret = KSIM_BE(wait_until, cond, arg, what);
	__atomic_sub_fetch(&sim->defer_override, 1, __ATOMIC_ACQ_REL);
	return ret;
}

void sim_hold_deferred(struct sim *sim, bool hold)
{
	__atomic_store_n(&sim->defer_hold, hold, __ATOMIC_RELEASE);
	ksim_notify();
}

void ksim_notify(void)
{
	if (!KSIM_FLAG(ksim_sched_active))
		thr_notify();
}

void ksim_spin_wait(void)
{
	if (KSIM_FLAG(ksim_sched_active))
		sch_yield();
	else
		__builtin_ia32_pause();
}

void ksim_fine_yield_slow(void)
{
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_sched_active) && t && !t->lockdep_off)
		sch_yield();
}

static bool settled(void *arg)
{
	return ksim_wq_idle(arg) && ksim_cb_idle(arg);
}

void sim_settle(struct sim *sim)
{
	uint64_t next;

	for (;;) {
		if (sim_is_dead(sim))
			return;
		if (ksim_wait_deferred(settled, sim, "sim_settle"))
			return;
		if (ksim_timers_next(sim, &next))
			return;
		if (next > sim_clock_ns(sim))
			__atomic_store_n(&sim->clock_ns, next, __ATOMIC_RELAXED);
		ksim_timers_fire(sim, next);
	}
}

uint64_t sim_clock_ns(struct sim *sim)
{
	return __atomic_load_n(&sim->clock_ns, __ATOMIC_RELAXED);
}

void sim_clock_advance(struct sim *sim, uint64_t ns)
{
	uint64_t now = __atomic_add_fetch(&sim->clock_ns, ns, __ATOMIC_RELAXED);

	ksim_timers_fire(sim, now);
}

unsigned long ksim_jiffies(void)
{
	struct sim *sim = ksim_sim;

	return sim ? (unsigned long)(sim_clock_ns(sim) / 1000000ULL) : 0;
}

void ksim_msleep(unsigned int msecs)
{
	(void)msecs;
	might_sleep();
	ksim_switch_point();
}

void sim_set_origin(const char *origin)
{
	if (current)
		current->origin = origin;
}

const char *sim_get_origin(void)
{
	return current ? current->origin : NULL;
}
