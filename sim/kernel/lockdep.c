/*
 * Lock validator, after the kernel's lockdep: lock classes keyed by init
 * site, a held-lock stack per task, and one dependency graph per
 * simulation ("while holding A, waited for B"). Reported, once each:
 * - a cycle, the first time both orders have been seen (no deadlock
 *   needed), with the existing chain and the new dependency;
 * - recursive locking (same instance: not taken, so the run continues;
 *   same class without a nesting annotation: reported only);
 * - irq-safety: a class used in (simulated) irq context that is also taken
 *   with irqs enabled, or that depends on a class taken with irqs enabled.
 * SRCU domains are classes too: a reader holding D that takes L gives
 * D -> L, synchronize_srcu(D) while holding L gives L -> D.
 */
#include "internal.h"

#define MAX_CLASSES	1024
#define WORDS		(MAX_CLASSES / 64)
#define HASH_SLOTS	4096

enum {
	USED_IN_IRQ = 1,	/* taken in irq context */
	ENABLED_IRQ = 2,	/* taken with irqs enabled */
};

struct lock_site {
	const char *file, *func;
	int line;
	int pid;
	char comm[32];
};

struct lock_class {
	const void *key;
	unsigned int subclass;
	const char *name;
	int kind;
	unsigned int usage;
	unsigned int slot;		/* its entry in lg.slots (reset clears just those) */
	struct lock_site irq_site, irqon_site;
};

struct edge {
	unsigned short a, b;
	struct lock_site from, to;	/* where a was held, where b was taken */
};

static struct {
	pthread_mutex_t lock;
	unsigned int gen;		/* bumped per simulation: invalidates map caches */
	unsigned int nr;
	struct lock_class cls[MAX_CLASSES];	/* [0] unused */
	uint64_t adj[MAX_CLASSES][WORDS];	/* a -> b */
	uint64_t radj[MAX_CLASSES][WORDS];	/* b <- a */
	struct edge *edges;
	size_t nr_edges, cap_edges;
	struct {
		const void *key;
		unsigned int subclass;
		unsigned int idx;
	} slots[HASH_SLOTS];
	unsigned short parent[MAX_CLASSES];
	uint64_t seen[WORDS];
	unsigned short queue[MAX_CLASSES];
} lg = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct lockdep_map ksim_rcu_lock_map = KSIM_DEP_MAP_INIT("rcu_read_lock", KSIM_LK_RCU);

void ksim_lockdep_reset(void)
{
	pthread_mutex_lock(&lg.lock);
	lg.gen = (lg.gen + 1) & 0xffff;
	if (!lg.gen)
		lg.gen = 1;
	/*
	 * Only the classes registered since the last reset were touched:
	 * clearing those rows, not the whole half megabyte, keeps a
	 * simulation cheap to create (the explorer makes thousands a second).
	 */
	for (unsigned int i = 0; i < lg.nr; i++)
		memset(&lg.slots[lg.cls[i].slot], 0, sizeof(lg.slots[0]));
	memset(lg.adj, 0, lg.nr * sizeof(lg.adj[0]));
	memset(lg.radj, 0, lg.nr * sizeof(lg.radj[0]));
	memset(lg.cls, 0, lg.nr * sizeof(lg.cls[0]));
	lg.nr = 1;
	free(lg.edges);
	lg.edges = NULL;
	lg.nr_edges = lg.cap_edges = 0;
	pthread_mutex_unlock(&lg.lock);
}

void ksim_lockdep_init_map(struct lockdep_map *m, const char *name,
			   const struct lock_class_key *key, int kind)
{
	m->key = key;
	m->name = name;
	m->kind = (unsigned char)kind;
	m->novalidate = false;
	__atomic_store_n(&m->class_cache, 0, __ATOMIC_RELAXED);
}

static void site_set(struct lock_site *s, const char *file, int line, const char *func)
{
	struct task_struct *t = current;

	s->file = file;
	s->line = line;
	s->func = func;
	s->pid = t ? t->pid : 0;
	snprintf(s->comm, sizeof(s->comm), "%s", t ? t->comm : "?");
}

