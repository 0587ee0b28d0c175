// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM and its vCPUs, after virt/kvm/kvm_main.c: creation and the
 * teardown order of kvm_destroy_vm, vCPU creation (kvm->lock, then
 * vcpu->mutex while it goes online), and the generic VM and vCPU ioctl
 * dispatch with the kernel's order of checks. The io bus is in iobus.c,
 * the arch (x86) halves in x86.c.
 *
 * There is no user memory: an ioctl argument is a pointer in the caller's
 * address space and "copy_from_user" fails (-EFAULT) only on NULL.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/srcu.h>
#include <kshim/mutex.h>
#include <kshim/err.h>

#include "kvm_host.h"
#include "iodev.h"
#include "irq.h"
#include "x86.h"

/*
 * model-only: the copy under copy_from_user/copy_to_user. The small uapi structs are
 * made of 32-bit fields that the caller stores one at a time, and the
 * result fields are read back one at a time: copied in 32-bit words, every
 * load is served by the store that wrote that field. (A wider load over
 * two narrower stores cannot be forwarded from the store buffer and waits
 * for them to retire, a large share of a fast ioctl here.)
 */
static void copy_arg(void *to, const void *from, unsigned long n)
{
	if (n > 64 || n % 4 || ((uintptr_t)to | (uintptr_t)from) % 4) {
		memcpy(to, from, n);
		return;
	}
	for (unsigned long i = 0; i < n / 4; i++)
		((volatile u32 *)to)[i] = ((const volatile u32 *)from)[i];
}

/* copy_from_user(): bytes not copied (all of them for a NULL pointer) */
static unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!from)
		return n;
	copy_arg(to, from, n);
	return 0;
}

/* copy_to_user() */
static unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!to)
		return n;
	copy_arg(to, from, n);
	return 0;
}

/* vmemdup_array_user() */
static void *vmemdup_array_user(const void __user *src, size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(n, size, &bytes))
		return ERR_PTR(-EOVERFLOW);
	if (!src)
		return ERR_PTR(-EFAULT);
	p = kmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p, src, bytes);
	return p;
}

/* kvm_get_vcpu_by_id() */
struct kvm_vcpu *kvm_get_vcpu_by_id(struct kvm *kvm, int id)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	if (id < 0)
		return NULL;
	vcpu = kvm_get_vcpu(kvm, id);
	if (vcpu && vcpu->vcpu_id == id)
		return vcpu;
	kvm_for_each_vcpu(i, vcpu, kvm)
		if (vcpu->vcpu_id == id)
			return vcpu;
	return NULL;
}

/* kvm_create_vm(): the VM, or an ERR_PTR */
struct kvm *kvm_create_vm(struct sim *sim, unsigned long type)
{
	struct kvm *kvm;
	int r, i;

	kvm = kzalloc(sizeof(*kvm), GFP_KERNEL_ACCOUNT);
	if (!kvm)
		return ERR_PTR(-ENOMEM);

	kvm->sim = sim;
	kvm_eventfd_init(kvm);
	mutex_init(&kvm->lock);
	mutex_init(&kvm->irq_lock);
	mutex_init(&kvm->slots_lock);
	mutex_init(&kvm->exits.lock);
	INIT_HLIST_HEAD(&kvm->irq_ack_notifier_list);
	kvm->max_vcpus = KVM_MAX_VCPUS;

	r = -ENOMEM;
	if (init_srcu_struct(&kvm->srcu))
		goto out_err_no_srcu;
	if (init_srcu_struct(&kvm->irq_srcu))
		goto out_err_no_irq_srcu;

	r = kvm_init_irq_routing(kvm);
	if (r)
		goto out_err_no_irq_routing;

	r = -ENOMEM;
	for (i = 0; i < KVM_NR_BUSES; i++) {
		rcu_assign_pointer(kvm->buses[i],
				   kzalloc(sizeof(struct kvm_io_bus), GFP_KERNEL_ACCOUNT));
		if (!kvm->buses[i])
			goto out_err_no_arch_destroy_vm;
	}

	r = kvm_arch_init_vm(kvm, type);
	if (r)
		goto out_err_no_arch_destroy_vm;

