/*
 * KVM_IRQFD: argument checks and their order, EBUSY exclusivity, fast and
 * slow paths, pending-at-assign, routing updates, EPOLLHUP detach,
 * deassign, VM release, resamplers and the ack notifiers.
 */
#include <CUnit/CUnit.h>
#include "fake_env.h"
#include "tests.h"

#define SETTLE()	sim_settle(env.sim)
#define TEARDOWN()	CU_ASSERT_EQUAL(fake_env_teardown(), 0)

static int new_efd(u64 count)
{
	int fd = sim_eventfd(env.sim, count);

	CU_ASSERT_FATAL(fd >= 0);
	return fd;
}

/* Flags other than DEASSIGN and RESAMPLE: EINVAL first, even on deassign. */
static void test_bad_flags(void)
{
	struct kvm_irqfd a = { .fd = (u32)-1, .gsi = 5, .flags = 1u << 2 };

	fake_env_setup();
	CU_ASSERT_EQUAL(kvm_irqfd(fkvm(), &a), -EINVAL);
	a.flags = KVM_IRQFD_FLAG_DEASSIGN | (1u << 31);
	CU_ASSERT_EQUAL(kvm_irqfd(fkvm(), &a), -EINVAL);
	a.flags = KVM_IRQFD_FLAG_DEASSIGN;
	CU_ASSERT_EQUAL(kvm_irqfd(fkvm(), &a), -EBADF);
	TEARDOWN();
}

/* No irqchip: EINVAL before the fd is looked up; split rejects RESAMPLE only. */
static void test_irqchip_modes(void)
{
	int fd, rfd;

	fake_env_setup_n(1, KVM_IRQCHIP_NONE);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), -1, 5), -EINVAL);
	fd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), -EINVAL);
	/* deassign needs no irqchip and never fails on "not found" */
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), fd, 5), 0);
	TEARDOWN();

	fake_env_setup_n(1, KVM_IRQCHIP_SPLIT);
	fd = new_efd(0);
	rfd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), fd, 5, rfd), -EINVAL);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), 0);
	TEARDOWN();
}

/* fd and resamplefd: EBADF when not open, EINVAL when not an eventfd. */
static void test_bad_fds(void)
{
	int fd, pipe, rfd;

	fake_env_setup();
	fd = new_efd(0);
	pipe = sim_pipe(env.sim);
	CU_ASSERT_FATAL(pipe >= 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), 1000, 5), -EBADF);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), pipe, 5), -EINVAL);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), fd, 5, 1000), -EBADF);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), fd, 5, pipe), -EINVAL);
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), 1000, 5), -EBADF);
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), pipe, 5), -EINVAL);
	/* the failed resample assigns left no resampler or notifier behind */
	CU_ASSERT_EQUAL(fvm()->notifier_updates, 0);
	CU_ASSERT(list_empty(&fkvm()->irqfds.resampler_list));
	/* and the eventfd is still free to use */
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), 0);
	/* resamplefd == fd is accepted */
	rfd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), rfd, 6, rfd), 0);
	TEARDOWN();
}

/* One eventfd backs at most one irqfd, in any VM, through any fd. */
static void test_ebusy(void)
{
	int fd, dup;

	fake_env_setup_n(2, KVM_IRQCHIP_KERNEL);
	fd = new_efd(0);
	dup = sim_fd_dup(env.sim, fd);
	CU_ASSERT_FATAL(dup >= 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), -EBUSY);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 6), -EBUSY);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), dup, 7), -EBUSY);
	CU_ASSERT_EQUAL(irqfd_assign(env.vm[1].kvm, fd, 5), -EBUSY);
	/* deassign waits for the shutdown: re-assigning right away works */
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), fd, 5), 0);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 1);
	CU_ASSERT_EQUAL(irqfd_assign(env.vm[1].kvm, dup, 5), 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), -EBUSY);
	TEARDOWN();
}

