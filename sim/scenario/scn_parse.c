/*
 * The .scn parser and static checker: one statement per line, driven by the
 * schemas of scn_schema.c. Every problem becomes one "FILE:LINE:COL: error:"
 * message and parsing goes on at the next line, up to SCN_DIAG_MAX messages.
 *
 * Memory: tokens of the current line live in a reused array; names and
 * result lists go to the program's arena; statement arrays grow geometrically.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scn_internal.h"

struct name_slot {
	const char *name;	/* NULL: empty slot */
	uint32_t len;
	uint32_t idx;
	unsigned int line;
};

/* open-addressing hash set of names (eventfds, threads) */
struct name_table {
	struct name_slot *slots;
	size_t cap, n;
};

struct unresolved {		/* an eventfd used before any declaration */
	const char *s;
	uint32_t len;
	unsigned int line, col;
};

struct prog_box {
	struct scn_program prog;
	struct scn_arena arena;
	size_t n_alloc_efd;
};

struct scn_parser {
	const char *file;
	struct scn_diag *diag;		/* may be NULL */
	unsigned int nerr;
	bool stop;			/* too many errors, or out of memory */
	bool oom;
	unsigned int line;

	struct scn_tok *tok;		/* tokens of the current line */
	size_t ntok, tok_cap;

	struct prog_box *box;
	struct scn_program *prog;
	size_t top_cap;
	struct scn_stmt *thread;	/* open thread block */
	size_t thread_cap;
	unsigned int bogus_threads;	/* nested threads: only their `end` is tracked */
	struct scn_stmt *routing;	/* open routing block */
	size_t routing_cap;

	bool any_stmt;
	unsigned int vm_line;		/* 0: no vm yet */
	uint32_t vcpus;

	struct name_table efds, threads;
	struct unresolved *unres;
	size_t n_unres, unres_cap;
	struct scn_result *alts;
	size_t alt_cap;

	char qbuf[4][96];
	unsigned int qi;
};

/* ---- small helpers ---- */

static bool grow(struct scn_parser *p, void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elem)
		goto oom;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		goto oom;
	*v = nv;
	*cap = ncap;
	return true;
oom:
	p->oom = true;
	p->stop = true;
	return false;
}

/* quote a token for a message: printable, at most ~60 bytes */
static const char *q(struct scn_parser *p, const char *s, size_t len)
{
	char *b = p->qbuf[p->qi++ % 4];
	size_t o = 0, i;

	for (i = 0; i < len && o < 60; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			b[o++] = c;
		} else {
			static const char hex[] = "0123456789abcdef";

			b[o++] = '\\';
			b[o++] = 'x';
			b[o++] = hex[c >> 4];
			b[o++] = hex[c & 15];
		}
	}
	if (i < len) {
		memcpy(b + o, "...", 3);
		o += 3;
	}
	b[o] = '\0';
	return b;
}

static const char *qt(struct scn_parser *p, const struct scn_tok *t)
{
	return q(p, t->s, t->len);
}

static void verror_at(struct scn_parser *p, unsigned int line, unsigned int col,
		      const char *fmt, va_list ap)
{
	p->nerr++;
	if (p->diag)
		scn_diag_vadd(p->diag, p->file, line, col, fmt, ap);
	if (p->nerr > SCN_DIAG_MAX)
		p->stop = true;
}

__attribute__((format(printf, 4, 5)))
static void error_at(struct scn_parser *p, unsigned int line, unsigned int col,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, line, col, fmt, ap);
	va_end(ap);
}

void scn_error(struct scn_parser *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, p->line, col, fmt, ap);
	va_end(ap);
}

static uint64_t hash_name(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct name_slot *name_find(struct name_table *t, const char *s, size_t len)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = hash_name(s, len) & (t->cap - 1); t->slots[i].name; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].len == len && !memcmp(t->slots[i].name, s, len))
			return &t->slots[i];
	return NULL;
}

/* name must stay valid (arena copy); returns false on ENOMEM */
static bool name_add(struct scn_parser *p, struct name_table *t, const char *name,
		     size_t len, uint32_t idx, unsigned int line)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct name_slot *ns = calloc(ncap, sizeof(*ns));

		if (!ns) {
			p->oom = p->stop = true;
			return false;
		}
		for (size_t j = 0; j < t->cap; j++) {
			if (!t->slots[j].name)
				continue;
			i = hash_name(t->slots[j].name, t->slots[j].len) & (ncap - 1);
			while (ns[i].name)
				i = (i + 1) & (ncap - 1);
			ns[i] = t->slots[j];
		}
		free(t->slots);
		t->slots = ns;
		t->cap = ncap;
	}
	i = hash_name(name, len) & (t->cap - 1);
	while (t->slots[i].name)
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = (struct name_slot){ name, (uint32_t)len, idx, line };
	t->n++;
	return true;
}

