/*
 * Shrinking a failing schedule.
 *
 * A run is described by its decisions: the choices where the task picked
 * is not the default one (the task at the switch point when it can go on,
 * else the first runnable), each as "when task C reaches its k-th choice
 * point, run task P". Every other choice follows the default, so a run
 * with no decision at all is the non-preemptive schedule. Decisions are
 * keyed by each task's own progress, not by the global step, so dropping
 * one leaves the others where they were.
 *
 * 1. Delta debugging (Zeller and Hildebrandt, TSE 2002) over the decision
 *    list: drop chunks while the run still fails the same way (same
 *    status, same line), re-reading the decisions from each accepted run.
 * 2. The schedule bytes of the smallest run, cut after its last decision
 *    (from there the seed's generator chooses, as in any replay); if the
 *    cut no longer fails the same way, the shortest failing prefix is
 *    searched for by bisection, the whole log being the upper bound
 *    (it always replays the run).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explore.h"

struct decisions {
	struct xdecision *d;
	size_t *step;			/* where each was taken in the run it came from */
	size_t n;
};

static void dec_free(struct decisions *d)
{
	free(d->d);
	free(d->step);
	memset(d, 0, sizeof(*d));
}

static bool is_decision(const struct xstep *st)
{
	return !st->forced && st->idx != xstep_default(st->cur);
}

static int dec_from_log(struct decisions *d, const struct xlog *l)
{
	size_t n = 0;

	dec_free(d);
	for (size_t i = 0; i < l->len; i++)
		n += is_decision(&l->steps[i]);
	if (!n)
		return 0;
	d->d = malloc(n * sizeof(*d->d));
	d->step = malloc(n * sizeof(*d->step));
	if (!d->d || !d->step) {
		dec_free(d);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->len; i++) {
		const struct xstep *st = &l->steps[i];

		if (!is_decision(st))
			continue;
		d->d[d->n] = (struct xdecision){ st->cur_pid, st->visit, st->pid };
		d->step[d->n] = i;
		d->n++;
	}
	return 0;
}

static bool same_failure(const struct xrun_out *a, const struct xrun_out *b)
{
	return a->status == b->status && a->line == b->line;
}

static bool budget_left(const struct xmin_ctx *m)
{
	return m->runs < m->o->minimise_runs;
}

/*
 * Run with the decisions of d except those in [skip, skip + nskip); true
 * when it fails as wanted (s->log then holds the run). scratch holds d->n.
 */
static bool run_guided(struct xmin_ctx *m, struct xstrat *s, const struct decisions *d,
		       size_t skip, size_t nskip, struct xdecision *scratch)
{
	struct xrun_cfg c = {
		.seed = m->seed, .choose = xstrat_choose, .choose_ctx = s,
		.fine = m->o->fine, .checkers = m->o->checkers,
	};
	struct xrun_out out;
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		if (i < skip || i >= skip + nskip)
			scratch[n++] = d->d[i];
	s->guide = scratch;
	s->guide_len = n;
	xstrat_begin_run(s, m->seed);
	xrun_once(m->x, &c, &out);
	m->runs++;
	return !s->log.lost && same_failure(&out, m->want);
}

/* Replay prefix bytes as `irqsim replay` does (generator after them). */
static bool run_bytes(struct xmin_ctx *m, const uint8_t *b, size_t len)
{
	struct xrun_cfg c = {
		.seed = m->seed, .schedule = b, .schedule_len = len,
		.fine = m->o->fine, .checkers = m->o->checkers,
	};
	struct xrun_out out;

	xrun_once(m->x, &c, &out);
	m->runs++;
	return same_failure(&out, m->want);
}

/* ddmin over the decisions; d ends as the decisions of the smallest failing run. */
static int ddmin(struct xmin_ctx *m, struct xstrat *s, struct decisions *d,
		 struct xdecision **scratch)
{
	size_t gran = 2;
	int ret;

	if (!d->n)
		return 0;
	*scratch = malloc(d->n * sizeof(**scratch));
	if (!*scratch)
		return -ENOMEM;
	if (run_guided(m, s, d, 0, d->n, *scratch))
		return dec_from_log(d, &s->log);	/* no decision needed at all */
	while (d->n >= 2 && budget_left(m)) {
		size_t chunk = (d->n + gran - 1) / gran;
		bool reduced = false;

		for (size_t start = 0; start < d->n && budget_left(m); start += chunk) {
			if (!run_guided(m, s, d, start, chunk, *scratch))
				continue;
			/* the run may take a decision or two fewer than asked: read them back */
			ret = dec_from_log(d, &s->log);
			if (ret)
				return ret;
			gran = gran > 2 ? gran - 1 : 2;
			reduced = true;
			break;
		}
		if (reduced)
			continue;
		if (gran >= d->n)
			break;
		gran = gran * 2 < d->n ? gran * 2 : d->n;
	}
	return 0;
}

int xmin_minimise(struct xmin_ctx *m, const struct xlog *log, struct irqsim_schedule *out)
{
	struct decisions d = { 0 };
	struct xdecision *scratch = NULL, none;
	struct xstrat s;
	uint8_t *bytes = NULL;
	size_t lo, hi;
	int ret;

	xstrat_init(&s, XS_GUIDED, 0);
	ret = dec_from_log(&d, log);
	if (ret)
		goto out;
	ret = ddmin(m, &s, &d, &scratch);
	if (ret)
		goto out;
	/* the smallest run, recorded step by step */
	if (!run_guided(m, &s, &d, 0, 0, scratch ? scratch : &none)) {
		ret = -EAGAIN;	/* it did fail a moment ago: the scenario is not deterministic */
		goto out;
	}
	ret = dec_from_log(&d, &s.log);
	if (ret)
		goto out;
	ret = -ENOMEM;
	bytes = xlog_bytes(&s.log);
	if (s.log.len && !bytes)
		goto out;
	/* shortest prefix that still fails: hi fails (the whole log does), lo does not */
	hi = s.log.len;
	lo = d.n ? d.step[d.n - 1] + 1 : 0;
	if (lo < hi && run_bytes(m, bytes, lo)) {
		hi = lo;
	} else {
		while (lo + 1 < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (run_bytes(m, bytes, mid))
				hi = mid;
			else
				lo = mid;
		}
	}
	out->seed = m->seed;
	out->len = hi;
	out->choices = s.log.len;
	out->preemptions = xlog_preemptions(&s.log, hi);
	out->bytes = NULL;
	if (hi) {
		out->bytes = realloc(bytes, hi);
		if (!out->bytes)
			goto out;
		bytes = NULL;
	}
	ret = 0;
out:
	free(bytes);
	free(scratch);
	dec_free(&d);
	xstrat_free(&s);
	return ret;
}
