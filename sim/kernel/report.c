/*
 * Checker reports: stored in the simulation, passed to the report hook,
 * printed to stderr when IRQSIM_VERBOSE is set (or no simulation exists).
 */
#include "internal.h"

void kbuf_vprintf(struct ksim_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void kbuf_printf(struct ksim_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void kbuf_free(struct ksim_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Build-relative paths ("../model/eventfd.c") shown as "model/eventfd.c". */
const char *ksim_short_file(const char *file)
{
	if (!file)
		return "?";
	while (!strncmp(file, "../", 3))
		file += 3;
	return file;
}

static int verbose(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("IRQSIM_VERBOSE");

		v = e && *e && strcmp(e, "0");
	}
	return v;
}

void ksim_report_text(enum sim_report_kind kind, const char *title, const char *text)
{
	struct sim *sim = ksim_sim;
	struct sim_report *r;
	sim_report_hook_fn hook = NULL;
	void *hook_ctx = NULL;

	if (!sim) {
		fprintf(stderr, "%s\n", text);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->kind = kind;
	r->title = strdup(title);
	r->text = strdup(text);
	r->origin = current ? current->origin : NULL;
	ksim_lock(sim);
	if (sim->nr_reports == sim->cap_reports) {
		unsigned int cap = sim->cap_reports ? sim->cap_reports * 2 : 16;
		struct sim_report **n = realloc(sim->reports, cap * sizeof(*n));

		if (!n) {
			ksim_unlock(sim);
			free((void *)r->title);
			free((void *)r->text);
			free(r);
			return;
		}
		sim->reports = n;
		sim->cap_reports = cap;
	}
	sim->reports[sim->nr_reports++] = r;
	sim->total_reports++;
	hook = sim->hook;
	hook_ctx = sim->hook_ctx;
	ksim_unlock(sim);

	sim_trace_instant("report", r->title, "kind=%d", (int)kind);
	if (verbose())
		fprintf(stderr, "%s%s%s\n", r->text, r->origin ? "origin: " : "",
			r->origin ? r->origin : "");
	if (hook)
		hook(hook_ctx, r);
}

void sim_report(enum sim_report_kind kind, const char *title, const char *fmt, ...)
{
	struct ksim_buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	kbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	ksim_report_text(kind, title, b.s ? b.s : title);
	kbuf_free(&b);
}

unsigned int sim_report_count(const struct sim *sim, int kind)
{
	unsigned int n = 0;

	pthread_mutex_lock((pthread_mutex_t *)&sim->lock);
	for (unsigned int i = 0; i < sim->nr_reports; i++)
		if (kind < 0 || (int)sim->reports[i]->kind == kind)
			n++;
	pthread_mutex_unlock((pthread_mutex_t *)&sim->lock);
	return n;
}

const struct sim_report *sim_report_get(const struct sim *sim, unsigned int i)
{
	const struct sim_report *r = NULL;

	pthread_mutex_lock((pthread_mutex_t *)&sim->lock);
	if (i < sim->nr_reports)
		r = sim->reports[i];
	pthread_mutex_unlock((pthread_mutex_t *)&sim->lock);
	return r;
}

static void reports_drop(struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nr_reports; i++) {
		free((void *)sim->reports[i]->title);
		free((void *)sim->reports[i]->text);
		free(sim->reports[i]);
	}
	sim->nr_reports = 0;
}

/* Clears the stored reports (sim_destroy still counts them). */
void sim_report_clear(struct sim *sim)
{
	ksim_lock(sim);
	reports_drop(sim);
	ksim_unlock(sim);
}

void ksim_reports_free(struct sim *sim)
{
	reports_drop(sim);
	free(sim->reports);
	sim->reports = NULL;
	sim->cap_reports = 0;
}

void sim_set_report_hook(struct sim *sim, sim_report_hook_fn fn, void *ctx)
{
	ksim_lock(sim);
	sim->hook = fn;
	sim->hook_ctx = ctx;
	ksim_unlock(sim);
}

static uint64_t once_hash(const void *a, uintptr_t b)
{
	uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL ^ (uint64_t)b * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 29;
	return h ? h : 1;
}

bool ksim_once(const void *a, uintptr_t b)
{
	struct sim *sim = ksim_sim;
	struct ksim_once_set *s;
	uint64_t key = once_hash(a, b);
	bool fresh = true;
	size_t i;

	if (!sim)
		return true;
	s = &sim->once;
	ksim_lock(sim);
	if (s->nr * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *keys = calloc(cap, sizeof(*keys));

		if (!keys)
			goto out;
		for (i = 0; i < s->cap; i++) {
			size_t j;

			if (!s->keys[i])
				continue;
			for (j = s->keys[i] & (cap - 1); keys[j]; j = (j + 1) & (cap - 1))
				;
			keys[j] = s->keys[i];
		}
		free(s->keys);
		s->keys = keys;
		s->cap = cap;
	}
	for (i = key & (s->cap - 1); s->keys[i]; i = (i + 1) & (s->cap - 1)) {
		if (s->keys[i] == key) {
			fresh = false;
			goto out;
		}
	}
	s->keys[i] = key;
	s->nr++;
out:
	ksim_unlock(sim);
	return fresh;
}

void ksim_print_task(struct ksim_buf *b, const struct task_struct *t)
{
	if (t)
		kbuf_printf(b, "%s/%d", t->comm, t->pid);
	else
		kbuf_printf(b, "(no task)");
}

static const char *lock_usage(const struct held_lock *h)
{
	if (h->read)
		return "{.+.+}";
	return h->irqs_were_off ? "{-.-.}" : "{+.+.}";
}

void ksim_print_lock(struct ksim_buf *b, const struct held_lock *h)
{
	kbuf_printf(b, "(%s)%s, at: %s (%s:%d)\n", h->map && h->map->name ? h->map->name : "?",
		    lock_usage(h), h->func ? h->func : "?", ksim_short_file(h->file), h->line);
}

/* Is t's rcu_read_lock shown among its held locks (checkers on, inside a reader)? */
static bool rcu_shown(const struct task_struct *t)
{
	return KSIM_FLAG(ksim_checkers_on) && t->rcu_read_depth > 0 && t->rcu_site;
}

int ksim_held_lock_count(const struct task_struct *t)
{
	return t->lockdep_depth + rcu_shown(t);
}

void ksim_print_held_locks(struct ksim_buf *b, const struct task_struct *t)
{
	struct held_lock rcu = { 0 };
	int n, rcu_pos = -1;

	if (!t)
		return;
	n = ksim_held_lock_count(t);
	if (!n) {
		kbuf_printf(b, "no locks held by ");
		ksim_print_task(b, t);
		kbuf_printf(b, ".\n");
		return;
	}
	if (rcu_shown(t)) {
		/* the entry rcu_read_lock would have pushed, built now */
		rcu.map = &ksim_rcu_lock_map;
		rcu.file = t->rcu_site->file;
		rcu.line = t->rcu_site->line;
		rcu.func = t->rcu_site->func;
		rcu.read = true;
		rcu_pos = clamp(t->rcu_held_pos, 0, t->lockdep_depth);
	}
	kbuf_printf(b, "%d lock%s held by ", n, n > 1 ? "s" : "");
	ksim_print_task(b, t);
	kbuf_printf(b, ":\n");
	for (int i = 0, j = 0; i < n; i++) {
		kbuf_printf(b, " #%d: ", i);
		ksim_print_lock(b, i == rcu_pos ? &rcu : &t->held_locks[j++]);
	}
}
