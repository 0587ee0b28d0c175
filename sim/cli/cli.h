/* The irqsim command: shared between its subcommand files. */
#ifndef IRQSIM_CLI_H
#define IRQSIM_CLI_H

#include <stdio.h>
#include <irqsim/scenario.h>

/* exit statuses of the contract */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

int cli_run(int argc, char **argv);
void cli_run_usage(FILE *out);

/* One result line, or one JSON object (--json). */
void cli_print_result(FILE *out, const char *file, const struct irqsim_scenario_result *r);
void cli_print_json(FILE *out, const char *file, const struct irqsim_scenario_result *r);
/* The -v summary: what happened, counters, the trace file. */
void cli_print_summary(FILE *out, const char *file, const struct irqsim_scenario_result *r,
		       const char *trace_path);

#endif
