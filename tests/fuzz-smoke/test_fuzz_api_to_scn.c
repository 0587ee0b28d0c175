/*
 * The fuzz-repro hook (fuzz/targets/fuzz_api_to_scn.c): every fuzz_api
 * input must print as a scenario that the .scn front end accepts, with one
 * thread block per host thread and one statement per operation, and the
 * statements must say what the input encodes.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "fuzz_api_prog.h"
#include "scn_parse.h"

/* Parse text; return the program (caller frees) or NULL, printing the messages. */
static struct scn_program *parse_or_print(const char *text, size_t len)
{
	struct scn_program *prog = NULL;
	struct scn_diag d;
	int r;

	scn_diag_init(&d);
	r = scn_parse("repro.scn", text, len, &prog, &d);
	if (r) {
		scn_diag_print(&d, stderr);
		fprintf(stderr, "---- scenario ----\n%s", text);
	}
	scn_diag_free(&d);
	return r ? NULL : prog;
}

/* The parsed program has the decoded program's shape. */
static void check_shape(const uint8_t *data, size_t size)
{
	static struct fa_prog p;
	struct scn_program *prog;
	size_t len, i, body = 0, threads = 0;
	char *text;

	fa_decode(data, size, &p);
	text = fa_prog_to_scn(&p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strlen(text), len);
	prog = parse_or_print(text, len);
	CU_ASSERT_PTR_NOT_NULL(prog);
	if (prog) {
		for (i = 0; i < prog->n_stmts; i++) {
			if (prog->stmts[i].kind != SCN_THREAD)
				continue;
			threads++;
			body += prog->stmts[i].u.thread.n_body;
		}
		CU_ASSERT_EQUAL(threads, (size_t)p.nr_threads);
		CU_ASSERT_EQUAL(body, (size_t)p.nr_ops);
		CU_ASSERT_EQUAL(prog->vcpus, (uint32_t)p.nr_vcpus);
		CU_ASSERT_EQUAL(prog->stmts[prog->n_stmts - 1].kind, SCN_RUN);
		scn_program_free(prog);
	}
	free(text);
}

static void test_corpus_parses(void)
{
	DIR *d = opendir(FUZZ_API_CORPUS);
	struct dirent *de;
	int files = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d))) {
		char path[4096];
		uint8_t buf[8192];
		size_t n;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZ_API_CORPUS, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		check_shape(buf, n);
		files++;
	}
	closedir(d);
	CU_ASSERT(files > 0);
}

static void test_random_inputs_parse(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint8_t buf[600];
	int i;
	size_t j, n;

	for (i = 0; i < 3000; i++) {
		n = (size_t)(x % sizeof(buf));
		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = (uint8_t)x;
		}
		check_shape(buf, n);
	}
}

/* A hand-built input: each statement says what the bytes encode. */
static void test_statements_match_input(void)
{
	const uint8_t in[] = {
		0x14,			/* kernel irqchip, 2 vCPUs, 2 threads */
		0x06, 0x04,		/* fault: fail allocation #5 */
		0x07, 0x00,		/* seed 7 */
		0x00,			/* no schedule bytes */
		0x03, 0x01, 0x05, 0x04, 0x02,	/* t0: irqfd e1 gsi=5 resample=e2 */
		0x11, 0x03, 0x00,		/* t1: write e3 (value 1 + 0) */
		0x17, 0x00, 0x09, 0x02, 0x00,	/* t1: ioeventfd e0 pio len=1 addr=0x102 */
		0x04, 0x01, 0x00, 0x18, 0x00,	/* t0: routing: one ioapic entry gsi 24 % 32, pin 0 */
	};
	size_t len;
	char *text = fuzz_api_to_scn(in, sizeof(in), &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "vm vcpus=2 irqchip=kernel\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "sim_fail_nth_alloc(5)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  irqfd e1 gsi=5 resample=e2 => "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  write e3 1 => "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  ioeventfd e0 pio addr=0x102 len=1 => "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "    gsi 24 irqchip=pic-master pin=0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "thread t1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "run schedules=1 seed=7\n"));
	check_shape(in, sizeof(in));
	free(text);
}

static const struct cunit_test tests[] = {
	{ "statements_match_input", test_statements_match_input },
	{ "corpus_parses", test_corpus_parses },
	{ "random_inputs_parse", test_random_inputs_parse },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "fuzz_api_to_scn", tests, NULL, NULL },
};

CUNIT_MAIN(suites)
