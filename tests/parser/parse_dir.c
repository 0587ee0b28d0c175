/*
 * Parse every *.scn below the directories given (recursively) and check the
 * round trip print/parse. A file named *.err.scn is a deliberate script
 * error and must be rejected. Missing directories and no files at all pass.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "scn_parse.h"

static int n_files, n_failed;

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void check_file(const char *path)
{
	bool want_error = ends_with(path, ".err.scn");
	struct scn_program *p = NULL, *q = NULL;
	struct scn_diag d;
	size_t len = 0;
	char *text = slurp(path, &len), *out;
	int r;

	n_files++;
	if (!text) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		n_failed++;
		return;
	}
	scn_diag_init(&d);
	r = scn_parse(path, text, len, &p, &d);
	if (want_error) {
		if (r != -EINVAL) {
			fprintf(stderr, "%s: expected a script error, parsed fine\n", path);
			n_failed++;
		}
		goto out;
	}
	if (r) {
		scn_diag_print(&d, stderr);
		n_failed++;
		goto out;
	}
	out = scn_program_print(p, NULL);
	if (!out || scn_parse(path, out, strlen(out), &q, NULL) || !scn_program_equal(p, q)) {
		fprintf(stderr, "%s: print/parse round trip differs\n", path);
		n_failed++;
	}
	free(out);
out:
	scn_program_free(p);
	scn_program_free(q);
	scn_diag_free(&d);
	free(text);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".scn"))
			check_file(path);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		walk(argv[i]);
	printf("%d scenario files checked, %d failed\n", n_files, n_failed);
	return n_failed ? 1 : 0;
}