static void site_print(struct ksim_buf *b, const struct lock_site *s)
{
	kbuf_printf(b, "       %s (%s:%d) [%s/%d]\n", s->func ? s->func : "?",
		    ksim_short_file(s->file), s->line, s->comm, s->pid);
}

/* Class index of (map, subclass); lg.lock held. 0 when the table is full. */
static unsigned int class_lookup_locked(const struct lockdep_map *m, unsigned int subclass)
{
	const void *key = m->key ? (const void *)m->key : (const void *)m;
	size_t h = (((uintptr_t)key >> 3) * 31 + subclass) & (HASH_SLOTS - 1);

	for (; lg.slots[h].key; h = (h + 1) & (HASH_SLOTS - 1))
		if (lg.slots[h].key == key && lg.slots[h].subclass == subclass)
			return lg.slots[h].idx;
	if (lg.nr >= MAX_CLASSES)
		return 0;
	lg.slots[h].key = key;
	lg.slots[h].subclass = subclass;
	lg.slots[h].idx = lg.nr;
	lg.cls[lg.nr].key = key;
	lg.cls[lg.nr].subclass = subclass;
	lg.cls[lg.nr].name = m->name ? m->name : "(unnamed)";
	lg.cls[lg.nr].kind = m->kind;
	lg.cls[lg.nr].slot = h;
	return lg.nr++;
}

static inline unsigned int class_of(struct lockdep_map *m, unsigned int subclass)
{
	unsigned int c = __atomic_load_n(&m->class_cache, __ATOMIC_RELAXED), idx;

	if (!subclass && c && (c >> 16) == lg.gen)
		return c & 0xffff;
	pthread_mutex_lock(&lg.lock);
	idx = class_lookup_locked(m, subclass);
	if (!subclass && idx)
		__atomic_store_n(&m->class_cache, (lg.gen << 16) | idx, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lg.lock);
	return idx;
}

static inline bool bit(const uint64_t *w, unsigned int i)
{
	return (__atomic_load_n(&w[i / 64], __ATOMIC_RELAXED) >> (i % 64)) & 1;
}

static inline void setbit(uint64_t *w, unsigned int i)
{
	__atomic_store_n(&w[i / 64], w[i / 64] | (1ULL << (i % 64)), __ATOMIC_RELAXED);
}

/*
 * Breadth-first search from `from` along adj (forward) or radj; stops at
 * the first class matching `want` (a class index, or any class with
 * usage bit `usage` when want == 0). Returns the class found or 0; the
 * path is in lg.parent. lg.lock held.
 */
static unsigned int bfs(unsigned int from, bool forward, unsigned int want, unsigned int usage)
{
	unsigned int head = 0, tail = 0;

	memset(lg.seen, 0, sizeof(lg.seen));
	lg.queue[tail++] = (unsigned short)from;
	setbit(lg.seen, from);
	lg.parent[from] = 0;
	while (head < tail) {
		unsigned int c = lg.queue[head++];
		const uint64_t *row = forward ? lg.adj[c] : lg.radj[c];

		if (want ? c == want : (lg.cls[c].usage & usage) != 0)
			return c;
		for (unsigned int w = 0; w < WORDS; w++) {
			uint64_t bits = row[w];

			while (bits) {
				unsigned int n = w * 64 + (unsigned int)__builtin_ctzll(bits);

				bits &= bits - 1;
				if (bit(lg.seen, n))
					continue;
				setbit(lg.seen, n);
				lg.parent[n] = (unsigned short)c;
				lg.queue[tail++] = (unsigned short)n;
			}
		}
	}
	return 0;
}

static const struct edge *edge_find(unsigned int a, unsigned int b)
{
	for (size_t i = 0; i < lg.nr_edges; i++)
		if (lg.edges[i].a == a && lg.edges[i].b == b)
			return &lg.edges[i];
	return NULL;
}

