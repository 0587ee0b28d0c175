/*
 * A VMM whose device model runs in its own thread, on real Linux eventfds,
 * driving libirqsim through irqsim_eventfd_bind_host (docs/eventfd.md,
 * "Binding real eventfds"):
 *
 *   vCPU (main)                         device thread (a plain pthread)
 *   -----------                         -------------------------------
 *   guest writes the queue notify  -->  ioeventfd -> sim eventfd -> bridge
 *   register (MMIO)                     -> write(2) on notify_efd; the
 *                                       thread wakes from poll(2), reads it,
 *                                       "processes the queue" and
 *   guest takes the interrupt      <--  write(2)s irq_efd -> bridge -> sim
 *   (ack, EOI)                          eventfd -> irqfd -> MSI -> LAPIC IRR
 *
 * The device thread never calls libirqsim: it only sees two eventfds, as
 * it would with /dev/kvm. Threads backend (a real thread cannot be part of
 * the sched backend's deterministic schedule).
 *
 * Build: cc vmm_device_thread.c $(pkg-config --cflags --libs irqsim) -pthread
 * Exit status 0 when every kick was answered by exactly one interrupt.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <irqsim/eventfd.h>
#include <irqsim/kvm.h>
#include <irqsim/sim.h>

#define NOTIFY_ADDR	0xfe003000ull
#define VECTOR		0x31
#define GSI		24
#define KICKS		16

struct device {
	int notify_efd;		/* the VMM polls it: the guest kicked the queue */
	int irq_efd;		/* the VMM writes it: interrupt the guest */
	int stop_efd;		/* main tells the thread to exit */
	unsigned int kicks;	/* counted by the device thread */
};

/* The device model: wait for a kick, serve it, raise the interrupt. */
static void *device_thread(void *arg)
{
	struct device *d = arg;
	uint64_t v, one = 1;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = d->notify_efd, .events = POLLIN },
			{ .fd = d->stop_efd, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0)
			return (void *)1;
		if (p[1].revents & POLLIN)
			return NULL;
		if (read(d->notify_efd, &v, sizeof(v)) != sizeof(v))
			continue;
		d->kicks += (unsigned int)v;	/* ... the queue is processed here ... */
		if (write(d->irq_efd, &one, sizeof(one)) != sizeof(one))
			return (void *)1;
	}
}

static int set_msi_route(struct kvm *kvm)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + sizeof(r->entries[0]));
	long ret;

	if (!r)
		return -ENOMEM;
	r->nr = 1;
	r->entries[0].gsi = GSI;
	r->entries[0].type = KVM_IRQ_ROUTING_MSI;
	r->entries[0].u.msi.address_lo = 0xfee00000u;	/* APIC id 0 */
	r->entries[0].u.msi.data = VECTOR;
	ret = irqsim_vm_ioctl(kvm, KVM_SET_GSI_ROUTING, (unsigned long)r);
	free(r);
	return (int)ret;
}

/* The guest waits for the interrupt (up to 5 s), acknowledges and EOIs it. */
static int guest_take_interrupt(struct kvm_vcpu *vcpu)
{
	struct timespec t0, t;
	int vec;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((vec = irqsim_guest_ack(vcpu)) < 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5)
			return -ETIMEDOUT;
		sched_yield();
	}
	irqsim_guest_eoi(vcpu);
	return vec;
}

int main(void)
{
	struct device dev = { .notify_efd = -1, .irq_efd = -1, .stop_efd = -1 };
	struct sim_config cfg;
	struct kvm_ioeventfd ioev;
	struct kvm_irqfd irqfd;
	struct kvm_vcpu *vcpu;
	struct kvm *kvm = NULL;
	struct sim *sim;
	pthread_t th;
	bool started = false;
	int sim_irq = -1, sim_notify = -1, vec, status = 1;
	unsigned int reports;
	uint64_t one = 1;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_THREADS;
	sim = sim_create(&cfg);
	if (!sim)
		return 1;
	if (irqsim_create_vm(sim, 0, &kvm) || irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0) ||
	    irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, 0) < 0)
		goto out;
	vcpu = irqsim_vcpu(kvm, 0);
	if (irqsim_guest_lapic_write(vcpu, 0xf0, 0x1ff) || set_msi_route(kvm))
		goto out;

	/* the simulated eventfds the KVM ioctls take ... */
	sim_irq = sim_eventfd(sim, 0);
	sim_notify = sim_eventfd(sim, 0);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = (uint32_t)sim_irq;
	irqfd.gsi = GSI;
	memset(&ioev, 0, sizeof(ioev));
	ioev.fd = sim_notify;
	ioev.addr = NOTIFY_ADDR;
	ioev.len = 2;
	if (irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&irqfd) ||
	    irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&ioev))
		goto out;

	/* ... and the real ones the device thread uses, bound to them */
	dev.notify_efd = eventfd(0, EFD_CLOEXEC);
	dev.irq_efd = eventfd(0, EFD_CLOEXEC);
	dev.stop_efd = eventfd(0, EFD_CLOEXEC);
	if (dev.notify_efd < 0 || dev.irq_efd < 0 || dev.stop_efd < 0)
		goto out;
	if (irqsim_eventfd_bind_host(sim, sim_notify, dev.notify_efd, IRQSIM_BIND_TO_HOST) ||
	    irqsim_eventfd_bind_host(sim, sim_irq, dev.irq_efd, IRQSIM_BIND_TO_SIM))
		goto out;
	if (pthread_create(&th, NULL, device_thread, &dev))
		goto out;
	started = true;

	for (int i = 0; i < KICKS; i++) {
		if (irqsim_guest_mmio_write(vcpu, NOTIFY_ADDR, 2, 0) != IRQSIM_ACCESS_KERNEL)
			goto out;
		vec = guest_take_interrupt(vcpu);
		if (vec != VECTOR) {
			fprintf(stderr, "vmm_device_thread: kick %d: got %d, want 0x%x\n", i, vec, VECTOR);
			goto out;
		}
	}
	status = 0;
out:
	if (started) {
		if (write(dev.stop_efd, &one, sizeof(one)) != sizeof(one) || pthread_join(th, NULL))
			status = 1;
		if (dev.kicks != KICKS)
			status = 1;
	}
	/* (sim_destroy would unbind what is still bound; the host fds stay ours) */
	irqsim_eventfd_unbind_host(sim, sim_notify, dev.notify_efd);
	irqsim_eventfd_unbind_host(sim, sim_irq, dev.irq_efd);
	if (kvm)
		irqsim_destroy_vm(kvm);
	reports = sim_destroy(sim);
	if (reports)
		status = 1;
	printf("vmm_device_thread: %u kicks served, %u checker reports: %s\n", dev.kicks,
	       reports, status ? "FAIL" : "ok");
	if (dev.notify_efd >= 0)
		close(dev.notify_efd);
	if (dev.irq_efd >= 0)
		close(dev.irq_efd);
	if (dev.stop_efd >= 0)
		close(dev.stop_efd);
	return status;
}