	return kvm;

out_err_no_arch_destroy_vm:
	for (i = 0; i < KVM_NR_BUSES; i++)
		kfree(rcu_access_pointer(kvm->buses[i]));
	kvm_free_irq_routing(kvm);
out_err_no_irq_routing:
	cleanup_srcu_struct(&kvm->irq_srcu);
out_err_no_irq_srcu:
	cleanup_srcu_struct(&kvm->srcu);
out_err_no_srcu:
	/*
	 * kvm_eventfd_init() took a reference on the per-simulation irqfd
	 * cleanup queue (module state in the kernel); kvm_irqfd_release()
	 * drops it for a VM that lived, this drops it for one that did not.
	 */
	kvm_irqfd_exit();
	kfree(kvm);
	return ERR_PTR(r);
}

/*
 * kvm_destroy_vm(): routing, then the buses (device destructors run:
 * ioeventfds free themselves), then arch state (vCPUs, PIC, IOAPIC, the
 * APIC map), then the SRCU domains. kvm_vm_release has already released
 * the irqfds and flushed their shutdown.
 */
void kvm_destroy_vm(struct kvm *kvm)
{
	int i;

	kvm_free_irq_routing(kvm);
	for (i = 0; i < KVM_NR_BUSES; i++) {
		struct kvm_io_bus *bus = rcu_dereference_protected(kvm->buses[i], 1);

		if (bus)
			kvm_io_bus_destroy(bus);
		RCU_INIT_POINTER(kvm->buses[i], NULL);
	}
	kvm_arch_destroy_vm(kvm);
	cleanup_srcu_struct(&kvm->irq_srcu);
	/* Replaced bus arrays are freed by call_srcu(&kvm->srcu). */
	srcu_barrier(&kvm->srcu);
	cleanup_srcu_struct(&kvm->srcu);
	kfree(kvm->exits.recs);
	kfree(kvm);
}

/* kvm_vm_release(): the VM file is closed (no vCPU file keeps it alive here) */
int kvm_vm_release(struct kvm *kvm)
{
	kvm_irqfd_release(kvm);
	kvm_destroy_vm(kvm);
	return 0;
}

/* kvm_vcpu_destroy() */
static void kvm_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	kvm_arch_vcpu_destroy(vcpu);
	kfree(vcpu);
}

/* kvm_destroy_vcpus() */
void kvm_destroy_vcpus(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		kvm_vcpu_destroy(vcpu);
		WRITE_ONCE(kvm->vcpus[i], NULL);
	}
	atomic_set(&kvm->online_vcpus, 0);
}

/*
 * kvm_vm_ioctl_create_vcpu(): returns the vCPU's index (the kernel returns
 * a vCPU fd). The vCPU is built outside kvm->lock and published under it;
 * vcpu->mutex is held while it goes online so nobody uses it half-made.
 */
static int kvm_vm_ioctl_create_vcpu(struct kvm *kvm, unsigned long id)
{
	struct kvm_vcpu *vcpu;
	int r;

	if (id >= KVM_MAX_VCPU_IDS)
		return -EINVAL;

	mutex_lock(&kvm->lock);
	if (kvm->created_vcpus >= kvm->max_vcpus) {
		mutex_unlock(&kvm->lock);
		return -EINVAL;
	}
	kvm->created_vcpus++;
	mutex_unlock(&kvm->lock);

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu) {
		r = -ENOMEM;
		goto vcpu_decrement;
	}

	/* kvm_vcpu_init() */
	mutex_init(&vcpu->mutex);
	vcpu->kvm = kvm;
	vcpu->vcpu_id = id;

	r = kvm_arch_vcpu_create(vcpu);
	if (r)
		goto vcpu_free;

	mutex_lock(&kvm->lock);
	if (kvm_get_vcpu_by_id(kvm, id)) {
		r = -EEXIST;
		goto unlock_vcpu_destroy;
	}

	vcpu->vcpu_idx = atomic_read(&kvm->online_vcpus);
	WRITE_ONCE(kvm->vcpus[vcpu->vcpu_idx], vcpu);

	mutex_lock(&vcpu->mutex);
	r = vcpu->vcpu_idx;
	smp_wmb();	/* the vCPU before the count that makes it visible */
	atomic_inc(&kvm->online_vcpus);
	mutex_unlock(&vcpu->mutex);
	mutex_unlock(&kvm->lock);
	return r;

unlock_vcpu_destroy:
	mutex_unlock(&kvm->lock);
	kvm_arch_vcpu_destroy(vcpu);
vcpu_free:
	kfree(vcpu);
vcpu_decrement:
	mutex_lock(&kvm->lock);
	kvm->created_vcpus--;
	mutex_unlock(&kvm->lock);
	return r;
}

