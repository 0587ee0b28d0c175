#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Diagnostics: "FILE:LINE:COL: error: MESSAGE", capped at SCN_DIAG_MAX. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scn_parse.h"

void scn_diag_init(struct scn_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void scn_diag_free(struct scn_diag *d)
{
	for (unsigned int i = 0; i < d->count; i++)
		free(d->msg[i].text);
	scn_diag_init(d);
}

void scn_diag_print(const struct scn_diag *d, FILE *f)
{
	for (unsigned int i = 0; i < d->count; i++)
		fprintf(f, "%s\n", d->msg[i].text ? d->msg[i].text : "error: out of memory");
	if (d->truncated)
		fprintf(f, "too many errors (showing the first %d)\n", SCN_DIAG_MAX);
}

static void diag_vadd(struct scn_diag *d, const char *file, unsigned int line,
		      unsigned int col, const char *fmt, va_list ap)
{
	char *msg = NULL, *text = NULL;

	if (d->count >= SCN_DIAG_MAX) {
		d->truncated = true;
		return;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg || asprintf(&text, "%s:%u:%u: error: %s", file, line, col, msg) < 0) {
		/* out of memory: keep the count right, the text is lost */
		text = NULL;
	}
	free(msg);
	d->msg[d->count].line = line;
	d->msg[d->count].col = col;
	d->msg[d->count].text = text;	/* NULL only when memory ran out */
	d->count++;
}

void scn_diag_add(struct scn_diag *d, const char *file, unsigned int line,
		  unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, file, line, col, fmt, ap);
	va_end(ap);
}

/* stable insertion sort by position: few messages */
void scn_diag_sort(struct scn_diag *d)
{
	for (unsigned int i = 1; i < d->count; i++) {
		struct scn_diag_msg m = d->msg[i];
		unsigned int j = i;

		while (j > 0 && (d->msg[j - 1].line > m.line ||
				 (d->msg[j - 1].line == m.line && d->msg[j - 1].col > m.col))) {
			d->msg[j] = d->msg[j - 1];
			j--;
		}
		d->msg[j] = m;
	}
}

void scn_diag_vadd(struct scn_diag *d, const char *file, unsigned int line,
		   unsigned int col, const char *fmt, va_list ap)
{
	diag_vadd(d, file, line, col, fmt, ap);
}
