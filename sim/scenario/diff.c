/*
 * irqsim diff: one scenario on the simulator and on the real kernel, every
 * statement's result compared (include/irqsim/diff.h). The simulator runs
 * first; the kernel run then knows what each expectation and ack read on
 * the simulator, and polls for it a while before calling it different
 * (the kernel's inject work items run when they like).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/kvm.h>
#include <irqsim/diff.h>
#include "gen_random.h"
#include "interp_ops.h"
#include "scn_parse.h"

/* Interleavings the simulator tries for a program with threads (default, and at most). */
#define DIFF_SCHEDULES		20
#define DIFF_SCHEDULES_MAX	100

struct obs_rec {
	unsigned int line;
	char *stmt, *got;
	bool held, alternatives, not_checkable;
};

/* One run's results; appended under the interpreter's lock, read after the run. */
struct collector {
	struct obs_rec *v;
	size_t n, cap;
	bool oom;
	const struct collector *peer;	/* the kvm run polls for the simulator's results */
};

static void observe(void *ctx, const struct irqsim_scenario_obs *o)
{
	struct collector *c = ctx;
	struct obs_rec *r;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct obs_rec *nv = realloc(c->v, cap * sizeof(*nv));

		if (!nv) {
			c->oom = true;
			return;
		}
		c->v = nv;
		c->cap = cap;
	}
	r = &c->v[c->n];
	r->line = o->line;
	r->stmt = strdup(o->stmt ? o->stmt : "");
	r->got = strdup(o->got ? o->got : "");
	r->held = o->held;
	r->alternatives = o->alternatives;
	r->not_checkable = o->not_checkable;
	if (!r->stmt || !r->got) {
		free(r->stmt);
		free(r->got);
		c->oom = true;
		return;
	}
	c->n++;
}

/* The last result on this line (a line runs once per run; threads included). */
static const struct obs_rec *find(const struct collector *c, unsigned int line)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->v[i].line == line)
			return &c->v[i];
	return NULL;
}

static const char *want(void *ctx, unsigned int line)
{
	const struct collector *c = ctx;
	const struct obs_rec *r = c->peer ? find(c->peer, line) : NULL;

	return r && !r->not_checkable ? r->got : NULL;
}