static void print_task_line(struct ksim_buf *b, const char *what)
{
	ksim_print_task(b, current);
	kbuf_printf(b, " %s\n", what);
}

static void print_new_lock(struct ksim_buf *b, struct lockdep_map *m, const char *file,
			   int line, const char *func)
{
	kbuf_printf(b, " (%s), at: %s (%s:%d)\n", m->name, func, ksim_short_file(file), line);
}

/* Report a -> b closing the cycle b ->* a. lg.lock held; text built into b. */
static void cycle_text(struct ksim_buf *b, unsigned int a, unsigned int nb,
		       const struct held_lock *h, struct lockdep_map *m,
		       const char *file, int line, const char *func)
{
	unsigned int path[MAX_CLASSES], n = 0, c;

	for (c = a; c && n < MAX_CLASSES; c = lg.parent[c]) {
		path[n++] = c;
		if (c == nb)
			break;
	}
	/* path: a, ..., nb (reverse of the existing chain nb -> ... -> a) */
	kbuf_printf(b, "======================================================\n");
	kbuf_printf(b, "WARNING: possible circular locking dependency detected\n");
	kbuf_printf(b, "------------------------------------------------------\n");
	print_task_line(b, m->kind == KSIM_LK_SRCU ? "is trying to wait for a grace period of:" :
			"is trying to acquire lock:");
	print_new_lock(b, m, file, line, func);
	kbuf_printf(b, "\nbut task is already holding lock:\n ");
	ksim_print_lock(b, h);
	kbuf_printf(b, "\nwhich lock already depends on the new lock.\n\n");
	kbuf_printf(b, "the existing dependency chain (in reverse order) is:\n");
	for (unsigned int i = 0; i + 1 < n; i++) {
		const struct edge *e = edge_find(path[i + 1], path[i]);

		kbuf_printf(b, "\n-> #%u (%s):\n", n - 1 - i, lg.cls[path[i]].name);
		if (e) {
			kbuf_printf(b, "       taken while holding (%s), first seen at:\n",
				    lg.cls[path[i + 1]].name);
			site_print(b, &e->to);
			kbuf_printf(b, "       (%s) taken at:\n", lg.cls[path[i + 1]].name);
			site_print(b, &e->from);
		}
	}
	kbuf_printf(b, "\n-> #0 (%s):\n       the new dependency, (%s) -> (%s), at:\n",
		    lg.cls[nb].name, lg.cls[a].name, lg.cls[nb].name);
	kbuf_printf(b, "       %s (%s:%d)\n", func, ksim_short_file(file), line);
	kbuf_printf(b, "\nother info that might help us debug this:\n\n");
	if (n == 2) {
		kbuf_printf(b, " Possible unsafe locking scenario:\n\n");
		kbuf_printf(b, "       CPU0                    CPU1\n");
		kbuf_printf(b, "       ----                    ----\n");
		kbuf_printf(b, "  lock(%s);\n", lg.cls[a].name);
		kbuf_printf(b, "                               lock(%s);\n", lg.cls[nb].name);
		kbuf_printf(b, "                               lock(%s);\n", lg.cls[a].name);
		kbuf_printf(b, "  lock(%s);\n\n *** DEADLOCK ***\n\n", lg.cls[nb].name);
	} else {
		kbuf_printf(b, "Chain exists of:\n  %s", lg.cls[nb].name);
		for (unsigned int i = n - 1; i-- > 0;)
			kbuf_printf(b, " --> %s", lg.cls[path[i]].name);
		kbuf_printf(b, " --> %s\n\n", lg.cls[nb].name);
	}
}

