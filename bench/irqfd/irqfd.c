/*
 * irqfd latency and throughput in the simulator (threads backend,
 * checkers off), on the real model: routing, IOAPIC and LAPIC.
 *
 *   fast  GSI 24 routed as an MSI: the wakeup delivers to the LAPIC in
 *         the eventfd write itself (kvm_arch_set_irq_inatomic);
 *   slow  GSI 16 routed to an IOAPIC pin: the wakeup queues the inject
 *         work, a system_wq worker pulses the pin.
 *
 * Latency: eventfd write until the vector is in the vCPU's IRR (the guest
 * then acks and EOIs it, untimed). Throughput: back-to-back writes until
 * every injection is done. Beside them a real eventfd write(2).
 * Targets: fast latency >= 5x lower than slow; a fast-path injection
 * cheaper than a real eventfd write(2).
 *
 * Usage: irqfd [-n N] [-o FILE.csv] [-q]
 */
#include <sched.h>
#include <stdbool.h>
#include <kshim/eventfd.h>
#include <irqsim/kvm.h>
#include "bench_util.h"

#define GSI_FAST	24
#define GSI_SLOW	16
#define VEC_FAST	0x41
#define VEC_SLOW	0x51
#define IOAPIC_BASE	0xfec00000ULL

static struct sim *sim;
static struct kvm *kvm;
static struct kvm_vcpu *vcpu;

static bool irr_has(int vector)
{
	uint32_t v = 0;

	irqsim_guest_lapic_read(vcpu, 0x200 + (vector / 32) * 0x10, &v);
	return v & (1u << (vector % 32));
}

static int set_routing(void)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + 2 * sizeof(r->entries[0]));
	int ret;

	if (!r)
		return -1;
	r->nr = 2;
	r->entries[0].gsi = GSI_FAST;
	r->entries[0].type = KVM_IRQ_ROUTING_MSI;
	r->entries[0].u.msi.address_lo = 0xfee00000;
	r->entries[0].u.msi.data = VEC_FAST;
	r->entries[1].gsi = GSI_SLOW;
	r->entries[1].type = KVM_IRQ_ROUTING_IRQCHIP;
	r->entries[1].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	r->entries[1].u.irqchip.pin = GSI_SLOW;
	ret = (int)irqsim_vm_ioctl(kvm, KVM_SET_GSI_ROUTING, (unsigned long)r);
	free(r);
	return ret;
}

/* The guest programs IOAPIC pin 16: vector VEC_SLOW, edge, dest 0, unmasked. */
static void program_ioapic(void)
{
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x10 + 2 * GSI_SLOW);
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, VEC_SLOW);
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x10 + 2 * GSI_SLOW + 1);
	irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, 0);
}

static int assign(int fd, int gsi)
{
	struct kvm_irqfd a = { .fd = (uint32_t)fd, .gsi = (uint32_t)gsi };

	return (int)irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&a);
}

static uint64_t stat(const char *name)
{
	uint64_t v = 0;

	irqsim_stat(kvm, name, &v);
	return v;
}

/* Mean ns from eventfd write to the vector in IRR. */
static double latency_ns(int fd, int vector, uint64_t n)
{
	double total = 0, t0;
	uint64_t i;

	for (i = 0; i < n; i++) {
		t0 = bench_now();
		sim_fd_write(sim, fd, 1);
		/* yield while polling: on a loaded 2-core host the worker needs the cpu */
		while (!irr_has(vector))
			sched_yield();
		total += bench_now() - t0;
		if (irqsim_guest_ack(vcpu) != vector)
			fprintf(stderr, "irqfd: unexpected vector acked\n");
		irqsim_guest_eoi(vcpu);
	}
	return total * 1e9 / n;
}

/* Seconds for n back-to-back writes and every injection they cause. */
static double throughput_s(int fd, uint64_t n)
{
	double t0 = bench_now();
	uint64_t i;

	for (i = 0; i < n; i++)
		sim_fd_write(sim, fd, 1);
	sim_settle(sim);
	return bench_now() - t0;
}