static const char *word_list(struct scn_parser *p, const struct scn_word *w, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (; w->word && o < size; w++)
		o += snprintf(buf + o, size - o, "%s%s", o ? ", " : "", w->word);
	return buf;
}

static bool word_lookup(const struct scn_word *w, const struct scn_tok *t, int *value)
{
	for (; w->word; w++) {
		if (scn_tok_is(t, w->word)) {
			*value = w->value;
			return true;
		}
	}
	return false;
}

/* ---- values ---- */

/* what: "'gsi'" for a key, "GSI" for a positional */
static bool parse_num_value(struct scn_parser *p, const struct scn_elem *e,
			    const char *s, size_t len, unsigned int col,
			    const char *what, uint64_t *out)
{
	bool neg;
	int r = scn_parse_number(s, len, out, &neg);

	if (r == -EINVAL) {
		if (!len)
			scn_error(p, col, "missing value for %s", what);
		else
			scn_error(p, col, "bad number '%s' for %s (expected decimal or 0x hex)",
				  q(p, s, len), what);
		return false;
	}
	if (r == -ERANGE) {
		scn_error(p, col, "number '%s' does not fit in 64 bits", q(p, s, len));
		return false;
	}
	if (neg) {
		scn_error(p, col, "negative value '%s' for %s", q(p, s, len), what);
		return false;
	}
	if (*out > e->max) {
		if (e->opts & SO_HEX)
			scn_error(p, col, "value '%s' out of range for %s (max 0x%llx)",
				  q(p, s, len), what, (unsigned long long)e->max);
		else
			scn_error(p, col, "value '%s' out of range for %s (max %llu)",
				  q(p, s, len), what, (unsigned long long)e->max);
		return false;
	}
	return true;
}

static bool check_name(struct scn_parser *p, const char *s, size_t len, unsigned int col)
{
	if (scn_is_name(s, len))
		return true;
	scn_error(p, col, "bad name '%s' (names match [A-Za-z_][A-Za-z0-9_.-]*)", q(p, s, len));
	return false;
}

static void use_efd(struct scn_parser *p, const char *s, size_t len, unsigned int col,
		    void *base, int off)
{
	struct name_slot *slot;

	scn_store(base, off, 4, UINT32_MAX);
	if (!check_name(p, s, len, col))
		return;
	slot = name_find(&p->efds, s, len);
	if (slot) {
		scn_store(base, off, 4, slot->idx);
		return;
	}
	if (!grow(p, (void **)&p->unres, &p->unres_cap, p->n_unres, sizeof(*p->unres)))
		return;
	p->unres[p->n_unres++] = (struct unresolved){ s, (uint32_t)len, p->line, col };
}

static void declare_efd(struct scn_parser *p, const struct scn_tok *t, void *base, int off)
{
	struct scn_program *prog = p->prog;
	struct name_slot *slot;
	char *name;

	scn_store(base, off, 4, UINT32_MAX);
	if (!check_name(p, t->s, t->len, t->col))
		return;
	slot = name_find(&p->efds, t->s, t->len);
	if (slot) {
		scn_error(p, t->col, "eventfd '%s' already declared at line %u", qt(p, t), slot->line);
		scn_store(base, off, 4, slot->idx);
		return;
	}
	name = scn_arena_strndup(&p->box->arena, t->s, t->len);
	if (!name) {
		p->oom = p->stop = true;
		return;
	}
	if (!grow(p, (void **)&prog->eventfds, &p->box->n_alloc_efd, prog->n_eventfds,
		  sizeof(*prog->eventfds)))
		return;
	if (!name_add(p, &p->efds, name, t->len, prog->n_eventfds, p->line))
		return;
	prog->eventfds[prog->n_eventfds] = (struct scn_eventfd_decl){ name, p->line, p->thread != NULL };
	scn_store(base, off, 4, prog->n_eventfds);
	prog->n_eventfds++;
}

static void parse_vlist(struct scn_parser *p, const struct scn_schema *sc,
			const struct scn_elem *e, void *base, size_t *i, size_t nstmt)
{
	struct scn_vecset *set = (struct scn_vecset *)((char *)base + e->off);
	bool none = false;
	size_t n = 0;

	for (; *i < nstmt; (*i)++) {
		const struct scn_tok *t = &p->tok[*i];
		uint64_t v;
		bool neg;
		int r;

		if (scn_tok_is(t, "none")) {
			if (none || n)
				scn_error(p, t->col, "'none' cannot be combined with vectors");
			none = true;
			continue;
		}
		if (none) {
			scn_error(p, t->col, "'none' cannot be combined with vectors");
			continue;
		}
		r = scn_parse_number(t->s, t->len, &v, &neg);
		if (r == -EINVAL) {
			scn_error(p, t->col, "bad vector '%s' for '%s' (expected a number or 'none')",
				  qt(p, t), sc->name);
			continue;
		}
		if (r || neg || v > 255) {
			scn_error(p, t->col, "vector '%s' out of range (0-255)", qt(p, t));
			continue;
		}
		set->bits[v / 64] |= 1ull << (v % 64);
		n++;
	}
}

