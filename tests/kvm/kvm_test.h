/*
 * Shared by the tests against the real /dev/kvm. Each binary ends with
 * KVM_TEST_MAIN(suites): exit 77 (meson "skip") when /dev/kvm is missing
 * or unusable, otherwise the CUnit run.
 */
#ifndef IRQSIM_TESTS_KVM_TEST_H
#define IRQSIM_TESTS_KVM_TEST_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kvmreal.h"
#include "cunit_main.h"

/* A VM or the test fails at once (a NULL VM would only crash later). */
static inline struct kvmreal_vm *kt_vm(int nvcpus, enum kvmreal_irqchip chip)
{
	struct kvmreal_vm *vm = NULL;
	int ret = kvmreal_vm_create(&vm, nvcpus, chip);

	if (ret < 0)
		fprintf(stderr, "kvmreal_vm_create: %s\n", strerror(-ret));
	return vm;
}

#define KT_VM(var, n, chip)						\
	struct kvmreal_vm *var = kt_vm(n, chip);			\
	CU_ASSERT_PTR_NOT_NULL_FATAL(var)

/* A fresh eventfd with count c. */
#define KT_EVENTFD(var, c)						\
	int var = kvmreal_eventfd_create(c);				\
	CU_ASSERT_FATAL(var >= 0)

static inline uint64_t kt_peek(int fd)
{
	uint64_t c = ~0ULL;

	CU_ASSERT_EQUAL(kvmreal_eventfd_peek(fd, &c), 0);
	return c;
}

static inline int kt_status(struct kvmreal_vm *vm, uint32_t gsi, int level)
{
	int st = -100;

	CU_ASSERT_EQUAL(kvmreal_irq_line(vm, gsi, level, &st), 0);
	return st;
}

#define KVM_TEST_MAIN(suites)						\
int main(int argc, char **argv)						\
{									\
	int ret = kvmreal_available();					\
									\
	if (ret < 0) {							\
		printf("SKIP: /dev/kvm unusable: %s\n", strerror(-ret));	\
		return 77;						\
	}								\
	return cunit_run(suites, sizeof(suites) / sizeof(suites[0]),	\
			 argc, argv);					\
}

#endif
