/* JSON helpers shared by the JSON-lines and Chrome writers. */
#include <string.h>
#include "trace_internal.h"

void trace_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* control bytes, and bytes that may not be UTF-8, stay valid JSON */
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_strn(FILE *f, const char *s, size_t n)
{
	char buf[256];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	trace_json_str(f, buf);
}

/*
 * "k=v k=v" -> "k":"v","k":"v". A word without '=' is kept under the key
 * "argN" so nothing the runtime said is lost.
 */
unsigned int trace_json_args(FILE *f, const char *args)
{
	unsigned int n = 0;
	const char *p = args;

	while (p && *p) {
		const char *end, *eq;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (n)
			fputc(',', f);
		if (eq && eq > p) {
			json_strn(f, p, (size_t)(eq - p));
			fputc(':', f);
			json_strn(f, eq + 1, (size_t)(end - eq - 1));
		} else {
			fprintf(f, "\"arg%u\":", n);
			json_strn(f, p, (size_t)(end - p));
		}
		n++;
		p = end;
	}
	return n;
}
