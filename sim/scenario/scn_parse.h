/*
 * The .scn front end: parse + static checks, diagnostics, canonical printing.
 */
#ifndef IRQSIM_SCN_PARSE_H
#define IRQSIM_SCN_PARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "scn_ast.h"

#define SCN_DIAG_MAX 20

struct scn_diag_msg {
	unsigned int line, col;
	char *text;		/* "FILE:LINE:COL: error: MESSAGE", malloc'd */
};

/* Script errors, sorted by line and column. Owned by the caller. */
struct scn_diag {
	unsigned int count;
	bool truncated;		/* more than SCN_DIAG_MAX problems; the rest were dropped */
	struct scn_diag_msg msg[SCN_DIAG_MAX];
};

void scn_diag_init(struct scn_diag *d);
void scn_diag_free(struct scn_diag *d);
/* Print every message, one per line; then a note if truncated. */
void scn_diag_print(const struct scn_diag *d, FILE *f);
/* Append "FILE:LINE:COL: error: MESSAGE" (for the interpreter's run-time script errors). */
__attribute__((format(printf, 5, 6)))
void scn_diag_add(struct scn_diag *d, const char *file, unsigned int line,
		  unsigned int col, const char *fmt, ...);

/*
 * Parse and check a scenario. text need not be NUL-terminated and may hold
 * any bytes. On success returns 0 and *out is the program (free it with
 * scn_program_free). On a script error returns -EINVAL with *out = NULL and
 * the messages in diag (diag may be NULL). -ENOMEM if memory ran out.
 */
int scn_parse(const char *filename, const char *text, size_t len,
	      struct scn_program **out, struct scn_diag *diag);

void scn_program_free(struct scn_program *prog);

/* The whole file, NUL-terminated (not counted in *len), malloc'd; -errno. */
int scn_read_file(const char *path, char **text, size_t *len);

/*
 * The canonical text of a program: parse(print(p)) is equal to p
 * (scn_program_equal). Returns a malloc'd NUL-terminated string, NULL on ENOMEM.
 */
char *scn_program_print(const struct scn_program *prog, size_t *len);

/* First line of one statement in canonical form, snprintf-style (for traces and messages). */
int scn_stmt_print(const struct scn_program *prog, const struct scn_stmt *s,
		   char *buf, size_t size);

/* Same programs, ignoring line/column positions and the file name. */
bool scn_program_equal(const struct scn_program *a, const struct scn_program *b);

/* Statement keyword for messages ("irqfd", "vcpu lapic", ...). */
const char *scn_kind_name(enum scn_kind kind);

/* Value of one hex digit, -1 if c is not one. */
int scn_hexval(unsigned char c);

/* errno name <-> number, for every Linux errno name (EWOULDBLOCK etc. aliases accepted). */
int scn_errno_from_name(const char *name, size_t len);	/* 0 if unknown */
const char *scn_errno_name(int err);			/* NULL if unknown */

#endif
