/* What the subcommands share: numbers, usage errors, the trace outputs. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	/* strtoull would take "-1" as 2^64-1 */
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "irqsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'irqsim %s --help' for more information.\n", cmd);
	return CLI_USAGE;
}

int cli_option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
	return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int cli_traces_open(const char *cmd, struct irqsim_trace **traces, unsigned int *n,
		    FILE *text, const char *path, bool has_fmt, enum irqsim_trace_format fmt,
		    FILE **file)
{
	*file = NULL;
	if (text) {
		traces[*n] = irqsim_trace_new(IRQSIM_TRACE_TEXT, text);
		if (!traces[*n])
			goto oom;
		(*n)++;
	}
	if (!path)
		return CLI_OK;
	if (!has_fmt)
		fmt = ends_with(path, ".jsonl") ? IRQSIM_TRACE_JSONL : IRQSIM_TRACE_CHROME;
	*file = fopen(path, "w");
	if (!*file) {
		fprintf(stderr, "irqsim %s: cannot write the trace file %s: %s\n", cmd, path,
			strerror(errno));
		return CLI_USAGE;
	}
	traces[*n] = irqsim_trace_new(fmt, *file);
	if (!traces[*n])
		goto oom;
	(*n)++;
	return CLI_OK;
oom:
	fprintf(stderr, "irqsim %s: out of memory\n", cmd);
	return CLI_FAIL;
}

int cli_traces_close(const char *cmd, struct irqsim_trace **traces, unsigned int n,
		     FILE *file, const char *path)
{
	int ret = CLI_OK;

	for (unsigned int i = 0; i < n; i++) {
		if (irqsim_trace_finish(traces[i]) < 0) {
			fprintf(stderr, "irqsim %s: error writing the trace\n", cmd);
			ret = CLI_FAIL;
		}
	}
	if (file && fclose(file) != 0) {
		fprintf(stderr, "irqsim %s: error writing the trace file %s\n", cmd, path);
		ret = CLI_FAIL;
	}
	return ret;
}
