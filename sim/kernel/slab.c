/*
 * kmalloc with allocation-site accounting, fault injection and the
 * memory checker: leaks at sim_destroy, double and invalid frees, and on
 * the sched backend (without ASan) a poisoned quarantine that catches
 * writes after free when an object leaves it. Under ASan freed memory is
 * returned to ASan at once, so a late access is a heap-use-after-free.
 */
#include "internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define KSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KSIM_ASAN 1
#endif
#endif

#define POISON_FREE	0x6b
#define NR_BUCKETS	(1u << 14)
#define FREED_RING	4096
#define Q_MAX_OBJS	4096
#define Q_MAX_BYTES	(16u << 20)

struct ksim_alloc_hdr {
	struct ksim_alloc_hdr *next;	/* hash chain; alloc_lock */
	size_t size;
	const char *func, *file;
	int line;
	const char *ffunc, *ffile;	/* free site, once in the quarantine */
	int fline;
	unsigned long seq;		/* allocation number */
} __attribute__((aligned(16)));

static inline size_t bucket_of(const void *p)
{
	return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL >> (64 - 14);
}

/*
 * The tables of the last simulation destroyed, cleared, for the next one:
 * allocating and zeroing a third of a megabyte per simulation dominated
 * the explorer's runs. Handed over with atomic exchanges.
 */
static struct ksim_alloc_hdr **spare_buckets;
static struct ksim_freed *spare_freed;

int ksim_alloc_init(struct sim *sim)
{
	sim->buckets = __atomic_exchange_n(&spare_buckets, NULL, __ATOMIC_ACQ_REL);
	sim->freed = __atomic_exchange_n(&spare_freed, NULL, __ATOMIC_ACQ_REL);
	if (!sim->buckets)
		sim->buckets = calloc(NR_BUCKETS, sizeof(*sim->buckets));
	if (!sim->freed)
		sim->freed = calloc(FREED_RING, sizeof(*sim->freed));
	if (!sim->buckets || !sim->freed) {
		free(sim->buckets);
		free(sim->freed);
		return -ENOMEM;
	}
	sim->nr_buckets = NR_BUCKETS;
	sim->freed_cap = FREED_RING;
	return 0;
}

static bool use_quarantine(void)
{
#ifdef KSIM_ASAN
	return false;
#else
	return KSIM_FLAG(ksim_sched_active) && KSIM_FLAG(ksim_checkers_on);
#endif
}

static bool should_fail(struct sim *sim, const char *func)
{
	bool fail = false;

	if (sim->fail_nth_alloc && --sim->fail_nth_alloc == 0)
		fail = true;
	for (unsigned int i = 0; !fail && i < sim->nr_fail_sites; i++)
		if (!strcmp(sim->fail_sites[i], func))
			fail = true;
	return fail;
}

void *ksim_kmalloc(size_t size, gfp_t gfp, const char *func, const char *file, int line)
{
	struct sim *sim = ksim_sim;
	struct ksim_alloc_hdr *h;
	size_t b;
	bool fail;

	if (gfpflags_allow_blocking(gfp))
		ksim_might_sleep(file, line, func);
	if (!sim) {
		h = malloc(sizeof(*h) + size);
		if (!h)
			return NULL;
		memset(h, 0, sizeof(*h));
		if (gfp & __GFP_ZERO)
			memset(h + 1, 0, size);
		return h + 1;
	}
	pthread_mutex_lock(&sim->alloc_lock);
	sim->alloc_count++;
	fail = should_fail(sim, func);
	pthread_mutex_unlock(&sim->alloc_lock);
	if (fail) {
		sim_trace_instant("alloc", "fail", "site=%s", func);
		return NULL;
	}
	if (size > ((size_t)1 << 40))
		return NULL;
	h = malloc(sizeof(*h) + (size ? size : 1));
	if (!h)
		return NULL;
	h->size = size;
	h->func = func;
	h->file = file;
	h->line = line;
	h->ffunc = h->ffile = NULL;
	h->fline = 0;
	if (gfp & __GFP_ZERO)
		memset(h + 1, 0, size);
	b = bucket_of(h + 1);
	pthread_mutex_lock(&sim->alloc_lock);
	h->seq = sim->alloc_count;
	h->next = sim->buckets[b];
	sim->buckets[b] = h;
	sim->live_objects++;
	sim->live_bytes += size;
	pthread_mutex_unlock(&sim->alloc_lock);
	return h + 1;
}

void *ksim_kmemdup(const void *src, size_t len, gfp_t gfp, const char *func,
		   const char *file, int line)
{
	void *p = ksim_kmalloc(len, gfp, func, file, line);

	if (p)
		memcpy(p, src, len);
	return p;
}

static struct ksim_alloc_hdr *unlink_live(struct sim *sim, const void *p)
{
	struct ksim_alloc_hdr **pp = &sim->buckets[bucket_of(p)];

