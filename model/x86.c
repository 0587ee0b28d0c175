// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 halves of VM and vCPU life, after arch/x86/kvm/x86.c:
 * KVM_CREATE_IRQCHIP, KVM_ENABLE_CAP (split irqchip, x2APIC API),
 * KVM_CHECK_EXTENSION, KVM_GET/SET_IRQCHIP, KVM_GET/SET_LAPIC, the
 * KVM_REQ_SCAN_IOAPIC handling of vcpu_enter_guest, and the guest's MMIO
 * and PIO paths (LAPIC first, then the io bus, else an exit to userspace).
 *
 * Split irqchip is minimal: the mode, the reserved-pin count, MSI-only
 * routing and the EOI-exit bitmap from kvm_scan_ioapic_routes are
 * modelled; the userspace IOAPIC's KVM_EXIT_IOAPIC_EOI and KVM_INTERRUPT
 * (ExtINT from a userspace PIC) are not.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/slab.h>
#include <kshim/mutex.h>

#include "kvm_host.h"
#include "x86.h"
#include "irq.h"
#include "lapic.h"
#include "ioapic.h"
#include "i8259.h"
#include "iodev.h"

#define KVM_X2APIC_API_VALID_FLAGS \
	(KVM_X2APIC_API_USE_32BIT_IDS | KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK)

/* copy_to_user(): no user memory, NULL is the only fault */
static unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!to)
		return n;
	memcpy(to, from, n);
	return 0;
}

/* memdup_user() */
static void *memdup_user(const void __user *src, size_t len)
{
	void *p;

	if (!src)
		return ERR_PTR(-EFAULT);
	p = kmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p, src, len);
	return p;
}

/* ---- VM and vCPU life ------------------------------------------------ */

/* kvm_arch_init_vm(): only KVM_X86_DEFAULT_VM (type 0) */
int kvm_arch_init_vm(struct kvm *kvm, unsigned long type)
{
	if (type != 0)
		return -EINVAL;
	mutex_init(&kvm->arch.apic_map_lock);
	return 0;
}

/* kvm_arch_destroy_vm(): vCPUs, then PIC and IOAPIC (6.18 order), then the map */
void kvm_arch_destroy_vm(struct kvm *kvm)
{
	kvm_destroy_vcpus(kvm);
	kvm_pic_destroy(kvm);
	kvm_ioapic_destroy(kvm);
	kvm_free_apic_map(kvm);
}

/* kvm_arch_vcpu_create(): the LAPIC (if in kernel), then RESET */
int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu)
{
	int r;

	if (irqchip_in_kernel(vcpu->kvm)) {
		r = kvm_create_lapic(vcpu);
		if (r < 0)
			return r;
	}
	vcpu->arch.highest_stale_pending_ioapic_eoi = -1;
	vcpu->arch.pending_ioapic_eoi = -1;

	/* kvm_vcpu_reset(vcpu, false) */
	kvm_lapic_reset(vcpu, false);
	return 0;
}

/* kvm_arch_vcpu_destroy() */
void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	kvm_free_lapic(vcpu);
}

/* ---- requests -------------------------------------------------------- */

/* kvm_make_scan_ioapic_request(): every vCPU recomputes its EOI-exit bitmap */
void kvm_make_scan_ioapic_request(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		kvm_make_request(KVM_REQ_SCAN_IOAPIC, vcpu);
		kvm_vcpu_kick(vcpu);
	}
}

/* kvm_make_scan_ioapic_request_mask(): only the vCPUs (by index) in the bitmap */
void kvm_make_scan_ioapic_request_mask(struct kvm *kvm, unsigned long *vcpu_bitmap)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (!test_bit(i, vcpu_bitmap))
			continue;
		kvm_make_request(KVM_REQ_SCAN_IOAPIC, vcpu);
		kvm_vcpu_kick(vcpu);
	}
}

