/* Reading a scenario file whole, for every caller that runs one from a path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "scn_parse.h"

int scn_read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nb;
	int err = 0;

	if (!f)
		return -errno;
	errno = 0;
	for (;;) {
		nb = realloc(buf, cap + 1);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			/* a directory opens, then fails here with EISDIR */
			if (ferror(f))
				err = errno ? -errno : -EIO;
			break;
		}
		cap *= 2;
	}
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
