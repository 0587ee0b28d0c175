/*
 * fuzz_api: the whole host API under concurrency. The input decodes
 * (fuzz_api_prog.c) into a program of eventfd create/write/close, irqfd
 * assign/deassign with and without resampling, routing updates,
 * KVM_IRQ_LINE, KVM_SIGNAL_MSI, ioeventfd assign/deassign, guest MMIO/PIO
 * writes, IOAPIC programming, acks and EOIs, spread over up to 4 host
 * threads (simulated tasks on the sched backend). The scheduling choices
 * come from the input's tail bytes (sim_config.schedule) and one
 * allocation or fd-lookup failure may be injected.
 *
 * A finding is: a crash or sanitizer error; a checker report (lockdep,
 * RCU usage, sleeping in atomic context, leak, use after free, deadlock;
 * looked for after every operation); a broken model invariant (after
 * every INV_EVERY-th operation of a thread and its last one, and at the
 * end after settling, plus "no irqfd left on a released eventfd"); or a result
 * outside the set the kernel can return for that call in that VM (exact
 * where it does not depend on the interleaving: no irqchip, bad flags).
 * Every finding replays as a scenario: fuzz_api_to_scn().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <kshim/eventfd.h>
#include <kshim/file.h>

#include "fuzz_common.h"
#include "fuzz_api_prog.h"
#include "model/invariants.h"

/* A closed or not-yet-created name: an fd no table ever holds (EBADF). */
#define BAD_FD		(1 << 20)

/*
 * How often a thread checks the model invariants: after every n-th of its
 * operations and after its last one. Each check takes ~8 model locks, each
 * a scheduling point, and cost ~40% of an input when done after every
 * operation; a broken invariant stays broken (they are about structure,
 * not transient values), so checking every 8th still catches it, at most
 * 7 operations later. FUZZ_API_INVARIANTS_EVERY=1 restores every operation
 * (bench/fuzz compares both).
 */
#define INV_EVERY_DEFAULT	8

static int inv_every(void)
{
	static int every;

	if (!every) {
		const char *e = getenv("FUZZ_API_INVARIANTS_EVERY");

		every = e && atoi(e) > 0 ? atoi(e) : INV_EVERY_DEFAULT;
	}
	return every;
}

/* Runtime internal: fd lookup without fault injection (sim/kernel/file.c). */
struct file *ksim_fget_raw(struct sim *sim, int fd);

struct api_run {
	struct fz_env env;
	const struct fa_prog *p;
	int fd[FA_MAX_EVENTFDS];		/* BAD_FD until created / once closed */
	struct eventfd_ctx *released[FA_MAX_EVENTFDS * 2];	/* closed eventfds, ref held */
	int nr_released;
	bool alloc_fault;
};

static int fd_of(struct api_run *a, int ev)
{
	return a->fd[ev];
}

static bool in_set(long r, const long *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r == set[i])
			return true;
	return false;
}

#define EXPECT_IN(r, op, ...) do {						\
	static const long set_[] = { __VA_ARGS__ };				\
	FZ_CHECK(in_set((r), set_, sizeof(set_) / sizeof(set_[0])) ||		\
		 ((r) == -ENOMEM && a->alloc_fault),				\
		 "op %d (kind %d, thread %d): result %ld not allowed",		\
		 (int)((op) - a->p->ops), (int)(op)->kind, (int)(op)->thread, (long)(r)); \
} while (0)

static void do_close(struct api_run *a, const struct fa_op *op)
{
	int fd = fd_of(a, op->ev);
	struct file *file = fd == BAD_FD ? NULL : ksim_fget_raw(a->env.sim, fd);
	struct eventfd_ctx *ctx = file ? eventfd_ctx_fileget(file) : NULL;
	int r;

	if (file)
		fput(file);
	a->fd[op->ev] = BAD_FD;
	r = fd == BAD_FD ? -EBADF : sim_fd_close(a->env.sim, fd);
	EXPECT_IN(r, op, 0, -EBADF);
	if (ctx && !r && a->nr_released < (int)(sizeof(a->released) / sizeof(a->released[0])))
		a->released[a->nr_released++] = ctx;
	else if (ctx)
		eventfd_ctx_put(ctx);
}

