/*
 * The interpreter's operations table: the same statements give the same
 * results on the simulator and on the real kernel, the observer sees each
 * result, keep_going goes on past failures, what the kernel cannot show is
 * reported as not checkable; the random generator; the documented
 * divergences; the minimiser. The 'kvm' suite needs /dev/kvm (skipped
 * without it; the 'sim' suite always runs).
 */
#include <stdlib.h>
#include <string.h>
#include <irqsim/diff.h>
#include "cunit_main.h"
#include "gen_random.h"

#define MAX_OBS 64

struct obs_log {
	unsigned int n;
	unsigned int line[MAX_OBS];
	char got[MAX_OBS][64];
	bool held[MAX_OBS], alt[MAX_OBS], nc[MAX_OBS];
};

static void log_obs(void *ctx, const struct irqsim_scenario_obs *o)
{
	struct obs_log *l = ctx;

	if (l->n >= MAX_OBS)
		return;
	l->line[l->n] = o->line;
	snprintf(l->got[l->n], sizeof(l->got[0]), "%s", o->got);
	l->held[l->n] = o->held;
	l->alt[l->n] = o->alternatives;
	l->nc[l->n] = o->not_checkable;
	l->n++;
}

static int run_text(const char *text, bool kvm, bool keep_going, struct obs_log *log,
		    struct irqsim_scenario_result *r)
{
	struct irqsim_scenario_opts o;

	irqsim_scenario_opts_init(&o);
	o.err = NULL;
	o.kvm = kvm;
	o.keep_going = keep_going;
	o.observe = log_obs;
	o.observe_ctx = log;
	memset(log, 0, sizeof(*log));
	return irqsim_run_scenario_text("t.scn", text, strlen(text), &o, r);
}

static const char *find_got(const struct obs_log *l, unsigned int line)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->line[i] == line)
			return l->got[i];
	return NULL;
}

/* Every kind of result, in the statement's vocabulary, on the line that holds the `=>`. */
static const char prog_basic[] =
	"vm vcpus=1\n"					/* 1 */
	"eventfd ev\n"					/* 2 */
	"routing\n"					/* 3 */
	"  gsi 24 msi addr=0xfee00000 data=0x41\n"	/* 4 */
	"end\n"						/* 5 */
	"irqfd ev gsi=24\n"				/* 6 */
	"irqfd ev gsi=24 => EBUSY\n"			/* 7 */
	"write ev\n"					/* 8 */
	"expect lapic 0 irr 0x41\n"			/* 9 */
	"vcpu 0 ack\n"					/* 10 */
	"expect eventfd ev count=0\n"			/* 11 */
	"vcpu 0 pio write 0xc050 2 1\n"			/* 12 */
	"msi addr=0xfee00000 data=0x42\n"		/* 13 */
	"irq_line 3 1 => 1|-1\n"			/* 14: PIC and IOAPIC masked */
	"vcpu 0 eoi\n";					/* 15 */

static const struct { unsigned int line; const char *got; } basic_want[] = {
	{ 1, "ok" }, { 2, "ok" }, { 5, "ok" }, { 6, "ok" }, { 7, "EBUSY" }, { 8, "ok" },
	{ 9, "0x41" }, { 10, "0x41" }, { 11, "count=0" }, { 12, "exit" }, { 13, "1" },
	{ 14, "-1" }, { 15, "ok" },
};

static void check_basic(bool kvm)
{
	struct irqsim_scenario_result r;
	struct obs_log log;

	CU_ASSERT_EQUAL(run_text(prog_basic, kvm, false, &log, &r), 0);
	CU_ASSERT_EQUAL(r.kvm, kvm);
	CU_ASSERT_EQUAL(r.not_checkable, 0);
	irqsim_scenario_result_free(&r);
	CU_ASSERT_EQUAL(log.n, sizeof(basic_want) / sizeof(basic_want[0]));
	for (size_t i = 0; i < sizeof(basic_want) / sizeof(basic_want[0]); i++) {
		const char *got = find_got(&log, basic_want[i].line);

		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		if (strcmp(got, basic_want[i].got))
			fprintf(stderr, "line %u: got %s, want %s\n", basic_want[i].line, got,
				basic_want[i].got);
		CU_ASSERT_STRING_EQUAL(got, basic_want[i].got);
	}
	for (unsigned int i = 0; i < log.n; i++) {
		CU_ASSERT_TRUE(log.held[i]);
		CU_ASSERT_FALSE(log.nc[i]);
		CU_ASSERT_EQUAL(log.alt[i], log.line[i] == 14);
	}
}

static void test_sim_observe(void)
{
	check_basic(false);
}