/* Allocation failures anywhere in assign: -ENOMEM and nothing leaks. */
static void test_enomem_loop(void)
{
	int n, r = -ENOMEM, fd, rfd, failures = 0;

	for (n = 1; n < 64 && r == -ENOMEM; n++) {
		fake_env_setup();
		fd = new_efd(0);
		rfd = new_efd(0);
		sim_fail_nth_alloc(env.sim, n);
		r = irqfd_assign_resample(fkvm(), fd, 5, rfd);
		sim_fail_nth_alloc(env.sim, 0);
		CU_ASSERT(r == 0 || r == -ENOMEM);
		if (r == -ENOMEM) {
			failures++;
			CU_ASSERT(list_empty(&fkvm()->irqfds.items));
			CU_ASSERT(list_empty(&fkvm()->irqfds.resampler_list));
			CU_ASSERT(hlist_empty(&fkvm()->irq_ack_notifier_list));
			/* the eventfd was unhooked: it can back an irqfd now */
			CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), 0);
		}
		TEARDOWN();
	}
	/* the irqfd and the resampler allocations both failed once */
	CU_ASSERT(failures >= 2);
	CU_ASSERT_EQUAL(r, 0);

	fake_env_setup();
	fd = new_efd(0);
	sim_fail_alloc_site(env.sim, "kvm_irqfd_assign", true);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 5), -ENOMEM);
	sim_fail_alloc_site(env.sim, "kvm_irqfd_assign", false);
	TEARDOWN();
}

/* An MSI GSI injects in the wakeup and consumes the count. */
static void test_fast_path(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_msi(24, 0x41);
	int fd;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	fd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 24), 0);
	CU_ASSERT_EQUAL(sim_fd_write(env.sim, fd, 1), 0);
	/* delivered synchronously, no settle needed */
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.fast"), 1);
	CU_ASSERT_EQUAL(efd_peek(fd), 0);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.slow"), 0);
	CU_ASSERT_EQUAL(fvm()->set_irq_calls, 0);
	TEARDOWN();
}

/* IOAPIC, multi-entry and unrouted GSIs go through the inject work: a pulse. */
static void test_slow_path(void)
{
	struct kvm_kernel_irq_routing_entry e[3] = {
		fake_irqchip(4, KVM_IRQCHIP_IOAPIC, 4),
		fake_irqchip(9, KVM_IRQCHIP_IOAPIC, 9),
		fake_irqchip(9, KVM_IRQCHIP_PIC_SLAVE, 1),
	};
	int fd4, fd9, fd30;

	fake_env_setup();
	fake_set_routing(fvm(), e, 3);
	fd4 = new_efd(0);
	fd9 = new_efd(0);
	fd30 = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd4, 4), 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd9, 9), 0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd30, 30), 0);
	sim_fd_write(env.sim, fd4, 1);
	sim_fd_write(env.sim, fd9, 1);
	sim_fd_write(env.sim, fd30, 1);
	/* the wakeup consumed the counts even though it injected nothing */
	CU_ASSERT_EQUAL(efd_peek(fd4), 0);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.fast"), 0);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.slow"), 3);
	CU_ASSERT_EQUAL(fake_asserts(fvm(), 4), 1);
	CU_ASSERT_EQUAL(fake_deasserts(fvm(), 4), 1);
	CU_ASSERT_EQUAL(fake_asserts(fvm(), 9), 1);
	CU_ASSERT_EQUAL(fake_asserts(fvm(), 30), 1);
	CU_ASSERT_FALSE(fake_line(fvm(), 4, KVM_USERSPACE_IRQ_SOURCE_ID));
	TEARDOWN();
}

/* Any u32 GSI is accepted; one with no route still pulses through kvm_set_irq. */
static void test_huge_gsi(void)
{
	int fd;

	fake_env_setup();
	fd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 100000), 0);
	sim_fd_write(env.sim, fd, 1);
	SETTLE();
	CU_ASSERT_EQUAL(fvm()->set_irq_calls, 2);
	CU_ASSERT_EQUAL(fvm()->set_irq_last_gsi, 100000);
	TEARDOWN();
}

