/*
 * The operations table on the real kernel: /dev/kvm through sim/kvmreal.
 * The VM ioctls get the very uapi structures the interpreter built for the
 * simulator, so both backends see the same arguments; guest writes are
 * real instructions of kvmreal's tiny guest, so `kernel` / `exit` is the
 * kernel's own answer. docs/kvm-backend.md describes what differs:
 *
 * - the kernel runs irqfd inject work items when it likes. After a
 *   statement that may have queued one, settling waits a little
 *   (KVM_SETTLE_US), and expectations and acks poll (poll_ms) for the
 *   result they want;
 * - on kvm_pvm the acknowledge is done on the host (kvmreal_ack_mode);
 * - counters, checkers, seeded schedules and `settle off` windows do not
 *   exist on the real kernel: the interpreter reports them as not checkable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include "interp.h"
#include "kvmreal.h"

/* How long settling waits after a statement that may have queued kernel work. */
#define KVM_SETTLE_US		300
/* How long an expectation waits for the kernel's deferred work. */
#define KVM_POLL_MS		250

/* in->be: written by the main task (vm, teardown); dirty from any task */
struct kvm_be {
	struct kvmreal_vm *vm;
	bool dirty;		/* atomic: kernel work may be queued since the last settle */
	const char *reason;	/* static; why the backend itself refused (before kvmreal's) */
};

static struct kvm_be *be_of(struct interp *in)
{
	return in->be;
}

static struct kvmreal_vm *vm_of(struct interp *in)
{
	struct kvm_be *b = be_of(in);

	return b ? b->vm : NULL;
}

static void mark_dirty(struct interp *in)
{
	struct kvm_be *b = be_of(in);

	if (b)
		__atomic_store_n(&b->dirty, true, __ATOMIC_RELAXED);
}

/* The backend state exists before `vm`: eventfds may come first. */
static struct kvm_be *be_get(struct interp *in)
{
	if (!in->be)
		in->be = calloc(1, sizeof(struct kvm_be));
	return in->be;
}

static int kvm_vm_create(struct interp *in, const struct scn_vm *vm)
{
	static const enum kvmreal_irqchip chip[] = {
		[SCN_IRQCHIP_KERNEL] = KVMREAL_IRQCHIP_KERNEL,
		[SCN_IRQCHIP_SPLIT] = KVMREAL_IRQCHIP_SPLIT,
		[SCN_IRQCHIP_NONE] = KVMREAL_IRQCHIP_NONE,
	};
	struct kvm_be *b = be_get(in);

	if (!b)
		return -ENOMEM;
	if (vm->vcpus > KVMREAL_MAX_VCPUS)
		return -EINVAL;
	return kvmreal_vm_create(&b->vm, (int)vm->vcpus, chip[vm->irqchip]);
}

static bool kvm_has_vm(struct interp *in)
{
	return vm_of(in) != NULL;
}

static bool kvm_has_vcpu(struct interp *in, uint32_t idx)
{
	struct kvmreal_vm *vm = vm_of(in);

	return vm && idx < (uint32_t)kvmreal_nr_vcpus(vm);
}

/*
 * No ioctl waits for the kernel's work items. Those that matter here run
 * on a kworker right after being queued; a short sleep lets them, and the
 * expectations poll for stragglers.
 */
static void kvm_settle(struct interp *in)
{
	struct kvm_be *b = be_of(in);
	struct timespec ts = { 0, KVM_SETTLE_US * 1000L };

	if (!b || !__atomic_exchange_n(&b->dirty, false, __ATOMIC_RELAXED))
		return;
	nanosleep(&ts, NULL);
}

/* What a VMM's exit does: the VM goes first, then the host's eventfds. */
static void kvm_teardown(struct interp *in)
{
	struct kvm_be *b = be_of(in);

	if (b && b->vm) {
		kvmreal_vm_destroy(b->vm);
		b->vm = NULL;
	}
	for (uint32_t i = 0; i < in->prog->n_eventfds; i++) {
		int fd = interp_efd_get(in, i);

		if (fd >= 0) {
			kvmreal_eventfd_close(fd);
			interp_efd_set(in, i, -1);
		}
	}
	free(b);
	in->be = NULL;
}

