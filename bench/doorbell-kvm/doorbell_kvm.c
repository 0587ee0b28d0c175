/*
 * The 2009 ioeventfd doorbell, on the real kernel.
 *
 * A guest rings a doorbell N times in a row, by PIO and by MMIO:
 *   exit       every ring exits to userspace (KVM_EXIT_IO / KVM_EXIT_MMIO),
 *              is "handled" (nothing to do) and the vCPU resumed;
 *   ioeventfd  an ioeventfd takes the ring in the kernel and signals an
 *              eventfd that a consumer thread reads.
 * Then, since the guest can count interrupts, MSI-routed irqfd injections
 * driven by a host thread writing the eventfd.
 * All modes run side by side in one process; ratios are against the same
 * run's exit modes. Usage: doorbell-kvm [-n N] [-o FILE.csv] [-q]
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kvmreal.h"

#define DOORBELL_PORT	0xc050		/* virtio-pci legacy notify: a 16-bit OUT */
#define DOORBELL_MMIO	0xd0000000ULL
#define MSI_GSI		24
#define MSI_VECTOR	0x41

struct result {
	const char *mode;
	uint64_t n;
	double secs;
	uint64_t consumed;	/* eventfd counts read, or interrupts taken */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the ioeventfd consumer -------------------------------------------- */

struct consumer {
	int fd;
	uint64_t want, got;
	pthread_t thread;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	uint64_t v;

