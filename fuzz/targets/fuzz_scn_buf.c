/* The converters' text buffer: see fuzz_scn_buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_scn_buf.h"

void sb_put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *sb_finish(struct sbuf *b, size_t *len)
{
	if (b->oom || !b->s) {
		free(b->s);
		b->s = NULL;
		return NULL;
	}
	if (len)
		*len = b->len;
	return b->s;
}
