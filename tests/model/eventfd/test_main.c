/*
 * eventfd.c and iobus.c unit tests, each table run on both backends:
 * "<table>-sched" (deterministic coroutines) and "<table>-threads".
 */
#include "fake_env.h"
#include "tests.h"

static int use_sched(void)
{
	fake_backend = SIM_BACKEND_SCHED;
	return 0;
}

static int use_threads(void)
{
	fake_backend = SIM_BACKEND_THREADS;
	return 0;
}

static const struct cunit_suite suites[] = {
	{ "irqfd-sched", irqfd_tests, use_sched, NULL },
	{ "irqfd-threads", irqfd_tests, use_threads, NULL },
	{ "ioeventfd-sched", ioeventfd_tests, use_sched, NULL },
	{ "ioeventfd-threads", ioeventfd_tests, use_threads, NULL },
	{ "iobus-sched", iobus_tests, use_sched, NULL },
	{ "iobus-threads", iobus_tests, use_threads, NULL },
};

CUNIT_MAIN(suites)
