/*
 * The interleaving explorer (irqsim/explore.h): each strategy finds the
 * planted order-dependent failure of race.scn, the exhaustive one
 * exhausts calm.scn, a minimised schedule replays to the same failure,
 * and a replay traced twice gives the same trace.
 *
 * argv[1] (optional) selects a suite; the scenario files are found
 * through EXPLORE_DIR (set by meson), else the current directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <irqsim/explore.h>
#include <irqsim/trace.h>
#include "tests/cunit_main.h"

static char path_buf[3][1024];

static const char *scn(int slot, const char *name)
{
	const char *dir = getenv("EXPLORE_DIR");

	snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", dir ? dir : ".", name);
	return path_buf[slot];
}

static void opts(struct irqsim_explore_opts *o, enum irqsim_strategy s, unsigned int depth,
		 uint64_t schedules)
{
	irqsim_explore_opts_init(o);
	o->strategy = s;
	o->depth = depth;
	o->schedules = schedules;
	o->err = NULL;		/* quiet: the test checks the result */
}

/* The failure race.scn plants: thread a reads back more than it wrote, at line 9. */
static void check_found(const struct irqsim_explore_result *r)
{
	CU_ASSERT_EQUAL(r->status, 1);
	CU_ASSERT(r->found);
	CU_ASSERT(r->found_at >= 1 && r->found_at <= r->schedules);
	CU_ASSERT_EQUAL(r->message_line, 9);
	CU_ASSERT_PTR_NOT_NULL(r->message);
	if (r->message)
		CU_ASSERT_PTR_NOT_NULL(strstr(r->message, "race.scn:9: expected 1, got"));
	CU_ASSERT(r->failing.choices > 0);
	CU_ASSERT(r->failing.len == r->failing.choices);
}

static int replay(const char *path, const struct irqsim_schedule *s, struct irqsim_trace *t)
{
	struct irqsim_replay_opts o;

	irqsim_replay_opts_init(&o);
	o.seed = s->seed;
	o.schedule = s->bytes;
	o.schedule_len = s->len;
	o.err = NULL;
	if (t)
		o.traces[o.n_traces++] = t;
	return irqsim_replay(path, &o, NULL);
}

static void test_random_finds(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	opts(&o, IRQSIM_STRATEGY_RANDOM, 0, 200);
	irqsim_explore(scn(0, "race.scn"), &o, &r);
	check_found(&r);
	/* a random schedule is its seed: replaying the seed alone fails the same way */
	{
		struct irqsim_schedule seed_only = { .seed = r.failing.seed };

		CU_ASSERT_EQUAL(replay(scn(0, "race.scn"), &seed_only, NULL), 1);
	}
	irqsim_explore_result_free(&r);
}

static void test_pct_finds(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	opts(&o, IRQSIM_STRATEGY_PCT, 2, 2000);
	irqsim_explore(scn(0, "race.scn"), &o, &r);
	check_found(&r);
	CU_ASSERT_EQUAL(replay(scn(0, "race.scn"), &r.failing, NULL), 1);
	irqsim_explore_result_free(&r);
}

static void test_exhaustive_finds(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	opts(&o, IRQSIM_STRATEGY_EXHAUSTIVE, 1, 5000);
	irqsim_explore(scn(0, "race.scn"), &o, &r);
	check_found(&r);
	/* one preemption is enough, and iterative bounding finds it with no more */
	CU_ASSERT(r.failing.preemptions <= 1);
	CU_ASSERT_FALSE(r.nondeterministic);
	irqsim_explore_result_free(&r);
}

static void test_exhaustive_exhausts(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	opts(&o, IRQSIM_STRATEGY_EXHAUSTIVE, 1, 100000);
	irqsim_explore(scn(0, "calm.scn"), &o, &r);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_FALSE(r.found);
	CU_ASSERT(r.exhausted);
	CU_ASSERT_FALSE(r.nondeterministic);
	/* bound 0 is one schedule; bound 1 adds one per choice point at least */
	CU_ASSERT(r.schedules > r.max_choices / 2);
	CU_ASSERT(r.schedules < 100000);
	irqsim_explore_result_free(&r);

	/* a budget smaller than the space: not exhausted */
	opts(&o, IRQSIM_STRATEGY_EXHAUSTIVE, 1, 3);
	irqsim_explore(scn(0, "calm.scn"), &o, &r);
	CU_ASSERT_EQUAL(r.schedules, 3);
	CU_ASSERT_FALSE(r.exhausted);
	irqsim_explore_result_free(&r);
}

static void test_minimised_replays(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	/* random's schedules preempt at almost every choice: plenty to shrink */
	opts(&o, IRQSIM_STRATEGY_RANDOM, 0, 200);
	irqsim_explore(scn(0, "race.scn"), &o, &r);
	check_found(&r);
	CU_ASSERT(r.minimise_runs > 0);
	CU_ASSERT_EQUAL(r.minimal.seed, r.failing.seed);
	CU_ASSERT(r.minimal.preemptions <= 2);
	CU_ASSERT(r.minimal.preemptions < r.failing.preemptions);
	CU_ASSERT_EQUAL(replay(scn(0, "race.scn"), &r.minimal, NULL), 1);
	irqsim_explore_result_free(&r);
}