/* vcpu_scan_ioapic(): which vectors' EOIs the IOAPIC must see */
static void vcpu_scan_ioapic(struct kvm_vcpu *vcpu)
{
	if (!kvm_apic_present(vcpu))
		return;

	bitmap_zero(vcpu->arch.ioapic_handled_vectors, 256);
	vcpu->arch.highest_stale_pending_ioapic_eoi = -1;

	if (irqchip_split(vcpu->kvm))
		kvm_scan_ioapic_routes(vcpu, vcpu->arch.ioapic_handled_vectors);
	else if (ioapic_in_kernel(vcpu->kvm))
		kvm_ioapic_scan_entry(vcpu, vcpu->arch.ioapic_handled_vectors);
	kvm_stat_inc(vcpu->kvm, scan_ioapic);
}

/*
 * The request handling at the top of vcpu_enter_guest(): a guest-side
 * operation is the vCPU running, so pending requests are served first.
 */
void kvm_vcpu_enter_guest(struct kvm_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);

	if (kvm_check_request(KVM_REQ_SCAN_IOAPIC, vcpu))
		vcpu_scan_ioapic(vcpu);
	/* No APICv: there is no EOI-exit bitmap to load into hardware. */
	kvm_check_request(KVM_REQ_LOAD_EOI_EXITMAP, vcpu);
	/* Split irqchip: KVM_EXIT_IOAPIC_EOI is not modelled (see the header). */
	kvm_check_request(KVM_REQ_IOAPIC_EOI_EXIT, vcpu);
	kvm_check_request(KVM_REQ_EVENT, vcpu);
}

/* ---- guest MMIO / PIO ------------------------------------------------ */

/* model-only: record one exit to userspace (KVM_EXIT_MMIO / KVM_EXIT_IO) for irqsim_exits(). */
static void kvm_record_exit(struct kvm_vcpu *vcpu, bool pio, u64 addr, int len, u64 data)
{
	struct kvm_exit_log *log = &vcpu->kvm->exits;
	struct irqsim_exit_rec *recs;

	if (pio)
		kvm_stat_inc(vcpu->kvm, exits_pio);
	else
		kvm_stat_inc(vcpu->kvm, exits_mmio);

	mutex_lock(&log->lock);
	if (log->nr == log->cap) {
		unsigned int cap = log->cap ? log->cap * 2 : 16;

		recs = kmalloc_array(cap, sizeof(*recs), GFP_KERNEL);
		if (!recs)
			goto out;	/* counted, not recorded */
		if (log->nr)
			memcpy(recs, log->recs, log->nr * sizeof(*recs));
		kfree(log->recs);
		log->recs = recs;
		log->cap = cap;
	}
	log->recs[log->nr++] = (struct irqsim_exit_rec) {
		.pio = pio, .addr = addr, .len = len, .data = data, .vcpu = vcpu->vcpu_idx,
	};
out:
	mutex_unlock(&log->lock);
	sim_trace_instant("exit", pio ? "KVM_EXIT_IO" : "KVM_EXIT_MMIO",
			  "vcpu=%d addr=%#llx len=%d", vcpu->vcpu_idx,
			  (unsigned long long)addr, len);
}

/* vcpu_mmio_write(): the vCPU's own LAPIC first, then the MMIO bus, in <= 8-byte pieces */
static int vcpu_mmio_write(struct kvm_vcpu *vcpu, gpa_t addr, int len, const void *v)
{
	int handled = 0;
	int n;

	do {
		n = min(len, 8);
		if (!(lapic_in_kernel(vcpu) &&
		      !kvm_iodevice_write(vcpu, &vcpu->arch.apic->dev, addr, n, v)) &&
		    kvm_io_bus_write(vcpu, KVM_MMIO_BUS, addr, n, v))
			break;
		handled += n;
		addr += n;
		len -= n;
		v = (const char *)v + n;
	} while (len);

	return handled;
}

