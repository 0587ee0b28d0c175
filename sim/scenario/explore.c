/*
 * irqsim_explore(): run a scenario under many schedules chosen by a
 * strategy (explore_strategy.c) until one fails or the budget (or, for
 * the exhaustive strategy, the space) runs out; then shrink the failing
 * schedule (explore_min.c). irqsim_replay() runs one schedule again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "explore.h"

void irqsim_explore_opts_init(struct irqsim_explore_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->strategy = IRQSIM_STRATEGY_RANDOM;
	o->schedules = 1000;
	o->seed = 1;
	o->depth = 2;
	o->checkers = true;
	o->minimise = true;
	o->minimise_runs = 2000;
	o->err = stderr;
}

void irqsim_replay_opts_init(struct irqsim_replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->checkers = true;
	o->err = stderr;
}

static const char *const strategy_names[] = {
	[IRQSIM_STRATEGY_RANDOM] = "random",
	[IRQSIM_STRATEGY_PCT] = "pct",
	[IRQSIM_STRATEGY_EXHAUSTIVE] = "exhaustive",
};

const char *irqsim_strategy_name(enum irqsim_strategy s)
{
	return (unsigned int)s < 3 ? strategy_names[s] : "?";
}

int irqsim_strategy_parse(const char *name, enum irqsim_strategy *s)
{
	for (unsigned int i = 0; i < 3; i++) {
		if (!strcmp(name, strategy_names[i])) {
			*s = (enum irqsim_strategy)i;
			return 0;
		}
	}
	return -EINVAL;
}

void irqsim_explore_result_free(struct irqsim_explore_result *r)
{
	free(r->failing.bytes);
	free(r->minimal.bytes);
	free(r->message);
	memset(r, 0, sizeof(*r));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static enum xstrat_kind kind_of(enum irqsim_strategy s)
{
	switch (s) {
	case IRQSIM_STRATEGY_PCT:
		return XS_PCT;
	case IRQSIM_STRATEGY_EXHAUSTIVE:
		return XS_DFS;
	case IRQSIM_STRATEGY_RANDOM:
	default:
		return XS_RANDOM;
	}
}

/* The failing run, as found: every choice, so any strategy's run replays. */
static int keep_failing(struct irqsim_explore_result *r, const struct xstrat *s, uint64_t seed,
			const struct xrun_out *out)
{
	r->failing.seed = seed;
	r->failing.len = s->log.len;
	r->failing.choices = s->log.len;
	r->failing.preemptions = xlog_preemptions(&s->log, s->log.len);
	r->failing.bytes = xlog_bytes(&s->log);
	r->message = strdup(out->msg);
	r->message_line = out->line;
	if ((s->log.len && !r->failing.bytes) || !r->message)
		return -ENOMEM;
	return 0;
}

static int copy_schedule(struct irqsim_schedule *dst, const struct irqsim_schedule *src)
{
	*dst = *src;
	dst->bytes = NULL;
	if (!src->len)
		return 0;
	dst->bytes = malloc(src->len);
	if (!dst->bytes)
		return -ENOMEM;
	memcpy(dst->bytes, src->bytes, src->len);
	return 0;
}

static int explore_prog(const struct xprog *x, const struct irqsim_explore_opts *o,
			struct irqsim_explore_result *r)
{
	struct xrun_cfg c = { .fine = o->fine, .checkers = o->checkers, .choose = xstrat_choose };
	struct xrun_out out;
	struct xstrat s;
	double t0 = now_s();
	int ret = 0;

