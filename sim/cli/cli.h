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
int cli_diff(int argc, char **argv);
void cli_diff_usage(FILE *out);
/* cmd_explore.c: `irqsim explore` and `irqsim replay` */
int cli_explore(int argc, char **argv);
void cli_explore_usage(FILE *out);
int cli_replay(int argc, char **argv);
void cli_replay_usage(FILE *out);

/* The backend as the result line names it ("sched", or "kvm, ack host, ..."). */
const char *cli_backend_desc(char *buf, size_t size, const struct irqsim_scenario_result *r);
/* One result line, or one JSON object (--json). */
void cli_print_result(FILE *out, const char *file, const struct irqsim_scenario_result *r);
void cli_print_json(FILE *out, const char *file, const struct irqsim_scenario_result *r);
/* The -v summary: what happened, counters, the trace file. */
void cli_print_summary(FILE *out, const char *file, const struct irqsim_scenario_result *r,
		       const char *trace_path);

#endif