static void do_irqfd(struct api_run *a, const struct fa_op *op)
{
	struct kvm_irqfd args = {
		.fd = (uint32_t)fd_of(a, op->ev),
		.gsi = op->gsi,
		.flags = op->flags | (op->resample ? KVM_IRQFD_FLAG_RESAMPLE : 0) |
			 (op->deassign ? KVM_IRQFD_FLAG_DEASSIGN : 0),
		.resamplefd = op->resample ? (uint32_t)fd_of(a, op->ev2) : 0,
	};
	long r = irqsim_vm_ioctl(a->env.kvm, KVM_IRQFD, (unsigned long)&args);

	if (op->flags || (!op->deassign && (a->p->irqchip == FA_IRQCHIP_NONE ||
		(op->resample && a->p->irqchip != FA_IRQCHIP_KERNEL)))) {
		FZ_CHECK(r == -EINVAL, "op %d: KVM_IRQFD flags %#x in irqchip mode %d: %ld, expected EINVAL",
			 (int)(op - a->p->ops), args.flags, (int)a->p->irqchip, r);
		return;
	}
	if (op->deassign)
		EXPECT_IN(r, op, 0, -EBADF, -EINVAL);
	else
		EXPECT_IN(r, op, 0, -EBADF, -EINVAL, -EBUSY);
}

static void do_routing(struct api_run *a, const struct fa_op *op)
{
	uint64_t buf[(sizeof(struct kvm_irq_routing) +
		      FA_MAX_ROUTES * sizeof(struct kvm_irq_routing_entry)) / 8 + 1];
	struct kvm_irq_routing *t = (struct kvm_irq_routing *)buf;
	long r;
	int i;

	memset(buf, 0, sizeof(buf));
	t->nr = op->nr_routes;
	for (i = 0; i < op->nr_routes; i++) {
		const struct fa_route *src = &op->routes[i];

		t->entries[i].gsi = src->gsi;
		if (src->msi) {
			t->entries[i].type = KVM_IRQ_ROUTING_MSI;
			t->entries[i].u.msi.address_lo = src->addr;
			t->entries[i].u.msi.data = src->data;
		} else {
			t->entries[i].type = KVM_IRQ_ROUTING_IRQCHIP;
			t->entries[i].u.irqchip.irqchip = src->chip;
			t->entries[i].u.irqchip.pin = src->pin;
		}
	}
	r = irqsim_vm_ioctl(a->env.kvm, KVM_SET_GSI_ROUTING, (unsigned long)t);
	if (a->p->irqchip == FA_IRQCHIP_NONE)
		FZ_CHECK(r == -EINVAL, "KVM_SET_GSI_ROUTING without irqchip: %ld", r);
	else
		EXPECT_IN(r, op, 0, -EINVAL);
}

