/*
 * Canonical text of a program, from the schemas: positionals, then keys and
 * flags in schema order; optional arguments only when given (or, without a
 * has_X, when not the default); numbers in hex where the schema says so.
 */
#include <stdlib.h>
#include <string.h>
#include "scn_internal.h"

static const char *enum_word(const struct scn_word *w, uint64_t v)
{
	for (; w->word; w++)
		if ((uint64_t)(uint32_t)w->value == v)
			return w->word;
	return "?";
}

static void put_num(struct scn_buf *b, const struct scn_elem *e, uint64_t v)
{
	if (e->opts & SO_HEX)
		scn_buf_printf(b, "0x%llx", (unsigned long long)v);
	else
		scn_buf_printf(b, "%llu", (unsigned long long)v);
}

static void put_efd(struct scn_buf *b, const struct scn_program *prog, uint64_t idx)
{
	if (idx < prog->n_eventfds)
		scn_buf_printf(b, "%s", prog->eventfds[idx].name);
	else
		scn_buf_printf(b, "?");
}

static void print_args(struct scn_buf *b, const struct scn_program *prog,
		       const struct scn_schema *sc, const void *base)
{
	for (unsigned int i = 0; i < sc->n_elems; i++) {
		const struct scn_elem *e = &sc->elems[i];
		uint64_t v = e->size ? scn_load(base, e->off, e->size) : 0;
		const char *sep = i ? " " : "";

		switch (e->kind) {
		case SE_WORD:
			scn_buf_printf(b, "%s%s", sep, e->word);
			break;
		case SE_ENUM:
			scn_buf_printf(b, "%s%s", sep, enum_word(e->words, v));
			break;
		case SE_NUM:
			if ((e->opts & SO_OPTIONAL) && v == e->dflt)
				break;
			scn_buf_printf(b, "%s", sep);
			put_num(b, e, v);
			break;
		case SE_VCPU:
			scn_buf_printf(b, "%s%llu", sep, (unsigned long long)v);
			break;
		case SE_EFD:
		case SE_EFD_DECL:
			scn_buf_printf(b, "%s", sep);
			put_efd(b, prog, v);
			break;
		case SE_NAME: {
			const char *name;

			memcpy(&name, (const char *)base + e->off, sizeof(name));
			scn_buf_printf(b, "%s%s", sep, name ? name : "?");
			break;
		}
		case SE_VLIST: {
			const struct scn_vecset *set = (const void *)((const char *)base + e->off);
			bool any = false;

			for (unsigned int vec = 0; vec < 256; vec++) {
				if (scn_vecset_test(set, vec)) {
					scn_buf_printf(b, "%s0x%x", sep, vec);
					any = true;
				}
			}
			if (!any)
				scn_buf_printf(b, "%snone", sep);
			break;
		}
		case SE_STAT: {
			const char *name;

			memcpy(&name, (const char *)base + e->off, sizeof(name));
			scn_buf_printf(b, "%s%s=%llu", sep, name ? name : "?",
				       (unsigned long long)scn_load(base, e->off2, 8));
			break;
		}
		case SE_KEY:
			if (e->has_off >= 0 ? !scn_load(base, e->has_off, 1)
					    : (!(e->opts & SO_REQUIRED) &&
					       v == (e->vtype == SV_NUM ? e->dflt : 0)))
				break;
			scn_buf_printf(b, " %s=", e->word);
			if (e->vtype == SV_NUM)
				put_num(b, e, v);
			else if (e->vtype == SV_ENUM)
				scn_buf_printf(b, "%s", enum_word(e->words, v));
			else
				put_efd(b, prog, v);
			break;
		case SE_FLAG:
			if (v == (uint64_t)(uint32_t)e->value)
				scn_buf_printf(b, " %s", e->word);
			break;
		}
	}
}