/* The first failure stops the run, unless keep_going (irqsim diff). */
static void test_sim_keep_going(void)
{
	static const char prog[] =
		"vm vcpus=1\n"
		"eventfd ev\n"
		"irqfd ev gsi=24 => EINVAL\n"	/* 3: fails, got ok */
		"read ev\n";			/* 4: fails, got EAGAIN */
	struct irqsim_scenario_result r;
	struct obs_log log;

	CU_ASSERT_EQUAL(run_text(prog, false, false, &log, &r), 1);
	irqsim_scenario_result_free(&r);
	CU_ASSERT_EQUAL(log.n, 3);
	CU_ASSERT_PTR_NULL(find_got(&log, 4));

	CU_ASSERT_EQUAL(run_text(prog, false, true, &log, &r), 1);
	CU_ASSERT_EQUAL(r.n_msgs, 2);
	irqsim_scenario_result_free(&r);
	CU_ASSERT_EQUAL(log.n, 4);
	CU_ASSERT_STRING_EQUAL(find_got(&log, 3), "ok");
	CU_ASSERT_FALSE(log.held[2]);
	CU_ASSERT_STRING_EQUAL(find_got(&log, 4), "EAGAIN");
}

/* On the simulator, counters are checked, never "not checkable". */
static void test_sim_stat_checked(void)
{
	static const char prog[] = "vm vcpus=1\nexpect stat irqfd.inject.fast=0\n";
	struct irqsim_scenario_result r;
	struct obs_log log;

	CU_ASSERT_EQUAL(run_text(prog, false, false, &log, &r), 0);
	CU_ASSERT_EQUAL(r.not_checkable, 0);
	irqsim_scenario_result_free(&r);
	CU_ASSERT_STRING_EQUAL(find_got(&log, 2), "irqfd.inject.fast=0");
	CU_ASSERT_FALSE(log.nc[1]);
}