static unsigned int eol_col(struct scn_parser *p, size_t nstmt)
{
	const struct scn_tok *t = &p->tok[nstmt - 1];

	return t->col + t->len;
}

static void parse_positional(struct scn_parser *p, const struct scn_schema *sc,
			     const struct scn_elem *e, void *base, const struct scn_tok *t)
{
	uint64_t v;
	int iv;

	switch (e->kind) {
	case SE_WORD:
		break;
	case SE_ENUM:
		if (word_lookup(e->words, t, &iv))	/* dispatch matched it */
			scn_store(base, e->off, e->size, (uint64_t)iv);
		break;
	case SE_NUM:
		if (parse_num_value(p, e, t->s, t->len, t->col, e->word, &v))
			scn_store(base, e->off, e->size, v);
		break;
	case SE_VCPU:
		if (!parse_num_value(p, e, t->s, t->len, t->col, e->word, &v))
			break;
		if (v >= p->vcpus) {
			scn_error(p, t->col, "vCPU %llu out of range (the vm has vcpus=%u)",
				  (unsigned long long)v, p->vcpus);
			break;
		}
		scn_store(base, e->off, e->size, v);
		break;
	case SE_EFD:
		use_efd(p, t->s, t->len, t->col, base, e->off);
		break;
	case SE_EFD_DECL:
		declare_efd(p, t, base, e->off);
		break;
	case SE_NAME: {
		const char *name;

		if (!check_name(p, t->s, t->len, t->col))
			break;
		name = scn_arena_strndup(&p->box->arena, t->s, t->len);
		if (!name) {
			p->oom = p->stop = true;
			break;
		}
		memcpy((char *)base + e->off, &name, sizeof(name));
		break;
	}
	case SE_STAT: {
		const char *eq = memchr(t->s, '=', t->len);
		size_t k = eq ? (size_t)(eq - t->s) : t->len;
		const char *name;

		if (!eq) {
			scn_error(p, t->col, "expected NAME=N for '%s', got '%s'", sc->name, qt(p, t));
			break;
		}
		if (!check_name(p, t->s, k, t->col))
			break;
		if (!parse_num_value(p, e, eq + 1, t->len - k - 1, t->col + k + 1, "the stat", &v))
			break;
		name = scn_arena_strndup(&p->box->arena, t->s, k);
		if (!name) {
			p->oom = p->stop = true;
			break;
		}
		memcpy((char *)base + e->off, &name, sizeof(name));
		scn_store(base, e->off2, 8, v);
		break;
	}
	default:
		break;
	}
}

static void list_args(const struct scn_schema *sc, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < sc->n_elems && o < size; i++)
		if (!scn_elem_positional(&sc->elems[i]))
			o += snprintf(buf + o, size - o, "%s%s", o ? ", " : "", sc->elems[i].word);
}

static const struct scn_elem *find_arg(const struct scn_schema *sc, const char *s,
				       size_t len, int kind, unsigned int *idx)
{
	for (unsigned int i = 0; i < sc->n_elems; i++) {
		const struct scn_elem *e = &sc->elems[i];

		if (e->kind == kind && strlen(e->word) == len && !memcmp(e->word, s, len)) {
			*idx = i;
			return e;
		}
	}
	return NULL;
}

static void parse_key(struct scn_parser *p, const struct scn_schema *sc, void *base,
		      const struct scn_tok *t, const char *eq, uint64_t *seen)
{
	size_t k = (size_t)(eq - t->s);
	const char *val = eq + 1;
	size_t vlen = t->len - k - 1;
	unsigned int vcol = t->col + (unsigned int)k + 1;
	const struct scn_elem *e;
	unsigned int idx;
	char what[64], list[512];
	uint64_t v;
	int iv;

	if (!k) {
		scn_error(p, t->col, "missing key before '=' in '%s'", qt(p, t));
		return;
	}
	e = find_arg(sc, t->s, k, SE_KEY, &idx);
	if (!e) {
		list_args(sc, list, sizeof(list));
		if (list[0])
			scn_error(p, t->col, "unknown key '%s' for '%s' (expected: %s)",
				  q(p, t->s, k), sc->name, list);
		else
			scn_error(p, t->col, "unknown key '%s' for '%s' (it takes no keys)",
				  q(p, t->s, k), sc->name);
		return;
	}
	if (*seen & (1ull << idx)) {
		scn_error(p, t->col, "duplicate key '%s' for '%s'", e->word, sc->name);
		return;
	}
	*seen |= 1ull << idx;
	if (e->has_off >= 0)
		scn_store(base, e->has_off, 1, 1);
	snprintf(what, sizeof(what), "'%s'", e->word);
	switch (e->vtype) {
	case SV_NUM:
		if (parse_num_value(p, e, val, vlen, vcol, what, &v))
			scn_store(base, e->off, e->size, v);
		break;
	case SV_ENUM: {
		struct scn_tok vt = { val, (uint32_t)vlen, vcol };

		if (!vlen)
			scn_error(p, vcol, "missing value for '%s'", e->word);
		else if (word_lookup(e->words, &vt, &iv))
			scn_store(base, e->off, e->size, (uint64_t)iv);
		else
			scn_error(p, vcol, "bad value '%s' for '%s' (expected: %s)",
				  q(p, val, vlen), e->word, word_list(p, e->words, list, sizeof(list)));
		break;
	}
	case SV_EFD:
		if (!vlen)
			scn_error(p, vcol, "missing value for '%s'", e->word);
		else
			use_efd(p, val, vlen, vcol, base, e->off);
		break;
	}
}