static void irq_order_text(struct ksim_buf *b, unsigned int s, unsigned int u, unsigned int a,
			   unsigned int nb)
{
	kbuf_printf(b, "=====================================================\n");
	kbuf_printf(b, "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected\n");
	kbuf_printf(b, "-----------------------------------------------------\n");
	if (a && nb)
		kbuf_printf(b, "the new lock dependency:\n (%s) -> (%s)\n\n", lg.cls[a].name,
			    lg.cls[nb].name);
	kbuf_printf(b, "connects a HARDIRQ-irq-safe lock:\n (%s)\n", lg.cls[s].name);
	kbuf_printf(b, "... which became HARDIRQ-irq-safe at:\n");
	site_print(b, &lg.cls[s].irq_site);
	kbuf_printf(b, "to a HARDIRQ-irq-unsafe lock:\n (%s)\n", lg.cls[u].name);
	kbuf_printf(b, "... which became HARDIRQ-irq-unsafe at:\n");
	site_print(b, &lg.cls[u].irqon_site);
	kbuf_printf(b, "\nother info that might help us debug this:\n\n");
	kbuf_printf(b, " Possible interrupt unsafe locking scenario:\n\n");
	kbuf_printf(b, "       CPU0                    CPU1\n");
	kbuf_printf(b, "       ----                    ----\n");
	kbuf_printf(b, "  lock(%s);\n", lg.cls[u].name);
	kbuf_printf(b, "                               local_irq_disable();\n");
	kbuf_printf(b, "                               lock(%s);\n", lg.cls[s].name);
	kbuf_printf(b, "                               lock(%s);\n", lg.cls[u].name);
	kbuf_printf(b, "  <Interrupt>\n    lock(%s);\n\n *** DEADLOCK ***\n\n", lg.cls[s].name);
}

/* A pending report, filed after lg.lock is dropped. */
struct pending {
	enum sim_report_kind kind;
	const char *title;
	struct ksim_buf text;
};

static void pending_file_text(struct pending *p)
{
	struct task_struct *t = current;

	if (t)
		ksim_print_held_locks(&p->text, t);
	/* lockdep_off keeps the hook's own locking out of the graph */
	ksim_enter();
	ksim_report_text(p->kind, p->title, p->text.s);
	ksim_leave();
	kbuf_free(&p->text);
}

static inline void pending_file(struct pending *p)
{
	if (unlikely(p->text.s != NULL))
		pending_file_text(p);
}

/* Check the irq rule around a -> nb (or a single class's new usage). lg.lock held. */
static void irq_check(unsigned int a, unsigned int nb, struct pending *p)
{
	unsigned int s, u;

	s = bfs(a, false, 0, USED_IN_IRQ);
	if (!s)
		return;
	u = bfs(nb, true, 0, ENABLED_IRQ);
	if (!u || s == u)
		return;
	if (p->text.s || !ksim_once(&lg.cls[s], u | (2UL << 60)))
		return;
	irq_order_text(&p->text, s, u, a, nb);
	p->kind = SIM_REPORT_LOCKDEP;
	p->title = "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected";
}

/* Add the dependency a -> nb; lg.lock held. */
static void add_edge(unsigned int a, unsigned int nb, const struct held_lock *h,
		     struct lockdep_map *m, const char *file, int line, const char *func,
		     struct pending *p)
{
	struct edge *e;

	if (!a || !nb || a == nb || bit(lg.adj[a], nb))
		return;
	if (bfs(nb, true, a, 0) && !p->text.s && ksim_once(&lg.cls[a], nb | (1UL << 60))) {
		cycle_text(&p->text, a, nb, h, m, file, line, func);
		p->kind = SIM_REPORT_LOCKDEP;
		p->title = "WARNING: possible circular locking dependency detected";
	}
	if (lg.nr_edges == lg.cap_edges) {
		size_t cap = lg.cap_edges ? lg.cap_edges * 2 : 256;
		struct edge *n = realloc(lg.edges, cap * sizeof(*n));

		if (!n)
			return;
		lg.edges = n;
		lg.cap_edges = cap;
	}
	e = &lg.edges[lg.nr_edges++];
	e->a = (unsigned short)a;
	e->b = (unsigned short)nb;
	e->from.file = h->file;
	e->from.line = h->line;
	e->from.func = h->func;
	e->from.pid = current ? current->pid : 0;
	snprintf(e->from.comm, sizeof(e->from.comm), "%s", current ? current->comm : "?");
	site_set(&e->to, file, line, func);
	setbit(lg.adj[a], nb);
	setbit(lg.radj[nb], a);
	irq_check(a, nb, p);
}

