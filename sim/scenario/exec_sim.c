/*
 * The operations table on the simulator: every call goes through
 * libirqsim's public API, the entry points a VMM uses (irqsim_vm_ioctl()
 * with the uapi structures, the host eventfd calls, irqsim_guest_*).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"

/* the number of IOAPIC pins KVM_CAP_SPLIT_IRQCHIP reserves (QEMU's choice) */
#define SPLIT_IRQCHIP_PINS	24

static struct kvm_vcpu *vcpu_of(struct interp *in, uint32_t idx)
{
	if (!in->kvm || idx > (uint32_t)INT32_MAX)
		return NULL;
	return irqsim_vcpu(in->kvm, (int)idx);
}

/* KVM_CREATE_VM, the irqchip, the vCPUs and their LAPICs: the first error wins. */
static int sim_vm_create(struct interp *in, const struct scn_vm *vm)
{
	struct kvm_enable_cap cap;
	long r;

	r = irqsim_create_vm(in->sim, 0, &in->kvm);
	if (r < 0) {
		in->kvm = NULL;
		return (int)r;
	}
	switch (vm->irqchip) {
	case SCN_IRQCHIP_KERNEL:
		r = irqsim_vm_ioctl(in->kvm, KVM_CREATE_IRQCHIP, 0);
		break;
	case SCN_IRQCHIP_SPLIT:
		memset(&cap, 0, sizeof(cap));
		cap.cap = KVM_CAP_SPLIT_IRQCHIP;
		cap.args[0] = SPLIT_IRQCHIP_PINS;
		r = irqsim_vm_ioctl(in->kvm, KVM_ENABLE_CAP, (unsigned long)&cap);
		break;
	case SCN_IRQCHIP_NONE:
		r = 0;
		break;
	}
	if (r < 0)
		return (int)r;
	for (uint32_t i = 0; i < vm->vcpus; i++) {
		struct kvm_vcpu *vcpu;

		r = irqsim_vm_ioctl(in->kvm, KVM_CREATE_VCPU, i);
		if (r < 0)
			return (int)r;
		vcpu = irqsim_vcpu(in->kvm, (int)i);
		if (!vcpu)
			return -ENOENT;
		/* without an in-kernel irqchip there is no in-kernel LAPIC */
		if (vm->irqchip != SCN_IRQCHIP_NONE) {
			r = interp_lapic_reset(vcpu, (int)i);
			if (r < 0)
				return (int)r;
		}
	}
	return 0;
}

static bool sim_has_vm(struct interp *in)
{
	return in->kvm != NULL;
}

static bool sim_has_vcpu(struct interp *in, uint32_t idx)
{
	return vcpu_of(in, idx) != NULL;
}

static void sim_settle_op(struct interp *in)
{
	sim_settle(in->sim);
}

/*
 * What a VMM's exit does: the VM file is released (irqfds deactivated and
 * their shutdown flushed, then everything freed), then the eventfds the
 * host still holds are closed.
 */
static void sim_teardown(struct interp *in)
{
	sim_settle(in->sim);
	if (in->kvm) {
		irqsim_destroy_vm(in->kvm);
		in->kvm = NULL;
	}
	for (uint32_t i = 0; i < in->prog->n_eventfds; i++) {
		int fd = interp_efd_get(in, i);

		if (fd >= 0) {
			interp_fd_close(in->sim, fd);
			interp_efd_set(in, i, -1);
		}
	}
	sim_settle(in->sim);
}

static void sim_snapshot_stats(struct interp *in)
{
	struct irqsim_scenario_result *r = in->res;
	const char *const *names = irqsim_stat_names();
	unsigned int n = 0;

	free(r->stats);
	r->stats = NULL;
	r->n_stats = 0;
	if (!names || !in->kvm)
		return;
	while (names[n])
		n++;
	r->stats = calloc(n ? n : 1, sizeof(*r->stats));
	if (!r->stats)
		return;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t v = 0;

		if (irqsim_stat(in->kvm, names[i], &v) < 0)
			continue;
		r->stats[r->n_stats].name = names[i];
		r->stats[r->n_stats].value = v;
		r->n_stats++;
	}
}

static long sim_vm_ioctl(struct interp *in, unsigned int cmd, void *arg)
{
	if (!in->kvm)
		return -ENXIO;
	return irqsim_vm_ioctl(in->kvm, cmd, (unsigned long)arg);
}

