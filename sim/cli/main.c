/* irqsim command line: a thin client of libirqsim. */
#include <stdio.h>
#include <string.h>
#include <irqsim/version.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim COMMAND [OPTIONS] [FILE...]\n"
		"\n"
		"Simulate the Linux KVM x86 irq/eventfd subsystem in userspace.\n"
		"\n"
		"Commands:\n"
		"  run FILE...    run scenario files\n"
		"\n"
		"Options:\n"
		"  -h, --help     show this help and exit\n"
		"  --version      show the version and exit\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("irqsim %s\n", irqsim_version());
		return 0;
	}
	fprintf(stderr, "irqsim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