static void parse_flag(struct scn_parser *p, const struct scn_schema *sc, void *base,
		       const struct scn_tok *t, uint64_t *seen)
{
	const struct scn_elem *e;
	unsigned int idx, j;
	char list[512];

	e = find_arg(sc, t->s, t->len, SE_FLAG, &idx);
	if (!e) {
		list_args(sc, list, sizeof(list));
		if (find_arg(sc, t->s, t->len, SE_KEY, &j)) {
			/* given, if badly: no second "missing required key" */
			*seen |= 1ull << j;
			scn_error(p, t->col, "key '%s' needs a value (%s=VALUE)", qt(p, t), qt(p, t));
		}
		else if (list[0])
			scn_error(p, t->col, "unknown flag '%s' for '%s' (expected: %s)",
				  qt(p, t), sc->name, list);
		else
			scn_error(p, t->col, "unexpected '%s' after '%s'", qt(p, t), sc->name);
		return;
	}
	if (*seen & (1ull << idx)) {
		scn_error(p, t->col, "duplicate flag '%s' for '%s'", e->word, sc->name);
		return;
	}
	for (j = 0; j < sc->n_elems; j++) {
		const struct scn_elem *o = &sc->elems[j];

		if (j != idx && o->kind == SE_FLAG && o->off == e->off && (*seen & (1ull << j))) {
			scn_error(p, t->col, "'%s' conflicts with '%s' for '%s'",
				  e->word, o->word, sc->name);
			return;
		}
	}
	*seen |= 1ull << idx;
	scn_store(base, e->off, e->size, (uint64_t)e->value);
}

/*
 * Parse tokens [0, nstmt) of the current line into base per schema sc:
 * positionals, keys and flags, defaults, required arguments, then sc->check.
 */
static void parse_args(struct scn_parser *p, const struct scn_schema *sc, void *base,
		       size_t nstmt)
{
	uint64_t seen = 0;
	size_t i = 0;
	unsigned int k;

	for (k = 0; k < sc->n_elems && scn_elem_positional(&sc->elems[k]); k++) {
		const struct scn_elem *e = &sc->elems[k];
		const struct scn_tok *t = i < nstmt ? &p->tok[i] : NULL;

		if (e->kind == SE_VLIST) {
			if (!t) {
				scn_error(p, eol_col(p, nstmt), "missing %s for '%s'", e->word, sc->name);
				continue;
			}
			seen |= 1ull << k;
			parse_vlist(p, sc, e, base, &i, nstmt);
			continue;
		}
		if (!t || (e->kind != SE_STAT && memchr(t->s, '=', t->len))) {
			if (e->opts & SO_OPTIONAL) {
				scn_store(base, e->off, e->size, e->dflt);
				continue;
			}
			scn_error(p, t ? t->col : eol_col(p, nstmt), "missing %s for '%s'",
				  e->word, sc->name);
			continue;
		}
		seen |= 1ull << k;
		parse_positional(p, sc, e, base, t);
		i++;
	}
	/* defaults of keys without has_X */
	for (unsigned int j = k; j < sc->n_elems; j++) {
		const struct scn_elem *e = &sc->elems[j];

		if (e->kind == SE_KEY && e->has_off < 0 && e->vtype == SV_NUM)
			scn_store(base, e->off, e->size, e->dflt);
	}
	for (; i < nstmt && !p->stop; i++) {
		const struct scn_tok *t = &p->tok[i];
		const char *eq = memchr(t->s, '=', t->len);

		if (eq)
			parse_key(p, sc, base, t, eq, &seen);
		else
			parse_flag(p, sc, base, t, &seen);
	}
	for (unsigned int j = k; j < sc->n_elems; j++) {
		const struct scn_elem *e = &sc->elems[j];

		if (!(e->opts & SO_REQUIRED) || (seen & (1ull << j)))
			continue;
		if (e->kind == SE_KEY) {
			scn_error(p, p->tok[0].col, "missing required key '%s' for '%s'",
				  e->word, sc->name);
		} else {
			/* a required flag group: report once, at its first member */
			bool first = true, any = false;
			char list[256];
			size_t o = 0;

			for (unsigned int m = k; m < sc->n_elems; m++) {
				const struct scn_elem *g = &sc->elems[m];

				if (g->kind != SE_FLAG || g->off != e->off)
					continue;
				if (m < j)
					first = false;
				if (seen & (1ull << m))
					any = true;
				if (o < sizeof(list))
					o += snprintf(list + o, sizeof(list) - o, "%s'%s'",
						      o ? " or " : "", g->word);
			}
			if (first && !any)
				scn_error(p, p->tok[0].col, "missing %s for '%s'", list, sc->name);
		}
	}
	if (sc->check)
		sc->check(p, &p->tok[0], base, seen);
}

