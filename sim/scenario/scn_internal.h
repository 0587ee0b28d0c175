/*
 * Internals of the .scn front end: the arena, the token, the statement
 * schemas that drive parsing, printing and comparison.
 *
 * Adding a statement: add its struct to scn_ast.h, one schema in
 * scn_schema.c (keyword, positionals, keys with value types, flags, allowed
 * results) and put it in the dispatch list; parser, printer and comparator
 * follow from the schema.
 */
#ifndef IRQSIM_SCN_INTERNAL_H
#define IRQSIM_SCN_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "scn_parse.h"

/* ---- arena: every string and result array of a program lives here ---- */
struct scn_arena_chunk;
struct scn_arena {
	struct scn_arena_chunk *head;
};
void *scn_arena_alloc(struct scn_arena *a, size_t size);
char *scn_arena_strndup(struct scn_arena *a, const char *s, size_t len);
void scn_arena_free(struct scn_arena *a);

/* ---- tokens ---- */
struct scn_tok {
	const char *s;
	uint32_t len;
	uint32_t col;		/* 1-based */
};

static inline bool scn_tok_is(const struct scn_tok *t, const char *word)
{
	size_t n = __builtin_strlen(word);

	return t->len == n && !__builtin_memcmp(t->s, word, n);
}

bool scn_is_name(const char *s, size_t len);
/* 0, or -EINVAL (not a number) / -ERANGE (does not fit in 64 bits). */
int scn_parse_number(const char *s, size_t len, uint64_t *val, bool *neg);

/* ---- schemas ---- */
enum scn_elem_kind {
	SE_WORD,	/* positional literal word */
	SE_ENUM,	/* positional word from a list */
	SE_NUM,		/* positional number */
	SE_VCPU,	/* positional vCPU index (< vm vcpus) */
	SE_EFD,		/* positional eventfd name, must be declared */
	SE_EFD_DECL,	/* positional eventfd name, declares it */
	SE_NAME,	/* positional name (thread) */
	SE_VLIST,	/* rest of the statement: vectors, or none */
	SE_STAT,	/* one NAME=N token */
	SE_KEY,		/* key=value */
	SE_FLAG,	/* bare word setting field = value */
};

enum scn_vtype { SV_NUM, SV_ENUM, SV_EFD };

/* elem options */
#define SO_OPTIONAL	0x01	/* positional may be left out (default dflt) */
#define SO_REQUIRED	0x02	/* key, or flag group, must be given */
#define SO_HEX		0x04	/* print in hex */

struct scn_word {
	const char *word;
	int value;
};

struct scn_elem {
	uint8_t kind;		/* enum scn_elem_kind */
	uint8_t vtype;		/* SE_KEY: enum scn_vtype */
	uint8_t size;		/* bytes of the field (1, 4 or 8) */
	uint8_t opts;
	const char *word;	/* keyword, key or flag; label of other positionals */
	int16_t off;		/* field offset in the statement's struct */
	int16_t has_off;	/* offset of its bool has_X, or -1 */
	int16_t off2;		/* SE_STAT: offset of the value */
	int value;		/* SE_FLAG: value stored */
	uint64_t max;		/* numbers */
	uint64_t dflt;		/* numbers and enums without has_X */
	const struct scn_word *words;	/* SE_ENUM / SV_ENUM, NULL-terminated */
};

/* results accepted after `=>` */
#define SR_OK		0x01
#define SR_ERRNO	0x02
#define SR_NUM		0x04
#define SR_VECTOR	0x08	/* a number 0..255 */
#define SR_NONE		0x10
#define SR_KERNEL	0x20
#define SR_EXIT		0x40
#define SR_CALL		(SR_OK | SR_ERRNO | SR_NUM)

struct scn_parser;
struct scn_schema {
	enum scn_kind kind;
	const char *name;		/* in messages */
	const struct scn_elem *elems;
	unsigned int n_elems;
	unsigned int results;		/* SR_* */
	/* cross-argument checks and derived fields; seen = bit i for elems[i] given */
	void (*check)(struct scn_parser *p, const struct scn_tok *kw,
		      void *base, uint64_t seen);
};

extern const struct scn_schema *const scn_dispatch[];
extern const size_t scn_n_dispatch;
extern const struct scn_schema *const scn_route_entry_schema;
const struct scn_schema *scn_schema_of(enum scn_kind kind);

/* error reporting from checks */
__attribute__((format(printf, 3, 4)))
void scn_error(struct scn_parser *p, unsigned int col, const char *fmt, ...);

/* field access by schema offset; enums are 4 bytes, bools 1 */
static inline uint64_t scn_load(const void *base, int off, unsigned int size)
{
	const char *f = (const char *)base + off;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1: __builtin_memcpy(&v8, f, 1); return v8;
	case 2: __builtin_memcpy(&v16, f, 2); return v16;
	case 4: __builtin_memcpy(&v32, f, 4); return v32;
	default: __builtin_memcpy(&v64, f, 8); return v64;
	}
}

static inline void scn_store(void *base, int off, unsigned int size, uint64_t v)
{
	char *f = (char *)base + off;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 1: __builtin_memcpy(f, &v8, 1); break;
	case 2: __builtin_memcpy(f, &v16, 2); break;
	case 4: __builtin_memcpy(f, &v32, 4); break;
	default: __builtin_memcpy(f, &v, 8); break;
	}
}

static inline bool scn_elem_positional(const struct scn_elem *e)
{
	return e->kind != SE_KEY && e->kind != SE_FLAG;
}

/* ---- growable text buffer ---- */
struct scn_buf {
	char *s;
	size_t len, cap;
	bool oom;
};
__attribute__((format(printf, 2, 3)))
void scn_buf_printf(struct scn_buf *b, const char *fmt, ...);
void scn_buf_put(struct scn_buf *b, const char *s, size_t len);

void scn_diag_sort(struct scn_diag *d);
void scn_diag_vadd(struct scn_diag *d, const char *file, unsigned int line,
		   unsigned int col, const char *fmt, va_list ap);

void scn_print_results(struct scn_buf *b, const struct scn_stmt *s,
		       const struct scn_schema *sc);

#endif