/* kvm_vm_ioctl_check_extension_generic(), then the arch */
static long kvm_vm_ioctl_check_extension_generic(struct kvm *kvm, long arg)
{
	switch (arg) {
	case KVM_CAP_SIGNAL_MSI:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_ENABLE_CAP_VM:
		return 1;
	case KVM_CAP_IRQ_ROUTING:
		return KVM_MAX_IRQ_ROUTES;
	default:
		break;
	}
	return kvm_vm_ioctl_check_extension(kvm, arg);
}

/* kvm_vm_ioctl_enable_cap_generic(): no generic capability is modelled */
static int kvm_vm_ioctl_enable_cap_generic(struct kvm *kvm, struct kvm_enable_cap *cap)
{
	return kvm_vm_ioctl_enable_cap(kvm, cap);
}

/* kvm_vm_ioctl(): the generic VM ioctls, then kvm_arch_vm_ioctl() */
long kvm_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	long r;

	if (READ_ONCE(kvm->vm_dead))
		return -EIO;	/* also: caller's mm differs from the VM's (no mm here) */

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		r = kvm_vm_ioctl_create_vcpu(kvm, arg);
		break;
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap cap;

		r = -EFAULT;
		if (copy_from_user(&cap, argp, sizeof(cap)))
			goto out;
		r = kvm_vm_ioctl_enable_cap_generic(kvm, &cap);
		break;
	}
	case KVM_IRQFD: {
		struct kvm_irqfd data;

		r = -EFAULT;
		if (copy_from_user(&data, argp, sizeof(data)))
			goto out;
		r = kvm_irqfd(kvm, &data);
		break;
	}
	case KVM_IOEVENTFD: {
		struct kvm_ioeventfd data;

		r = -EFAULT;
		if (copy_from_user(&data, argp, sizeof(data)))
			goto out;
		r = kvm_ioeventfd(kvm, &data);
		break;
	}
	case KVM_SIGNAL_MSI: {
		struct kvm_msi msi;

		r = -EFAULT;
		if (copy_from_user(&msi, argp, sizeof(msi)))
			goto out;
		r = kvm_send_userspace_msi(kvm, &msi);
		break;
	}
	case KVM_IRQ_LINE_STATUS:
	case KVM_IRQ_LINE: {
		struct kvm_irq_level irq_event;

		r = -EFAULT;
		if (copy_from_user(&irq_event, argp, sizeof(irq_event)))
			goto out;

		r = kvm_vm_ioctl_irq_line(kvm, &irq_event, ioctl == KVM_IRQ_LINE_STATUS);
		if (r)
			goto out;

		r = -EFAULT;
		if (ioctl == KVM_IRQ_LINE_STATUS) {
			if (copy_to_user(argp, &irq_event, sizeof(irq_event)))
				goto out;
		}
		r = 0;
		break;
	}
	case KVM_SET_GSI_ROUTING: {
		struct kvm_irq_routing routing;
		struct kvm_irq_routing __user *urouting;
		struct kvm_irq_routing_entry *entries = NULL;

		r = -EFAULT;
		if (copy_from_user(&routing, argp, sizeof(routing)))
			goto out;
		r = -EINVAL;
		if (!kvm_arch_can_set_irq_routing(kvm))
			goto out;
		if (routing.nr > KVM_MAX_IRQ_ROUTES)
			goto out;
		if (routing.flags)
			goto out;
		if (routing.nr) {
			urouting = argp;
			entries = vmemdup_array_user(urouting->entries, routing.nr,
						     sizeof(*entries));
			if (IS_ERR(entries)) {
				r = PTR_ERR(entries);
				goto out;
			}
		}
		r = kvm_set_irq_routing(kvm, entries, routing.nr, routing.flags);
		kvfree(entries);
		break;
	}
	case KVM_CHECK_EXTENSION:
		r = kvm_vm_ioctl_check_extension_generic(kvm, arg);
		break;
	default:
		r = kvm_arch_vm_ioctl(kvm, ioctl, arg);
	}
out:
	return r;
}

/* kvm_vcpu_ioctl(): every vCPU ioctl runs under vcpu->mutex */
long kvm_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg)
{
	long r;

	if (READ_ONCE(vcpu->kvm->vm_dead))
		return -EIO;
	if (unlikely(_IOC_TYPE(ioctl) != KVMIO))
		return -EINVAL;

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	r = kvm_arch_vcpu_ioctl(vcpu, ioctl, arg);
	mutex_unlock(&vcpu->mutex);
	return r;
}
