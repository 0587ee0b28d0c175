/*
 * `irqsim fuzz-repro TARGET FILE [-o OUT]`: a fuzz input (a crash file or a
 * corpus entry) as a readable .scn scenario that `irqsim run` executes
 * (fuzz/targets/fuzz_repro.h). fuzz_api inputs carry scheduling bytes
 * that .scn cannot state; the command then also prints the
 * `irqsim replay --schedule` line that forces them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <irqsim/explore.h>
#include "cli.h"
#include "fuzz/targets/fuzz_repro.h"

#define REPRO_MAX_INPUT	(1u << 20)	/* libFuzzer inputs here are <= 4096 bytes */

void cli_fuzz_repro_usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim fuzz-repro [OPTIONS] TARGET FILE\n"
		"\n"
		"Turn a fuzz input (a crash file, a corpus entry) into a .scn scenario that\n"
		"reproduces it with `irqsim run`. TARGET: fuzz_api, fuzz_routing, fuzz_iobus,\n"
		"fuzz_msi (or api, routing, iobus, msi).\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE   write the scenario to FILE (default: stdout)\n"
		"      --strict        fuzz_iobus: no allowance for the known kvm_io_bus\n"
		"                      bsearch miss (as FUZZ_IOBUS_STRICT=1)\n"
		"  -h, --help          show this help and exit\n"
		"\n"
		"What .scn cannot state (fault injection, fuzz_api's schedule bytes, sparse\n"
		"vCPU ids, KVM_CAP_X2APIC_API, pipe fds) is kept as comments in the scenario.\n"
		"Exit status: 0 written, 1 out of memory or a write error, 2 a bad command\n"
		"line or an unreadable FILE.\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "irqsim fuzz-repro: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'irqsim fuzz-repro --help' for more information.\n");
	return CLI_USAGE;
}

/* The whole file, or NULL (errno set). */
static uint8_t *read_input(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(REPRO_MAX_INPUT + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, REPRO_MAX_INPUT + 1, f);
	if (ferror(f) || n > REPRO_MAX_INPUT) {
		int err = ferror(f) ? EIO : EFBIG;

		fclose(f);
		free(buf);
		errno = err;
		return NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static void print_replay(const char *target, const uint8_t *data, size_t size, const char *out)
{
	const uint8_t *bytes;
	uint64_t seed;
	size_t n;
	char *hex;

	if (!fuzz_repro_schedule(target, data, size, &seed, &bytes, &n))
		return;
	hex = irqsim_schedule_to_hex(bytes, n);
	if (!hex)
		return;
	fprintf(stderr,
		"note: the input's %zu schedule bytes cannot be written in .scn; `run` uses the seed.\n"
		"To force them (the same bytes over the scenario's own tasks, main then threads):\n"
		"    irqsim replay %s --seed %" PRIu64 " --schedule %s\n",
		n, out ? out : "OUT.scn", seed, hex);
	free(hex);
}

int cli_fuzz_repro(int argc, char **argv)
{
	enum { OPT_STRICT = 256 };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *target, *file;
	unsigned int flags = 0;
	uint8_t *data;
	size_t size, len;
	char *text;
	int c, r;
	FILE *f;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_fuzz_repro_usage(stdout);
			return CLI_OK;
		case 'o':
			out = optarg;
			break;
		case OPT_STRICT:
			flags |= FUZZ_REPRO_STRICT;
			break;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return usage_error("%s", argc - optind < 2 ? "needs TARGET and FILE" :
				   "takes exactly TARGET and FILE");
	target = argv[optind];
	file = argv[optind + 1];
	data = read_input(file, &size);
	if (!data) {
		fprintf(stderr, "irqsim fuzz-repro: %s: %s\n", file, strerror(errno));
		return CLI_USAGE;
	}
	r = fuzz_repro(target, data, size, flags, &text, &len);
	if (r == -ENOENT) {
		free(data);
		return usage_error("unknown target '%s' (fuzz_api, fuzz_routing, fuzz_iobus, fuzz_msi)",
				   target);
	}
	if (r) {
		free(data);
		fprintf(stderr, "irqsim fuzz-repro: out of memory\n");
		return CLI_FAIL;
	}
	f = out ? fopen(out, "w") : stdout;
	if (!f || fwrite(text, 1, len, f) != len || (out && fclose(f))) {
		fprintf(stderr, "irqsim fuzz-repro: %s: %s\n", out ? out : "stdout", strerror(errno));
		free(text);
		free(data);
		return CLI_FAIL;
	}
	if (out)
		fprintf(stderr, "wrote %s; run it with: irqsim run %s\n", out, out);
	print_replay(target, data, size, out);
	free(text);
	free(data);
	return CLI_OK;
}
