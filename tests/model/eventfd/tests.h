/* The test tables of this binary, one per file (test_main.c runs them). */
#ifndef TESTS_EVENTFD_TESTS_H
#define TESTS_EVENTFD_TESTS_H

#include "tests/cunit_main.h"

extern const struct cunit_test irqfd_tests[];
extern const struct cunit_test ioeventfd_tests[];
extern const struct cunit_test iobus_tests[];

#endif
