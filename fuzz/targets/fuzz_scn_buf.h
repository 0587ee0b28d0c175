/*
 * A growing text buffer for the fuzz-repro converters (fuzz_*_to_scn.c):
 * printf-style appends that remember an allocation failure instead of
 * failing each call, so a converter checks once at the end.
 */
#ifndef FUZZ_SCN_BUF_H
#define FUZZ_SCN_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *s;		/* NUL-terminated once anything was added */
	size_t len, cap;
	bool oom;		/* an append failed: the text is incomplete */
};

void sb_put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text (caller frees) and its length, or NULL after an allocation failure. */
char *sb_finish(struct sbuf *b, size_t *len);

#endif