static void collector_free(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].stmt);
		free(c->v[i].got);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int add_line(struct irqsim_diff_result *r, unsigned int line, const char *stmt,
		    const char *sim, const char *kvm)
{
	struct irqsim_diff_line *nl = realloc(r->lines, (r->n_lines + 1) * sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	r->lines = nl;
	nl = &r->lines[r->n_lines];
	nl->line = line;
	nl->stmt = strdup(stmt);
	nl->sim = strdup(sim);
	nl->kvm = strdup(kvm);
	if (!nl->stmt || !nl->sim || !nl->kvm) {
		free(nl->stmt);
		free(nl->sim);
		free(nl->kvm);
		return -ENOMEM;
	}
	r->n_lines++;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct irqsim_diff_line *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/*
 * The kernel agrees when its result is one the simulator gave on this line
 * in some interleaving, or both gave results the script accepts.
 */
static bool agree(const struct collector *sim, const struct obs_rec *s,
		  const struct obs_rec *k)
{
	if (s->alternatives && s->held && k->held)
		return true;
	for (size_t i = 0; i < sim->n; i++)
		if (sim->v[i].line == k->line && !strcmp(sim->v[i].got, k->got))
			return true;
	return false;
}

static int compare(const struct collector *sim, const struct collector *kvm,
		   struct irqsim_diff_result *r)
{
	int err = 0;

	for (size_t i = 0; i < sim->n && !err; i++) {
		const struct obs_rec *s = &sim->v[i], *k = find(kvm, s->line);

		if (find(sim, s->line) != s)
			continue;	/* compare each line once */
		if (s->not_checkable || (k && k->not_checkable)) {
			r->not_checkable++;
			continue;
		}
		r->compared++;
		if (!k)
			err = add_line(r, s->line, s->stmt, s->got, "(not executed)");
		else if (!agree(sim, s, k))
			err = add_line(r, s->line, s->stmt, s->got, k->got);
	}
	for (size_t i = 0; i < kvm->n && !err; i++) {
		const struct obs_rec *k = &kvm->v[i];

		if (find(kvm, k->line) != k || find(sim, k->line) || k->not_checkable)
			continue;
		r->compared++;
		err = add_line(r, k->line, k->stmt, "(not executed)", k->got);
	}
	if (r->n_lines > 1)
		qsort(r->lines, r->n_lines, sizeof(*r->lines), cmp_line);
	return err;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The first message of a run that hit a script error, for the caller to print. */
static char *first_error(const struct irqsim_scenario_result *res)
{
	for (unsigned int i = 0; i < res->n_msgs; i++)
		if (res->msgs[i].status == 2 && res->msgs[i].text)
			return strdup(res->msgs[i].text);
	return strdup("script error");
}

/*
 * With threads the simulator's results depend on the interleaving: it runs
 * the schedules the program asks for (`run schedules=N`, else
 * DIFF_SCHEDULES) and every result it saw is a valid answer. 1 without
 * threads (or when the text does not parse: the run reports that).
 */
static unsigned int sim_schedules(const char *name, const char *text, size_t len)
{
	struct scn_program *p = NULL;
	unsigned int n = 1;

	if (scn_parse(name, text, len, &p, NULL) < 0)
		return 1;
	if (p->n_threads) {
		n = DIFF_SCHEDULES;
		for (size_t i = 0; i < p->n_stmts; i++) {
			const struct scn_stmt *st = &p->stmts[i];

			if (st->kind == SCN_RUN && st->u.run.has_schedules && st->u.run.schedules)
				n = st->u.run.schedules > DIFF_SCHEDULES_MAX ? DIFF_SCHEDULES_MAX :
				    (unsigned int)st->u.run.schedules;
		}
	}
	scn_program_free(p);
	return n;
}

int irqsim_diff_text(const char *name, const char *text, size_t len,
		     const struct irqsim_scenario_opts *base, struct irqsim_diff_result *r)
{
	unsigned int schedules;
	struct irqsim_scenario_opts o;
	struct irqsim_scenario_result res;
	struct collector sim = { 0 }, kvm = { 0 };
	double t0 = now_s();

	memset(r, 0, sizeof(*r));
	if (interp_kvm_available(&r->why, &r->ack_mode) < 0) {
		r->status = IRQSIM_DIFF_SKIP;
		return r->status;
	}
	if (base)
		o = *base;
	else
		irqsim_scenario_opts_init(&o);
	o.err = NULL;
	o.n_traces = 0;
	o.keep_going = true;
	o.has_seed = true;		/* one run: the seed's schedule */
	o.observe = observe;
	o.want = want;

	o.kvm = false;
	o.observe_ctx = &sim;
	schedules = sim_schedules(name, text, len);
	for (unsigned int i = 0; i < schedules; i++) {
		int st;

		if (schedules > 1) {
			o.seed = (base ? base->seed : 1) + i;
			o.backend = SIM_BACKEND_SCHED;
		}
		st = irqsim_run_scenario_text(name, text, len, &o, &res);
		if (st > r->sim_status)
			r->sim_status = st;
		if (st == 2 && !r->error)
			r->error = first_error(&res);
		irqsim_scenario_result_free(&res);
		if (st == 2)
			break;
	}

	o.kvm = true;
	kvm.peer = &sim;
	o.observe_ctx = &kvm;
	/* a script error stops both runs at the same statement: compare up to there */
	r->kvm_status = irqsim_run_scenario_text(name, text, len, &o, &res);
	if (r->kvm_status == 2 && !r->error)
		r->error = first_error(&res);
	irqsim_scenario_result_free(&res);

	if (sim.oom || kvm.oom || compare(&sim, &kvm, r) < 0) {
		free(r->error);
		r->error = strdup("out of memory");
		r->status = 2;
		goto out;
	}
	for (unsigned int i = 0; i < r->n_lines; i++) {
		r->lines[i].documented = irqsim_diff_documented(&r->lines[i]);
		if (r->lines[i].documented)
			r->n_documented++;
	}
	if (r->n_lines > r->n_documented)
		r->status = 1;
	else if (r->sim_status == 2 || r->kvm_status == 2)
		r->status = 2;
	else
		r->status = 0;
out:
	collector_free(&sim);
	collector_free(&kvm);
	r->seconds = now_s() - t0;
	return r->status;
}

int irqsim_diff_file(const char *path, const struct irqsim_scenario_opts *base,
		     struct irqsim_diff_result *r)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = scn_read_file(path, &text, &len);
	if (ret < 0) {
		char msg[1024];

		if (ret == -ENOMEM)
			snprintf(msg, sizeof(msg), "out of memory");
		else
			snprintf(msg, sizeof(msg), "%s: error: cannot read the file: %s", path,
				 strerror(-ret));
		r->error = strdup(msg);
		r->status = 2;
		return r->status;
	}
	ret = irqsim_diff_text(path, text, len, base, r);
	free(text);
	return ret;
}

void irqsim_diff_result_free(struct irqsim_diff_result *r)
{
	for (unsigned int i = 0; i < r->n_lines; i++) {
		free(r->lines[i].stmt);
		free(r->lines[i].sim);
		free(r->lines[i].kvm);
	}
	free(r->lines);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* The word `key=` in a canonical statement, and its value. */
static bool arg_of(const char *stmt, const char *key, unsigned long *val)
{
	const char *p = strstr(stmt, key);

	if (!p || (p != stmt && p[-1] != ' '))
		return false;
	*val = strtoul(p + strlen(key), NULL, 0);
	return true;
}

/*
 * Each entry here is a divergence docs/divergences.md explains; the
 * matchers are as narrow as the explanation.
 */
const char *irqsim_diff_documented(const struct irqsim_diff_line *l)
{
	unsigned long flags, dummy;

	/*
	 * D1: KVM_IRQFD_FLAG_RESAMPLE raised through flags= without
	 * resample=: resamplefd is 0, which is the process's stdin for the
	 * kernel and no file at all in the simulator's descriptor table.
	 */
	if (!strncmp(l->stmt, "irqfd ", 6) && arg_of(l->stmt, "flags=", &flags) &&
	    (flags & KVM_IRQFD_FLAG_RESAMPLE) && !arg_of(l->stmt, "resample=", &dummy) &&
	    !strcmp(l->sim, "EBADF") && !strcmp(l->kvm, "EINVAL"))
		return "D1";
	return NULL;
}

char *irqsim_random_scenario(uint64_t seed, size_t *len)
{
	return scn_gen_from_seed(seed, NULL, len);
}
