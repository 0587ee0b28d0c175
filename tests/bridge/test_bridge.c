/*
 * Real Linux eventfds bound to simulated ones (irqsim_eventfd_bind_host):
 * a VMM device thread (a plain pthread doing write(2)) drives an MSI
 * irqfd; a guest doorbell caught by an ioeventfd wakes a host thread
 * blocked in poll(2)/read(2); exact counts, no echo between the two
 * directions, unbind and sim_destroy with live bindings. Threads backend
 * (the sched backend refuses, checked first).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <CUnit/CUnit.h>
#include <irqsim/kvm.h>
#include <irqsim/eventfd.h>
#include "tests/cunit_main.h"

#define VEC		0x41
#define GSI		24
#define DOORBELL	0xd0000000ull
#define TIMEOUT_NS	10000000000ull	/* 10 s: a hang fails instead of stalling the suite */

static struct sim *sim;
static struct kvm *kvm;
static struct kvm_vcpu *vcpu;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void setup(void)
{
	struct sim_config cfg;
	struct kvm_irq_routing *r;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_THREADS;
	sim = sim_create(&cfg);
	CU_ASSERT_FATAL(sim != NULL);
	CU_ASSERT_FATAL(irqsim_create_vm(sim, 0, &kvm) == 0);
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0) == 0);
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, 0) >= 0);
	vcpu = irqsim_vcpu(kvm, 0);
	CU_ASSERT_FATAL(vcpu != NULL);
	CU_ASSERT_FATAL(irqsim_guest_lapic_write(vcpu, 0xf0, 0x1ff) == 0);
	r = calloc(1, sizeof(*r) + sizeof(r->entries[0]));
	CU_ASSERT_FATAL(r != NULL);
	r->nr = 1;
	r->entries[0].gsi = GSI;
	r->entries[0].type = KVM_IRQ_ROUTING_MSI;
	r->entries[0].u.msi.address_lo = 0xfee00000;
	r->entries[0].u.msi.data = VEC;
	CU_ASSERT_FATAL(irqsim_vm_ioctl(kvm, KVM_SET_GSI_ROUTING, (unsigned long)r) == 0);
	free(r);
}

static void teardown(void)
{
	irqsim_destroy_vm(kvm);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
	sim = NULL;
}

static uint64_t stat(const char *name)
{
	uint64_t v = ~0ull;

	CU_ASSERT_EQUAL(irqsim_stat(kvm, name, &v), 0);
	return v;
}

static int irqfd(int fd)
{
	struct kvm_irqfd a = { .fd = (uint32_t)fd, .gsi = GSI };

	return (int)irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&a);
}

static int ioeventfd(int fd)
{
	struct kvm_ioeventfd a = { .fd = fd, .addr = DOORBELL, .len = 4 };

	return (int)irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&a);
}

static unsigned long long forwarded(int simfd, int hostfd)
{
	unsigned long long n = ~0ull;

	CU_ASSERT_EQUAL(irqsim_eventfd_host_forwarded(sim, simfd, hostfd, &n), 0);
	return n;
}

/* Wait (bounded) until the binding has forwarded want. */
static bool wait_forwarded(int simfd, int hostfd, unsigned long long want)
{
	uint64_t t0 = now_ns();

	while (forwarded(simfd, hostfd) < want) {
		if (now_ns() - t0 > TIMEOUT_NS)
			return false;
		usleep(50);
	}
	return forwarded(simfd, hostfd) == want;
}