	while (c->got < c->want) {
		if (poll(&p, 1, 2000) <= 0)
			break;	/* nothing for 2 s: the run failed; report what arrived */
		if (kvmreal_eventfd_read(c->fd, &v) == 0)
			c->got += v;
	}
	return NULL;
}

static int ring(struct kvmreal_vm *vm, bool pio, bool ioeventfd, uint64_t n, struct result *r)
{
	struct kvmreal_ioeventfd io = {
		.pio = pio, .addr = pio ? DOORBELL_PORT : DOORBELL_MMIO, .len = pio ? 2 : 4,
	};
	struct consumer c = { .fd = -1, .want = n };
	struct kvmreal_exits before, after;
	double t0;
	int ret;

	r->mode = pio ? (ioeventfd ? "ioeventfd-pio" : "exit-pio")
		      : (ioeventfd ? "ioeventfd-mmio" : "exit-mmio");
	r->n = n;
	if (ioeventfd) {
		c.fd = kvmreal_eventfd_create(0);
		if (c.fd < 0)
			return c.fd;
		io.fd = c.fd;
		ret = kvmreal_ioeventfd_assign(vm, &io);
		if (ret < 0)
			goto out;
		if (pthread_create(&c.thread, NULL, consume, &c)) {
			ret = -EAGAIN;
			goto deassign;
		}
	}
	kvmreal_exits(vm, &before);
	t0 = now();
	ret = pio ? kvmreal_guest_pio_loop(vm, 0, DOORBELL_PORT, 2, 1, n)
		  : kvmreal_guest_mmio_loop(vm, 0, DOORBELL_MMIO, 4, 1, n);
	if (ioeventfd)
		pthread_join(c.thread, NULL);
	r->secs = now() - t0;
	kvmreal_exits(vm, &after);
	r->consumed = ioeventfd ? c.got : (pio ? after.pio - before.pio : after.mmio - before.mmio);
	if (ret == 0 && r->consumed != n) {
		fprintf(stderr, "%s: %llu of %llu rings arrived\n", r->mode,
			(unsigned long long)r->consumed, (unsigned long long)n);
		ret = -EIO;
	}
	if (!ioeventfd)
		return ret;
deassign:
	kvmreal_ioeventfd_deassign(vm, &io);
out:
	close(c.fd);
	return ret;
}

/* ---- MSI-routed irqfd injections ---------------------------------------- */

struct guest_irqs {
	struct kvmreal_vm *vm;
	uint64_t taken;
	int ret;
};

static void *guest_irqs(void *arg)
{
	struct guest_irqs *g = arg;

	g->ret = kvmreal_guest_irq_loop(g->vm, 0, &g->taken);
	return NULL;
}

/*
 * burst: the host writes the eventfd n times as fast as it can (the guest
 * takes what it can; the rest coalesces in IRR). paced: each write waits
 * until the guest's handler has counted it (inject-to-handler round trip).
 */
static int irqfd_msi(struct kvmreal_vm *vm, uint64_t n, bool paced, struct result *r)
{
	struct kvmreal_route route = { .gsi = MSI_GSI, .type = KVMREAL_ROUTE_MSI,
				       .addr_lo = 0xfee00000, .data = MSI_VECTOR };
	struct guest_irqs g = { .vm = vm };
	pthread_t t;
	double t0;
	int fd, ret;

	r->mode = paced ? "irqfd-msi-paced" : "irqfd-msi-burst";
	r->n = n;
	fd = kvmreal_eventfd_create(0);
	if (fd < 0)
		return fd;
	ret = kvmreal_set_routing(vm, &route, 1);
	if (ret == 0)
		ret = kvmreal_irqfd_assign(vm, fd, MSI_GSI, -1, 0);
	if (ret < 0)
		goto out;
	if (pthread_create(&t, NULL, guest_irqs, &g)) {
		ret = -EAGAIN;
		goto deassign;
	}
	usleep(10000);	/* let the guest reach hlt */
	t0 = now();
	for (uint64_t i = 0, base = kvmreal_guest_irqs_taken(vm, 0); i < n && ret == 0; i++) {
		ret = kvmreal_eventfd_write(fd, 1);
		while (paced && ret == 0 && kvmreal_guest_irqs_taken(vm, 0) < base + i + 1)
			if (now() - t0 > 60)
				ret = -ETIMEDOUT;	/* the guest stopped taking interrupts */
	}
	r->secs = now() - t0;
	/* Let the last injections land, then stop and wake the guest. */
	usleep(10000);
	kvmreal_guest_irq_stop(vm, 0);
	kvmreal_eventfd_write(fd, 1);
	pthread_join(t, NULL);
	r->consumed = g.taken;
	if (ret == 0)
		ret = g.ret;
deassign:
	kvmreal_irqfd_deassign(vm, fd, MSI_GSI, 0);
out:
	close(fd);
	return ret;
}

/* ---- report ---------------------------------------------------------------- */

static double iops(const struct result *r)
{
	return r->secs > 0 ? r->n / r->secs : 0;
}

static const struct { const char *mode; double iops; } paper[] = {
	{ "qemu-mmio", 110000 },
	{ "ioeventfd-mmio", 200100 },
	{ "ioeventfd-pio", 367300 },
};

static void report(const struct result *res, int nres, const char *csv)
{
	double exit_pio = iops(&res[0]), exit_mmio = iops(&res[1]);
	FILE *f = csv ? fopen(csv, "w") : NULL;

	printf("doorbell-kvm: ack mode %s\n", kvmreal_ack_mode_name(kvmreal_ack_mode()));
	printf("%-16s %10s %12s %14s %10s\n", "mode", "rings", "iops", "mean rtt (us)", "vs exit");
	if (csv && !f)
		fprintf(stderr, "doorbell-kvm: cannot write %s: %s\n", csv, strerror(errno));
	if (f)
		fprintf(f, "source,mode,iterations,seconds,iops,mean_rtt_us,ratio_vs_exit,consumed\n");
	for (int i = 0; i < nres; i++) {
		const struct result *r = &res[i];
		bool pio = strstr(r->mode, "pio") != NULL, irq = !strncmp(r->mode, "irqfd", 5);
		double base = pio ? exit_pio : exit_mmio;
		double ratio = (!irq && base > 0) ? iops(r) / base : 0;
		double rtt = r->n ? r->secs * 1e6 / r->n : 0;

		printf("%-16s %10llu %12.0f %14.3f ", r->mode, (unsigned long long)r->n, iops(r), rtt);
		if (irq)
			printf("%10s", "-");
		else
			printf("%10.2f", ratio);
		if (irq)
			printf("   (guest handler counted %llu, incl. the stop wake-up: %.0f/s)",
			       (unsigned long long)r->consumed, r->secs > 0 ? r->consumed / r->secs : 0);
		printf("\n");
		if (f)
			fprintf(f, "measured,%s,%llu,%.6f,%.0f,%.3f,%.3f,%llu\n", r->mode,
				(unsigned long long)r->n, r->secs, iops(r), rtt, ratio,
				(unsigned long long)r->consumed);
	}
	printf("\n2009 (Gregory Haskins, ioeventfd posting; vs qemu-mmio)\n");
	for (size_t i = 0; i < sizeof(paper) / sizeof(paper[0]); i++) {
		printf("%-16s %10s %12.0f %14.3f %10.2f\n", paper[i].mode, "-", paper[i].iops,
		       1e6 / paper[i].iops, paper[i].iops / paper[0].iops);
		if (f)
			fprintf(f, "2009,%s,,,%.0f,%.3f,%.3f,\n", paper[i].mode, paper[i].iops,
				1e6 / paper[i].iops, paper[i].iops / paper[0].iops);
	}
	if (f) {
		fclose(f);
		printf("\nCSV: %s\n", csv);
	}
}

int main(int argc, char **argv)
{
	uint64_t n = 200000;
	const char *csv = NULL;
	struct kvmreal_vm *vm;
	struct result res[6];
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:o:q")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			csv = optarg;
			break;
		case 'q':
			n = 1000;
			break;
		default:
			fprintf(stderr, "usage: %s [-n N] [-o FILE.csv] [-q]\n", argv[0]);
			return 2;
		}
	}
	if (n == 0) {
		fprintf(stderr, "doorbell-kvm: -n must be positive\n");
		return 2;
	}
	ret = kvmreal_available();
	if (ret < 0) {
		printf("SKIP: /dev/kvm unusable: %s\n", strerror(-ret));
		return 77;
	}
	ret = kvmreal_vm_create(&vm, 1, KVMREAL_IRQCHIP_KERNEL);
	if (ret < 0) {
		fprintf(stderr, "doorbell-kvm: VM: %s\n", strerror(-ret));
		return 1;
	}
	/* Warm up the exit path once so the first mode is not charged for it. */
	ret = kvmreal_guest_pio_loop(vm, 0, DOORBELL_PORT, 2, 1, n / 100 + 1);
	if (ret == 0)
		ret = ring(vm, true, false, n, &res[0]);
	if (ret == 0)
		ret = ring(vm, false, false, n, &res[1]);
	if (ret == 0)
		ret = ring(vm, true, true, n, &res[2]);
	if (ret == 0)
		ret = ring(vm, false, true, n, &res[3]);
	if (ret == 0)
		ret = irqfd_msi(vm, n, false, &res[4]);
	if (ret == 0)
		ret = irqfd_msi(vm, n, true, &res[5]);
	if (ret < 0) {
		fprintf(stderr, "doorbell-kvm: %s (%s)\n", strerror(-ret), kvmreal_reason(vm));
		kvmreal_vm_destroy(vm);
		return 1;
	}
	report(res, 6, csv);
	kvmreal_vm_destroy(vm);
	return 0;
}
