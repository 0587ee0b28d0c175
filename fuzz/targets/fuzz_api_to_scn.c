/*
 * The fuzz-repro hook: a fuzz_api input printed as a .scn scenario
 * (docs/scenario-language.md). Each host thread becomes a `thread` block,
 * and `run schedules=1 seed=S` replays it under the seeded scheduler.
 * Results that depend on the interleaving are written as alternatives
 * (`=> ok|EBADF|...`), the set fuzz_api itself accepts, so the scenario
 * fails only where fuzz_api would report a finding: a checker report or a
 * result outside the set. Where fuzz_api knows the exact result (no
 * irqchip, flags the kernel rejects) the scenario states it exactly. The
 * scenario injects no fault, so ENOMEM is never an alternative. What .scn
 * cannot state (the fuzzer's schedule bytes and its fault-injection point)
 * is kept in comments; `irqsim fuzz-repro` also prints the schedule bytes
 * as an `irqsim replay --schedule` command.
 */
#include <stdlib.h>
#include "fuzz_api_prog.h"
#include "fuzz_scn_buf.h"

static const char *const chip_names[] = { "pic-master", "pic-slave", "ioapic" };

static void put_op(struct sbuf *b, const struct fa_prog *p, const struct fa_op *op)
{
	int i;

	sb_put(b, "  ");
	switch (op->kind) {
	case FA_EVENTFD:
		sb_put(b, "eventfd e%u%s => ok|EMFILE\n", op->ev, op->value ? " count=1" : "");
		break;
	case FA_WRITE:
		sb_put(b, "write e%u %llu => ok|EBADF|EAGAIN|EINVAL\n", op->ev,
		    (unsigned long long)op->value);
		break;
	case FA_CLOSE:
		sb_put(b, "close e%u => ok|EBADF\n", op->ev);
		break;
	case FA_IRQFD:
		sb_put(b, "irqfd e%u gsi=%u", op->ev, op->gsi);
		if (op->resample)
			sb_put(b, " resample=e%u", op->ev2);
		if (op->flags)
			sb_put(b, " flags=0x%x", op->flags);
		if (op->flags || (!op->deassign && (p->irqchip == FA_IRQCHIP_NONE ||
		    (op->resample && p->irqchip != FA_IRQCHIP_KERNEL))))
			sb_put(b, "%s => EINVAL\n", op->deassign ? " deassign" : "");
		else
			sb_put(b, op->deassign ? " deassign => ok|EINVAL|EBADF\n" :
			       " => ok|EINVAL|EBADF|EBUSY\n");
		break;
	case FA_ROUTING:
		sb_put(b, "routing\n");
		for (i = 0; i < op->nr_routes; i++) {
			const struct fa_route *r = &op->routes[i];

			if (r->msi)
				sb_put(b, "    gsi %u msi addr=0x%x data=0x%x\n", r->gsi, r->addr, r->data);
			else
				sb_put(b, "    gsi %u irqchip=%s pin=%u\n", r->gsi, chip_names[r->chip], r->pin);
		}
		sb_put(b, p->irqchip == FA_IRQCHIP_NONE ? "  end => EINVAL\n" : "  end => ok|EINVAL\n");
		break;
	case FA_IRQ_LINE:
		sb_put(b, "irq_line %u %u => %s\n", op->gsi, op->level,
		    p->irqchip == FA_IRQCHIP_NONE ? "ENXIO" : "ok");
		break;
	case FA_MSI:
		sb_put(b, "msi addr=0x%x data=0x%x => ", op->msi_addr, op->msi_data);
		if (p->irqchip == FA_IRQCHIP_NONE) {
			sb_put(b, "EINVAL\n");
			break;
		}
		sb_put(b, "-1");	/* -1: no destination; else the number of acceptances */
		for (i = 0; i <= p->nr_vcpus; i++)
			sb_put(b, "|%d", i);
		sb_put(b, "\n");
		break;
	case FA_IOEVENTFD:
		sb_put(b, "ioeventfd e%u %s addr=0x%llx len=%u", op->ev, op->pio ? "pio" : "mmio",
		    (unsigned long long)op->addr, op->len);
		if (op->has_datamatch)
			sb_put(b, " datamatch=0x%llx", (unsigned long long)op->datamatch);
		if (op->flags)
			sb_put(b, " flags=0x%x", op->flags);
		sb_put(b, op->deassign ? " deassign => ok|ENOENT|EBADF|EINVAL\n" :
		       " => ok|EINVAL|EBADF|EEXIST|ENOSPC\n");
		break;
	case FA_MMIO_WRITE:
	case FA_PIO_WRITE:
		sb_put(b, "vcpu %u %s write 0x%llx %u 0x%llx => kernel|exit\n", op->vcpu,
		    op->kind == FA_PIO_WRITE ? "pio" : "mmio", (unsigned long long)op->addr,
		    op->len, (unsigned long long)op->value);
		break;
	case FA_ACK:
		sb_put(b, "vcpu %u ack\n", op->vcpu);
		break;
	case FA_EOI:
		sb_put(b, "vcpu %u eoi\n", op->vcpu);
		break;
	case FA_IOAPIC_PIN:
		sb_put(b, "ioapic pin %u vector=0x%x dest=%u%s%s\n", op->pin, op->vector, op->dest,
		    op->level_trig ? " trigger=level" : "", op->masked ? " masked" : "");
		break;
	default:
		break;
	}
}