static void inconsistent_text(struct pending *p, unsigned int c, bool now_in_irq,
			      struct lockdep_map *m, const char *file, int line, const char *func)
{
	struct ksim_buf *b = &p->text;

	kbuf_printf(b, "================================\n");
	kbuf_printf(b, "WARNING: inconsistent lock state\n");
	kbuf_printf(b, "--------------------------------\n");
	kbuf_printf(b, "inconsistent {%s} -> {%s} usage.\n",
		    now_in_irq ? "HARDIRQ-ON-W" : "IN-HARDIRQ-W",
		    now_in_irq ? "IN-HARDIRQ-W" : "HARDIRQ-ON-W");
	print_task_line(b, "takes:");
	print_new_lock(b, m, file, line, func);
	kbuf_printf(b, "{%s} state was registered at:\n", now_in_irq ? "HARDIRQ-ON-W" : "IN-HARDIRQ-W");
	site_print(b, now_in_irq ? &lg.cls[c].irqon_site : &lg.cls[c].irq_site);
	kbuf_printf(b, "\nother info that might help us debug this:\n");
	kbuf_printf(b, " Possible unsafe locking scenario:\n\n       CPU0\n       ----\n");
	kbuf_printf(b, "  lock(%s);\n  <Interrupt>\n    lock(%s);\n\n *** DEADLOCK ***\n\n",
		    m->name, m->name);
	p->kind = SIM_REPORT_LOCKDEP;
	p->title = "WARNING: inconsistent lock state";
}

/* Record irq usage of class c; lg.lock held. */
static void mark_usage(unsigned int c, struct task_struct *t, struct lockdep_map *m,
		       const char *file, int line, const char *func, struct pending *p)
{
	struct lock_class *k = &lg.cls[c];
	bool in_irq = t->in_irq || t->in_wakeup;

	if (in_irq && !(k->usage & USED_IN_IRQ)) {
		__atomic_fetch_or(&k->usage, USED_IN_IRQ, __ATOMIC_RELAXED);
		site_set(&k->irq_site, file, line, func);
		if (k->usage & ENABLED_IRQ) {
			if (!p->text.s && ksim_once(k, 3UL << 60))
				inconsistent_text(p, c, true, m, file, line, func);
		} else {
			irq_check(c, c, p);
		}
	}
	if (!t->irqs_off && !(k->usage & ENABLED_IRQ)) {
		__atomic_fetch_or(&k->usage, ENABLED_IRQ, __ATOMIC_RELAXED);
		site_set(&k->irqon_site, file, line, func);
		if (k->usage & USED_IN_IRQ) {
			if (!p->text.s && ksim_once(k, 3UL << 60))
				inconsistent_text(p, c, false, m, file, line, func);
		} else {
			irq_check(c, c, p);
		}
	}
}

static void recursion_text(struct pending *p, const struct held_lock *h, struct lockdep_map *m,
			   const char *file, int line, const char *func)
{
	struct ksim_buf *b = &p->text;

	kbuf_printf(b, "============================================\n");
	kbuf_printf(b, "WARNING: possible recursive locking detected\n");
	kbuf_printf(b, "--------------------------------------------\n");
	print_task_line(b, "is trying to acquire lock:");
	print_new_lock(b, m, file, line, func);
	kbuf_printf(b, "\nbut task is already holding lock:\n ");
	ksim_print_lock(b, h);
	kbuf_printf(b, "\nother info that might help us debug this:\n");
	kbuf_printf(b, " Possible unsafe locking scenario:\n\n       CPU0\n       ----\n");
	kbuf_printf(b, "  lock(%s);\n  lock(%s);\n\n *** DEADLOCK ***\n\n", h->map->name, m->name);
	kbuf_printf(b, " May be due to missing lock nesting notation\n\n");
	p->kind = SIM_REPORT_LOCKDEP;
	p->title = "WARNING: possible recursive locking detected";
}