	for (; *pp; pp = &(*pp)->next) {
		if ((const void *)(*pp + 1) == p) {
			struct ksim_alloc_hdr *h = *pp;

			*pp = h->next;
			sim->live_objects--;
			sim->live_bytes -= h->size;
			return h;
		}
	}
	return NULL;
}

static const struct ksim_freed *find_freed(struct sim *sim, const void *p)
{
	for (unsigned int i = 0; i < sim->freed_cap; i++)
		if (sim->freed[i].p == p)
			return &sim->freed[i];
	return NULL;
}

static void forget_freed(struct sim *sim, const void *p)
{
	for (unsigned int i = 0; i < sim->freed_cap; i++)
		if (sim->freed[i].p == p)
			sim->freed[i].p = NULL;
}

/* An object leaves the quarantine: its poison must be intact. */
static void q_release(struct ksim_alloc_hdr *h)
{
	const unsigned char *c = (const unsigned char *)(h + 1);
	const uint64_t poison8 = 0x0101010101010101ULL * POISON_FREE;
	size_t i = 0;

	/* eight bytes at a time first: the explorer frees thousands of objects per second */
	for (uint64_t w; i + 8 <= h->size; i += 8) {
		memcpy(&w, c + i, 8);
		if (w != poison8)
			break;
	}
	for (; i < h->size; i++) {
		if (c[i] == POISON_FREE)
			continue;
		sim_report(SIM_REPORT_MEMORY, "BUG: KASAN: use-after-free write",
			   "==================================================================\n"
			   "BUG: KASAN: use-after-free write in object %p (size %zu)\n"
			   "First modified byte at offset %zu (0x%02x, poison 0x%02x)\n\n"
			   "Allocated by: %s (%s:%d)\nFreed by: %s (%s:%d)\n"
			   "==================================================================\n",
			   (void *)(h + 1), h->size, i, c[i], POISON_FREE, h->func,
			   ksim_short_file(h->file), h->line, h->ffunc ? h->ffunc : "?",
			   ksim_short_file(h->ffile), h->fline);
		break;
	}
	free(h);
}

static void q_push(struct sim *sim, struct ksim_alloc_hdr *h)
{
	struct ksim_alloc_hdr *old = NULL;

	pthread_mutex_lock(&sim->alloc_lock);
	if (!sim->quarantine) {
		sim->quarantine = calloc(Q_MAX_OBJS, sizeof(*sim->quarantine));
		sim->q_cap = sim->quarantine ? Q_MAX_OBJS : 0;
	}
	if (!sim->q_cap) {
		pthread_mutex_unlock(&sim->alloc_lock);
		free(h);
		return;
	}
	if (sim->q_len == sim->q_cap || sim->q_bytes > Q_MAX_BYTES) {
		old = sim->quarantine[sim->q_head];
		sim->q_head = (sim->q_head + 1) % sim->q_cap;
		sim->q_len--;
		sim->q_bytes -= old->size;
		forget_freed(sim, old + 1);
	}
	sim->quarantine[(sim->q_head + sim->q_len) % sim->q_cap] = h;
	sim->q_len++;
	sim->q_bytes += h->size;
	pthread_mutex_unlock(&sim->alloc_lock);
	if (old)
		q_release(old);
}

static void bad_free(struct sim *sim, const void *p, const char *func, const char *file, int line)
{
	const struct ksim_freed *f;
	struct ksim_freed copy = { 0 };
	bool dbl;

	pthread_mutex_lock(&sim->alloc_lock);
	f = find_freed(sim, p);
	dbl = f != NULL;
	if (f)
		copy = *f;
	pthread_mutex_unlock(&sim->alloc_lock);
	if (dbl)
		sim_report(SIM_REPORT_MEMORY, "BUG: KASAN: double-free",
			   "==================================================================\n"
			   "BUG: KASAN: double-free in %s (%s:%d)\nFree of addr %p\n\n"
			   "Allocated by: %s (%s:%d)\nFirst freed by: %s (%s:%d)\n"
			   "==================================================================\n",
			   func, ksim_short_file(file), line, p, copy.afunc, ksim_short_file(copy.afile),
			   copy.aline, copy.func, ksim_short_file(copy.file), copy.line);
	else
		sim_report(SIM_REPORT_MEMORY, "BUG: KASAN: invalid-free",
			   "==================================================================\n"
			   "BUG: KASAN: invalid-free in %s (%s:%d)\n"
			   "Free of addr %p that kmalloc() did not return\n"
			   "==================================================================\n",
			   func, ksim_short_file(file), line, p);
}