static void test_gen_deterministic(void)
{
	char *a = scn_gen_from_seed(42, NULL, NULL), *b = scn_gen_from_seed(42, NULL, NULL);
	char *c = scn_gen_from_seed(43, NULL, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	free(a);
	free(b);
	free(c);
}

/* An exhausted input reads as zeros (every choice the first one) and ends the program. */
static void test_gen_empty_input(void)
{
	size_t len = 0;
	char *t = scn_gen_from_bytes(NULL, 0, NULL, &len);
	const char *body;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(len, strlen(t));
	body = strstr(t, "vm vcpus=1 irqchip=kernel\neventfd e0 count=1\neventfd e1 count=1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL(body[strlen("vm vcpus=1 irqchip=kernel\neventfd e0 count=1\neventfd e1 count=1\n")], '\0');
	free(t);
}

/* Generated programs never have script errors, and cover the host API. */
static void test_gen_valid(void)
{
	unsigned int irqfds = 0, routings = 0, ioapics = 0, acks = 0;

	for (uint64_t seed = 1; seed <= 100; seed++) {
		struct irqsim_scenario_result r;
		struct obs_log log;
		char *t = scn_gen_from_seed(seed, NULL, NULL);
		int st;

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		st = run_text(t, false, true, &log, &r);
		if (st == 2)
			fprintf(stderr, "seed %llu:\n%s", (unsigned long long)seed, t);
		CU_ASSERT_NOT_EQUAL(st, 2);
		irqsim_scenario_result_free(&r);
		irqfds += strstr(t, "\nirqfd ") != NULL;
		routings += strstr(t, "\nrouting") != NULL;
		ioapics += strstr(t, "\nioapic pin") != NULL;
		acks += strstr(t, " ack\n") != NULL;
		free(t);
	}
	CU_ASSERT_TRUE(irqfds > 50);
	CU_ASSERT_TRUE(routings > 30);
	CU_ASSERT_TRUE(ioapics > 30);
	CU_ASSERT_TRUE(acks > 50);
}

static void test_documented_matcher(void)
{
	struct irqsim_diff_line l = {
		.line = 3, .stmt = "irqfd e1 gsi=25 flags=0x2", .sim = "EBADF", .kvm = "EINVAL",
	};

	CU_ASSERT_STRING_EQUAL(irqsim_diff_documented(&l), "D1");
	l.stmt = "irqfd e1 gsi=25 flags=0x3";
	CU_ASSERT_STRING_EQUAL(irqsim_diff_documented(&l), "D1");
	l.stmt = "irqfd e1 gsi=25 flags=0x4";	/* not the RESAMPLE bit */
	CU_ASSERT_PTR_NULL(irqsim_diff_documented(&l));
	l.stmt = "irqfd e1 gsi=25 resample=e2 flags=0x2";
	CU_ASSERT_PTR_NULL(irqsim_diff_documented(&l));
	l.stmt = "irqfd e1 gsi=25 flags=0x2";
	l.kvm = "EBUSY";
	CU_ASSERT_PTR_NULL(irqsim_diff_documented(&l));
	l.kvm = "EINVAL";
	l.stmt = "msi addr=0xfee00000 data=0x41 flags=0x2";
	CU_ASSERT_PTR_NULL(irqsim_diff_documented(&l));
}

static const struct cunit_test sim_tests[] = {
	{ "observe", test_sim_observe },
	{ "keep_going", test_sim_keep_going },
	{ "stat_checked", test_sim_stat_checked },
	{ "gen_deterministic", test_gen_deterministic },
	{ "gen_empty_input", test_gen_empty_input },
	{ "gen_valid", test_gen_valid },
	{ "documented_matcher", test_documented_matcher },
	{ NULL, NULL },
};

/* ---- on the real kernel ----------------------------------------------- */

/* The same program, the same results, through the kvm operations table. */
static void test_kvm_observe(void)
{
	check_basic(true);
}

static void test_kvm_not_checkable(void)
{
	static const char prog[] =
		"vm vcpus=1\n"
		"expect stat irqfd.inject.fast=7\n"	/* 2: no counters on the kernel */
		"vcpu 0 pio write 0xc050 8 1\n"		/* 3: no 8-byte OUT */
		"settle off\n"
		"expect lapic 0 irr 0x99\n"		/* 5: inside the window */
		"settle on\n"
		"expect lapic 0 irr none\n";		/* 7: checked again */
	struct irqsim_scenario_result r;
	struct obs_log log;

	CU_ASSERT_EQUAL(run_text(prog, true, false, &log, &r), 0);
	CU_ASSERT_EQUAL(r.not_checkable, 3);
	CU_ASSERT_PTR_NOT_NULL(r.ack_mode);
	irqsim_scenario_result_free(&r);
	for (unsigned int i = 0; i < log.n; i++)
		CU_ASSERT_EQUAL(log.nc[i], log.line[i] == 2 || log.line[i] == 3 || log.line[i] == 5);
	CU_ASSERT_STRING_EQUAL(find_got(&log, 7), "none");

	/* a misspelt counter is still a script error */
	CU_ASSERT_EQUAL(run_text("vm\nexpect stat no.such=1\n", true, false, &log, &r), 2);
	irqsim_scenario_result_free(&r);
}

/* A failing expectation fails on the kernel too (after polling for it). */
static void test_kvm_expect_fails(void)
{
	struct irqsim_scenario_result r;
	struct obs_log log;

	CU_ASSERT_EQUAL(run_text("vm\nexpect lapic 0 irr 0x41\n", true, false, &log, &r), 1);
	CU_ASSERT_EQUAL(r.n_msgs, 1);
	CU_ASSERT_STRING_EQUAL(r.msgs[0].text, "t.scn:2: expected 0x41, got none");
	irqsim_scenario_result_free(&r);
}

static void test_kvm_diff_agree(void)
{
	struct irqsim_diff_result d;

	CU_ASSERT_EQUAL(irqsim_diff_text("t.scn", prog_basic, strlen(prog_basic), NULL, &d), 0);
	CU_ASSERT_EQUAL(d.n_lines, 0);
	CU_ASSERT_EQUAL(d.compared, sizeof(basic_want) / sizeof(basic_want[0]));
	irqsim_diff_result_free(&d);
}

/* D1 shows up, is recognised, and the minimiser keeps only what it needs. */
static void test_kvm_diff_documented_minimise(void)
{
	static const char prog[] =
		"vm vcpus=2\n"
		"eventfd e0\n"
		"eventfd e1\n"
		"write e0\n"
		"routing\n"
		"  gsi 25 msi addr=0xfee00000 data=0x41\n"
		"end\n"
		"msi addr=0xfee00000 data=0x42\n"
		"irqfd e1 gsi=25 flags=0x2\n"
		"read e0\n";
	struct irqsim_diff_result d;
	unsigned int runs = 0;
	char *min;

	CU_ASSERT_EQUAL(irqsim_diff_text("t.scn", prog, strlen(prog), NULL, &d), 0);
	CU_ASSERT_EQUAL_FATAL(d.n_lines, 1);
	CU_ASSERT_EQUAL(d.n_documented, 1);
	CU_ASSERT_EQUAL(d.lines[0].line, 9);
	CU_ASSERT_STRING_EQUAL(d.lines[0].sim, "EBADF");
	CU_ASSERT_STRING_EQUAL(d.lines[0].kvm, "EINVAL");
	irqsim_diff_result_free(&d);

	min = irqsim_diff_minimise("t.scn", prog, strlen(prog), NULL, &runs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(min);
	CU_ASSERT_TRUE(runs > 0);
	CU_ASSERT_STRING_EQUAL(min, "vm vcpus=2\neventfd e1\nirqfd e1 gsi=25 flags=0x2\n");
	free(min);
}

static const struct cunit_test kvm_tests[] = {
	{ "observe", test_kvm_observe },
	{ "not_checkable", test_kvm_not_checkable },
	{ "expect_fails", test_kvm_expect_fails },
	{ "diff_agree", test_kvm_diff_agree },
	{ "diff_documented_minimise", test_kvm_diff_documented_minimise },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "sim", sim_tests, NULL, NULL },
	{ "kvm", kvm_tests, NULL, NULL },
};

/* The 'kvm' suite runs only where /dev/kvm is usable. */
int main(int argc, char **argv)
{
	const char *why = NULL;

	if (irqsim_kvm_backend_available(&why, NULL) < 0) {
		fprintf(stderr, "kvm suite skipped: %s\n", why);
		return cunit_run(suites, 1, argc, argv);
	}
	return cunit_run(suites, sizeof(suites) / sizeof(suites[0]), argc, argv);
}
