/*
 * Standalone replay main for every target: runs each file given, or every
 * regular file in each directory given (sorted, so runs are repeatable),
 * through LLVMFuzzerTestOneInput. Linked instead of libFuzzer in every
 * build (gcc included), so the seed corpora are ordinary tests. A finding
 * aborts, as under libFuzzer; exit 1 means no input was run at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);

			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (fz_verbose)
		fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, i;
	int ran = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (nr + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[nr++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nr, sizeof(*names), cmp_names);
	for (i = 0; i < nr; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && run_file(path) > 0)
			ran++;
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	int i, ran = 0;

	fz_verbose = getenv("FUZZ_VERBOSE") != NULL;
	for (i = 1; i < argc; i++) {
		struct stat st;
		int r;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: no such file or directory\n", argv[i]);
			return 1;
		}
		r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		if (r < 0)
			return 1;
		ran += r;
	}
	printf("%s: %d input(s) replayed, no finding\n", argv[0], ran);
	return ran ? 0 : 1;
}