/* A count already there at assign injects once (slow path) and stays readable. */
static void test_pending_at_assign(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_msi(24, 0x41);
	int fd;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	fd = new_efd(1);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 24), 0);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.at_assign"), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.slow"), 1);
	CU_ASSERT_EQUAL(fake_asserts(fvm(), 24), 1);
	CU_ASSERT_EQUAL(efd_peek(fd), 1);
	/* the next write wakes the irqfd, which consumes both */
	sim_fd_write(env.sim, fd, 1);
	CU_ASSERT_EQUAL(efd_peek(fd), 0);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);
	TEARDOWN();
}

/* Routing changes reach a live irqfd's cache: new vector, then slow, then none. */
static void test_routing_update(void)
{
	struct kvm_kernel_irq_routing_entry e;
	int fd;

	fake_env_setup();
	e = fake_msi(24, 0x41);
	fake_set_routing(fvm(), &e, 1);
	fd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 24), 0);
	sim_fd_write(env.sim, fd, 1);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);

	e = fake_msi(24, 0x42);
	fake_set_routing(fvm(), &e, 1);
	sim_fd_write(env.sim, fd, 1);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x42), 1);

	e = fake_irqchip(24, KVM_IRQCHIP_IOAPIC, 23);
	fake_set_routing(fvm(), &e, 1);
	sim_fd_write(env.sim, fd, 1);
	SETTLE();
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x42), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.slow"), 1);

	fake_set_routing(fvm(), NULL, 0);
	sim_fd_write(env.sim, fd, 1);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.fast"), 2);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.inject.slow"), 2);
	TEARDOWN();
}

/* Deassign: matches eventfd AND gsi; no match is 0; afterwards nothing injects. */
static void test_deassign(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_msi(24, 0x41);
	int fd, other;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	fd = new_efd(0);
	other = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 24), 0);
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), fd, 25), 0);
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), other, 24), 0);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 0);
	sim_fd_write(env.sim, fd, 1);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);

	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), fd, 24), 0);
	/* shutdown completed before deassign returned */
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 1);
	sim_fd_write(env.sim, fd, 1);
	SETTLE();
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);
	CU_ASSERT_EQUAL(efd_peek(fd), 1);
	/* deassigning twice is still fine */
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), fd, 24), 0);
	TEARDOWN();
}

/* Closing the last reference detaches (EPOLLHUP); closing a dup does not. */
static void test_hup(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_msi(24, 0x41);
	int fd, dup, fd2;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	fd = new_efd(0);
	dup = sim_fd_dup(env.sim, fd);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 24), 0);

	CU_ASSERT_EQUAL(sim_fd_close(env.sim, fd), 0);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.hup"), 0);
	sim_fd_write(env.sim, dup, 1);
	CU_ASSERT_EQUAL(fake_msi_fast(fvm(), 0x41), 1);

	CU_ASSERT_EQUAL(sim_fd_close(env.sim, dup), 0);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.hup"), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 1);
	CU_ASSERT(list_empty(&fkvm()->irqfds.items));
	/* the GSI is free for a new irqfd at once */
	fd2 = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd2, 24), 0);
	TEARDOWN();
}

/* HUP first, then VM release: the release must not deactivate it again. */
static void test_hup_then_release(void)
{
	int fd;

	fake_env_setup();
	fd = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd, 3), 0);
	CU_ASSERT_EQUAL(sim_fd_close(env.sim, fd), 0);
	kvm_irqfd_release(fkvm());
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.hup"), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 1);
	CU_ASSERT_EQUAL(kvm_irqfd_init(), 0);	/* give back the VM's queue reference */
	TEARDOWN();
}

struct deassign_arg {
	int fd;
	int ret;
};

static int deassign_task(void *p)
{
	struct deassign_arg *a = p;

	a->ret = irqfd_deassign(fkvm(), a->fd, 3);
	return 0;
}