/* ---- results ---- */

static const char *result_list(unsigned int mask, char *buf, size_t size)
{
	static const struct { unsigned int bit; const char *text; } names[] = {
		{ SR_OK, "ok" }, { SR_ERRNO, "an errno name" }, { SR_NUM, "a number" },
		{ SR_VECTOR, "a vector" }, { SR_NONE, "none" }, { SR_KERNEL, "kernel" },
		{ SR_EXIT, "exit" },
	};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (mask & names[i].bit)
			o += snprintf(buf + o, size - o, "%s%s", o ? ", " : "", names[i].text);
	return buf;
}

static bool parse_alt(struct scn_parser *p, const struct scn_schema *sc, const char *s,
		      size_t len, unsigned int col, struct scn_result *r)
{
	struct scn_tok t = { s, (uint32_t)len, col };
	unsigned int need;
	char list[128];

	memset(r, 0, sizeof(*r));
	if (scn_tok_is(&t, "ok")) {
		r->kind = SCN_RES_OK;
		need = SR_OK;
	} else if (scn_tok_is(&t, "none")) {
		r->kind = SCN_RES_NONE;
		need = SR_NONE;
	} else if (scn_tok_is(&t, "kernel")) {
		r->kind = SCN_RES_KERNEL;
		need = SR_KERNEL;
	} else if (scn_tok_is(&t, "exit")) {
		r->kind = SCN_RES_EXIT;
		need = SR_EXIT;
	} else if (s[0] == 'E' && len > 1 && s[1] >= 'A' && s[1] <= 'Z') {
		int err = scn_errno_from_name(s, len);

		if (!err) {
			scn_error(p, col, "unknown errno name '%s'", q(p, s, len));
			return false;
		}
		r->kind = SCN_RES_ERRNO;
		r->value = (uint64_t)err;
		need = SR_ERRNO;
	} else if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		int e = scn_parse_number(s, len, &r->value, &r->negative);

		if (e == -EINVAL) {
			scn_error(p, col, "bad number '%s' in result", q(p, s, len));
			return false;
		}
		if (e == -ERANGE) {
			scn_error(p, col, "number '%s' does not fit in 64 bits", q(p, s, len));
			return false;
		}
		r->kind = SCN_RES_NUM;
		need = SR_NUM | SR_VECTOR;
		if ((sc->results & SR_VECTOR) && !(sc->results & SR_NUM) &&
		    (r->negative || r->value > 255)) {
			scn_error(p, col, "vector '%s' out of range (0-255)", q(p, s, len));
			return false;
		}
	} else {
		scn_error(p, col, "unknown result '%s' for '%s' (expected: %s)", q(p, s, len),
			  sc->name, result_list(sc->results, list, sizeof(list)));
		return false;
	}
	if (!(need & sc->results)) {
		scn_error(p, col, "result '%s' is not valid for '%s' (expected: %s)", q(p, s, len),
			  sc->name, result_list(sc->results, list, sizeof(list)));
		return false;
	}
	return true;
}

/* `=> A|B|C` from token `from` (which starts with "=>") to the end of the line */
static void parse_results(struct scn_parser *p, const struct scn_schema *sc,
			  struct scn_stmt *s, size_t from)
{
	const struct scn_tok *arrow = &p->tok[from];
	bool need = true;
	size_t n = 0;