static long kvm_vm_ioctl(struct interp *in, unsigned int cmd, void *arg)
{
	struct kvmreal_vm *vm = vm_of(in);
	int r;

	if (!vm)
		return -ENXIO;
	r = ioctl(kvmreal_vm_fd(vm), cmd, arg);
	if (r < 0)
		return -errno;
	/* an irqfd assigned with a non-zero count injects from a work item */
	if (cmd == KVM_IRQFD)
		mark_dirty(in);
	return r;
}

static long kvm_vcpu_ioctl(struct interp *in, uint32_t idx, unsigned int cmd, void *arg)
{
	struct kvmreal_vm *vm = vm_of(in);
	int fd, r;

	if (!vm)
		return -ENXIO;
	fd = kvmreal_vcpu_fd(vm, (int)idx);
	if (fd < 0)
		return fd;
	r = ioctl(fd, cmd, arg);
	return r < 0 ? -errno : r;
}

static int kvm_efd_create(struct interp *in, uint64_t count)
{
	return kvmreal_eventfd_create(count);
}

/* A write may wake an irqfd whose injection is a work item. */
static int kvm_efd_write(struct interp *in, int fd, uint64_t value)
{
	mark_dirty(in);
	return kvmreal_eventfd_write(fd, value);
}

static int kvm_efd_read(struct interp *in, int fd, uint64_t *value)
{
	return kvmreal_eventfd_read(fd, value);
}

static int kvm_efd_peek(struct interp *in, int fd, uint64_t *count)
{
	if (fd < 0)
		return -EBADF;
	return kvmreal_eventfd_peek(fd, count);
}

/* Closing an irqfd's eventfd queues its shutdown. */
static int kvm_efd_close(struct interp *in, int fd)
{
	mark_dirty(in);
	return kvmreal_eventfd_close(fd);
}

static int access_of(int r)
{
	if (r == KVMREAL_ACCESS_KERNEL)
		return IRQSIM_ACCESS_KERNEL;
	if (r == KVMREAL_ACCESS_EXIT)
		return IRQSIM_ACCESS_EXIT;
	return r;
}

/* A guest write may hit an ioeventfd whose eventfd is an irqfd. */
static int kvm_pio_write(struct interp *in, uint32_t vcpu, uint16_t port, int len, uint64_t value)
{
	mark_dirty(in);
	return access_of(kvmreal_guest_pio_write(vm_of(in), (int)vcpu, port, len, value));
}

static int kvm_mmio_write(struct interp *in, uint32_t vcpu, uint64_t addr, int len, uint64_t value)
{
	mark_dirty(in);
	return access_of(kvmreal_guest_mmio_write(vm_of(in), (int)vcpu, addr, len, value));
}

static int kvm_lapic_write(struct interp *in, uint32_t vcpu, uint32_t reg, uint32_t value)
{
	int r = kvmreal_guest_lapic_write(vm_of(in), (int)vcpu, reg, value);

	return r < 0 ? r : 0;
}

/*
 * kvmreal's guest runs from VM creation without x2APIC in its CPUID (the
 * kernel then refuses X2APIC_ENABLE as a reserved bit, and CPUID cannot
 * change after KVM_RUN) and has no WRMSR command: not checkable here.
 */
static int kvm_rdmsr(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t *value)
{
	(void)in, (void)vcpu, (void)msr, (void)value;
	return -EOPNOTSUPP;
}

static int kvm_wrmsr(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t value)
{
	(void)in, (void)vcpu, (void)msr, (void)value;
	return -EOPNOTSUPP;
}

static bool no_lapic(struct interp *in)
{
	return kvmreal_irqchip_mode(vm_of(in)) == KVMREAL_IRQCHIP_NONE;
}

/*
 * LVT0 unmasked in ExtINT mode: an acknowledge would be the PIC's INTA
 * cycle, which kvmreal does not perform (its host-side ack moves a LAPIC
 * vector only).
 */
static bool extint_through_lvt0(struct interp *in, uint32_t vcpu)
{
	struct kvm_lapic_state st;
	uint32_t lvt0;

	if (kvm_vcpu_ioctl(in, vcpu, KVM_GET_LAPIC, &st) < 0)
		return false;
	memcpy(&lvt0, &st.regs[0x350], sizeof(lvt0));
	return !(lvt0 & 0x10000) && ((lvt0 >> 8) & 7) == 7;
}