	xstrat_init(&s, kind_of(o->strategy), o->depth);
	c.choose_ctx = &s;
	for (uint64_t i = 0; i < o->schedules; i++) {
		c.seed = o->strategy == IRQSIM_STRATEGY_EXHAUSTIVE ? o->seed : o->seed + i;
		xstrat_begin_run(&s, c.seed);
		xrun_once(x, &c, &out);
		r->schedules++;
		if (s.log.len > r->max_choices)
			r->max_choices = s.log.len;
		if (s.dsteps > s.est_steps)
			s.est_steps = s.dsteps;	/* pct spreads its change points over this */
		if (out.status == INTERP_SCRIPT) {
			r->status = INTERP_SCRIPT;
			r->message = strdup(out.msg);
			r->message_line = out.line;
			break;
		}
		if (out.status != INTERP_CONTINUE) {
			r->status = INTERP_FAIL;
			r->found = true;
			r->found_at = i + 1;
			ret = keep_failing(r, &s, c.seed, &out);
			break;
		}
		if (o->strategy == IRQSIM_STRATEGY_EXHAUSTIVE && !xstrat_dfs_next(&s)) {
			r->exhausted = true;
			break;
		}
	}
	r->nondeterministic = s.nondet;
	r->seconds = now_s() - t0;
	if (r->found && !ret) {
		bool shrunk = false;

		if (o->minimise) {
			struct xmin_ctx m = { .x = x, .o = o, .seed = r->failing.seed, .want = &out };

			ret = xmin_minimise(&m, &s.log, &r->minimal);
			r->minimise_runs = m.runs;
			shrunk = !ret;
			if (ret == -EAGAIN) {
				r->nondeterministic = true;	/* keep the schedule as found */
				ret = 0;
			}
		}
		if (!shrunk && !ret)
			ret = copy_schedule(&r->minimal, &r->failing);
	}
	xstrat_free(&s);
	return ret;
}

/* Run the failing schedule (as found) once more with messages on: what failed, in full. */
static void print_failure(const struct xprog *x, const struct irqsim_explore_opts *o,
			  const struct irqsim_schedule *sc)
{
	struct xrun_cfg c = {
		.seed = sc->seed, .schedule = sc->bytes, .schedule_len = sc->len,
		.fine = o->fine, .checkers = o->checkers, .err = o->err,
	};
	struct xrun_out out;

	xrun_once(x, &c, &out);
}

int irqsim_explore_text(const char *name, const char *text, size_t len,
			const struct irqsim_explore_opts *opts, struct irqsim_explore_result *r)
{
	struct irqsim_explore_opts dflt;
	const struct irqsim_explore_opts *o = opts;
	struct xprog x;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!o) {
		irqsim_explore_opts_init(&dflt);
		o = &dflt;
	}
	ret = xprog_load(&x, name, text, len, o->err);
	if (ret) {
		r->status = INTERP_SCRIPT;
		return r->status;
	}
	ret = explore_prog(&x, o, r);
	if (ret < 0 && o->err)
		fprintf(o->err, "%s: error: %s while exploring\n", name, strerror(-ret));
	if (r->status == INTERP_SCRIPT && o->err && r->message)
		fprintf(o->err, "%s\n", r->message);
	if (r->found && o->err)
		print_failure(&x, o, &r->failing);
	xprog_free(&x);
	return r->status;
}

int irqsim_explore(const char *path, const struct irqsim_explore_opts *o,
		   struct irqsim_explore_result *r)
{
	char *text;
	size_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = scn_read_file(path, &text, &len);
	if (ret < 0) {
		if (!o || o->err)
			fprintf(o ? o->err : stderr, "%s: error: cannot read the file: %s\n",
				path, strerror(-ret));
		r->status = INTERP_SCRIPT;
		return r->status;
	}
	ret = irqsim_explore_text(path, text, len, o, r);
	free(text);
	return ret;
}

int irqsim_replay(const char *path, const struct irqsim_replay_opts *o, uint64_t *statements)
{
	struct xrun_cfg c = {
		.seed = o->seed, .schedule = o->schedule, .schedule_len = o->schedule_len,
		.fine = o->fine, .checkers = o->checkers, .err = o->err,
		.traces = o->traces, .n_traces = o->n_traces,
	};
	struct xrun_out out = { 0 };
	struct xprog x;
	char name[512];
	char *text;
	int ret;

	ret = xprog_load_file(&x, path, &text, o->err);
	if (ret) {
		xprog_free(&x);
		free(text);
		return ret < 0 ? INTERP_FAIL : INTERP_SCRIPT;
	}
	for (unsigned int i = 0; i < o->n_traces; i++) {
		snprintf(name, sizeof(name), "%s (backend sched, seed %" PRIu64 ", %zu schedule bytes)",
			 path, o->seed, o->schedule_len);
		irqsim_trace_begin_run(o->traces[i], name);
	}
	xrun_once(&x, &c, &out);
	if (statements)
		*statements = out.statements;
	xprog_free(&x);
	free(text);
	return out.status;
}