/* vcpu_mmio_read() */
static int vcpu_mmio_read(struct kvm_vcpu *vcpu, gpa_t addr, int len, void *v)
{
	int handled = 0;
	int n;

	do {
		n = min(len, 8);
		if (!(lapic_in_kernel(vcpu) &&
		      !kvm_iodevice_read(vcpu, &vcpu->arch.apic->dev, addr, n, v)) &&
		    kvm_io_bus_read(vcpu, KVM_MMIO_BUS, addr, n, v))
			break;
		handled += n;
		addr += n;
		len -= n;
		v = (char *)v + n;
	} while (len);

	return handled;
}

/* emulator_write_emulated(): a decoded guest MMIO write */
int kvm_vcpu_mmio_write(struct kvm_vcpu *vcpu, gpa_t addr, int len, const void *val)
{
	u64 data = 0;
	int handled;

	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -EINVAL;

	handled = vcpu_mmio_write(vcpu, addr, len, val);
	if (handled == len)
		return 0;

	/* The unhandled remainder becomes an MMIO fragment for userspace. */
	memcpy(&data, (const char *)val + handled, len - handled);
	kvm_record_exit(vcpu, false, addr + handled, len - handled, data);
	return 1;
}

/* emulator_read_emulated(): a decoded guest MMIO read (exits are not recorded) */
int kvm_vcpu_mmio_read(struct kvm_vcpu *vcpu, gpa_t addr, int len, void *val)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -EINVAL;
	return vcpu_mmio_read(vcpu, addr, len, val) == len ? 0 : 1;
}

/* kernel_pio(): OUT to the PIO bus, else KVM_EXIT_IO */
int kvm_vcpu_pio_write(struct kvm_vcpu *vcpu, u16 port, int len, const void *val)
{
	u64 data = 0;

	if (len != 1 && len != 2 && len != 4)
		return -EINVAL;	/* x86 has no 8-byte OUT */

	if (!kvm_io_bus_write(vcpu, KVM_PIO_BUS, port, len, val))
		return 0;

	memcpy(&data, val, len);
	kvm_record_exit(vcpu, true, port, len, data);
	return 1;
}

/* ---- VM ioctls --------------------------------------------------------- */

/* kvm_vm_ioctl_check_extension(): the x86 capabilities that are modelled */
long kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext)
{
	switch (ext) {
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_NO_LENGTH:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_SPLIT_IRQCHIP:
		return 1;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
		return KVM_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return KVM_MAX_VCPU_IDS;
	case KVM_CAP_X2APIC_API:
		return KVM_X2APIC_API_VALID_FLAGS;
	default:
		return 0;
	}
}

