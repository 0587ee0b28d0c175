/* The stand-in generic runtime for the sched backend tests (see harness.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/backend.h"
#include "harness.h"

__thread struct task_struct *ksim_current_task;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Locked as in sim/kernel/sim.c: under TSan this lock must not order tasks. */
static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t sim_random(struct sim *sim)
{
	uint64_t *s = sim->rng;
	uint64_t r, t;

	pthread_mutex_lock(&rng_lock);
	r = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	pthread_mutex_unlock(&rng_lock);
	return r;
}

static struct sim *h_sim;

void sim_report(enum sim_report_kind kind, const char *title, const char *fmt, ...)
{
	struct sim_report *r;
	char *text = NULL;
	va_list ap;

	if (!h_sim || h_sim->nr_reports == H_MAX_REPORTS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	r = &h_sim->reports[h_sim->nr_reports++];
	r->kind = kind;
	r->title = title;
	r->text = text;
	r->origin = NULL;
}

struct sim *h_sim_create(uint64_t seed, const uint8_t *schedule, size_t len)
{
	struct sim *sim = calloc(1, sizeof(*sim));
	uint64_t x = seed;

	if (!sim)
		return NULL;
	sim->seed = seed;
	for (int i = 0; i < 4; i++)
		sim->rng[i] = splitmix64(&x);
	sim->main_task.pid = 1;
	strcpy(sim->main_task.comm, "main");
	sim->main_task.sim = sim;
	sim->next_pid = 2;
	ksim_current_task = &sim->main_task;
	h_sim = sim;
	if (sch_sim_init(sim))
		goto fail;
	if (len && sch_set_schedule(schedule, len))
		goto fail_exit;
	return sim;
fail_exit:
	sch_sim_exit(sim);
fail:
	h_sim = NULL;
	ksim_current_task = NULL;
	free(sim);
	return NULL;
}

void h_sim_destroy(struct sim *sim)
{
	sch_sim_exit(sim);
	for (unsigned int i = 0; i < sim->nr_reports; i++)
		free((char *)sim->reports[i].text);
	h_sim = NULL;
	ksim_current_task = NULL;
	free(sim);
}

struct task_struct *h_task_start(struct sim *sim, const char *name,
				 int (*fn)(void *arg), void *arg)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->pid = sim->next_pid++;
	snprintf(t->comm, sizeof(t->comm), "%s", name);
	t->sim = sim;
	t->fn = fn;
	t->arg = arg;
	if (sch_task_start(t)) {
		free(t);
		return NULL;
	}
	return t;
}

int h_task_join(struct task_struct *t)
{
	int err = sch_task_join(t);

	if (!err)
		err = t->result;
	free(t);
	return err;
}
