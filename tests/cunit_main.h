/*
 * One main() for every CUnit binary. CUnit 2.1-3 returns CUE_SUCCESS from
 * CU_basic_run_tests() even when tests failed, and CU_cleanup_registry()
 * zeroes the failure counters, so the count is read before cleanup.
 *
 * A test binary defines:   static const struct cunit_suite suites[] = {...};
 * and ends with:           CUNIT_MAIN(suites)
 * Run with a suite name (or suite/test) as argv[1] to run just that part.
 */
#ifndef IRQSIM_CUNIT_MAIN_H
#define IRQSIM_CUNIT_MAIN_H

#include <stdio.h>
#include <string.h>
#include <CUnit/Basic.h>

struct cunit_test {
	const char *name;
	void (*fn)(void);
};

struct cunit_suite {
	const char *name;
	const struct cunit_test *tests;	/* terminated by { NULL, NULL } */
	int (*init)(void);
	int (*cleanup)(void);
};

static inline int cunit_run(const struct cunit_suite *suites, size_t n,
			    int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	size_t only_len = 0;
	unsigned int failed;

	if (only)
		only_len = strcspn(only, "/");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (size_t i = 0; i < n; i++) {
		CU_pSuite s;

		if (only && (strlen(suites[i].name) != only_len ||
			     strncmp(suites[i].name, only, only_len)))
			continue;
		s = CU_add_suite(suites[i].name, suites[i].init, suites[i].cleanup);
		if (!s)
			goto fail;
		for (const struct cunit_test *t = suites[i].tests; t->name; t++) {
			if (only && only[only_len] == '/' &&
			    strcmp(t->name, only + only_len + 1))
				continue;
			if (!CU_add_test(s, t->name, t->fn))
				goto fail;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_tests_failed() +
		 CU_get_number_of_suites_failed() +
		 CU_get_number_of_failures();
	if (CU_get_number_of_tests_run() == 0) {
		fprintf(stderr, "no test matched '%s'\n", only ? only : "");
		failed = 1;
	}
	CU_cleanup_registry();
	return failed ? 1 : 0;
fail:
	CU_cleanup_registry();
	return 1;
}

#define CUNIT_MAIN(suites)						\
int main(int argc, char **argv)						\
{									\
	return cunit_run(suites, sizeof(suites) / sizeof(suites[0]),	\
			 argc, argv);					\
}

#endif
