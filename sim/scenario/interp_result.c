/*
 * `=> RESULT` matching, and the "expected X, got Y" message written in the
 * statement's own vocabulary: errno names, numbers, vectors as 0x41,
 * `none`, `kernel` / `exit`.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "interp.h"

const char *interp_errno_name(int err, char *buf, size_t size)
{
	const char *name = scn_errno_name(err);

	if (name)
		return name;
	snprintf(buf, size, "errno %d", err);
	return buf;
}

static bool alt_matches(const struct scn_result *a, const struct interp_outcome *o)
{
	switch (a->kind) {
	case SCN_RES_OK:
		return o->err == 0;
	case SCN_RES_ERRNO:
		return o->err != 0 && (uint64_t)o->err == a->value;
	case SCN_RES_NUM:
		if (o->vocab == IV_ACK && o->val < 0)
			return false;
		return o->has_val && o->val == (int64_t)a->value;
	case SCN_RES_NONE:
		return o->vocab == IV_ACK && o->val < 0;
	case SCN_RES_KERNEL:
		return o->err == 0 && o->val == IRQSIM_ACCESS_KERNEL;
	case SCN_RES_EXIT:
		return o->err == 0 && o->val == IRQSIM_ACCESS_EXIT;
	}
	return false;
}

bool interp_outcome_matches(const struct scn_stmt *s, const struct interp_outcome *o)
{
	if (!s->n_results)
		return o->err == 0;
	for (unsigned int i = 0; i < s->n_results; i++)
		if (alt_matches(&s->results[i], o))
			return true;
	return false;
}

static bool wants_number(const struct scn_stmt *s)
{
	for (unsigned int i = 0; i < s->n_results; i++)
		if (s->results[i].kind == SCN_RES_NUM)
			return true;
	return false;
}

static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static void format_expected(char *buf, size_t size, const struct scn_stmt *s,
			    const struct interp_outcome *o)
{
	size_t pos = 0;
	char eb[24];

	buf[0] = '\0';
	if (!s->n_results) {
		put(buf, size, &pos, "ok");
		return;
	}
	for (unsigned int i = 0; i < s->n_results; i++) {
		const struct scn_result *a = &s->results[i];

		if (i)
			put(buf, size, &pos, "|");
		switch (a->kind) {
		case SCN_RES_OK:
			put(buf, size, &pos, "ok");
			break;
		case SCN_RES_ERRNO:
			put(buf, size, &pos, "%s",
			    interp_errno_name((int)a->value, eb, sizeof(eb)));
			break;
		case SCN_RES_NUM:
			if (o->vocab == IV_ACK)
				put(buf, size, &pos, "0x%" PRIx64, a->value);
			else
				put(buf, size, &pos, "%" PRId64, (int64_t)a->value);
			break;
		case SCN_RES_NONE:
			put(buf, size, &pos, "none");
			break;
		case SCN_RES_KERNEL:
			put(buf, size, &pos, "kernel");
			break;
		case SCN_RES_EXIT:
			put(buf, size, &pos, "exit");
			break;
		}
	}
}

void interp_format_outcome(char *buf, size_t size, const struct scn_stmt *s,
			   const struct interp_outcome *o)
{
	char eb[24];

	if (o->err) {
		if (o->minus1_is_eperm && o->has_val && wants_number(s))
			snprintf(buf, size, "%" PRId64, o->val);
		else
			snprintf(buf, size, "%s", interp_errno_name(o->err, eb, sizeof(eb)));
		return;
	}
	switch (o->vocab) {
	case IV_ACK:
		if (o->val < 0)
			snprintf(buf, size, "none");
		else
			snprintf(buf, size, "0x%" PRIx64, (uint64_t)o->val);
		break;
	case IV_ACCESS:
		snprintf(buf, size, "%s", o->val == IRQSIM_ACCESS_EXIT ? "exit" : "kernel");
		break;
	case IV_VALUE:
		snprintf(buf, size, "%" PRId64, o->val);
		break;
	case IV_CALL:
		if (wants_number(s) && o->has_val)
			snprintf(buf, size, "%" PRId64, o->val);
		else
			snprintf(buf, size, "ok");
		break;
	}
}

int interp_check(struct interp *in, const struct scn_stmt *s, unsigned int line,
		 const struct interp_outcome *o)
{
	char want[160], got[64];
	bool held;

	if (o->err == EOPNOTSUPP && !in->ops->simulated)
		return interp_not_checkable(in, s, line, in->ops->reason ? in->ops->reason(in) :
					    "the backend cannot perform it here");
	if (interp_tainted(in, s, line))
		return INTERP_CONTINUE;
	held = interp_outcome_matches(s, o);
	interp_format_outcome(got, sizeof(got), s, o);
	interp_observe(in, s, line, got, held);
	if (held)
		return INTERP_CONTINUE;
	format_expected(want, sizeof(want), s, o);
	return interp_fail(in, line, "expected %s, got %s", want, got);
}

void interp_format_vectors(char *buf, size_t size, const uint32_t bits[8])
{
	size_t pos = 0;
	bool any = false;

	buf[0] = '\0';
	for (unsigned int v = 0; v < 256; v++) {
		if (!((bits[v / 32] >> (v % 32)) & 1))
			continue;
		put(buf, size, &pos, "%s0x%x", any ? " " : "", v);
		any = true;
	}
	if (!any)
		snprintf(buf, size, "none");
}