/* kvm_vm_ioctl_enable_cap() */
int kvm_vm_ioctl_enable_cap(struct kvm *kvm, struct kvm_enable_cap *cap)
{
	int r;

	if (cap->flags)
		return -EINVAL;

	switch (cap->cap) {
	case KVM_CAP_SPLIT_IRQCHIP:
		mutex_lock(&kvm->lock);
		r = -EINVAL;
		if (cap->args[0] > MAX_NR_RESERVED_IOAPIC_PINS)
			goto split_irqchip_unlock;
		r = -EEXIST;
		if (irqchip_in_kernel(kvm))
			goto split_irqchip_unlock;
		if (kvm->created_vcpus)
			goto split_irqchip_unlock;
		/* Pairs with irqchip_in_kernel(): the routing is set up before the mode. */
		smp_wmb();
		WRITE_ONCE(kvm->arch.irqchip_mode, KVM_IRQCHIP_SPLIT);
		kvm->arch.nr_reserved_ioapic_pins = cap->args[0];
		r = 0;
split_irqchip_unlock:
		mutex_unlock(&kvm->lock);
		return r;
	case KVM_CAP_X2APIC_API:
		if (cap->args[0] & ~KVM_X2APIC_API_VALID_FLAGS)
			return -EINVAL;
		if (cap->args[0] & KVM_X2APIC_API_USE_32BIT_IDS)
			kvm->arch.x2apic_format = true;
		if (cap->args[0] & KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK)
			kvm->arch.x2apic_broadcast_quirk_disabled = true;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * kvm_arch_vm_ioctl()'s KVM_CREATE_IRQCHIP case: under kvm->lock; PIC (registers PIO devices under
 * slots_lock), IOAPIC, default routing (irq_lock), and only then the mode.
 */
static int kvm_vm_ioctl_create_irqchip(struct kvm *kvm)
{
	int r;

	mutex_lock(&kvm->lock);
	r = -EEXIST;
	if (irqchip_in_kernel(kvm))
		goto create_irqchip_unlock;

	r = -EINVAL;
	if (kvm->created_vcpus)
		goto create_irqchip_unlock;

	r = kvm_pic_init(kvm);
	if (r)
		goto create_irqchip_unlock;

	r = kvm_ioapic_init(kvm);
	if (r) {
		kvm_pic_destroy(kvm);
		goto create_irqchip_unlock;
	}

	r = kvm_setup_default_ioapic_and_pic_routing(kvm);
	if (r) {
		kvm_ioapic_destroy(kvm);
		kvm_pic_destroy(kvm);
		goto create_irqchip_unlock;
	}
	/* Write kvm->irq_routing before enabling irqchip_in_kernel. */
	smp_wmb();
	WRITE_ONCE(kvm->arch.irqchip_mode, KVM_IRQCHIP_KERNEL);
create_irqchip_unlock:
	mutex_unlock(&kvm->lock);
	return r;
}

/* kvm_arch_vm_ioctl() */
long kvm_arch_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct kvm_irqchip *chip;
	long r;

	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
		return kvm_vm_ioctl_create_irqchip(kvm);
	case KVM_GET_IRQCHIP:
		/* 0: PIC master, 1: PIC slave, 2: IOAPIC */
		chip = memdup_user(argp, sizeof(*chip));
		if (IS_ERR(chip))
			return PTR_ERR(chip);
		r = -ENXIO;
		if (!irqchip_full(kvm))
			goto get_irqchip_out;
		r = kvm_vm_ioctl_get_irqchip(kvm, chip);
		if (r)
			goto get_irqchip_out;
		r = -EFAULT;
		if (copy_to_user(argp, chip, sizeof(*chip)))
			goto get_irqchip_out;
		r = 0;
get_irqchip_out:
		kfree(chip);
		return r;
	case KVM_SET_IRQCHIP:
		chip = memdup_user(argp, sizeof(*chip));
		if (IS_ERR(chip))
			return PTR_ERR(chip);
		r = -ENXIO;
		if (!irqchip_full(kvm))
			goto set_irqchip_out;
		r = kvm_vm_ioctl_set_irqchip(kvm, chip);
set_irqchip_out:
		kfree(chip);
		return r;
	default:
		return -ENOTTY;
	}
}

/* ---- vCPU ioctls ----------------------------------------------------- */

/* kvm_arch_vcpu_ioctl(): caller holds vcpu->mutex */
long kvm_arch_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct kvm_lapic_state *lapic;
	long r;

	lockdep_assert_held(&vcpu->mutex);

	switch (ioctl) {
	case KVM_GET_LAPIC:
		if (!lapic_in_kernel(vcpu))
			return -EINVAL;
		lapic = kzalloc(sizeof(*lapic), GFP_KERNEL_ACCOUNT);
		if (!lapic)
			return -ENOMEM;
		r = kvm_apic_get_state(vcpu, lapic);	/* kvm_vcpu_ioctl_get_lapic() */
		if (!r && copy_to_user(argp, lapic, sizeof(*lapic)))
			r = -EFAULT;
		kfree(lapic);
		return r;
	case KVM_SET_LAPIC:
		if (!lapic_in_kernel(vcpu))
			return -EINVAL;
		lapic = memdup_user(argp, sizeof(*lapic));
		if (IS_ERR(lapic))
			return PTR_ERR(lapic);
		r = kvm_apic_set_state(vcpu, lapic);	/* kvm_vcpu_ioctl_set_lapic() */
		kfree(lapic);
		return r;
	default:
		return -EINVAL;
	}
}