static long sim_vcpu_ioctl(struct interp *in, uint32_t idx, unsigned int cmd, void *arg)
{
	struct kvm_vcpu *v = vcpu_of(in, idx);

	if (!v)
		return -EINVAL;
	return irqsim_vcpu_ioctl(v, cmd, (unsigned long)arg);
}

static int sim_efd_create(struct interp *in, uint64_t count)
{
	return interp_fd_eventfd(in->sim, count);
}

static int sim_efd_write(struct interp *in, int fd, uint64_t value)
{
	return interp_fd_write(in->sim, fd, value);
}

static int sim_efd_read(struct interp *in, int fd, uint64_t *value)
{
	return interp_fd_read(in->sim, fd, value);
}

static int sim_efd_peek(struct interp *in, int fd, uint64_t *count)
{
	return interp_fd_peek(in->sim, fd, count);
}

static int sim_efd_close(struct interp *in, int fd)
{
	return interp_fd_close(in->sim, fd);
}

static int sim_pio_write(struct interp *in, uint32_t vcpu, uint16_t port, int len, uint64_t value)
{
	return irqsim_guest_pio_write(vcpu_of(in, vcpu), port, len, value);
}

static int sim_mmio_write(struct interp *in, uint32_t vcpu, uint64_t addr, int len, uint64_t value)
{
	return irqsim_guest_mmio_write(vcpu_of(in, vcpu), addr, len, value);
}

static int sim_lapic_write(struct interp *in, uint32_t vcpu, uint32_t reg, uint32_t value)
{
	return irqsim_guest_lapic_write(vcpu_of(in, vcpu), reg, value);
}

static int sim_rdmsr(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t *value)
{
	return irqsim_guest_rdmsr(vcpu_of(in, vcpu), msr, value);
}

static int sim_wrmsr(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t value)
{
	return irqsim_guest_wrmsr(vcpu_of(in, vcpu), msr, value);
}

static int sim_ack(struct interp *in, uint32_t vcpu)
{
	int vec = irqsim_guest_ack(vcpu_of(in, vcpu));

	return vec < 0 ? -1 : vec;
}

static int sim_eoi(struct interp *in, uint32_t vcpu)
{
	irqsim_guest_eoi(vcpu_of(in, vcpu));
	return 0;
}

static int sim_exits(struct interp *in, uint64_t *mmio, uint64_t *pio)
{
	struct irqsim_exit *ex = NULL;
	unsigned int n, got;

	*mmio = *pio = 0;
	if (!in->kvm)
		return -ENXIO;
	n = irqsim_exits(in->kvm, NULL, 0);
	if (n) {
		ex = calloc(n, sizeof(*ex));
		if (!ex)
			return -ENOMEM;
		got = irqsim_exits(in->kvm, ex, n);
		if (got < n)
			n = got;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (ex[i].pio)
			(*pio)++;
		else
			(*mmio)++;
	}
	free(ex);
	return 0;
}

static int sim_stat(struct interp *in, const char *name, uint64_t *value)
{
	if (!in->kvm)
		return -ENXIO;
	return irqsim_stat(in->kvm, name, value);
}

const struct interp_ops interp_sim_ops = {
	.name = "sim",
	.poll_ms = 0,
	.simulated = true,
	.vm_create = sim_vm_create,
	.has_vm = sim_has_vm,
	.has_vcpu = sim_has_vcpu,
	.teardown = sim_teardown,
	.settle = sim_settle_op,
	.vm_ioctl = sim_vm_ioctl,
	.vcpu_ioctl = sim_vcpu_ioctl,
	.efd_create = sim_efd_create,
	.efd_write = sim_efd_write,
	.efd_read = sim_efd_read,
	.efd_peek = sim_efd_peek,
	.efd_close = sim_efd_close,
	.pio_write = sim_pio_write,
	.mmio_write = sim_mmio_write,
	.lapic_write = sim_lapic_write,
	.rdmsr = sim_rdmsr,
	.wrmsr = sim_wrmsr,
	.ack = sim_ack,
	.eoi = sim_eoi,
	.exits = sim_exits,
	.stat = sim_stat,
	.snapshot_stats = sim_snapshot_stats,
};
