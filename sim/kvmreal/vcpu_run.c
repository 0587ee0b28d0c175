/*
 * Driving a vCPU: KVM_RUN until the guest program comes back to its
 * "done" IN. Every write that exits on the way is handled by userspace the
 * way a VMM with no device there would (ignored) and the guest resumed.
 */
#include <string.h>
#include "kvmreal_internal.h"

static int handle_io(struct kvmreal_vm *vm, struct kvmreal_vcpu *v, int *exited, bool *done)
{
	struct kvm_run *run = v->run;

	if (run->io.direction == KVM_EXIT_IO_OUT) {
		atomic_fetch_add(&vm->pio_exits, run->io.count);
		*exited += (int)run->io.count;
		return 0;
	}
	if (run->io.port == GUEST_DONE_PORT) {
		*done = true;
		return 0;
	}
	if (run->io.port == GUEST_EXC_PORT) {
		v->dead = true;
		return kvmreal_fail(vm, -EFAULT, "the guest program took an exception");
	}
	return kvmreal_fail(vm, -EIO, "unexpected guest IN");
}

int kvmreal_vcpu_command(struct kvmreal_vm *vm, struct kvmreal_vcpu *v, int *exited)
{
	struct kvm_run *run = v->run;
	bool done = false;
	int ret = 0;

	*exited = 0;
	if (v->dead)
		return kvmreal_fail(vm, -EIO, "this vCPU's guest program died earlier");
	while (!done) {
		ret = ioctl(v->fd, KVM_RUN, 0);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return kvmreal_fail(vm, -errno, "KVM_RUN failed");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			ret = handle_io(vm, v, exited, &done);
			if (ret < 0)
				return ret;
			break;
		case KVM_EXIT_MMIO:
			if (run->mmio.is_write) {
				atomic_fetch_add(&vm->mmio_exits, 1);
				(*exited)++;
			} else {
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			}
			break;
		case KVM_EXIT_IOAPIC_EOI:
			/* Split irqchip: the userspace IOAPIC (none here) would be told. */
			atomic_fetch_add(&vm->eoi_exits, 1);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_HLT:
			return kvmreal_fail(vm, -EIO, "the guest halted with no in-kernel LAPIC");
		case KVM_EXIT_INTERNAL_ERROR:
			v->dead = true;
			return kvmreal_fail(vm, -EIO, "KVM internal error (emulation failure?) in the guest");
		case KVM_EXIT_SHUTDOWN:
			v->dead = true;
			return kvmreal_fail(vm, -EIO, "guest triple fault (KVM_EXIT_SHUTDOWN)");
		default:
			v->dead = true;
			return kvmreal_fail(vm, -EIO, "unexpected KVM exit reason");
		}
	}
	return 0;
}

int kvmreal_vcpu_start(struct kvmreal_vm *vm, struct kvmreal_vcpu *v)
{
	int exited;

	U32_AT(v->block, CMD_OP) = GOP_NOP;
	return kvmreal_vcpu_command(vm, v, &exited);
}