/* Deassign racing the last close (EPOLLHUP): exactly one shutdown, any order. */
static void test_hup_vs_deassign(void)
{
	struct deassign_arg a;
	struct task_struct *t;
	int round;

	for (round = 0; round < 20; round++) {
		fake_seed = 1 + round;
		fake_env_setup();
		a.fd = new_efd(0);
		a.ret = 1;
		CU_ASSERT_EQUAL(irqfd_assign(fkvm(), a.fd, 3), 0);
		t = sim_task_start(env.sim, "deassign", deassign_task, &a);
		CU_ASSERT_FATAL(t != NULL);
		CU_ASSERT_EQUAL(sim_fd_close(env.sim, a.fd), 0);
		sim_task_join(t);
		SETTLE();
		CU_ASSERT(a.ret == 0 || a.ret == -EBADF);
		CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.shutdown"), 1);
		CU_ASSERT(fake_stat(fkvm(), "irqfd.hup") <= 1);
		TEARDOWN();
	}
	fake_seed = 1;
}

/* VM release with live irqfds: all shut down, eventfds keep working. */
static void test_release(void)
{
	int fd[4], i;

	fake_env_setup();
	for (i = 0; i < 4; i++) {
		fd[i] = new_efd(0);
		CU_ASSERT_EQUAL(irqfd_assign(fkvm(), fd[i], 10 + i), 0);
	}
	fake_vm_destroy(fvm());
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(sim_fd_write(env.sim, fd[i], 1), 0);
		CU_ASSERT_EQUAL(efd_peek(fd[i]), 1);
	}
	TEARDOWN();
}

/* Resampling: shared resampler, one de-assert per ack, a signal per member. */
static void test_resampler(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_irqchip(5, KVM_IRQCHIP_IOAPIC, 5);
	int a, b, ra, rb;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	a = new_efd(0);
	b = new_efd(0);
	ra = new_efd(0);
	rb = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), a, 5, ra), 0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), b, 5, rb), 0);
	/* one resampler, one notifier for both */
	CU_ASSERT_EQUAL(fvm()->notifier_updates, 1);
	CU_ASSERT(list_is_singular(&fkvm()->irqfds.resampler_list));
	CU_ASSERT(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	CU_ASSERT_FALSE(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 6));

	sim_fd_write(env.sim, a, 1);
	SETTLE();
	/* level: asserted on the resample source and left high */
	CU_ASSERT(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	CU_ASSERT_EQUAL(fake_deasserts(fvm(), 5), 0);

	kvm_notify_acked_irq(fkvm(), KVM_IRQCHIP_IOAPIC, 5);
	CU_ASSERT_FALSE(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	CU_ASSERT_EQUAL(fake_deasserts(fvm(), 5), 1);
	CU_ASSERT_EQUAL(efd_peek(ra), 1);
	CU_ASSERT_EQUAL(efd_peek(rb), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.resample.ack"), 1);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.resample.signal"), 2);
	/* an ack on another pin reaches nobody */
	kvm_notify_acked_irq(fkvm(), KVM_IRQCHIP_IOAPIC, 6);
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.resample.ack"), 1);

	/* unmask-resample: signal without de-assert */
	sim_fd_write(env.sim, b, 1);
	SETTLE();
	CU_ASSERT(kvm_notify_irqfd_resampler(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	CU_ASSERT(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	CU_ASSERT_EQUAL(efd_peek(ra), 2);
	CU_ASSERT_FALSE(kvm_notify_irqfd_resampler(fkvm(), KVM_IRQCHIP_IOAPIC, 6));

	/* first member leaves: the resampler stays, the line stays asserted */
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), a, 5), 0);
	CU_ASSERT(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	CU_ASSERT(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	kvm_notify_acked_irq(fkvm(), KVM_IRQCHIP_IOAPIC, 5);
	CU_ASSERT_EQUAL(efd_peek(ra), 2);
	CU_ASSERT_EQUAL(efd_peek(rb), 3);

	/* last member leaves: de-asserted, notifier gone, resampler freed */
	sim_fd_write(env.sim, b, 1);
	SETTLE();
	CU_ASSERT(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	CU_ASSERT_EQUAL(irqfd_deassign(fkvm(), b, 5), 0);
	CU_ASSERT_FALSE(fake_line(fvm(), 5, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID));
	CU_ASSERT_FALSE(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	CU_ASSERT(list_empty(&fkvm()->irqfds.resampler_list));
	CU_ASSERT_EQUAL(fvm()->notifier_updates, 2);
	/* a new resample irqfd on the GSI gets a new resampler */
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), a, 5, ra), 0);
	CU_ASSERT_EQUAL(fvm()->notifier_updates, 3);
	TEARDOWN();
}

/* Two resamplers on two GSIs are independent; the ack API routes by GSI. */
static void test_ack_notifier_api(void)
{
	struct kvm_kernel_irq_routing_entry e[2] = {
		fake_irqchip(5, KVM_IRQCHIP_IOAPIC, 5),
		fake_irqchip(11, KVM_IRQCHIP_PIC_SLAVE, 3),
	};
	int a, ra, b, rb, idx;

	fake_env_setup();
	fake_set_routing(fvm(), e, 2);
	a = new_efd(0);
	ra = new_efd(0);
	b = new_efd(0);
	rb = new_efd(0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), a, 5, ra), 0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), b, 11, rb), 0);
	CU_ASSERT(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_PIC_SLAVE, 3));
	kvm_notify_acked_irq(fkvm(), KVM_IRQCHIP_PIC_SLAVE, 3);
	CU_ASSERT_EQUAL(efd_peek(ra), 0);
	CU_ASSERT_EQUAL(efd_peek(rb), 1);
	idx = srcu_read_lock(&fkvm()->irq_srcu);
	kvm_notify_acked_gsi(fkvm(), 5);
	srcu_read_unlock(&fkvm()->irq_srcu, idx);
	CU_ASSERT_EQUAL(efd_peek(ra), 1);
	CU_ASSERT_EQUAL(efd_peek(rb), 1);
	TEARDOWN();
}

