/*
 * The trace writers fed with synthetic events: Chrome spans stay well
 * nested when locks are released out of order, task names come from the
 * "pid=" of SIM_EV_TASK, JSON strings are escaped, the text format lists
 * the locks held at an instant, counts are kept per category.
 */
#include <stdlib.h>
#include <string.h>
#include <irqsim/trace.h>
#include "cunit_main.h"

static char *buf;
static size_t buf_len;

static struct irqsim_trace *open_mem(enum irqsim_trace_format fmt, FILE **f)
{
	*f = open_memstream(&buf, &buf_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*f);
	return irqsim_trace_new(fmt, *f);
}

static void close_mem(struct irqsim_trace *t, FILE *f)
{
	CU_ASSERT_EQUAL(irqsim_trace_finish(t), 0);
	fclose(f);
}

static void ev(struct irqsim_trace *t, enum sim_event_type type, int tid, uint64_t ts,
	       const char *cat, const char *name, const char *args)
{
	struct sim_event e = {
		.ts_ns = ts, .tid = tid, .type = type, .cat = cat, .name = name,
		.args = args, .origin = "t.scn:3",
	};

	irqsim_trace_event(t, &e);
}

/* the order of B/E pairs on track tid, as "B:a E:a ..." */
static void chrome_order(const char *s, int tid, char *out, size_t size)
{
	char needle[32];
	const char *p = s;

	out[0] = '\0';
	snprintf(needle, sizeof(needle), "\"tid\":%d,\"ts\"", tid);
	while ((p = strstr(p, "{\"ph\":\""))) {
		char ph = p[7];
		const char *line_end = strchr(p, '}');
		const char *tidp = strstr(p, needle);
		const char *name = strstr(p, "\"name\":\"");

		if ((ph == 'B' || ph == 'E') && tidp && tidp < line_end && name) {
			const char *ne = strchr(name + 8, '"');

			snprintf(out + strlen(out), size - strlen(out), "%c:%.*s ", ph,
				 (int)(ne - name - 8), name + 8);
		}
		p += 7;
	}
}

static void test_chrome_out_of_order_release(void)
{
	struct irqsim_trace *t;
	char order[256];
	FILE *f;

	t = open_mem(IRQSIM_TRACE_CHROME, &f);
	irqsim_trace_begin_run(t, "run one");
	ev(t, SIM_EV_BEGIN, 1, 1000, "lock", "A", NULL);
	ev(t, SIM_EV_BEGIN, 1, 2000, "lock", "B", NULL);
	ev(t, SIM_EV_END, 1, 3000, "lock", "A", NULL);	/* not the innermost */
	ev(t, SIM_EV_END, 1, 4000, "lock", "B", NULL);
	ev(t, SIM_EV_END, 1, 5000, "lock", "never-opened", NULL);
	close_mem(t, f);
	chrome_order(buf, 1, order, sizeof(order));
	/* A's end closes B first, then B is reopened at the same time */
	CU_ASSERT_STRING_EQUAL(order, "B:A B:B E:B E:A B:B E:B ");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"reopened\":\"1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"traceEvents\":["));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"ts\":3.000"));
	CU_ASSERT_EQUAL(strcmp(buf + strlen(buf) - 4, "\n]}\n"), 0);
	free(buf);
}

static void test_chrome_closes_open_spans_at_run_end(void)
{
	struct irqsim_trace *t;
	char order[256];
	FILE *f;

	t = open_mem(IRQSIM_TRACE_CHROME, &f);
	irqsim_trace_begin_run(t, "run one");
	ev(t, SIM_EV_BEGIN, 1, 1000, "rcu", "rcu_read_lock", NULL);
	irqsim_trace_begin_run(t, "run two");
	ev(t, SIM_EV_INSTANT, 1, 10, "irq", "inject", "gsi=24 vector=0x41");
	close_mem(t, f);
	chrome_order(buf, 1, order, sizeof(order));
	CU_ASSERT_STRING_EQUAL(order, "B:rcu_read_lock E:rcu_read_lock ");
	/* two processes, an instant with parsed args and its origin */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"pid\":2,\"tid\":0,\"name\":\"process_name\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"args\":{\"gsi\":\"24\",\"vector\":\"0x41\",\"origin\":\"t.scn:3\"}"));
	free(buf);
}

static void test_task_names_from_pid(void)
{
	struct irqsim_trace *t;
	FILE *f;

	t = open_mem(IRQSIM_TRACE_CHROME, &f);
	irqsim_trace_begin_run(t, "r");
	ev(t, SIM_EV_BEGIN, 1, 0, "lock", "L", NULL);
	ev(t, SIM_EV_TASK, 1, 0, "task", "worker", "pid=7");
	ev(t, SIM_EV_INSTANT, 7, 0, "work", "item", NULL);
	close_mem(t, f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"tid\":7,\"name\":\"thread_name\",\"args\":{\"name\":\"worker\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"main\"}"));
	free(buf);
}

static void test_jsonl_escaping(void)
{
	struct irqsim_trace *t;
	FILE *f;

	t = open_mem(IRQSIM_TRACE_JSONL, &f);
	irqsim_trace_begin_run(t, "q\"uote");
	ev(t, SIM_EV_INSTANT, 1, 5, "report", "a\\b\nc\x01", "k=v word");
	close_mem(t, f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "{\"run\":1,\"name\":\"q\\\"uote\"}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"name\":\"a\\\\b\\nc\\u0001\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"args\":{\"k\":\"v\",\"arg1\":\"word\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"ev\":\"instant\""));
	free(buf);
}

static void test_text_held_and_counts(void)
{
	struct irqsim_trace_counts c;
	struct irqsim_trace *t;
	FILE *f;

	t = open_mem(IRQSIM_TRACE_TEXT, &f);
	irqsim_trace_begin_run(t, "r");
	ev(t, SIM_EV_BEGIN, 1, 0, "lock", "&kvm->irqfds.lock", NULL);
	ev(t, SIM_EV_BEGIN, 1, 0, "srcu", "&kvm->irq_srcu", NULL);
	ev(t, SIM_EV_INSTANT, 1, 1500, "irq", "inject", "gsi=24");
	ev(t, SIM_EV_END, 1, 2000, "srcu", "&kvm->irq_srcu", NULL);
	ev(t, SIM_EV_BEGIN, 1, 0, "gp", "synchronize_srcu", NULL);
	irqsim_trace_counts(t, &c);
	CU_ASSERT_EQUAL(c.events, 5);
	CU_ASSERT_EQUAL(c.locks, 1);
	CU_ASSERT_EQUAL(c.srcu, 1);
	CU_ASSERT_EQUAL(c.irq, 1);
	CU_ASSERT_EQUAL(c.gp, 1);
	close_mem(t, f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "== r =="));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "inject  gsi=24  [held: &kvm->irqfds.lock, srcu &kvm->irq_srcu]  t.scn:3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "       1.500us main"));
	free(buf);
}

static const struct cunit_test trace_tests[] = {
	{ "chrome_out_of_order_release", test_chrome_out_of_order_release },
	{ "chrome_closes_open_spans_at_run_end", test_chrome_closes_open_spans_at_run_end },
	{ "task_names_from_pid", test_task_names_from_pid },
	{ "jsonl_escaping", test_jsonl_escaping },
	{ "text_held_and_counts", test_text_held_and_counts },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "trace", trace_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
