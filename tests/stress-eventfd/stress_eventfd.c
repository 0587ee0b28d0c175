/*
 * Stress of eventfd.c and iobus.c on the threads backend (real
 * concurrency; under TSan in the 'tsan' suite). Tasks run together for
 * the given number of seconds:
 *
 *   stable writers  write a fast-path (MSI) and a slow-path (IOAPIC) irqfd
 *   router          flips the MSI route's vector (KVM_SET_GSI_ROUTING-like)
 *   cycler          assign, write k times, deassign, in rounds
 *   closer          new eventfd, assign in a second VM, write, close (EPOLLHUP)
 *   io churn        ioeventfd assign/deassign while a vCPU writes there
 *
 * Oracles: no checker report and no leak at teardown; no interrupt lost:
 * every write to the live MSI irqfd is delivered exactly once, the
 * slow-path eventfd ends drained with asserts == deasserts, each cycler
 * round delivers exactly its k writes and leaves the count at 0, and the
 * ioeventfd's count equals the guest writes the bus accepted.
 *
 * Usage: stress_eventfd [seconds] [seed]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <time.h>
#include "tests/model/eventfd/fake_env.h"

#define GSI_STABLE	24
#define GSI_CYCLE	25
#define GSI_SLOW	5
#define GSI_CLOSE	26

static int stop;
static int failures;
static int fd_stable, fd_slow, fd_cycle, fd_io;
static long stable_writes, slow_writes, cycle_rounds, close_rounds;
static long io_accepted, io_cycles, route_flips;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);	\
	}								\
} while (0)

static bool stopping(void)
{
	return __atomic_load_n(&stop, __ATOMIC_ACQUIRE);
}

static void vm0_routes(u8 stable_vector)
{
	struct kvm_kernel_irq_routing_entry e[3] = {
		fake_msi(GSI_STABLE, stable_vector),
		fake_msi(GSI_CYCLE, 0x51),
		fake_irqchip(GSI_SLOW, KVM_IRQCHIP_IOAPIC, GSI_SLOW),
	};

	fake_set_routing(&env.vm[0], e, 3);
}

static int stable_writer(void *arg)
{
	while (!stopping()) {
		CHECK(sim_fd_write(env.sim, fd_stable, 1) == 0);
		__atomic_add_fetch(&stable_writes, 1, __ATOMIC_RELAXED);
		CHECK(sim_fd_write(env.sim, fd_slow, 1) == 0);
		__atomic_add_fetch(&slow_writes, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static int router(void *arg)
{
	u8 v = 0x41;

	while (!stopping()) {
		v = v == 0x41 ? 0x42 : 0x41;
		vm0_routes(v);
		route_flips++;
	}
	return 0;
}

static int cycler(void *arg)
{
	struct fake_vm *vm = &env.vm[0];
	int k;

	while (!stopping()) {
		long before = fake_msi_fast(vm, 0x51);

		CHECK(irqfd_assign(vm->kvm, fd_cycle, GSI_CYCLE) == 0);
		for (k = 0; k < 1 + cycle_rounds % 8; k++)
			CHECK(sim_fd_write(env.sim, fd_cycle, 1) == 0);
		CHECK(irqfd_deassign(vm->kvm, fd_cycle, GSI_CYCLE) == 0);
		/* every write reached the live irqfd: consumed and delivered once */
		CHECK(efd_peek(fd_cycle) == 0);
		CHECK(fake_msi_fast(vm, 0x51) - before == k);
		cycle_rounds++;
	}
	return 0;
}

/*
 * Every close queues one irqfd shutdown on the per-simulation cleanup
 * workqueue, as the kernel does; a deassign flushes that whole queue. A
 * closer running unthrottled on a loaded machine queues shutdowns faster
 * than they drain (each waits for an irq_srcu grace period), and the
 * cycler's deassign then waits for hundreds of thousands of them. Keep the
 * backlog bounded so the run measures races, not a queue's length.
 */
#define CLOSE_BACKLOG	256

static bool close_backlog_full(struct fake_vm *vm)
{
	return close_rounds - (long)kvm_stat_read(vm->kvm, irqfd_shutdown) > CLOSE_BACKLOG;
}

static int closer(void *arg)
{
	struct fake_vm *vm = &env.vm[1];

	while (!stopping()) {
		int fd;

		if (close_backlog_full(vm)) {
			sched_yield();
			continue;
		}
		fd = sim_eventfd(env.sim, 0);

		CHECK(fd >= 0);
		CHECK(irqfd_assign(vm->kvm, fd, GSI_CLOSE) == 0);
		/* an eventfd bound in VM 0 cannot be bound here too */
		CHECK(irqfd_assign(vm->kvm, fd_stable, GSI_CLOSE) == -EBUSY);
		CHECK(sim_fd_write(env.sim, fd, 1) == 0);
		CHECK(sim_fd_close(env.sim, fd) == 0);
		close_rounds++;
	}
	return 0;
}

