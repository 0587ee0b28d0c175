/*
 * libirqsim: explore the interleavings of a scenario's threads on the
 * sched backend (docs/explore.md), and replay one exactly.
 *
 *	struct irqsim_explore_opts o;
 *	struct irqsim_explore_result r;
 *
 *	irqsim_explore_opts_init(&o);
 *	o.strategy = IRQSIM_STRATEGY_PCT;
 *	irqsim_explore("race.scn", &o, &r);
 *	if (r.found)	// r.minimal: seed + schedule bytes, for irqsim_replay
 *		...
 *	irqsim_explore_result_free(&r);
 *
 * A schedule is a seed plus schedule bytes: one byte per real scheduling
 * choice (two or more runnable tasks), the index of the chosen task among
 * the runnable ones in creation order, as sim_config.schedule takes them.
 * Once the bytes run out the seed's generator chooses. Replaying the same
 * seed and bytes gives the same run, event for event.
 */
#ifndef IRQSIM_EXPLORE_H
#define IRQSIM_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/scenario.h>

enum irqsim_strategy {
	IRQSIM_STRATEGY_RANDOM,		/* each choice from the seeded generator */
	IRQSIM_STRATEGY_PCT,		/* probabilistic concurrency testing, bug depth d */
	IRQSIM_STRATEGY_EXHAUSTIVE,	/* every schedule with at most d preemptions */
};

struct irqsim_explore_opts {
	enum irqsim_strategy strategy;	/* default random */
	uint64_t schedules;		/* at most this many runs (default 1000) */
	uint64_t seed;			/* run i uses seed + i (exhaustive: seed) (default 1) */
	unsigned int depth;		/* pct: bug depth; exhaustive: preemption bound (default 2) */
	bool fine;			/* READ_ONCE/WRITE_ONCE/atomics are switch points too */
	bool checkers;			/* default true */
	bool minimise;			/* shrink a failing schedule (default true) */
	uint64_t minimise_runs;		/* at most this many runs to shrink (default 2000) */
	FILE *err;			/* the failing run's messages (NULL: silent; default stderr) */
};

void irqsim_explore_opts_init(struct irqsim_explore_opts *o);

/* A replayable run. */
struct irqsim_schedule {
	uint64_t seed;
	uint8_t *bytes;			/* malloc'd; NULL when len is 0 */
	size_t len;
	uint64_t choices;		/* real choices the run made */
	unsigned int preemptions;	/* within the bytes: a runnable task was switched away from */
};

struct irqsim_explore_result {
	int status;			/* 0 no failing schedule, 1 one found, 2 script error */
	uint64_t schedules;		/* runs made while exploring */
	bool exhausted;			/* exhaustive: every schedule within the bound ran */
	bool nondeterministic;		/* exhaustive: a replayed prefix saw other choices */
	double seconds;			/* exploring only */
	uint64_t max_choices;		/* most real choices in one run */
	bool found;
	uint64_t found_at;		/* 1-based run that failed */
	struct irqsim_schedule failing;	/* as found (every choice) */
	struct irqsim_schedule minimal;	/* after minimisation (== failing without it) */
	uint64_t minimise_runs;		/* runs spent minimising */
	char *message;			/* the failing run's first message */
	unsigned int message_line;
};

/*
 * Explore the scenario at path (or in memory). Returns r->status and fills
 * r (free it with irqsim_explore_result_free). Script errors go to o->err.
 */
int irqsim_explore(const char *path, const struct irqsim_explore_opts *o,
		   struct irqsim_explore_result *r);
int irqsim_explore_text(const char *name, const char *text, size_t len,
			const struct irqsim_explore_opts *o, struct irqsim_explore_result *r);
void irqsim_explore_result_free(struct irqsim_explore_result *r);

/* "random", "pct", "exhaustive", and back (-EINVAL for an unknown name). */
const char *irqsim_strategy_name(enum irqsim_strategy s);
int irqsim_strategy_parse(const char *name, enum irqsim_strategy *s);

struct irqsim_replay_opts {
	uint64_t seed;
	const uint8_t *schedule;	/* may be NULL */
	size_t schedule_len;
	bool fine;
	bool checkers;			/* default true */
	FILE *err;			/* messages and checker reports (default stderr) */
	struct irqsim_trace *traces[IRQSIM_SCN_MAX_TRACES];
	unsigned int n_traces;
};

void irqsim_replay_opts_init(struct irqsim_replay_opts *o);

/*
 * Run the scenario once on the sched backend with o->seed and o->schedule:
 * the run an explorer found. Returns the status (0/1/2) as `irqsim run`.
 * statements (may be NULL) gets the statements executed.
 */
int irqsim_replay(const char *path, const struct irqsim_replay_opts *o, uint64_t *statements);

/*
 * Schedule bytes as text and back: hex pairs, with runs written BBxN
 * (N copies of byte BB) between commas: "0101,00x330,01010000" is two
 * 01 bytes, 330 zero bytes, then 01 01 00 00. Plain hex is accepted too.
 * from_hex: -EINVAL on bad text, -ENOMEM.
 */
char *irqsim_schedule_to_hex(const uint8_t *bytes, size_t len);
int irqsim_schedule_from_hex(const char *hex, uint8_t **bytes, size_t *len);

#endif
