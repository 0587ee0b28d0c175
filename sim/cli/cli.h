/* The irqsim command: shared between its subcommand files. */
#ifndef IRQSIM_CLI_H
#define IRQSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/scenario.h>
#include <irqsim/trace.h>

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
/* cmd_fuzz_repro.c: `irqsim fuzz-repro` */
int cli_fuzz_repro(int argc, char **argv);
void cli_fuzz_repro_usage(FILE *out);

/* ---- cli_common.c ---- */
/* A count or seed: decimal or 0x hex, no sign; -EINVAL. */
int cli_parse_u64(const char *s, uint64_t *v);
/* "irqsim CMD: <fmt with arg>" and the --help hint on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* getopt_long's ':' (missing argument) or '?' (unknown option) as a usage error. */
int cli_option_error(const char *cmd, int c, char **argv);
/*
 * Add the traces a command line asks for to traces[] (*n in use, room for
 * two more): text, a text trace to that stream (NULL: none); path, a trace
 * file (NULL: none) in fmt, or without has_fmt Chrome JSON (JSON lines
 * for a name ending in .jsonl), opened into *file. CLI_OK, CLI_USAGE when
 * the file cannot be written, CLI_FAIL when out of memory (said on stderr).
 */
int cli_traces_open(const char *cmd, struct irqsim_trace **traces, unsigned int *n,
		    FILE *text, const char *path, bool has_fmt, enum irqsim_trace_format fmt,
		    FILE **file);
/* Finish each trace, then close the file: CLI_OK, or CLI_FAIL (said on stderr). */
int cli_traces_close(const char *cmd, struct irqsim_trace **traces, unsigned int n,
		     FILE *file, const char *path);

/* The backend as the result line names it ("sched", or "kvm, ack host, ..."). */
const char *cli_backend_desc(char *buf, size_t size, const struct irqsim_scenario_result *r);
/* One result line, or one JSON object (--json). */
void cli_print_result(FILE *out, const char *file, const struct irqsim_scenario_result *r);
void cli_print_json(FILE *out, const char *file, const struct irqsim_scenario_result *r);
/* The -v summary: what happened, counters, the trace file. */
void cli_print_summary(FILE *out, const char *file, const struct irqsim_scenario_result *r,
		       const char *trace_path);

#endif