static void test_deep_bug(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;

	/* b's and c's writes must both land inside a's write-read window */
	opts(&o, IRQSIM_STRATEGY_RANDOM, 0, 500);
	irqsim_explore(scn(1, "deep.scn"), &o, &r);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(r.message_line, 7);
	CU_ASSERT(r.message && strstr(r.message, "got 111"));
	/* no schedule with fewer than two switches into that window can do it */
	CU_ASSERT(r.minimal.preemptions >= 2 && r.minimal.preemptions <= 3);
	CU_ASSERT_EQUAL(replay(scn(1, "deep.scn"), &r.minimal, NULL), 1);
	irqsim_explore_result_free(&r);
}

static char *slurp(FILE *f, size_t *len)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	if (n < 0)
		return NULL;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return NULL;
	rewind(f);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	return buf;
}

/* One replay into a JSON-lines trace held in memory. */
static char *traced_replay(const struct irqsim_schedule *s, size_t *len, int *status)
{
	FILE *f = tmpfile();
	struct irqsim_trace *t;
	char *text;

	if (!f)
		return NULL;
	t = irqsim_trace_new(IRQSIM_TRACE_JSONL, f);
	if (!t) {
		fclose(f);
		return NULL;
	}
	*status = replay(scn(0, "race.scn"), s, t);
	irqsim_trace_finish(t);
	text = slurp(f, len);
	fclose(f);
	return text;
}

static void test_replay_deterministic(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;
	size_t l1 = 0, l2 = 0;
	int st1 = -1, st2 = -1;
	char *t1, *t2;

	opts(&o, IRQSIM_STRATEGY_PCT, 2, 2000);
	irqsim_explore(scn(0, "race.scn"), &o, &r);
	check_found(&r);
	t1 = traced_replay(&r.minimal, &l1, &st1);
	t2 = traced_replay(&r.minimal, &l2, &st2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
	CU_ASSERT_EQUAL(st1, 1);
	CU_ASSERT_EQUAL(st2, 1);
	CU_ASSERT(l1 > 1000);	/* a real trace: tasks, locks, the failing read */
	CU_ASSERT_EQUAL(l1, l2);

	CU_ASSERT(l1 == l2 && !memcmp(t1, t2, l1));
	free(t1);
	free(t2);
	irqsim_explore_result_free(&r);
}

static void test_fine_mode(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result coarse, fine;

	/* READ_ONCE/WRITE_ONCE/atomics as switch points: more choices per run */
	opts(&o, IRQSIM_STRATEGY_RANDOM, 0, 3);
	irqsim_explore(scn(0, "calm.scn"), &o, &coarse);
	o.fine = true;
	irqsim_explore(scn(0, "calm.scn"), &o, &fine);
	CU_ASSERT_EQUAL(coarse.status, 0);
	CU_ASSERT_EQUAL(fine.status, 0);
	CU_ASSERT(fine.max_choices > coarse.max_choices);
	irqsim_explore_result_free(&coarse);
	irqsim_explore_result_free(&fine);
}

static void test_hex(void)
{
	uint8_t in[40], *out = NULL;
	size_t n = 0;
	char *hex;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = i < 3 ? 1 : i < 30 ? 0 : (uint8_t)i;
	hex = irqsim_schedule_to_hex(in, sizeof(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(hex);
	CU_ASSERT_STRING_EQUAL(hex, "010101,00x27,1e1f2021222324252627");
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex(hex, &out, &n), 0);
	CU_ASSERT_EQUAL(n, sizeof(in));
	CU_ASSERT(out && !memcmp(out, in, sizeof(in)));
	free(out);
	free(hex);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("0a0B", &out, &n), 0);
	CU_ASSERT(n == 2 && out[0] == 0x0a && out[1] == 0x0b);
	free(out);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("", &out, &n), 0);
	CU_ASSERT(n == 0 && !out);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("0", &out, &n), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("zz", &out, &n), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("00x", &out, &n), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("00x0", &out, &n), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("01,,02", &out, &n), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_schedule_from_hex("0x5", &out, &n), -EINVAL);
}

static void test_script_error(void)
{
	struct irqsim_explore_opts o;
	struct irqsim_explore_result r;
	static const char text[] = "vm vcpus=1\nfrobnicate\n";

	opts(&o, IRQSIM_STRATEGY_RANDOM, 0, 10);
	CU_ASSERT_EQUAL(irqsim_explore_text("bad.scn", text, sizeof(text) - 1, &o, &r), 2);
	CU_ASSERT_FALSE(r.found);
	CU_ASSERT_EQUAL(r.schedules, 0);
	irqsim_explore_result_free(&r);
	CU_ASSERT_EQUAL(irqsim_explore("/nonexistent/x.scn", &o, &r), 2);
	irqsim_explore_result_free(&r);
}

static const struct cunit_test explore_tests[] = {
	{ "random_finds", test_random_finds },
	{ "pct_finds", test_pct_finds },
	{ "exhaustive_finds", test_exhaustive_finds },
	{ "exhaustive_exhausts", test_exhaustive_exhausts },
	{ "minimised_replays", test_minimised_replays },
	{ "deep_bug", test_deep_bug },
	{ "replay_deterministic", test_replay_deterministic },
	{ "fine_mode", test_fine_mode },
	{ "hex", test_hex },
	{ "script_error", test_script_error },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "explore", explore_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
