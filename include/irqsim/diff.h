/*
 * libirqsim: differential testing of the simulator against the real
 * kernel. A scenario runs twice, on the model and on /dev/kvm (the kvm
 * backend, docs/kvm-backend.md), both going on past failures; every
 * statement's result (its return value or errno, the vector acked, the
 * state an `expect` read) is compared line by line.
 *
 *	struct irqsim_diff_result d;
 *
 *	irqsim_diff_file("t.scn", NULL, &d);
 *	for (unsigned int i = 0; i < d.n_lines; i++)
 *		printf("%u: sim %s, kernel %s\n", d.lines[i].line, d.lines[i].sim, d.lines[i].kvm);
 *	irqsim_diff_result_free(&d);
 *
 * A line whose script accepts several results (`=> ok|ENOENT`) agrees when
 * both backends gave an accepted one. Lines one backend cannot check
 * (`expect stat`, `settle off` windows, ...) are counted, not compared.
 */
#ifndef IRQSIM_DIFF_H
#define IRQSIM_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <irqsim/scenario.h>

/* The exit status when /dev/kvm is not usable (meson: test skipped). */
#define IRQSIM_DIFF_SKIP	77

struct irqsim_diff_line {
	unsigned int line;
	char *stmt;			/* canonical statement text */
	char *sim;			/* the simulator's result, "(not executed)" if none */
	char *kvm;			/* the kernel's */
	/* static: the docs/divergences.md entry ("D1") explaining it, or NULL */
	const char *documented;
};

struct irqsim_diff_result {
	/*
	 * 0 agree (or every divergence is documented), 1 an undocumented
	 * divergence, 2 a script error (the results before it are still
	 * compared: 1 wins), IRQSIM_DIFF_SKIP no usable /dev/kvm
	 */
	int status;
	const char *why;		/* static: why /dev/kvm is not usable (SKIP) */
	char *error;			/* a script error (first one, as printed), or NULL */
	const char *ack_mode;		/* static: "host" / "guest" */
	int sim_status, kvm_status;	/* each run's own status against the script */
	unsigned int compared;		/* results compared */
	unsigned int not_checkable;	/* results one backend could not check */
	struct irqsim_diff_line *lines;	/* the divergences, in line order */
	unsigned int n_lines;
	unsigned int n_documented;	/* of which docs/divergences.md explains this many */
	double seconds;
};

/*
 * Diff the scenario text (name is used in messages). base (may be NULL)
 * gives the seed and checkers; its err stream is not used: both runs are
 * quiet. Returns r->status.
 */
int irqsim_diff_text(const char *name, const char *text, size_t len,
		     const struct irqsim_scenario_opts *base, struct irqsim_diff_result *r);
int irqsim_diff_file(const char *path, const struct irqsim_scenario_opts *base,
		     struct irqsim_diff_result *r);
void irqsim_diff_result_free(struct irqsim_diff_result *r);

/*
 * The docs/divergences.md entry that explains this divergence ("D1"...),
 * or NULL. Documented divergences are reported but do not fail a diff.
 */
const char *irqsim_diff_documented(const struct irqsim_diff_line *l);

/*
 * Random differential testing: a random host-side program (the generator
 * of sim/scenario/gen_random.h) for a seed, as .scn text (malloc'd).
 */
char *irqsim_random_scenario(uint64_t seed, size_t *len);

/*
 * Shrink a divergent program: drop lines one at a time (then blocks) while
 * it still diverges. Returns the smallest text found (malloc'd), NULL on
 * ENOMEM. *runs counts the diffs it took.
 */
char *irqsim_diff_minimise(const char *name, const char *text, size_t len,
			   const struct irqsim_scenario_opts *base, unsigned int *runs);

#endif