static uint64_t host_read(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void host_write(int fd, uint64_t v)
{
	CU_ASSERT_EQUAL(write(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
}

/* ---- the VMM's device thread ---------------------------------------- */

struct device {
	int fd;			/* the host eventfd it signals */
	unsigned int n;		/* how many write(2)s */
	bool lockstep;		/* wait for the guest's EOI before each next write */
	unsigned int eois;	/* main: guest EOIs done; atomic */
};

static void *device_thread(void *arg)
{
	struct device *d = arg;
	uint64_t one = 1, t0;

	for (unsigned int i = 0; i < d->n; i++) {
		if (write(d->fd, &one, sizeof(one)) != sizeof(one))
			return (void *)1;
		if (!d->lockstep)
			continue;
		t0 = now_ns();
		while (__atomic_load_n(&d->eois, __ATOMIC_ACQUIRE) <= i) {
			if (now_ns() - t0 > TIMEOUT_NS)
				return (void *)1;
			sched_yield();
		}
	}
	return NULL;
}

/* The guest takes the interrupt: poll until VEC is deliverable, ack, EOI. */
static bool guest_take(void)
{
	uint64_t t0 = now_ns();
	int vec;

	while ((vec = irqsim_guest_ack(vcpu)) < 0) {
		if (now_ns() - t0 > TIMEOUT_NS)
			return false;
		sched_yield();
	}
	irqsim_guest_eoi(vcpu);
	return vec == VEC;
}

/* ---- tests ------------------------------------------------------------- */

static void test_sched_refuses(void)
{
	struct sim *s = sim_create(NULL);	/* sched backend */
	int hfd = eventfd(0, EFD_CLOEXEC), sfd;

	CU_ASSERT_FATAL(s != NULL && hfd >= 0);
	sfd = sim_eventfd(s, 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(s, sfd, hfd, IRQSIM_BIND_TO_SIM), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(sim_destroy(s), 0);
	close(hfd);
}

static void test_bind_errors(void)
{
	int hfd, h2, pfd[2], sfd, spipe;

	setup();
	hfd = eventfd(0, EFD_CLOEXEC);
	h2 = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_FATAL(hfd >= 0 && h2 >= 0 && pipe(pfd) == 0);
	sfd = sim_eventfd(sim, 0);
	spipe = sim_pipe(sim);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(NULL, sfd, hfd, IRQSIM_BIND_TO_SIM), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, hfd, 0), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, -1, IRQSIM_BIND_TO_SIM), -EBADF);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, pfd[0], IRQSIM_BIND_TO_SIM), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, 999, hfd, IRQSIM_BIND_TO_SIM), -EBADF);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, spipe, hfd, IRQSIM_BIND_TO_SIM), -EINVAL);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), -ENOENT);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, hfd, IRQSIM_BIND_TO_HOST), 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, hfd, IRQSIM_BIND_TO_SIM), -EEXIST);
	/* two wake functions would race for each count */
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, h2, IRQSIM_BIND_TO_HOST), -EBUSY);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, h2, IRQSIM_BIND_TO_SIM), 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), -ENOENT);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, h2), 0);
	teardown();
	close(hfd);
	close(h2);
	close(pfd[0]);
	close(pfd[1]);
}

/* Each write(2) of the device thread is one injection the guest takes. */
static void test_device_thread_lockstep(void)
{
	struct device d = { .n = 200, .lockstep = true };
	pthread_t th;
	void *ret = (void *)1;
	int sfd;

	setup();
	d.fd = eventfd(0, EFD_CLOEXEC);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_FATAL(d.fd >= 0 && sfd >= 0);
	CU_ASSERT_EQUAL(irqfd(sfd), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, d.fd, IRQSIM_BIND_TO_SIM), 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, device_thread, &d) == 0);
	for (unsigned int i = 0; i < d.n; i++) {
		if (!guest_take()) {
			CU_FAIL("interrupt not delivered");
			break;
		}
		__atomic_store_n(&d.eois, i + 1, __ATOMIC_RELEASE);
	}
	pthread_join(th, &ret);
	CU_ASSERT_PTR_NULL(ret);
	CU_ASSERT(wait_forwarded(sfd, d.fd, d.n));
	CU_ASSERT_EQUAL(stat("irqfd.inject.fast"), d.n);
	CU_ASSERT_EQUAL(stat("lapic.eoi"), d.n);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, d.fd), 0);
	teardown();
	close(d.fd);
}

/* A burst: writes coalesce, but every count is forwarded exactly once. */
static void test_device_thread_burst(void)
{
	struct device d = { .n = 20000 };
	unsigned long long left = 0;
	pthread_t th;
	void *ret = (void *)1;
	uint64_t inj;
	int sfd;

	setup();
	d.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(sfd), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, d.fd, IRQSIM_BIND_TO_SIM), 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, device_thread, &d) == 0);
	pthread_join(th, &ret);
	CU_ASSERT_PTR_NULL(ret);
	CU_ASSERT(wait_forwarded(sfd, d.fd, d.n));
	inj = stat("irqfd.inject.fast");
	CU_ASSERT(inj >= 1 && inj <= d.n);
	CU_ASSERT_EQUAL(irqsim_guest_ack(vcpu), VEC);
	/* the host eventfd and the simulated one are both empty: nothing lost, nothing left */
	CU_ASSERT_EQUAL(host_read(d.fd), 0);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, sfd, &left), 0);
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, d.fd), 0);
	teardown();
	close(d.fd);
}