	if (!sc->results) {
		scn_error(p, arrow->col, "'%s' takes no '=>' result", sc->name);
		return;
	}
	for (size_t i = from; i < p->ntok; i++) {
		const struct scn_tok *t = &p->tok[i];
		size_t pos = i == from ? 2 : 0;

		for (;;) {
			const char *bar = memchr(t->s + pos, '|', t->len - pos);
			size_t end = bar ? (size_t)(bar - t->s) : t->len;

			if (end > pos) {
				if (!need) {
					scn_error(p, t->col + pos,
						  "unexpected '%s' after result (separate alternatives with '|')",
						  q(p, t->s + pos, end - pos));
					return;
				}
				if (!grow(p, (void **)&p->alts, &p->alt_cap, n, sizeof(*p->alts)))
					return;
				if (!parse_alt(p, sc, t->s + pos, end - pos, t->col + pos, &p->alts[n]))
					return;
				n++;
				need = false;
			}
			if (!bar)
				break;
			if (need) {
				scn_error(p, t->col + end, "empty alternative in result");
				return;
			}
			need = true;
			pos = end + 1;
		}
	}
	if (need) {
		scn_error(p, eol_col(p, p->ntok), "missing result after '%s'", n ? "|" : "=>");
		return;
	}
	s->results = scn_arena_alloc(&p->box->arena, n * sizeof(*s->results));
	if (!s->results) {
		p->oom = p->stop = true;
		return;
	}
	memcpy(s->results, p->alts, n * sizeof(*s->results));
	s->n_results = (unsigned int)n;
}

/* ---- statements and blocks ---- */

static bool elem_word_match(const struct scn_elem *e, const struct scn_tok *t)
{
	int v;

	if (e->kind == SE_WORD)
		return scn_tok_is(t, e->word);
	return word_lookup(e->words, t, &v);
}

/* position where sc stops matching the line's words, 0 if it matches */
static size_t match_fail(struct scn_parser *p, const struct scn_schema *sc, size_t nstmt)
{
	for (size_t i = 1; i < sc->n_elems && scn_elem_positional(&sc->elems[i]); i++) {
		const struct scn_elem *e = &sc->elems[i];

		if (e->kind == SE_VCPU && (i >= nstmt ||
					   !((p->tok[i].s[0] >= '0' && p->tok[i].s[0] <= '9') ||
					     p->tok[i].s[0] == '-')))
			return i;
		if (e->kind != SE_WORD && e->kind != SE_ENUM)
			continue;
		if (i >= nstmt || !elem_word_match(e, &p->tok[i]))
			return i;
	}
	return 0;
}

static const struct scn_schema *dispatch(struct scn_parser *p, size_t nstmt)
{
	const struct scn_tok *kw = &p->tok[0];
	size_t best = 0, f;
	bool any = false;
	char list[512];
	size_t o = 0;

	for (size_t s = 0; s < scn_n_dispatch; s++) {
		const struct scn_schema *sc = scn_dispatch[s];

		if (!scn_tok_is(kw, sc->elems[0].word))
			continue;
		any = true;
		f = match_fail(p, sc, nstmt);
		if (!f)
			return sc;
		if (f > best)
			best = f;
	}
	if (!any) {
		scn_error(p, kw->col, "unknown statement '%s'", qt(p, kw));
		return NULL;
	}
	/* what the forms of this keyword accept where the line stopped matching */
	list[0] = '\0';
	for (size_t s = 0; s < scn_n_dispatch; s++) {
		const struct scn_schema *sc = scn_dispatch[s];
		const struct scn_elem *e;

		if (!scn_tok_is(kw, sc->elems[0].word) || match_fail(p, sc, nstmt) != best)
			continue;
		e = &sc->elems[best];
		if (e->kind == SE_ENUM) {
			for (const struct scn_word *w = e->words; w->word; w++)
				if (!strstr(list, w->word) && o < sizeof(list))
					o += snprintf(list + o, sizeof(list) - o, "%s%s",
						      o ? ", " : "", w->word);
		} else if (!strstr(list, e->word) && o < sizeof(list)) {
			o += snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "", e->word);
		}
	}
	if (best < nstmt)
		scn_error(p, p->tok[best].col, "unexpected '%s' in '%s' statement (expected: %s)",
			  qt(p, &p->tok[best]), qt(p, kw), list);
	else
		scn_error(p, eol_col(p, nstmt), "incomplete '%s' statement (expected: %s)",
			  qt(p, kw), list);
	return NULL;
}

static struct scn_stmt *new_stmt(struct scn_parser *p)
{
	struct scn_stmt **v;
	size_t *n, *cap;
	struct scn_stmt *s;

	if (p->thread) {
		v = &p->thread->u.thread.body;
		n = &p->thread->u.thread.n_body;
		cap = &p->thread_cap;
	} else {
		v = &p->prog->stmts;
		n = &p->prog->n_stmts;
		cap = &p->top_cap;
	}
	if (!grow(p, (void **)v, cap, *n, sizeof(**v)))
		return NULL;
	s = &(*v)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->line = p->line;
	s->col = p->tok[0].col;
	return s;
}

static size_t find_arrow(struct scn_parser *p)
{
	for (size_t i = 1; i < p->ntok; i++)
		if (p->tok[i].len >= 2 && p->tok[i].s[0] == '=' && p->tok[i].s[1] == '>')
			return i;
	return p->ntok;
}

