/* Host-side VM ioctls of the scenario language, with the kernel's errno. */
#include <stdlib.h>
#include <string.h>
#include "kvmreal_internal.h"

int kvmreal_set_routing(struct kvmreal_vm *vm, const struct kvmreal_route *r, unsigned int n)
{
	struct kvm_irq_routing *t;
	int ret;

	if (n && !r)
		return -EINVAL;
	t = calloc(1, sizeof(*t) + (size_t)n * sizeof(t->entries[0]));
	if (!t)
		return -ENOMEM;
	t->nr = n;
	for (unsigned int i = 0; i < n; i++) {
		struct kvm_irq_routing_entry *e = &t->entries[i];

		e->gsi = r[i].gsi;
		switch (r[i].type) {
		case KVMREAL_ROUTE_PIC_MASTER:
		case KVMREAL_ROUTE_PIC_SLAVE:
		case KVMREAL_ROUTE_IOAPIC:
			e->type = KVM_IRQ_ROUTING_IRQCHIP;
			e->u.irqchip.irqchip = r[i].type == KVMREAL_ROUTE_PIC_MASTER ? KVM_IRQCHIP_PIC_MASTER :
					       r[i].type == KVMREAL_ROUTE_PIC_SLAVE ? KVM_IRQCHIP_PIC_SLAVE :
					       KVM_IRQCHIP_IOAPIC;
			e->u.irqchip.pin = r[i].pin;
			break;
		case KVMREAL_ROUTE_MSI:
			e->type = KVM_IRQ_ROUTING_MSI;
			e->u.msi.address_lo = r[i].addr_lo;
			e->u.msi.address_hi = r[i].addr_hi;
			e->u.msi.data = r[i].data;
			break;
		default:
			free(t);
			return -EINVAL;
		}
	}
	ret = kvmreal_ioctl(vm->fd, KVM_SET_GSI_ROUTING, t);
	free(t);
	return ret < 0 ? ret : 0;
}

/* kvm_setup_default_irq_routing(): per GSI the IOAPIC entry, then the PIC one. */
int kvmreal_set_routing_default(struct kvmreal_vm *vm)
{
	struct kvmreal_route r[40];
	unsigned int n = 0;

	for (uint32_t gsi = 0; gsi < 24; gsi++) {
		r[n++] = (struct kvmreal_route){ .gsi = gsi, .type = KVMREAL_ROUTE_IOAPIC, .pin = gsi };
		if (gsi < 16)
			r[n++] = (struct kvmreal_route){
				.gsi = gsi,
				.type = gsi < 8 ? KVMREAL_ROUTE_PIC_MASTER : KVMREAL_ROUTE_PIC_SLAVE,
				.pin = gsi % 8,
			};
	}
	return kvmreal_set_routing(vm, r, n);
}

int kvmreal_irq_line(struct kvmreal_vm *vm, uint32_t gsi, int level, int *status)
{
	struct kvm_irq_level l = { .irq = gsi, .level = (uint32_t)level };
	int ret = kvmreal_ioctl(vm->fd, KVM_IRQ_LINE_STATUS, &l);

	if (ret < 0)
		return ret;
	if (status)
		*status = l.status;
	return 0;
}

int kvmreal_signal_msi(struct kvmreal_vm *vm, uint32_t addr_lo, uint32_t addr_hi, uint32_t data)
{
	struct kvm_msi m = { .address_lo = addr_lo, .address_hi = addr_hi, .data = data };

	/* The kernel's -1 ("no destination") reaches us as errno EPERM == 1. */
	return kvmreal_ioctl(vm->fd, KVM_SIGNAL_MSI, &m);
}

int kvmreal_irqfd_assign(struct kvmreal_vm *vm, int fd, uint32_t gsi, int resamplefd,
			 uint32_t extra_flags)
{
	struct kvm_irqfd f = { .fd = (uint32_t)fd, .gsi = gsi, .flags = extra_flags };

	if (resamplefd >= 0) {
		f.flags |= KVM_IRQFD_FLAG_RESAMPLE;
		f.resamplefd = (uint32_t)resamplefd;
	}
	return kvmreal_ioctl(vm->fd, KVM_IRQFD, &f);
}

int kvmreal_irqfd_deassign(struct kvmreal_vm *vm, int fd, uint32_t gsi, uint32_t extra_flags)
{
	struct kvm_irqfd f = {
		.fd = (uint32_t)fd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN | extra_flags,
	};

	return kvmreal_ioctl(vm->fd, KVM_IRQFD, &f);
}

static int ioeventfd(struct kvmreal_vm *vm, const struct kvmreal_ioeventfd *io, uint32_t flags)
{
	struct kvm_ioeventfd e;

	if (!io)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.datamatch = io->value;
	e.addr = io->addr;
	e.len = io->len;
	e.fd = io->fd;
	e.flags = flags | io->extra_flags;
	if (io->pio)
		e.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (io->datamatch)
		e.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	return kvmreal_ioctl(vm->fd, KVM_IOEVENTFD, &e);
}

int kvmreal_ioeventfd_assign(struct kvmreal_vm *vm, const struct kvmreal_ioeventfd *io)
{
	return ioeventfd(vm, io, 0);
}

int kvmreal_ioeventfd_deassign(struct kvmreal_vm *vm, const struct kvmreal_ioeventfd *io)
{
	return ioeventfd(vm, io, KVM_IOEVENTFD_FLAG_DEASSIGN);
}

int kvmreal_ioapic_pin_get(struct kvmreal_vm *vm, unsigned int pin, struct kvmreal_ioapic_pin *out)
{
	struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };
	int ret;

	if (!out || pin >= KVM_IOAPIC_NUM_PINS)
		return -EINVAL;
	ret = kvmreal_ioctl(vm->fd, KVM_GET_IRQCHIP, &c);
	if (ret < 0)
		return ret;
	out->entry = c.chip.ioapic.redirtbl[pin].bits;
	out->irr = (c.chip.ioapic.irr >> pin) & 1;
	out->remote_irr = (out->entry >> 14) & 1;
	return 0;
}

int kvmreal_pic_get(struct kvmreal_vm *vm, int chip, struct kvm_pic_state *out)
{
	struct kvm_irqchip c = { .chip_id = (uint32_t)chip };
	int ret;

	if (!out)
		return -EINVAL;
	/* chip_id is passed through: the kernel answers EINVAL for a bad one. */
	ret = kvmreal_ioctl(vm->fd, KVM_GET_IRQCHIP, &c);
	if (ret < 0)
		return ret;
	*out = c.chip.pic;
	return 0;
}
