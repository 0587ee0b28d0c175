/* /dev/kvm, VM creation (irqchip, RAM, vCPUs in the guest program) and teardown. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvmreal_internal.h"

static int open_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int ver;

	if (fd < 0)
		return -errno;
	ver = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION) {
		close(fd);
		return ver < 0 ? -errno : -ENODEV;
	}
	return fd;
}

int kvmreal_available(void)
{
	int fd = open_kvm();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int create_irqchip(struct kvmreal_vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };

	switch (vm->irqchip) {
	case KVMREAL_IRQCHIP_KERNEL:
		return kvmreal_ioctl(vm->fd, KVM_CREATE_IRQCHIP, NULL);
	case KVMREAL_IRQCHIP_SPLIT:
		return kvmreal_ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
	case KVMREAL_IRQCHIP_NONE:
		return 0;
	}
	return -EINVAL;
}

static int create_ram(struct kvmreal_vm *vm)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = KVMREAL_RAM_GPA,
		.memory_size = KVMREAL_RAM_SIZE,
	};
	void *p = mmap(NULL, KVMREAL_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	vm->ram = p;
	kvmreal_guest_mem_init(vm->ram);
	r.userspace_addr = (uintptr_t)p;
	return kvmreal_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static int create_vcpu(struct kvmreal_vm *vm, int n)
{
	struct kvmreal_vcpu *v = &vm->vcpus[n];
	void *run;
	int ret;

	ret = kvmreal_ioctl(vm->fd, KVM_CREATE_VCPU, (void *)(uintptr_t)n);
	if (ret < 0)
		return ret;
	v->fd = ret;
	pthread_mutex_init(&v->lock, NULL);
	vm->nr_vcpus = n + 1;	/* from here destroy tears this vCPU down */
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	v->run = run;
	ret = kvmreal_vcpu_setup_regs(vm, n);
	if (ret < 0)
		return ret;
	if (vm->irqchip != KVMREAL_IRQCHIP_NONE) {
		ret = kvmreal_lapic_init(vm, n);
		if (ret < 0)
			return ret;
	}
	return kvmreal_vcpu_start(vm, v);
}

int kvmreal_vm_create(struct kvmreal_vm **out, int nvcpus, enum kvmreal_irqchip irqchip)
{
	struct kvmreal_vm *vm;
	int ret;

	if (!out || nvcpus < 0 || nvcpus > KVMREAL_MAX_VCPUS ||
	    irqchip > KVMREAL_IRQCHIP_NONE)
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->fd = -1;
	vm->irqchip = irqchip;
	atomic_init(&vm->reason, "no error");
	vm->kvm_fd = open_kvm();
	if (vm->kvm_fd < 0) {
		ret = vm->kvm_fd;
		free(vm);
		return ret;
	}
	ret = kvmreal_ioctl(vm->kvm_fd, KVM_CREATE_VM, NULL);
	if (ret < 0)
		goto error;
	vm->fd = ret;
	ret = kvmreal_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (ret < 0)
		goto error;
	vm->run_size = (size_t)ret;
	/* VMX wants a TSS region for real mode; harmless elsewhere, so best effort. */
	(void)ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	ret = create_irqchip(vm);
	if (ret < 0)
		goto error;
	ret = create_ram(vm);
	if (ret < 0)
		goto error;
	for (int n = 0; n < nvcpus; n++) {
		ret = create_vcpu(vm, n);
		if (ret < 0)
			goto error;
	}
	*out = vm;
	return 0;
error:
	kvmreal_vm_destroy(vm);
	return ret;
}

void kvmreal_vm_destroy(struct kvmreal_vm *vm)
{
	if (!vm)
		return;
	for (int n = 0; n < vm->nr_vcpus; n++) {
		struct kvmreal_vcpu *v = &vm->vcpus[n];

		if (v->run)
			munmap(v->run, vm->run_size);
		close(v->fd);
		pthread_mutex_destroy(&v->lock);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->ram)
		munmap(vm->ram, KVMREAL_RAM_SIZE);
	close(vm->kvm_fd);
	free(vm);
}

int kvmreal_vm_fd(const struct kvmreal_vm *vm)
{
	return vm->fd;
}

int kvmreal_vcpu_fd(const struct kvmreal_vm *vm, int n)
{
	if (n < 0 || n >= vm->nr_vcpus)
		return -EINVAL;
	return vm->vcpus[n].fd;
}

int kvmreal_nr_vcpus(const struct kvmreal_vm *vm)
{
	return vm->nr_vcpus;
}

enum kvmreal_irqchip kvmreal_irqchip_mode(const struct kvmreal_vm *vm)
{
	return vm->irqchip;
}

const char *kvmreal_reason(const struct kvmreal_vm *vm)
{
	return atomic_load(&((struct kvmreal_vm *)vm)->reason);
}

void kvmreal_exits(const struct kvmreal_vm *vm, struct kvmreal_exits *out)
{
	struct kvmreal_vm *w = (struct kvmreal_vm *)vm;

	out->pio = atomic_load(&w->pio_exits);
	out->mmio = atomic_load(&w->mmio_exits);
	out->ioapic_eoi = atomic_load(&w->eoi_exits);
}