static void close_routing(struct scn_parser *p, size_t nstmt)
{
	struct scn_stmt *r = p->routing;

	p->routing = NULL;
	r->u.routing.end_line = p->line;
	if (nstmt > 1)
		scn_error(p, p->tok[1].col, "unexpected '%s' after 'end'", qt(p, &p->tok[1]));
	if (nstmt < p->ntok)
		parse_results(p, scn_schema_of(SCN_ROUTING), r, nstmt);
}

static void route_entry(struct scn_parser *p, size_t nstmt)
{
	struct scn_routing *r = &p->routing->u.routing;
	struct scn_route_entry *e;

	if (!grow(p, (void **)&r->entries, &p->routing_cap, r->n_entries, sizeof(*e)))
		return;
	e = &r->entries[r->n_entries++];
	memset(e, 0, sizeof(*e));
	e->line = p->line;
	e->col = p->tok[0].col;
	parse_args(p, scn_route_entry_schema, e, nstmt);
	if (nstmt < p->ntok)
		scn_error(p, p->tok[nstmt].col, "a 'gsi' entry takes no '=>' result (put it on 'end')");
}

static bool is_keyword(const struct scn_tok *t)
{
	for (size_t s = 0; s < scn_n_dispatch; s++)
		if (scn_tok_is(t, scn_dispatch[s]->elems[0].word))
			return true;
	return false;
}

static void end_line(struct scn_parser *p, size_t nstmt)
{
	if (p->bogus_threads) {
		p->bogus_threads--;
		return;
	}
	if (!p->thread) {
		scn_error(p, p->tok[0].col, "'end' without 'routing' or 'thread'");
		return;
	}
	p->thread->u.thread.end_line = p->line;
	p->thread = NULL;
	if (nstmt > 1)
		scn_error(p, p->tok[1].col, "unexpected '%s' after 'end'", qt(p, &p->tok[1]));
	if (nstmt < p->ntok)
		scn_error(p, p->tok[nstmt].col, "the 'end' of a thread takes no '=>' result");
}

static void open_thread(struct scn_parser *p, struct scn_stmt *s)
{
	struct scn_thread *t = &s->u.thread;
	struct name_slot *slot;

	t->index = p->prog->n_threads++;
	if (t->name) {
		slot = name_find(&p->threads, t->name, strlen(t->name));
		if (slot)
			scn_error(p, p->tok[1].col, "duplicate thread name '%s' (first at line %u)",
				  t->name, slot->line);
		else
			name_add(p, &p->threads, t->name, strlen(t->name), t->index, p->line);
	}
	p->thread = s;
	p->thread_cap = 0;
}

static void statement(struct scn_parser *p)
{
	const struct scn_tok *kw = &p->tok[0];
	size_t nstmt = find_arrow(p);
	const struct scn_schema *sc;
	struct scn_stmt *s;

	if (p->routing) {
		if (scn_tok_is(kw, "gsi")) {
			route_entry(p, nstmt);
			return;
		}
		if (scn_tok_is(kw, "end")) {
			close_routing(p, nstmt);
			return;
		}
		if (!is_keyword(kw)) {
			scn_error(p, kw->col, "expected a 'gsi' entry or 'end' in the 'routing' block, got '%s'",
				  qt(p, kw));
			return;
		}
		error_at(p, p->routing->line, p->routing->col,
			 "unterminated 'routing' block (no 'end' before line %u)", p->line);
		p->routing = NULL;
	}
	if (scn_tok_is(kw, "end")) {
		end_line(p, nstmt);
		return;
	}
	if (scn_tok_is(kw, "gsi")) {
		scn_error(p, kw->col, "'gsi' entry outside a 'routing' block");
		return;
	}
	sc = dispatch(p, nstmt);
	if (!sc)
		return;

	if (sc->kind == SCN_VM) {
		if (p->thread)
			scn_error(p, kw->col, "'vm' is not allowed inside a thread");
		else if (p->vm_line)
			scn_error(p, kw->col, "duplicate 'vm' statement (first at line %u)", p->vm_line);
		else if (p->any_stmt)
			scn_error(p, kw->col, "'vm' must be the first statement");
	} else if (!p->any_stmt) {
		scn_error(p, kw->col, "the first statement must be 'vm', got '%s'", qt(p, kw));
	}
	p->any_stmt = true;
	if (sc->kind == SCN_THREAD && (p->thread || p->bogus_threads)) {
		scn_error(p, kw->col, "nested 'thread' (threads cannot contain threads)");
		p->bogus_threads++;
		return;
	}
	if (sc->kind == SCN_RUN && (p->thread || p->bogus_threads))
		scn_error(p, kw->col, "'run' is not allowed inside a thread");

	s = new_stmt(p);
	if (!s)
		return;
	s->kind = sc->kind;
	parse_args(p, sc, &s->u, nstmt);

	switch (sc->kind) {
	case SCN_VM:
		if (!p->vm_line && !p->thread) {
			p->vm_line = p->line;
			p->vcpus = s->u.vm.vcpus;
			p->prog->vcpus = s->u.vm.vcpus;
			p->prog->irqchip = s->u.vm.irqchip;
		}
		break;
	case SCN_THREAD:
		open_thread(p, s);
		break;
	case SCN_ROUTING:
		if (s->u.routing.is_default)
			break;
		p->routing = s;
		p->routing_cap = 0;
		if (nstmt < p->ntok) {
			scn_error(p, p->tok[nstmt].col,
				  "the result of a 'routing' block goes on its 'end' line");
			return;
		}
		break;
	default:
		break;
	}
	if (nstmt < p->ntok)
		parse_results(p, sc, s, nstmt);
}