/*
 * Schedules are long runs of the same choice (the task at the switch point
 * goes on), so a run of RUN_MIN or more equal bytes is written "BBxN" and
 * set off by commas: "0101,00x330,01010000". Plain hex is the same thing
 * without runs.
 */
#define RUN_MIN	8

char *irqsim_schedule_to_hex(const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t cap = len * 2 + 1, pos = 0, i = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	while (i < len) {
		size_t run = 1;

		while (i + run < len && bytes[i + run] == bytes[i])
			run++;
		if (run >= RUN_MIN) {
			/* "," + "BB" + "x" + up to 20 digits + "," fits in the 2*run it replaces */
			pos += (size_t)snprintf(s + pos, cap - pos, "%s%c%cx%zu", pos ? "," : "",
						digits[bytes[i] >> 4], digits[bytes[i] & 15], run);
			i += run;
			if (i < len)
				s[pos++] = ',';
			continue;
		}
		s[pos++] = digits[bytes[i] >> 4];
		s[pos++] = digits[bytes[i] & 15];
		i++;
	}
	s[pos] = '\0';
	/* a run right after a comma left ",," or a leading ",": tidy up */
	for (char *r = s, *w = s; ; r++) {
		if (*r == ',' && (w == s || w[-1] == ','))
			continue;
		*w++ = *r;
		if (!*r)
			break;
	}
	return s;
}

/* Parse one comma-free group into b (NULL: count only); returns its length or -EINVAL. */
static long parse_group(const char *g, size_t n, uint8_t *b)
{
	const char *x = memchr(g, 'x', n);
	unsigned long long count;
	char *end;
	int hi, lo;

	if (x) {
		if (x - g != 2 || (hi = scn_hexval((unsigned char)g[0])) < 0 ||
		    (lo = scn_hexval((unsigned char)g[1])) < 0)
			return -EINVAL;
		if (x + 1 == g + n || x[1] < '0' || x[1] > '9')
			return -EINVAL;
		errno = 0;
		count = strtoull(x + 1, &end, 10);
		if (errno || end != g + n || !count || count > (1u << 24))
			return -EINVAL;
		if (b)
			memset(b, hi << 4 | lo, count);
		return (long)count;
	}
	if (n % 2)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		hi = scn_hexval((unsigned char)g[2 * i]);
		lo = scn_hexval((unsigned char)g[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (b)
			b[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* Two passes over the groups: count, then fill. */
static long parse_groups(const char *hex, uint8_t *b)
{
	size_t total = 0;

	for (const char *g = hex; ; ) {
		const char *comma = strchr(g, ',');
		size_t n = comma ? (size_t)(comma - g) : strlen(g);
		long len;

		if (!n && (comma || g != hex))
			return -EINVAL;	/* an empty group */
		len = parse_group(g, n, b ? b + total : NULL);
		if (len < 0)
			return len;
		total += (size_t)len;
		if (total > (1u << 26))
			return -EINVAL;
		if (!comma)
			break;
		g = comma + 1;
	}
	return (long)total;
}

int irqsim_schedule_from_hex(const char *hex, uint8_t **bytes, size_t *len)
{
	long n = parse_groups(hex, NULL);
	uint8_t *b;

	*bytes = NULL;
	*len = 0;
	if (n < 0)
		return (int)n;
	if (!n)
		return 0;
	b = malloc((size_t)n);
	if (!b)
		return -ENOMEM;
	parse_groups(hex, b);
	*bytes = b;
	*len = (size_t)n;
	return 0;
}