int main(int argc, char **argv)
{
	struct bench_args args;
	double lat_fast, lat_slow, tp_fast, tp_slow, raw;
	uint64_t fast0, slow0, inj_fast, inj_slow;
	int fd_fast, fd_slow;
	uint64_t lat_n;
	FILE *csv;

	bench_parse(argc, argv, &args, 200000, "bench/results/irqfd.csv");
	lat_n = args.n / 10 ? args.n / 10 : 1;
	sim = bench_sim_create();
	if (!sim || bench_vm_create(sim, true, &kvm) || set_routing()) {
		fprintf(stderr, "irqfd: cannot set up the simulated VM\n");
		return 1;
	}
	vcpu = irqsim_vcpu(kvm, 0);
	irqsim_guest_lapic_write(vcpu, 0xf0, 0x1ff);	/* SPIV: software-enable */
	program_ioapic();
	fd_fast = sim_eventfd(sim, 0);
	fd_slow = sim_eventfd(sim, 0);
	if (assign(fd_fast, GSI_FAST) || assign(fd_slow, GSI_SLOW)) {
		fprintf(stderr, "irqfd: KVM_IRQFD failed\n");
		return 1;
	}

	lat_fast = latency_ns(fd_fast, VEC_FAST, lat_n);
	lat_slow = latency_ns(fd_slow, VEC_SLOW, lat_n);
	fast0 = stat("irqfd.inject.fast");
	slow0 = stat("irqfd.inject.slow");
	tp_fast = throughput_s(fd_fast, args.n);
	tp_slow = throughput_s(fd_slow, args.n);
	inj_fast = stat("irqfd.inject.fast") - fast0;
	inj_slow = stat("irqfd.inject.slow") - slow0;
	raw = bench_raw_eventfd_write_ns(args.n);

	irqsim_destroy_vm(kvm);
	sim_fd_close(sim, fd_fast);
	sim_fd_close(sim, fd_slow);
	if (sim_destroy(sim))
		fprintf(stderr, "irqfd: the simulation filed checker reports\n");

	printf("irqfd (simulator, threads backend, checkers off), latency N=%llu, throughput N=%llu\n",
	       (unsigned long long)lat_n, (unsigned long long)args.n);
	printf("%-6s %14s %16s %16s\n", "path", "latency_ns", "writes_per_s", "injections_per_s");
	printf("%-6s %14.0f %16.0f %16.0f\n", "fast", lat_fast, args.n / tp_fast, inj_fast / tp_fast);
	printf("%-6s %14.0f %16.0f %16.0f\n", "slow", lat_slow, args.n / tp_slow, inj_slow / tp_slow);
	printf("%-6s %14.0f %16.0f %16s\n", "host", raw, 1e9 / raw, "(eventfd write(2))");
	printf("target: fast latency %.1fx lower than slow (>= 5x): %s\n", lat_slow / lat_fast,
	       lat_slow >= 5 * lat_fast ? "met" : "NOT met");
	/* one fast-path injection: a simulated eventfd write that delivers an MSI */
	printf("target: fast-path injection (%.0f ns per write) < eventfd write(2) (%.0f ns): %s\n",
	       tp_fast * 1e9 / args.n, raw, tp_fast * 1e9 / args.n < raw ? "met" : "NOT met");

	csv = bench_csv_open(args.csv, "path,latency_ns,latency_n,writes,seconds,writes_per_s,injections,injections_per_s");
	if (csv) {
		fprintf(csv, "fast,%.1f,%llu,%llu,%.6f,%.0f,%llu,%.0f\n", lat_fast,
			(unsigned long long)lat_n, (unsigned long long)args.n, tp_fast,
			args.n / tp_fast, (unsigned long long)inj_fast, inj_fast / tp_fast);
		fprintf(csv, "slow,%.1f,%llu,%llu,%.6f,%.0f,%llu,%.0f\n", lat_slow,
			(unsigned long long)lat_n, (unsigned long long)args.n, tp_slow,
			args.n / tp_slow, (unsigned long long)inj_slow, inj_slow / tp_slow);
		fprintf(csv, "host-eventfd-write,%.1f,%llu,,,,,\n", raw, (unsigned long long)args.n);
		fclose(csv);
	}
	return 0;
}