void scn_print_results(struct scn_buf *b, const struct scn_stmt *s,
		       const struct scn_schema *sc)
{
	if (!s->n_results)
		return;
	scn_buf_printf(b, " =>");
	for (unsigned int i = 0; i < s->n_results; i++) {
		const struct scn_result *r = &s->results[i];
		const char *sep = i ? "|" : " ";
		const char *name;

		switch (r->kind) {
		case SCN_RES_OK:
			scn_buf_printf(b, "%sok", sep);
			break;
		case SCN_RES_NONE:
			scn_buf_printf(b, "%snone", sep);
			break;
		case SCN_RES_KERNEL:
			scn_buf_printf(b, "%skernel", sep);
			break;
		case SCN_RES_EXIT:
			scn_buf_printf(b, "%sexit", sep);
			break;
		case SCN_RES_ERRNO:
			name = scn_errno_name((int)r->value);
			if (name)
				scn_buf_printf(b, "%s%s", sep, name);
			else
				scn_buf_printf(b, "%s-%llu", sep, (unsigned long long)r->value);
			break;
		case SCN_RES_NUM:
			if (r->negative)
				scn_buf_printf(b, "%s-%llu", sep, (unsigned long long)(0 - r->value));
			else if ((sc->results & SR_VECTOR) && !(sc->results & SR_NUM))
				scn_buf_printf(b, "%s0x%llx", sep, (unsigned long long)r->value);
			else
				scn_buf_printf(b, "%s%llu", sep, (unsigned long long)r->value);
			break;
		}
	}
}

/* the statement's first line, without newline */
static void print_head(struct scn_buf *b, const struct scn_program *prog,
		       const struct scn_stmt *s)
{
	const struct scn_schema *sc = scn_schema_of(s->kind);

	if (!sc) {
		scn_buf_printf(b, "?");
		return;
	}
	print_args(b, prog, sc, &s->u);
	if (s->kind == SCN_ROUTING && !s->u.routing.is_default)
		return;		/* the result goes on `end` */
	scn_print_results(b, s, sc);
}

static void print_stmt(struct scn_buf *b, const struct scn_program *prog,
		       const struct scn_stmt *s, unsigned int indent)
{
	scn_buf_printf(b, "%*s", (int)indent, "");
	print_head(b, prog, s);
	scn_buf_put(b, "\n", 1);
	if (s->kind == SCN_ROUTING && !s->u.routing.is_default) {
		for (size_t i = 0; i < s->u.routing.n_entries; i++) {
			scn_buf_printf(b, "%*s", (int)indent + 2, "");
			print_args(b, prog, scn_route_entry_schema, &s->u.routing.entries[i]);
			scn_buf_put(b, "\n", 1);
		}
		scn_buf_printf(b, "%*send", (int)indent, "");
		scn_print_results(b, s, scn_schema_of(SCN_ROUTING));
		scn_buf_put(b, "\n", 1);
	} else if (s->kind == SCN_THREAD) {
		for (size_t i = 0; i < s->u.thread.n_body; i++)
			print_stmt(b, prog, &s->u.thread.body[i], indent + 2);
		scn_buf_printf(b, "%*send\n", (int)indent, "");
	}
}

char *scn_program_print(const struct scn_program *prog, size_t *len)
{
	struct scn_buf b = { 0 };

	scn_buf_put(&b, "", 0);
	for (size_t i = 0; i < prog->n_stmts; i++)
		print_stmt(&b, prog, &prog->stmts[i], 0);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.s;
}

int scn_stmt_print(const struct scn_program *prog, const struct scn_stmt *s,
		   char *buf, size_t size)
{
	struct scn_buf b = { 0 };
	int n;

	print_head(&b, prog, s);
	if (b.oom) {
		free(b.s);
		return -1;
	}
	n = (int)b.len;
	if (size) {
		size_t c = b.len < size - 1 ? b.len : size - 1;

		memcpy(buf, b.s ? b.s : "", c);
		buf[c] = '\0';
	}
	free(b.s);
	return n;
}