static bool in_graph(const struct lockdep_map *m)
{
	return !m->novalidate && m->kind != KSIM_LK_RCU;
}

/* Does this acquire add an edge or a usage bit? (Lock-free pre-check of the hot path.) */
static bool need_graph(struct task_struct *t, unsigned int c, int trylock, int read,
		       const struct lockdep_map *m)
{
	unsigned int usage = __atomic_load_n(&lg.cls[c].usage, __ATOMIC_RELAXED);

	if (!trylock && !read) {
		for (int i = 0; i < t->lockdep_depth; i++) {
			const struct held_lock *h = &t->held_locks[i];

			if (!h->recursed && h->cls && h->cls != c && !bit(lg.adj[h->cls], c))
				return true;
		}
	}
	if (read || m->kind == KSIM_LK_SRCU)
		return false;
	if ((t->in_irq || t->in_wakeup) && !(usage & USED_IN_IRQ))
		return true;
	return !t->irqs_off && !(usage & ENABLED_IRQ);
}

int ksim_lock_acquire(struct lockdep_map *m, unsigned int subclass, int trylock, int read,
		      const char *file, int line, const char *func)
{
	struct task_struct *t = current;
	struct pending p = { 0 };
	struct held_lock *nh;
	unsigned int c;
	int recursed = 0;

	if (!t || t->lockdep_off)
		return 0;
	c = in_graph(m) ? class_of(m, subclass) : 0;
	for (int i = t->lockdep_depth - 1; i >= 0; i--) {
		struct held_lock *h = &t->held_locks[i];

		if (h->read || read || h->recursed)
			continue;
		if (h->map == m) {
			if (ksim_once(m, 4UL << 60))
				recursion_text(&p, h, m, file, line, func);
			recursed = 1;
			break;
		}
		if (c && h->cls == c && ksim_once(&lg.cls[c], 4UL << 60)) {
			recursion_text(&p, h, m, file, line, func);
			break;
		}
	}
	if (c && !recursed && need_graph(t, c, trylock, read, m)) {
		pthread_mutex_lock(&lg.lock);
		if (!trylock && !read) {
			for (int i = 0; i < t->lockdep_depth; i++) {
				struct held_lock *h = &t->held_locks[i];

				if (h->recursed || !h->cls)
					continue;
				add_edge(h->cls, c, h, m, file, line, func, &p);
			}
		}
		if (!read && m->kind != KSIM_LK_SRCU)
			mark_usage(c, t, m, file, line, func, &p);
		pthread_mutex_unlock(&lg.lock);
	}
	if (t->lockdep_depth < KSIM_MAX_HELD_LOCKS) {
		nh = &t->held_locks[t->lockdep_depth++];
		nh->map = m;
		nh->file = file;
		nh->line = line;
		nh->func = func;
		nh->subclass = subclass;
		nh->irqs_were_off = t->irqs_off != 0;
		nh->read = read != 0;
		nh->recursed = recursed != 0;
		nh->cls = c;
	} else if (ksim_once(t, 5UL << 60)) {
		sim_report(SIM_REPORT_LOCKDEP, "BUG: MAX_LOCK_DEPTH too low!",
			   "BUG: MAX_LOCK_DEPTH too low!\ndepth: %d  max: %d!\n",
			   t->lockdep_depth, KSIM_MAX_HELD_LOCKS);
	}
	pending_file(&p);
	return recursed;
}

