/*
 * The fuzz-repro hook: a fuzz_api input printed as a .scn scenario
 * (docs/scenario-language.md). Each host thread becomes a `thread` block,
 * and `run schedules=1 seed=S` replays it under the seeded scheduler.
 * Results that depend on the interleaving are written as alternatives
 * (`=> ok|EBADF|...`), the set fuzz_api itself accepts, so the scenario
 * fails only where fuzz_api would report a finding: a checker report or a
 * result outside the set. What .scn cannot state (the fuzzer's schedule
 * bytes and its fault-injection point) is kept in comments.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_api_prog.h"

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3))) put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static const char *const chip_names[] = { "pic-master", "pic-slave", "ioapic" };

static void put_op(struct sbuf *b, const struct fa_prog *p, const struct fa_op *op)
{
	int i;

	put(b, "  ");
	switch (op->kind) {
	case FA_EVENTFD:
		put(b, "eventfd e%u%s => ok|ENOMEM\n", op->ev, op->value ? " count=1" : "");
		break;
	case FA_WRITE:
		put(b, "write e%u %llu => ok|EBADF|EAGAIN|EINVAL\n", op->ev,
		    (unsigned long long)op->value);
		break;
	case FA_CLOSE:
		put(b, "close e%u => ok|EBADF\n", op->ev);
		break;
	case FA_IRQFD:
		put(b, "irqfd e%u gsi=%u", op->ev, op->gsi);
		if (op->resample)
			put(b, " resample=e%u", op->ev2);
		if (op->flags)
			put(b, " flags=0x%x", op->flags);
		put(b, op->deassign ? " deassign => ok|EINVAL|EBADF\n" :
		       " => ok|EINVAL|EBADF|EBUSY|ENOMEM\n");
		break;
	case FA_ROUTING:
		put(b, "routing\n");
		for (i = 0; i < op->nr_routes; i++) {
			const struct fa_route *r = &op->routes[i];

			if (r->msi)
				put(b, "    gsi %u msi addr=0x%x data=0x%x\n", r->gsi, r->addr, r->data);
			else
				put(b, "    gsi %u irqchip=%s pin=%u\n", r->gsi, chip_names[r->chip], r->pin);
		}
		put(b, "  end => ok|EINVAL|ENOMEM\n");
		break;
	case FA_IRQ_LINE:
		put(b, "irq_line %u %u => ok|ENXIO\n", op->gsi, op->level);
		break;
	case FA_MSI:
		put(b, "msi addr=0x%x data=0x%x => ok|-1|EPERM|EINVAL\n", op->msi_addr, op->msi_data);
		break;
	case FA_IOEVENTFD:
		put(b, "ioeventfd e%u %s addr=0x%llx len=%u", op->ev, op->pio ? "pio" : "mmio",
		    (unsigned long long)op->addr, op->len);
		if (op->has_datamatch)
			put(b, " datamatch=0x%llx", (unsigned long long)op->datamatch);
		if (op->flags)
			put(b, " flags=0x%x", op->flags);
		put(b, op->deassign ? " deassign => ok|ENOENT|EBADF|EINVAL|ENOMEM\n" :
		       " => ok|EINVAL|EBADF|EEXIST|ENOSPC|ENOMEM\n");
		break;
	case FA_MMIO_WRITE:
	case FA_PIO_WRITE:
		put(b, "vcpu %u %s write 0x%llx %u 0x%llx => kernel|exit\n", op->vcpu,
		    op->kind == FA_PIO_WRITE ? "pio" : "mmio", (unsigned long long)op->addr,
		    op->len, (unsigned long long)op->value);
		break;
	case FA_ACK:
		put(b, "vcpu %u ack\n", op->vcpu);
		break;
	case FA_EOI:
		put(b, "vcpu %u eoi\n", op->vcpu);
		break;
	case FA_IOAPIC_PIN:
		put(b, "ioapic pin %u vector=0x%x dest=%u%s%s\n", op->pin, op->vector, op->dest,
		    op->level_trig ? " trigger=level" : "", op->masked ? " masked" : "");
		break;
	default:
		break;
	}
	(void)p;
}

char *fa_prog_to_scn(const struct fa_prog *p, size_t *len)
{
	static const char *const modes[] = { "none", "kernel", "split" };
	struct sbuf b = { 0 };
	size_t i;
	int t, e;

	put(&b, "# irqsim fuzz-repro: a fuzz_api input as a scenario.\n");
	put(&b, "# Host threads run under the seeded scheduler; results that depend on the\n");
	put(&b, "# interleaving are written as alternatives. The scenario fails on a checker\n");
	put(&b, "# report (lock order, RCU, context, leak, use after free) or an unlisted result.\n");
	if (p->fault == FA_FAULT_ALLOC)
		put(&b, "# fuzzer fault injection (not in .scn): sim_fail_nth_alloc(%lu) before run\n",
		    p->fault_nth);
	else if (p->fault == FA_FAULT_FDGET)
		put(&b, "# fuzzer fault injection (not in .scn): sim_fail_nth_fdget(%lu) before run\n",
		    p->fault_nth);
	if (p->schedule_len) {
		put(&b, "# fuzzer schedule bytes (sim_config.schedule):");
		for (i = 0; i < p->schedule_len; i++)
			put(&b, " %02x", p->schedule[i]);
		put(&b, "\n");
	}
	put(&b, "vm vcpus=%d irqchip=%s\n", p->nr_vcpus, modes[p->irqchip]);
	for (e = 0; e < FA_INIT_EVENTFDS; e++)
		put(&b, "eventfd e%d\n", e);
	for (t = 0; t < p->nr_threads; t++) {
		put(&b, "thread t%d\n", t);
		for (i = 0; i < (size_t)p->nr_ops; i++)
			if (p->ops[i].thread == t)
				put_op(&b, p, &p->ops[i]);
		put(&b, "end\n");
	}
	put(&b, "run schedules=1 seed=%llu\n", (unsigned long long)p->seed);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.s;
}

char *fuzz_api_to_scn(const uint8_t *data, size_t size, size_t *len)
{
	struct fa_prog *p = malloc(sizeof(*p));
	char *s;

	if (!p)
		return NULL;
	fa_decode(data, size, p);
	s = fa_prog_to_scn(p, len);
	free(p);
	return s;
}