/* ---- the VMM's doorbell thread ------------------------------------------ */

struct waiter {
	int fd;			/* blocking host eventfd */
	bool use_poll;		/* poll(2) before each read(2), else block in read(2) */
	uint64_t want;
	uint64_t got;		/* atomic */
	int wakeups;
};

static void *doorbell_thread(void *arg)
{
	struct waiter *w = arg;

	while (__atomic_load_n(&w->got, __ATOMIC_RELAXED) < w->want) {
		if (w->use_poll) {
			struct pollfd p = { .fd = w->fd, .events = POLLIN };

			if (poll(&p, 1, (int)(TIMEOUT_NS / 1000000)) != 1)
				return (void *)1;
		}
		__atomic_fetch_add(&w->got, host_read(w->fd), __ATOMIC_RELAXED);
		w->wakeups++;
	}
	return NULL;
}

static void doorbells(bool use_poll)
{
	struct waiter w = { .use_poll = use_poll, .want = 500 };
	unsigned long long left = ~0ull;
	pthread_t th;
	void *ret = (void *)1;
	int sfd;

	setup();
	w.fd = eventfd(0, EFD_CLOEXEC);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(ioeventfd(sfd), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, w.fd, IRQSIM_BIND_TO_HOST), 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, doorbell_thread, &w) == 0);
	usleep(1000);	/* let it block first */
	for (uint64_t i = 0; i < w.want; i++)
		CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu, DOORBELL, 4, i), IRQSIM_ACCESS_KERNEL);
	pthread_join(th, &ret);
	CU_ASSERT_PTR_NULL(ret);
	CU_ASSERT_EQUAL(w.got, w.want);
	CU_ASSERT(w.wakeups >= 1);
	/* the poller counts a write after making it: the reader may be first */
	CU_ASSERT(wait_forwarded(sfd, w.fd, w.want));
	CU_ASSERT_EQUAL(stat("ioeventfd.signal"), w.want);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, sfd, &left), 0);
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, w.fd), 0);
	teardown();
	close(w.fd);
}

static void test_doorbell_wakes_poll(void)
{
	doorbells(true);
}

static void test_doorbell_wakes_read(void)
{
	doorbells(false);
}

/* A count already in the simulated eventfd at bind goes to the host. */
static void test_to_host_pending_at_bind(void)
{
	int hfd, sfd;

	setup();
	hfd = eventfd(0, EFD_CLOEXEC);
	sfd = sim_eventfd(sim, 3);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, hfd, IRQSIM_BIND_TO_HOST), 0);
	CU_ASSERT_EQUAL(host_read(hfd), 3);	/* blocks until forwarded */
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), 0);
	teardown();
	close(hfd);
}

/*
 * Both directions on one simulated eventfd with no irqfd: what the host
 * writes stays there (not echoed back out), and a later guest doorbell
 * takes the whole count to the host, as one eventfd would have it.
 */
static void test_no_echo(void)
{
	unsigned long long c = 0;
	int hin, hout, sfd;
	uint64_t v = 0;

	setup();
	hin = eventfd(0, EFD_CLOEXEC);
	hout = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(ioeventfd(sfd), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, hin, IRQSIM_BIND_TO_SIM), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, hout, IRQSIM_BIND_TO_HOST), 0);
	host_write(hin, 2);
	CU_ASSERT(wait_forwarded(sfd, hin, 2));
	CU_ASSERT_EQUAL(sim_fd_peek(sim, sfd, &c), 0);
	CU_ASSERT_EQUAL(c, 2);
	usleep(2000);
	CU_ASSERT_EQUAL(read(hout, &v, sizeof(v)), -1);	/* EAGAIN: nothing came back */
	CU_ASSERT_EQUAL(forwarded(sfd, hout), 0);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(vcpu, DOORBELL, 4, 0), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT(wait_forwarded(sfd, hout, 3));
	CU_ASSERT_EQUAL(host_read(hout), 3);
	teardown();	/* sim_destroy unbinds both */
	close(hin);
	close(hout);
}