bool ksim_lock_release(struct lockdep_map *m, const char *file, int line)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 };
	bool real;

	if (!t || t->lockdep_off)
		return true;
	for (int i = t->lockdep_depth - 1; i >= 0; i--) {
		if (t->held_locks[i].map != m)
			continue;
		real = !t->held_locks[i].recursed;
		if (i < t->rcu_held_pos)
			t->rcu_held_pos--;	/* the rcu_read_lock entry stays above the locks below it */
		if (i < t->lockdep_depth - 1)
			memmove(&t->held_locks[i], &t->held_locks[i + 1],
				(size_t)(t->lockdep_depth - i - 1) * sizeof(t->held_locks[0]));
		t->lockdep_depth--;
		return real;
	}
	if (ksim_once(file, (uintptr_t)line | (12UL << 56))) {
		kbuf_printf(&b, "=====================================\n");
		kbuf_printf(&b, "WARNING: bad unlock balance detected!\n");
		kbuf_printf(&b, "-------------------------------------\n");
		print_task_line(&b, "is trying to release lock");
		kbuf_printf(&b, " (%s) at: %s:%d\nbut there are no more locks to release!\n\n",
			    m->name, ksim_short_file(file), line);
		ksim_print_held_locks(&b, t);
		ksim_report_text(SIM_REPORT_LOCKDEP, "WARNING: bad unlock balance detected!", b.s);
		kbuf_free(&b);
	}
	return false;
}

void ksim_lock_wait_for(struct lockdep_map *m, const char *file, int line, const char *func)
{
	struct task_struct *t = current;
	struct pending p = { 0 };
	unsigned int c;

	if (!t || t->lockdep_off || !in_graph(m))
		return;
	c = class_of(m, 0);
	pthread_mutex_lock(&lg.lock);
	for (int i = 0; i < t->lockdep_depth; i++) {
		struct held_lock *h = &t->held_locks[i];

		if (h->recursed || !h->cls || h->cls == c)
			continue;
		add_edge(h->cls, c, h, m, file, line, func, &p);
	}
	pthread_mutex_unlock(&lg.lock);
	pending_file(&p);
}

bool ksim_lock_is_held(const struct lockdep_map *m)
{
	struct task_struct *t = current;

	if (!t)
		return false;
	for (int i = 0; i < t->lockdep_depth; i++)
		if (t->held_locks[i].map == m)
			return true;
	return false;
}

void ksim_lockdep_assert_held(const struct lockdep_map *m, bool held, const char *expr,
			      const char *file, int line, const char *func)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 };
	char title[160];

	if (!t || t->lockdep_off || ksim_lock_is_held(m) == held)
		return;
	if (!ksim_once(file, (uintptr_t)line | (13UL << 56)))
		return;
	snprintf(title, sizeof(title), "WARNING: %s(%s) failed",
		 held ? "lockdep_assert_held" : "lockdep_assert_not_held", expr);
	kbuf_printf(&b, "------------[ cut here ]------------\n%s\n", title);
	kbuf_printf(&b, "WARNING: CPU: 0 PID: %d at %s:%d %s\n", t->pid, ksim_short_file(file),
		    line, func);
	kbuf_printf(&b, "lock (%s) is %sheld by ", m->name, held ? "not " : "");
	ksim_print_task(&b, t);
	kbuf_printf(&b, "\n");
	ksim_print_held_locks(&b, t);
	ksim_report_text(SIM_REPORT_LOCKDEP, title, b.s);
	kbuf_free(&b);
}

void ksim_lockdep_assert_irqs(bool want_disabled, const char *file, int line, const char *func)
{
	struct task_struct *t = current;

	if (!t || (t->irqs_off != 0) == want_disabled)
		return;
	if (!ksim_once(file, (uintptr_t)line | (14UL << 56)))
		return;
	sim_report(SIM_REPORT_LOCKDEP, want_disabled ? "WARNING: lockdep_assert_irqs_disabled() failed" :
		   "WARNING: lockdep_assert_irqs_enabled() failed",
		   "WARNING: CPU: 0 PID: %d at %s:%d %s\nirqs are %s\n", t->pid,
		   ksim_short_file(file), line, func, t->irqs_off ? "disabled" : "enabled");
}