static void do_op(struct api_run *a, const struct fa_op *op)
{
	struct kvm_vcpu *v = irqsim_vcpu(a->env.kvm, op->vcpu);
	long r;

	switch (op->kind) {
	case FA_EVENTFD:
		r = sim_eventfd(a->env.sim, op->value);
		if (r >= 0)
			a->fd[op->ev] = (int)r;
		else
			EXPECT_IN(r, op, -EMFILE);
		break;
	case FA_WRITE:
		r = sim_fd_write(a->env.sim, fd_of(a, op->ev), op->value);
		EXPECT_IN(r, op, 0, -EBADF, -EAGAIN, -EINVAL);
		break;
	case FA_CLOSE:
		do_close(a, op);
		break;
	case FA_IRQFD:
		do_irqfd(a, op);
		break;
	case FA_ROUTING:
		do_routing(a, op);
		break;
	case FA_IRQ_LINE: {
		struct kvm_irq_level l = { .irq = op->gsi, .level = op->level };

		r = irqsim_vm_ioctl(a->env.kvm, KVM_IRQ_LINE_STATUS, (unsigned long)&l);
		FZ_CHECK(a->p->irqchip == FA_IRQCHIP_NONE ? r == -ENXIO : r == 0 && l.status >= -1,
			 "KVM_IRQ_LINE_STATUS gsi %u: %ld status %d (status overlays irq)", op->gsi, r, l.status);
		break;
	}
	case FA_MSI: {
		struct kvm_msi m = { .address_lo = op->msi_addr, .data = op->msi_data };

		r = irqsim_vm_ioctl(a->env.kvm, KVM_SIGNAL_MSI, (unsigned long)&m);
		FZ_CHECK(a->p->irqchip == FA_IRQCHIP_NONE ? r == -EINVAL :
			 r >= -1 && r <= a->p->nr_vcpus, "KVM_SIGNAL_MSI: %ld", r);
		break;
	}
	case FA_IOEVENTFD: {
		struct kvm_ioeventfd io = {
			.datamatch = op->datamatch, .addr = op->addr, .len = op->len,
			.fd = fd_of(a, op->ev),
			.flags = op->flags | (op->pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
				 (op->has_datamatch ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
				 (op->deassign ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0),
		};

		r = irqsim_vm_ioctl(a->env.kvm, KVM_IOEVENTFD, (unsigned long)&io);
		if (op->deassign)
			EXPECT_IN(r, op, 0, -ENOENT, -EBADF, -EINVAL);
		else
			EXPECT_IN(r, op, 0, -EINVAL, -EBADF, -EEXIST, -ENOSPC);
		break;
	}
	case FA_MMIO_WRITE:
		r = irqsim_guest_mmio_write(v, op->addr, (int)op->len, op->value);
		EXPECT_IN(r, op, IRQSIM_ACCESS_KERNEL, IRQSIM_ACCESS_EXIT);
		break;
	case FA_PIO_WRITE:
		r = irqsim_guest_pio_write(v, (uint16_t)op->addr, (int)op->len, op->value);
		EXPECT_IN(r, op, IRQSIM_ACCESS_KERNEL, IRQSIM_ACCESS_EXIT);
		break;
	case FA_ACK:
		r = irqsim_guest_ack(v);
		FZ_CHECK(r >= -1 && r <= 255, "ack: %ld", r);
		break;
	case FA_EOI:
		irqsim_guest_eoi(v);
		break;
	case FA_IOAPIC_PIN: {
		uint64_t e = op->vector | (uint64_t)op->level_trig << 15 |
			     (uint64_t)op->masked << 16 | (uint64_t)op->dest << 56;

		r = fz_ioapic_write_entry(v, op->pin, e);
		EXPECT_IN(r, op, IRQSIM_ACCESS_KERNEL);
		break;
	}
	default:
		break;
	}
}

struct thread_arg {
	struct api_run *a;
	int t;
};

static int thread_fn(void *arg)
{
	struct thread_arg *ta = arg;
	struct api_run *a = ta->a;
	int i, n, done = 0, last = -1;

	for (i = 0; i < a->p->nr_ops; i++)
		if (a->p->ops[i].thread == ta->t)
			last = i;
	for (i = 0; i <= last; i++) {
		if (a->p->ops[i].thread != ta->t)
			continue;
		do_op(a, &a->p->ops[i]);
		if (++done % inv_every() == 0 || i == last) {
			n = kvm_check_invariants(a->env.kvm);
			FZ_CHECK(n == 0, "%d model invariant(s) broken after op %d", n, i);
		}
		fz_env_check_reports(&a->env, "a thread's operation");
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fa_prog prog;
	struct thread_arg targ[FA_MAX_THREADS];
	struct task_struct *tasks[FA_MAX_THREADS];
	struct api_run a;
	int i, n;

	fa_decode(data, size, &prog);
	memset(&a, 0, sizeof(a));
	a.p = &prog;
	fz_env_begin(&a.env, prog.seed, prog.schedule, prog.schedule_len);
	fz_env_irqchip(&a.env, prog.irqchip == FA_IRQCHIP_KERNEL ? FZ_IRQCHIP_KERNEL :
			       prog.irqchip == FA_IRQCHIP_SPLIT ? FZ_IRQCHIP_SPLIT : FZ_IRQCHIP_NONE);
	for (i = 0; i < prog.nr_vcpus; i++)
		fz_env_add_vcpu(&a.env, (unsigned long)i);
	for (i = 0; i < FA_MAX_EVENTFDS; i++)
		a.fd[i] = BAD_FD;
	for (i = 0; i < FA_INIT_EVENTFDS; i++) {
		a.fd[i] = sim_eventfd(a.env.sim, 0);
		FZ_CHECK(a.fd[i] >= 0, "sim_eventfd: %d", a.fd[i]);
	}

	if (prog.fault == FA_FAULT_ALLOC) {
		sim_fail_nth_alloc(a.env.sim, prog.fault_nth);
		a.alloc_fault = true;
	} else if (prog.fault == FA_FAULT_FDGET) {
		sim_fail_nth_fdget(a.env.sim, prog.fault_nth);
	}
	for (i = 0; i < prog.nr_threads; i++) {
		targ[i] = (struct thread_arg){ .a = &a, .t = i };
		tasks[i] = sim_task_start(a.env.sim, "host", thread_fn, &targ[i]);
		FZ_CHECK(tasks[i], "sim_task_start failed");
	}
	for (i = 0; i < prog.nr_threads; i++)
		sim_task_join(tasks[i]);
	fz_env_check_reports(&a.env, "the threads (deadlock?)");
	sim_fail_nth_alloc(a.env.sim, 0);
	sim_fail_nth_fdget(a.env.sim, 0);

	sim_settle(a.env.sim);
	n = kvm_check_invariants(a.env.kvm);
	for (i = 0; i < a.nr_released; i++) {
		n += kvm_check_eventfd_released(a.env.kvm, a.released[i]);
		eventfd_ctx_put(a.released[i]);
	}
	FZ_CHECK(n == 0, "%d model invariant(s) broken after settling", n);
	fz_env_end(&a.env);
	return 0;
}