static int io_churn(void *arg)
{
	struct kvm *kvm = env.vm[0].kvm;

	while (!stopping()) {
		gpa_t a = 0x1000 + (io_cycles % 4) * 4;

		CHECK(ioeventfd(kvm, fd_io, a, 4, 0, 0) == 0);
		CHECK(ioeventfd(kvm, fd_io, a, 4, KVM_IOEVENTFD_FLAG_DEASSIGN, 0) == 0);
		io_cycles++;
	}
	return 0;
}

static int guest(void *arg)
{
	unsigned int i = 0;

	while (!stopping()) {
		int r = guest_write(&env.vm[0], KVM_MMIO_BUS, 0x1000 + (i % 4) * 4, 4, i);

		i++;

		CHECK(r == 0 || r == -EOPNOTSUPP);
		if (r == 0)
			io_accepted++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 5;
	struct timespec ts = { seconds > 0 ? seconds : 1, 0 };
	struct task_struct *t[8];
	struct kvm_kernel_irq_routing_entry e;
	unsigned int reports;
	int n = 0, i;
	long slow_asserts;

	fake_backend = SIM_BACKEND_THREADS;
	fake_seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	printf("stress_eventfd: %d s, seed %llu\n", seconds,
	       (unsigned long long)fake_seed);
	fake_env_setup_n(2, KVM_IRQCHIP_KERNEL);
	vm0_routes(0x41);
	e = fake_msi(GSI_CLOSE, 0x61);
	fake_set_routing(&env.vm[1], &e, 1);

	fd_stable = sim_eventfd(env.sim, 0);
	fd_slow = sim_eventfd(env.sim, 0);
	fd_cycle = sim_eventfd(env.sim, 0);
	fd_io = sim_eventfd(env.sim, 0);
	CHECK(irqfd_assign(env.vm[0].kvm, fd_stable, GSI_STABLE) == 0);
	CHECK(irqfd_assign(env.vm[0].kvm, fd_slow, GSI_SLOW) == 0);

	t[n++] = sim_task_start(env.sim, "writer0", stable_writer, NULL);
	t[n++] = sim_task_start(env.sim, "writer1", stable_writer, NULL);
	t[n++] = sim_task_start(env.sim, "router", router, NULL);
	t[n++] = sim_task_start(env.sim, "cycler", cycler, NULL);
	t[n++] = sim_task_start(env.sim, "closer", closer, NULL);
	t[n++] = sim_task_start(env.sim, "io_churn", io_churn, NULL);
	t[n++] = sim_task_start(env.sim, "guest", guest, NULL);
	for (i = 0; i < n; i++)
		CHECK(t[i] != NULL);

	nanosleep(&ts, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++)
		if (t[i])
			sim_task_join(t[i]);
	sim_settle(env.sim);

	/* fast path: each write to the live MSI irqfd delivered exactly once */
	CHECK(efd_peek(fd_stable) == 0);
	CHECK(fake_msi_fast(&env.vm[0], 0x41) + fake_msi_fast(&env.vm[0], 0x42) ==
	      stable_writes);
	/* slow path: drained, pulses complete, at most one per write */
	slow_asserts = fake_asserts(&env.vm[0], GSI_SLOW);
	CHECK(efd_peek(fd_slow) == 0);
	CHECK(slow_asserts >= 1 && slow_asserts <= slow_writes);
	CHECK(slow_asserts == fake_deasserts(&env.vm[0], GSI_SLOW));
	/* ioeventfd: one signal per accepted guest write */
	CHECK((long)efd_peek(fd_io) == io_accepted);
	CHECK(fake_stat(env.vm[1].kvm, "irqfd.hup") == (u64)close_rounds);

	printf("writes %ld fast / %ld slow (%ld slow injections), %ld route flips,\n"
	       "%ld cycler rounds, %ld close rounds, %ld ioeventfd cycles, %ld accepted guest writes\n",
	       stable_writes, slow_writes, slow_asserts, route_flips, cycle_rounds,
	       close_rounds, io_cycles, io_accepted);
	CHECK(cycle_rounds > 0 && close_rounds > 0 && io_cycles > 0);

	reports = fake_env_teardown();
	CHECK(reports == 0);
	printf("%s: %d failed checks, %u checker reports\n",
	       failures ? "FAIL" : "PASS", failures, reports);
	return failures ? 1 : 0;
}