/*
 * A simulated eventfd with room for 3 more (it stops at 2^64 - 2): of a
 * host write of 5, 3 go in at once and 2 wait in the poller until a
 * reader makes room.
 */
static void test_to_sim_full(void)
{
	unsigned long long c = 0;
	int hfd, sfd;

	setup();
	hfd = eventfd(0, EFD_CLOEXEC);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(sim_fd_write(sim, sfd, ~0ull - 4), 0);	/* count 2^64 - 5 */
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, hfd, IRQSIM_BIND_TO_SIM), 0);
	host_write(hfd, 5);
	CU_ASSERT(wait_forwarded(sfd, hfd, 3));
	CU_ASSERT_EQUAL(sim_fd_read(sim, sfd, &c), 0);
	CU_ASSERT_EQUAL(c, ~0ull - 1);
	CU_ASSERT(wait_forwarded(sfd, hfd, 5));
	CU_ASSERT_EQUAL(sim_fd_peek(sim, sfd, &c), 0);
	CU_ASSERT_EQUAL(c, 2);
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), 0);
	teardown();
	close(hfd);
}

/* After unbind the host eventfd is the VMM's alone again. */
static void test_unbind_stops(void)
{
	unsigned long long c = ~0ull;
	int hfd, sfd;

	setup();
	hfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sfd = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(sfd), 0);
	CU_ASSERT_EQUAL_FATAL(irqsim_eventfd_bind_host(sim, sfd, hfd, IRQSIM_BIND_TO_SIM), 0);
	host_write(hfd, 1);
	CU_ASSERT(wait_forwarded(sfd, hfd, 1));
	CU_ASSERT_EQUAL(irqsim_eventfd_unbind_host(sim, sfd, hfd), 0);
	host_write(hfd, 5);
	usleep(2000);
	CU_ASSERT_EQUAL(host_read(hfd), 5);
	CU_ASSERT_EQUAL(sim_fd_peek(sim, sfd, &c), 0);
	CU_ASSERT_EQUAL(c, 0);
	CU_ASSERT_EQUAL(stat("irqfd.inject.fast"), 1);
	teardown();
	close(hfd);
}

/*
 * sim_destroy with live bindings (and the simulated eventfd closed
 * first, EPOLLHUP to the irqfd): everything unbound, nothing leaked, and
 * the caller's host descriptors untouched.
 */
static void test_destroy_while_bound(void)
{
	int hin, hout, sfd, sfd2;

	setup();
	hin = eventfd(0, EFD_CLOEXEC);
	hout = eventfd(0, EFD_CLOEXEC);
	sfd = sim_eventfd(sim, 0);
	sfd2 = sim_eventfd(sim, 0);
	CU_ASSERT_EQUAL(irqfd(sfd), 0);
	CU_ASSERT_EQUAL(ioeventfd(sfd2), 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd, hin, IRQSIM_BIND_TO_SIM), 0);
	CU_ASSERT_EQUAL(irqsim_eventfd_bind_host(sim, sfd2, hout, IRQSIM_BIND_TO_HOST), 0);
	CU_ASSERT_EQUAL(sim_fd_close(sim, sfd), 0);
	sim_settle(sim);
	CU_ASSERT_EQUAL(stat("irqfd.hup"), 1);
	host_write(hin, 1);	/* goes to the orphaned eventfd: harmless */
	CU_ASSERT(wait_forwarded(sfd, hin, 1));
	irqsim_destroy_vm(kvm);
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
	CU_ASSERT(fcntl(hin, F_GETFD) >= 0);
	CU_ASSERT(fcntl(hout, F_GETFD) >= 0);
	close(hin);
	close(hout);
}

static const struct cunit_test bridge_tests[] = {
	{ "sched_refuses", test_sched_refuses },
	{ "bind_errors", test_bind_errors },
	{ "device_thread_lockstep", test_device_thread_lockstep },
	{ "device_thread_burst", test_device_thread_burst },
	{ "doorbell_wakes_poll", test_doorbell_wakes_poll },
	{ "doorbell_wakes_read", test_doorbell_wakes_read },
	{ "to_host_pending_at_bind", test_to_host_pending_at_bind },
	{ "no_echo", test_no_echo },
	{ "to_sim_full", test_to_sim_full },
	{ "unbind_stops", test_unbind_stops },
	{ "destroy_while_bound", test_destroy_while_bound },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "bridge", bridge_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