/* Without an in-kernel LAPIC nothing is ever deliverable: `none`, as on the simulator. */
static int kvm_ack(struct interp *in, uint32_t vcpu)
{
	int vec = -1, r;

	if (no_lapic(in))
		return -1;
	if (extint_through_lvt0(in, vcpu)) {
		be_of(in)->reason = "an acknowledge through LVT0 in ExtINT mode is the PIC's INTA, which kvmreal does not perform";
		return -EOPNOTSUPP;
	}
	r = kvmreal_guest_ack(vm_of(in), (int)vcpu, &vec);
	if (r < 0)
		return r;
	return vec < 0 ? -1 : vec;
}

/*
 * A real guest write to the EOI register. With no in-kernel LAPIC it
 * exits to userspace, which ignores it: nothing happens, as on the
 * simulator. The EOI may signal a resamplefd.
 */
static int kvm_eoi(struct interp *in, uint32_t vcpu)
{
	int r;

	if (no_lapic(in))
		return 0;
	mark_dirty(in);
	r = kvmreal_guest_eoi(vm_of(in), (int)vcpu);
	return r < 0 ? r : 0;
}

static int kvm_exits(struct interp *in, uint64_t *mmio, uint64_t *pio)
{
	struct kvmreal_exits ex;

	*mmio = *pio = 0;
	if (!vm_of(in))
		return -ENXIO;
	kvmreal_exits(vm_of(in), &ex);
	*mmio = ex.mmio;
	*pio = ex.pio;
	return 0;
}

/* A misspelt counter is still a script error; a real one cannot be read here. */
static int kvm_stat(struct interp *in, const char *name, uint64_t *value)
{
	const char *const *names = irqsim_stat_names();

	for (unsigned int i = 0; names && names[i]; i++)
		if (!strcmp(names[i], name))
			return -EOPNOTSUPP;
	return -ENOENT;
}

static const char *kvm_reason(struct interp *in)
{
	struct kvm_be *b = be_of(in);
	const char *why;

	if (b && b->reason) {
		why = b->reason;
		b->reason = NULL;
		return why;
	}
	return b && b->vm ? kvmreal_reason(b->vm) : "no VM";
}

const struct interp_ops interp_kvm_ops = {
	.name = "kvm",
	.poll_ms = KVM_POLL_MS,
	.simulated = false,
	.vm_create = kvm_vm_create,
	.has_vm = kvm_has_vm,
	.has_vcpu = kvm_has_vcpu,
	.teardown = kvm_teardown,
	.settle = kvm_settle,
	.vm_ioctl = kvm_vm_ioctl,
	.vcpu_ioctl = kvm_vcpu_ioctl,
	.efd_create = kvm_efd_create,
	.efd_write = kvm_efd_write,
	.efd_read = kvm_efd_read,
	.efd_peek = kvm_efd_peek,
	.efd_close = kvm_efd_close,
	.pio_write = kvm_pio_write,
	.mmio_write = kvm_mmio_write,
	.lapic_write = kvm_lapic_write,
	.rdmsr = kvm_rdmsr,
	.wrmsr = kvm_wrmsr,
	.ack = kvm_ack,
	.eoi = kvm_eoi,
	.exits = kvm_exits,
	.stat = kvm_stat,
	.reason = kvm_reason,
	.snapshot_stats = NULL,
};

int interp_kvm_available(const char **why, const char **ack_mode)
{
	int r = kvmreal_available(), mode;

	if (ack_mode)
		*ack_mode = NULL;
	if (r < 0) {
		*why = r == -ENOENT ? "/dev/kvm does not exist" :
		       r == -EACCES ? "/dev/kvm is not accessible (permissions)" :
		       "/dev/kvm is not usable (KVM_GET_API_VERSION)";
		return r;
	}
	mode = kvmreal_ack_mode();
	if (mode < 0) {
		*why = "the acknowledge-mode probe VM failed";
		return mode;
	}
	if (ack_mode)
		*ack_mode = mode == KVMREAL_ACK_HOST ? "host" : "guest";
	*why = NULL;
	return 0;
}

int irqsim_kvm_backend_available(const char **why, const char **ack_mode)
{
	const char *w = NULL;
	int r = interp_kvm_available(&w, ack_mode);

	if (why)
		*why = w;
	return r;
}