void ksim_kfree(const void *p, const char *func, const char *file, int line)
{
	struct sim *sim = ksim_sim;
	struct ksim_alloc_hdr *h;
	struct ksim_freed *f;

	if (ZERO_OR_NULL_PTR(p))
		return;
	if (!sim) {
		free((struct ksim_alloc_hdr *)p - 1);
		return;
	}
	pthread_mutex_lock(&sim->alloc_lock);
	h = unlink_live(sim, p);
	if (h) {
		f = &sim->freed[sim->freed_pos++ % sim->freed_cap];
		f->p = p;
		f->func = func;
		f->file = file;
		f->line = line;
		f->afunc = h->func;
		f->afile = h->file;
		f->aline = h->line;
	}
	pthread_mutex_unlock(&sim->alloc_lock);
	if (!h) {
		if (KSIM_FLAG(ksim_checkers_on))
			bad_free(sim, p, func, file, line);
		return;
	}
	if (use_quarantine()) {
		h->ffunc = func;
		h->ffile = file;
		h->fline = line;
		memset(h + 1, POISON_FREE, h->size);
		q_push(sim, h);
	} else {
		free(h);
	}
}

void (kfree)(const void *p)
{
	ksim_kfree(p, "kfree", __FILE__, __LINE__);
}

void (kvfree)(const void *p)
{
	ksim_kfree(p, "kvfree", __FILE__, __LINE__);
}

static void report_leaks(struct sim *sim)
{
	unsigned long n = 0, total = sim->live_objects;

	if (!total)
		return;		/* every bucket is empty */
	for (size_t b = 0; b < sim->nr_buckets; b++) {
		struct ksim_alloc_hdr *h, *next;

		for (h = sim->buckets[b]; h; h = next) {
			next = h->next;
			if (KSIM_FLAG(ksim_checkers_on) && n++ < 20)
				sim_report(SIM_REPORT_MEMORY, "BUG: memory leak",
					   "unreferenced object %p (size %zu):\n"
					   "  allocated by: %s (%s:%d) (allocation #%lu)\n"
					   "  %lu object(s), %zu bytes still allocated at sim_destroy\n",
					   (void *)(h + 1), h->size, h->func, ksim_short_file(h->file),
					   h->line, h->seq, total, sim->live_bytes);
			free(h);
		}
		sim->buckets[b] = NULL;
	}
}

void ksim_alloc_exit(struct sim *sim)
{
	if (sim->buckets)
		report_leaks(sim);
	while (sim->q_len) {
		struct ksim_alloc_hdr *h = sim->quarantine[sim->q_head];

		sim->q_head = (sim->q_head + 1) % sim->q_cap;
		sim->q_len--;
		q_release(h);
	}
	free(sim->quarantine);
	sim->quarantine = NULL;
	/* report_leaks emptied every bucket; clear the ring entries used */
	if (sim->freed)
		memset(sim->freed, 0, (sim->freed_pos < sim->freed_cap ? sim->freed_pos : sim->freed_cap) *
		       sizeof(*sim->freed));
	free(__atomic_exchange_n(&spare_buckets, sim->buckets, __ATOMIC_ACQ_REL));
	free(__atomic_exchange_n(&spare_freed, sim->freed, __ATOMIC_ACQ_REL));
	sim->buckets = NULL;
	sim->freed = NULL;
	for (unsigned int i = 0; i < sim->nr_fail_sites; i++)
		free(sim->fail_sites[i]);
	free(sim->fail_sites);
	sim->fail_sites = NULL;
	sim->nr_fail_sites = 0;
}

void sim_fail_nth_alloc(struct sim *sim, unsigned long n)
{
	pthread_mutex_lock(&sim->alloc_lock);
	sim->fail_nth_alloc = n;
	pthread_mutex_unlock(&sim->alloc_lock);
}

void sim_fail_alloc_site(struct sim *sim, const char *site, bool on)
{
	pthread_mutex_lock(&sim->alloc_lock);
	for (unsigned int i = 0; i < sim->nr_fail_sites; i++) {
		if (strcmp(sim->fail_sites[i], site))
			continue;
		if (!on) {
			free(sim->fail_sites[i]);
			sim->fail_sites[i] = sim->fail_sites[--sim->nr_fail_sites];
		}
		goto out;
	}
	if (on) {
		char **n = realloc(sim->fail_sites, (sim->nr_fail_sites + 1) * sizeof(*n));

		if (n) {
			sim->fail_sites = n;
			n[sim->nr_fail_sites] = strdup(site);
			if (n[sim->nr_fail_sites])
				sim->nr_fail_sites++;
		}
	}
out:
	pthread_mutex_unlock(&sim->alloc_lock);
}

static unsigned long read_locked(const struct sim *sim, const void *field, size_t sz)
{
	pthread_mutex_t *l = (pthread_mutex_t *)&sim->alloc_lock;
	unsigned long v;

	pthread_mutex_lock(l);
	v = sz == sizeof(size_t) ? *(const unsigned long *)field : 0;
	pthread_mutex_unlock(l);
	return v;
}

unsigned long sim_alloc_count(const struct sim *sim)
{
	return read_locked(sim, &sim->alloc_count, sizeof(sim->alloc_count));
}

size_t sim_alloc_live_bytes(const struct sim *sim)
{
	return read_locked(sim, &sim->live_bytes, sizeof(sim->live_bytes));
}

unsigned long sim_alloc_live_objects(const struct sim *sim)
{
	return read_locked(sim, &sim->live_objects, sizeof(sim->live_objects));
}