static void tokenize(struct scn_parser *p, const char *s, size_t len)
{
	size_t i = 0;

	p->ntok = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t start;

		if (c == '#')
			break;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		       s[i] != '\v' && s[i] != '\f' && s[i] != '#')
			i++;
		if (!grow(p, (void **)&p->tok, &p->tok_cap, p->ntok, sizeof(*p->tok)))
			return;
		p->tok[p->ntok++] = (struct scn_tok){ s + start, (uint32_t)(i - start),
						      (uint32_t)start + 1 };
	}
}

static void finish(struct scn_parser *p)
{
	if (p->stop)
		return;
	if (p->routing)
		error_at(p, p->routing->line, p->routing->col,
			 "unterminated 'routing' block (no 'end' before the end of the file)");
	if (p->thread)
		error_at(p, p->thread->line, p->thread->col,
			 "unterminated 'thread' block '%s' (no 'end' before the end of the file)",
			 p->thread->u.thread.name ? p->thread->u.thread.name : "");
	if (!p->any_stmt && !p->nerr)
		error_at(p, 1, 1, "empty scenario: the first statement must be 'vm'");
	for (size_t i = 0; i < p->n_unres && !p->stop; i++) {
		struct unresolved *u = &p->unres[i];
		struct name_slot *slot = name_find(&p->efds, u->s, u->len);

		if (slot)
			error_at(p, u->line, u->col, "eventfd '%s' used before its declaration at line %u",
				 q(p, u->s, u->len), slot->line);
		else
			error_at(p, u->line, u->col, "unknown eventfd '%s' (declare it first: eventfd %s)",
				 q(p, u->s, u->len), q(p, u->s, u->len));
	}
}

void scn_program_free(struct scn_program *prog)
{
	struct prog_box *box;

	if (!prog)
		return;
	for (size_t i = 0; i < prog->n_stmts; i++) {
		struct scn_stmt *s = &prog->stmts[i];

		if (s->kind == SCN_THREAD) {
			for (size_t j = 0; j < s->u.thread.n_body; j++)
				if (s->u.thread.body[j].kind == SCN_ROUTING)
					free(s->u.thread.body[j].u.routing.entries);
			free(s->u.thread.body);
		} else if (s->kind == SCN_ROUTING) {
			free(s->u.routing.entries);
		}
	}
	free(prog->stmts);
	free(prog->eventfds);
	box = (struct prog_box *)prog;
	scn_arena_free(&box->arena);
	free(box);
}

int scn_parse(const char *filename, const char *text, size_t len,
	      struct scn_program **out, struct scn_diag *diag)
{
	struct scn_parser *p;
	size_t pos = 0;
	int ret;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->box = calloc(1, sizeof(*p->box));
	if (!p->box) {
		free(p);
		return -ENOMEM;
	}
	p->prog = &p->box->prog;
	p->prog->vcpus = 1;
	p->prog->priv = p->box;
	p->file = filename ? filename : "<input>";
	p->prog->filename = scn_arena_strndup(&p->box->arena, p->file, strlen(p->file));
	p->diag = diag;
	p->vcpus = 1;
	if (!p->prog->filename)
		p->oom = p->stop = true;

	while (pos < len && !p->stop) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p->line++;
		if (end - pos > UINT32_MAX / 2) {
			scn_error(p, 1, "line too long");
		} else {
			tokenize(p, text + pos, end - pos);
			if (p->ntok && !p->stop)
				statement(p);
		}
		pos = end + 1;
	}
	if (!p->line)
		p->line = 1;
	finish(p);

	if (p->oom) {
		ret = -ENOMEM;
	} else if (p->nerr) {
		ret = -EINVAL;
	} else {
		*out = p->prog;
		ret = 0;
	}
	if (ret)
		scn_program_free(p->prog);
	if (diag)
		scn_diag_sort(diag);
	free(p->tok);
	free(p->efds.slots);
	free(p->threads.slots);
	free(p->unres);
	free(p->alts);
	free(p);
	return ret;
}