/* Closing an irqfd's eventfd while a resample irqfd shares its resampler. */
static void test_resample_hup(void)
{
	struct kvm_kernel_irq_routing_entry e = fake_irqchip(5, KVM_IRQCHIP_IOAPIC, 5);
	int a, b, r;

	fake_env_setup();
	fake_set_routing(fvm(), &e, 1);
	a = new_efd(0);
	b = new_efd(0);
	r = new_efd(0);
	/* both share one resamplefd, as several devices may */
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), a, 5, r), 0);
	CU_ASSERT_EQUAL(irqfd_assign_resample(fkvm(), b, 5, r), 0);
	/* closing only the resamplefd does not disable the irqfds */
	sim_fd_close(env.sim, r);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.hup"), 0);
	sim_fd_close(env.sim, a);
	SETTLE();
	CU_ASSERT_EQUAL(fake_stat(fkvm(), "irqfd.hup"), 1);
	CU_ASSERT(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	sim_fd_close(env.sim, b);
	SETTLE();
	CU_ASSERT_FALSE(kvm_irq_has_notifier(fkvm(), KVM_IRQCHIP_IOAPIC, 5));
	TEARDOWN();
}

const struct cunit_test irqfd_tests[] = {
	{ "bad_flags", test_bad_flags },
	{ "irqchip_modes", test_irqchip_modes },
	{ "bad_fds", test_bad_fds },
	{ "ebusy", test_ebusy },
	{ "enomem_loop", test_enomem_loop },
	{ "fast_path", test_fast_path },
	{ "slow_path", test_slow_path },
	{ "huge_gsi", test_huge_gsi },
	{ "pending_at_assign", test_pending_at_assign },
	{ "routing_update", test_routing_update },
	{ "deassign", test_deassign },
	{ "hup", test_hup },
	{ "hup_then_release", test_hup_then_release },
	{ "hup_vs_deassign", test_hup_vs_deassign },
	{ "release", test_release },
	{ "resampler", test_resampler },
	{ "ack_notifier_api", test_ack_notifier_api },
	{ "resample_hup", test_resample_hup },
	{ NULL, NULL },
};
