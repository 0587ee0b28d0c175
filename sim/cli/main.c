/*
 * irqsim command line: a thin client of libirqsim. Conventions: help goes
 * to stdout with status 0; usage errors go to stderr with status 2.
 */
#include <stdio.h>
#include <string.h>
#include <irqsim/version.h>
#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: irqsim COMMAND [OPTIONS] [FILE...]\n"
		"\n"
		"Simulate the Linux KVM x86 irq/eventfd subsystem in userspace.\n"
		"\n"
		"Commands:\n"
		"  run FILE...    run scenario (.scn) files; `irqsim run --help` for options\n"
		"  diff FILE...   run them on the simulator and on /dev/kvm, report every\n"
		"                 difference; `irqsim diff --help` for options\n"
		"  explore FILE   run a scenario under many interleavings; find, minimise\n"
		"                 and print a failing schedule (`irqsim explore --help`)\n"
		"  replay FILE    run one schedule again (`irqsim replay --help`)\n"
		"  fuzz-repro TARGET FILE  a fuzz input as a .scn scenario (`--help`)\n"
		"  help           show this help\n"
		"\n"
		"Options:\n"
		"  -h, --help     show this help and exit\n"
		"  --version      show the version and exit\n"
		"\n"
		"Exit status of `run`: 0 all held, 1 a result, expectation or checker\n"
		"failed, 2 the script or the command line is wrong.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help") && !strcmp(argv[2], "run")) {
			cli_run_usage(stdout);
			return CLI_OK;
		}
		if (argc > 2 && !strcmp(argv[1], "help") && !strcmp(argv[2], "diff")) {
			cli_diff_usage(stdout);
			return CLI_OK;
		}
		if (argc > 2 && !strcmp(argv[1], "help") && !strcmp(argv[2], "explore")) {
			cli_explore_usage(stdout);
			return CLI_OK;
		}
		if (argc > 2 && !strcmp(argv[1], "help") && !strcmp(argv[2], "replay")) {
			cli_replay_usage(stdout);
			return CLI_OK;
		}
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("irqsim %s\n", irqsim_version());
		return CLI_OK;
	}
	if (!strcmp(argv[1], "run"))
		return cli_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cli_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explore"))
		return cli_explore(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return cli_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fuzz-repro"))	/* cmd_fuzz_repro.c (owner: fuzzops) */
		return cli_fuzz_repro(argc - 1, argv + 1);
	fprintf(stderr, "irqsim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
