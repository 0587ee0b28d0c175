/*
 * libFuzzer target for the .scn front end: parse any bytes; a program that
 * parses must print to text that parses back to an equal program, and print
 * again to the same text; a rejected input must give 1..SCN_DIAG_MAX
 * well-formed messages. Built with -DSCN_FUZZ_REPLAY it is a plain program
 * that runs every file (or every file in every directory) given through the
 * same checks, so the seed corpus runs in every build.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "scn_parse.h"

#define FILE_NAME "fuzz.scn"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_scenario_parse: invariant broken: %s\n", what);
		abort();
	}
}

static void check_diag(const struct scn_diag *d)
{
	check(d->count >= 1 && d->count <= SCN_DIAG_MAX, "1..SCN_DIAG_MAX messages on error");
	for (unsigned int i = 0; i < d->count; i++) {
		const char *t = d->msg[i].text;
		char prefix[64];

		check(t != NULL, "message text");
		snprintf(prefix, sizeof(prefix), FILE_NAME ":%u:%u: error: ", d->msg[i].line, d->msg[i].col);
		check(!strncmp(t, prefix, strlen(prefix)), "FILE:LINE:COL: error: prefix");
		check(d->msg[i].line >= 1 && d->msg[i].col >= 1, "positions are 1-based");
		check(!strchr(t, '\n'), "one line per message");
		if (i)
			check(d->msg[i - 1].line <= d->msg[i].line, "messages sorted by line");
	}
}

static void check_stmts(const struct scn_program *p, const struct scn_stmt *s, size_t n)
{
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		int len = scn_stmt_print(p, &s[i], buf, sizeof(buf));

		check(len >= 0 && strlen(buf) == ((size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf) - 1),
		      "scn_stmt_print length");
		if (s[i].kind == SCN_THREAD)
			check_stmts(p, s[i].u.thread.body, s[i].u.thread.n_body);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_program *p = NULL, *q = NULL;
	struct scn_diag d;
	char *t1, *t2;
	size_t n1;
	int r;

	scn_diag_init(&d);
	r = scn_parse(FILE_NAME, (const char *)data, size, &p, &d);
	if (r == -ENOMEM)
		goto out;
	if (r) {
		check(r == -EINVAL && !p, "-EINVAL and no program on error");
		check_diag(&d);
		goto out;
	}
	check(d.count == 0, "no messages on success");
	check_stmts(p, p->stmts, p->n_stmts);
	t1 = scn_program_print(p, &n1);
	check(t1 != NULL, "print");
	r = scn_parse(FILE_NAME, t1, n1, &q, NULL);
	if (r)
		fprintf(stderr, "canonical text does not parse:\n%s", t1);
	check(r == 0, "canonical text parses");
	check(scn_program_equal(p, q), "parse(print(p)) == p");
	t2 = scn_program_print(q, NULL);
	check(t2 && !strcmp(t1, t2), "print is a fixed point");
	free(t1);
	free(t2);
out:
	scn_program_free(p);
	scn_program_free(q);
	scn_diag_free(&d);
	return 0;
}

#ifdef SCN_FUZZ_REPLAY
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	if (!f || !buf) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		if (f)
			fclose(f);
		return 1;
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *dir;
		struct dirent *e;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]);
			files++;
			continue;
		}
		dir = opendir(argv[i]);
		while (dir && (e = readdir(dir))) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			bad += run_file(path);
			files++;
		}
		if (dir)
			closedir(dir);
	}
	printf("replayed %d inputs\n", files);
	return bad || !files ? 1 : 0;
}
#endif
