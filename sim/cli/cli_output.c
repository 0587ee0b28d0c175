/* What `irqsim run` prints per file: a result line, a JSON object, a summary. */
#include <inttypes.h>
#include <string.h>
#include "cli.h"

static const char *result_word(int status)
{
	return status == 0 ? "PASS" : status == 1 ? "FAIL" : "ERROR";
}

/* "kvm, ack host, 2 not checkable, no checkers" or the simulator's backend name */
const char *cli_backend_desc(char *buf, size_t size, const struct irqsim_scenario_result *r)
{
	if (!r->kvm)
		return irqsim_backend_name(r->backend);
	snprintf(buf, size, "kvm, ack %s, %u not checkable, no checkers",
		 r->ack_mode ? r->ack_mode : "?", r->not_checkable);
	return buf;
}

void cli_print_result(FILE *out, const char *file, const struct irqsim_scenario_result *r)
{
	char desc[128];
	const char *be = cli_backend_desc(desc, sizeof(desc), r);

	if (r->status == 2) {
		fprintf(out, "ERROR %s (script error)\n", file);
		return;
	}
	if (r->kvm)
		fprintf(out, "%s %s (%" PRIu64 " statements, backend %s)\n",
			result_word(r->status), file, r->statements, be);
	else if (r->schedules_wanted > 1 && r->status == 0)
		fprintf(out, "PASS %s (%" PRIu64 " statements, %" PRIu64 " schedules, backend %s, seeds %" PRIu64 "-%" PRIu64 ")\n",
			file, r->statements, r->schedules, be, r->seed, r->seed + r->schedules - 1);
	else if (r->schedules_wanted > 1)
		fprintf(out, "FAIL %s (%" PRIu64 " statements, schedule %" PRIu64 " of %" PRIu64 ", backend %s, seed %" PRIu64 ")\n",
			file, r->statements, r->schedules, r->schedules_wanted, be, r->seed);
	else
		fprintf(out, "%s %s (%" PRIu64 " statements, backend %s, seed %" PRIu64 ")\n",
			result_word(r->status), file, r->statements, be, r->seed);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void cli_print_json(FILE *out, const char *file, const struct irqsim_scenario_result *r)
{
	const struct irqsim_trace_counts *t = &r->trace;

	fputs("{\"file\":", out);
	json_str(out, file);
	fprintf(out, ",\"result\":\"%s\",\"exit\":%d,\"statements\":%" PRIu64
		",\"statements_total\":%" PRIu64 ",\"schedules\":%" PRIu64
		",\"schedules_wanted\":%" PRIu64 ",\"backend\":\"%s\",\"seed\":%" PRIu64
		",\"seed_failed\":%s,\"seconds\":%.6f,\"reports\":%u,\"messages\":[",
		r->status == 0 ? "pass" : r->status == 1 ? "fail" : "error", r->status,
		r->statements, r->statements_total, r->schedules, r->schedules_wanted,
		r->kvm ? "kvm" : irqsim_backend_name(r->backend), r->seed,
		r->seed_failed ? "true" : "false",
		r->seconds, r->reports);
	for (unsigned int i = 0; i < r->n_msgs; i++) {
		fprintf(out, "%s{\"line\":%u,\"exit\":%d,\"text\":", i ? "," : "", r->msgs[i].line,
			r->msgs[i].status);
		json_str(out, r->msgs[i].text);
		fputc('}', out);
	}
	fputs("],", out);
	if (r->kvm)
		fprintf(out, "\"ack_mode\":\"%s\",\"not_checkable\":%u,",
			r->ack_mode ? r->ack_mode : "", r->not_checkable);
	fputs("\"stats\":{", out);
	for (unsigned int i = 0; i < r->n_stats; i++) {
		fputs(i ? "," : "", out);
		json_str(out, r->stats[i].name);
		fprintf(out, ":%" PRIu64, r->stats[i].value);
	}
	fprintf(out, "},\"trace\":{\"events\":%" PRIu64 ",\"locks\":%" PRIu64 ",\"rcu\":%" PRIu64
		",\"srcu\":%" PRIu64 ",\"gp\":%" PRIu64 ",\"work\":%" PRIu64 ",\"irq\":%" PRIu64
		",\"exits\":%" PRIu64 ",\"reports\":%" PRIu64 ",\"tasks\":%" PRIu64 "}}\n",
		t->events, t->locks, t->rcu, t->srcu, t->gp, t->work, t->irq, t->exits,
		t->reports, t->tasks);
}

static uint64_t stat(const struct irqsim_scenario_result *r, const char *name)
{
	for (unsigned int i = 0; i < r->n_stats; i++)
		if (!strcmp(r->stats[i].name, name))
			return r->stats[i].value;
	return 0;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void cli_print_summary(FILE *out, const char *file, const struct irqsim_scenario_result *r,
		       const char *trace_path)
{
	const struct irqsim_trace_counts *t = &r->trace;
	uint64_t fast = stat(r, "irqfd.inject.fast"), slow = stat(r, "irqfd.inject.slow");
	uint64_t msi = stat(r, "msi.delivered"), eoi = stat(r, "ioapic.eoi");
	uint64_t mmio = stat(r, "exits.mmio"), pio = stat(r, "exits.pio");
	uint64_t ioev = stat(r, "ioeventfd.signal"), res = stat(r, "irqfd.resample.signal");
	bool any = false;

	fprintf(out, "\nsummary of %s: %s after %" PRIu64 " %s in %.3f s (backend %s, seed %" PRIu64 ")\n",
		file, result_word(r->status), r->statements_total,
		plural(r->statements_total, "statement", "statements"), r->seconds,
		r->kvm ? "kvm" : irqsim_backend_name(r->backend), r->seed);
	if (r->kvm)
		fprintf(out, "  on the real kernel: ack mode %s, %u %s not checkable (see the notes), no counters, no checkers\n",
			r->ack_mode ? r->ack_mode : "?", r->not_checkable,
			plural(r->not_checkable, "statement", "statements"));
	fprintf(out, "  what happened: %" PRIu64 " irqfd %s (%" PRIu64 " on the fast path in the eventfd wakeup, %" PRIu64
		" through the inject work item), %" PRIu64 " MSI %s accepted, %" PRIu64 " EOI%s forwarded to the IOAPIC,\n"
		"                 %" PRIu64 " resamplefd %s, %" PRIu64 " guest %s caught by ioeventfds, %" PRIu64
		" MMIO and %" PRIu64 " PIO %s to userspace\n",
		fast + slow, plural(fast + slow, "injection", "injections"), fast, slow,
		msi, plural(msi, "message", "messages"), eoi, eoi == 1 ? "" : "s",
		res, plural(res, "signal", "signals"), ioev, plural(ioev, "write", "writes"),
		mmio, pio, plural(mmio + pio, "exit", "exits"));
	fputs("  counters:", out);
	for (unsigned int i = 0; i < r->n_stats; i++) {
		if (!r->stats[i].value)
			continue;
		fprintf(out, " %s=%" PRIu64, r->stats[i].name, r->stats[i].value);
		any = true;
	}
	fputs(any ? "\n" : " all zero\n", out);
	if (t->events)
		fprintf(out, "  trace: %" PRIu64 " events from %" PRIu64 " %s: %" PRIu64 " lock %s, %" PRIu64
			" RCU and %" PRIu64 " SRCU read sections, %" PRIu64 " grace %s, %" PRIu64 " work %s, %" PRIu64
			" irq events, %" PRIu64 " exits, %" PRIu64 " checker %s\n",
			t->events, t->tasks + 1, t->tasks ? "tasks" : "task", t->locks,
			plural(t->locks, "acquisition", "acquisitions"), t->rcu, t->srcu, t->gp,
			plural(t->gp, "period", "periods"), t->work, plural(t->work, "item", "items"),
			t->irq, t->exits, t->reports, plural(t->reports, "report", "reports"));
	if (r->reports)
		fprintf(out, "  checker reports: %u (printed above)\n", r->reports);
	if (trace_path)
		fprintf(out, "  trace file: %s (open it in https://ui.perfetto.dev or chrome://tracing)\n",
			trace_path);
}
