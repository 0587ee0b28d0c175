/* Structural equality of programs (round-trip checks), from the schemas. */
#include <string.h>
#include "scn_internal.h"

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *load_str(const void *base, int off)
{
	const char *s;

	memcpy(&s, (const char *)base + off, sizeof(s));
	return s;
}

static bool args_equal(const struct scn_schema *sc, const void *a, const void *b)
{
	for (unsigned int i = 0; i < sc->n_elems; i++) {
		const struct scn_elem *e = &sc->elems[i];

		switch (e->kind) {
		case SE_WORD:
			break;
		case SE_NAME:
			if (!str_eq(load_str(a, e->off), load_str(b, e->off)))
				return false;
			break;
		case SE_STAT:
			if (!str_eq(load_str(a, e->off), load_str(b, e->off)) ||
			    scn_load(a, e->off2, 8) != scn_load(b, e->off2, 8))
				return false;
			break;
		case SE_VLIST:
			if (memcmp((const char *)a + e->off, (const char *)b + e->off,
				   sizeof(struct scn_vecset)))
				return false;
			break;
		case SE_KEY:
			if (e->has_off >= 0) {
				uint64_t ha = scn_load(a, e->has_off, 1);

				if (ha != scn_load(b, e->has_off, 1))
					return false;
				if (!ha)
					break;
			}
			/* fall through */
		default:
			if (scn_load(a, e->off, e->size) != scn_load(b, e->off, e->size))
				return false;
			break;
		}
	}
	return true;
}

static bool stmt_equal(const struct scn_stmt *a, const struct scn_stmt *b)
{
	const struct scn_schema *sc;

	if (a->kind != b->kind || a->n_results != b->n_results)
		return false;
	for (unsigned int i = 0; i < a->n_results; i++) {
		const struct scn_result *ra = &a->results[i], *rb = &b->results[i];

		if (ra->kind != rb->kind || ra->value != rb->value || ra->negative != rb->negative)
			return false;
	}
	sc = scn_schema_of(a->kind);
	if (!sc || !args_equal(sc, &a->u, &b->u))
		return false;
	if (a->kind == SCN_ROUTING) {
		if (a->u.routing.n_entries != b->u.routing.n_entries)
			return false;
		for (size_t i = 0; i < a->u.routing.n_entries; i++) {
			const struct scn_route_entry *ea = &a->u.routing.entries[i];
			const struct scn_route_entry *eb = &b->u.routing.entries[i];

			if (ea->type != eb->type ||
			    !args_equal(scn_route_entry_schema, ea, eb))
				return false;
		}
	} else if (a->kind == SCN_THREAD) {
		if (a->u.thread.n_body != b->u.thread.n_body ||
		    a->u.thread.index != b->u.thread.index)
			return false;
		for (size_t i = 0; i < a->u.thread.n_body; i++)
			if (!stmt_equal(&a->u.thread.body[i], &b->u.thread.body[i]))
				return false;
	} else if (a->kind == SCN_IOAPIC_PIN) {
		if (a->u.ioapic_pin.program != b->u.ioapic_pin.program)
			return false;
	}
	return true;
}

bool scn_program_equal(const struct scn_program *a, const struct scn_program *b)
{
	if (a->n_stmts != b->n_stmts || a->n_eventfds != b->n_eventfds ||
	    a->n_threads != b->n_threads || a->vcpus != b->vcpus || a->irqchip != b->irqchip)
		return false;
	for (uint32_t i = 0; i < a->n_eventfds; i++)
		if (!str_eq(a->eventfds[i].name, b->eventfds[i].name) ||
		    a->eventfds[i].in_thread != b->eventfds[i].in_thread)
			return false;
	for (size_t i = 0; i < a->n_stmts; i++)
		if (!stmt_equal(&a->stmts[i], &b->stmts[i]))
			return false;
	return true;
}