char *fa_prog_to_scn(const struct fa_prog *p, size_t *len)
{
	static const char *const modes[] = { "none", "kernel", "split" };
	struct sbuf b = { 0 };
	size_t i;
	int t, e;

	sb_put(&b, "# irqsim fuzz-repro: a fuzz_api input as a scenario.\n");
	sb_put(&b, "# Host threads run under the seeded scheduler; results that depend on the\n");
	sb_put(&b, "# interleaving are written as alternatives. The scenario fails on a checker\n");
	sb_put(&b, "# report (lock order, RCU, context, leak, use after free) or an unlisted result.\n");
	if (p->fault == FA_FAULT_ALLOC)
		sb_put(&b, "# fuzzer fault injection (not in .scn): sim_fail_nth_alloc(%lu) before run\n",
		    p->fault_nth);
	else if (p->fault == FA_FAULT_FDGET)
		sb_put(&b, "# fuzzer fault injection (not in .scn): sim_fail_nth_fdget(%lu) before run\n",
		    p->fault_nth);
	if (p->schedule_len) {
		sb_put(&b, "# The fuzzer's schedule bytes cannot be written in .scn (sim_config.schedule,\n");
		sb_put(&b, "# one byte per scheduling choice). `run` below uses the seed alone; to force\n");
		sb_put(&b, "# the bytes too: irqsim replay THIS_FILE --seed %llu --schedule ",
		    (unsigned long long)p->seed);
		for (i = 0; i < p->schedule_len; i++)
			sb_put(&b, "%02x", p->schedule[i]);
		sb_put(&b, "\n");
	}
	sb_put(&b, "vm vcpus=%d irqchip=%s\n", p->nr_vcpus, modes[p->irqchip]);
	for (e = 0; e < FA_INIT_EVENTFDS; e++)
		sb_put(&b, "eventfd e%d\n", e);
	for (t = 0; t < p->nr_threads; t++) {
		sb_put(&b, "thread t%d\n", t);
		for (i = 0; i < (size_t)p->nr_ops; i++)
			if (p->ops[i].thread == t)
				put_op(&b, p, &p->ops[i]);
		sb_put(&b, "end\n");
	}
	sb_put(&b, "run schedules=1 seed=%llu\n", (unsigned long long)p->seed);
	return sb_finish(&b, len);
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
