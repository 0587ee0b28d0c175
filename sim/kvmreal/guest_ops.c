/*
 * Guest-side operations: each one is a command to the guest program of a
 * vCPU, performed by real guest instructions (OUT, MOV to memory).
 */
#include <string.h>
#include "kvmreal_internal.h"

#define LAPIC_BASE	0xfee00000ULL
#define IOAPIC_BASE	0xfec00000ULL
#define IOAPIC_NR_PINS	24

struct guest_cmd {
	uint32_t op, width;
	uint64_t addr, value, count;
};

/* Run one command on vCPU n; *exited = how many of its writes exited. */
static int guest_run(struct kvmreal_vm *vm, int n, const struct guest_cmd *c, int *exited)
{
	struct kvmreal_vcpu *v = kvmreal_vcpu(vm, n);
	int ret;

	if (!v)
		return kvmreal_fail(vm, -EINVAL, "no such vCPU");
	pthread_mutex_lock(&v->lock);
	U32_AT(v->block, CMD_OP) = c->op;
	U32_AT(v->block, CMD_WIDTH) = c->width;
	U64_AT(v->block, CMD_ADDR) = c->addr;
	U64_AT(v->block, CMD_VALUE) = c->value;
	U64_AT(v->block, CMD_COUNT) = c->count;
	ret = kvmreal_vcpu_command(vm, v, exited);
	pthread_mutex_unlock(&v->lock);
	return ret;
}

static int check_pio(struct kvmreal_vm *vm, int len)
{
	if (len == 8)
		return kvmreal_fail(vm, -EOPNOTSUPP, "x86 has no 8-byte port I/O instruction");
	if (len != 1 && len != 2 && len != 4)
		return kvmreal_fail(vm, -EINVAL, "PIO width must be 1, 2 or 4");
	return 0;
}

static int check_mmio(struct kvmreal_vm *vm, uint64_t addr, int len)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return kvmreal_fail(vm, -EINVAL, "MMIO width must be 1, 2, 4 or 8");
	if (addr >= KVMREAL_MMIO_LIMIT || addr + (uint64_t)len > KVMREAL_MMIO_LIMIT)
		return kvmreal_fail(vm, -EOPNOTSUPP,
				    "the guest maps only [0, 4 GiB) for MMIO writes");
	return 0;
}

/* One write command once its check (check_pio/check_mmio) passed: where the access went. */
static int guest_write(struct kvmreal_vm *vm, int n, const struct guest_cmd *c, int check)
{
	int exited, ret;

	if (check < 0)
		return check;
	ret = guest_run(vm, n, c, &exited);
	if (ret < 0)
		return ret;
	return exited ? KVMREAL_ACCESS_EXIT : KVMREAL_ACCESS_KERNEL;
}

int kvmreal_guest_pio_write(struct kvmreal_vm *vm, int n, uint16_t port, int len, uint64_t value)
{
	struct guest_cmd c = { .op = GOP_PIO, .width = (uint32_t)len, .addr = port, .value = value };

	return guest_write(vm, n, &c, check_pio(vm, len));
}

int kvmreal_guest_mmio_write(struct kvmreal_vm *vm, int n, uint64_t addr, int len, uint64_t value)
{
	struct guest_cmd c = { .op = GOP_MMIO, .width = (uint32_t)len, .addr = addr, .value = value };

	return guest_write(vm, n, &c, check_mmio(vm, addr, len));
}

int kvmreal_guest_pio_loop(struct kvmreal_vm *vm, int n, uint16_t port, int len,
			   uint64_t value, uint64_t count)
{
	struct guest_cmd c = { .op = GOP_PIO_LOOP, .width = (uint32_t)len, .addr = port,
			       .value = value, .count = count };
	int exited, ret;

	ret = check_pio(vm, len);
	return ret < 0 ? ret : guest_run(vm, n, &c, &exited);
}

int kvmreal_guest_mmio_loop(struct kvmreal_vm *vm, int n, uint64_t addr, int len,
			    uint64_t value, uint64_t count)
{
	struct guest_cmd c = { .op = GOP_MMIO_LOOP, .width = (uint32_t)len, .addr = addr,
			       .value = value, .count = count };
	int exited, ret;

	ret = check_mmio(vm, addr, len);
	return ret < 0 ? ret : guest_run(vm, n, &c, &exited);
}

/* A 4-byte guest write that only an in-kernel device may take. */
static int kernel_write32(struct kvmreal_vm *vm, int n, uint64_t addr, uint32_t value,
			  const char *why_not)
{
	int ret = kvmreal_guest_mmio_write(vm, n, addr, 4, value);

	if (ret == KVMREAL_ACCESS_EXIT)
		return kvmreal_fail(vm, -ENXIO, why_not);
	return ret;
}

int kvmreal_guest_lapic_write(struct kvmreal_vm *vm, int n, uint32_t reg, uint32_t value)
{
	if (reg >= 0x1000 || reg % 16)
		return kvmreal_fail(vm, -EINVAL, "LAPIC register offset must be 16-byte aligned, < 0x1000");
	return kernel_write32(vm, n, LAPIC_BASE + reg, value,
			      "no in-kernel LAPIC: the write exited to userspace");
}

/* A guest reads SVR and flips bit 8; KVM_GET_LAPIC reads the same register. */
static int svr_update(struct kvmreal_vm *vm, int n, bool enable)
{
	struct kvmreal_apic_bits cur;
	int ret = kvmreal_lapic_get(vm, n, &cur);

	if (ret < 0)
		return ret;
	return kvmreal_guest_lapic_write(vm, n, 0xf0, enable ? cur.svr | 0x100 : cur.svr & ~0x100u);
}

/* Enable first and disable last, as sim/scenario's interp_lapic() orders them. */
int kvmreal_guest_lapic(struct kvmreal_vm *vm, int n, const struct kvmreal_lapic_prog *p)
{
	int ret = 0;

	if (!p)
		return -EINVAL;
	if (p->has_enable && p->enable)
		ret = svr_update(vm, n, true);
	if (ret >= 0 && p->has_id)
		ret = kvmreal_guest_lapic_write(vm, n, 0x20, (uint32_t)p->id << 24);
	if (ret >= 0 && p->has_ldr)
		ret = kvmreal_guest_lapic_write(vm, n, 0xd0, (uint32_t)p->ldr << 24);
	if (ret >= 0 && p->has_dfr)
		ret = kvmreal_guest_lapic_write(vm, n, 0xe0,
						p->dfr_cluster ? 0x0fffffff : 0xffffffff);
	if (ret >= 0 && p->has_tpr)
		ret = kvmreal_guest_lapic_write(vm, n, 0x80, p->tpr);
	if (ret >= 0 && p->has_enable && !p->enable)
		ret = svr_update(vm, n, false);
	return ret < 0 ? ret : 0;
}

int kvmreal_guest_eoi(struct kvmreal_vm *vm, int n)
{
	int ret = kvmreal_guest_lapic_write(vm, n, 0xb0, 0);

	return ret < 0 ? ret : 0;
}

uint64_t kvmreal_ioapic_entry(const struct kvmreal_ioapic_prog *p)
{
	return (uint64_t)p->vector | ((uint64_t)(p->delivery & 7) << 8) |
	       ((uint64_t)p->logical << 11) | ((uint64_t)p->active_low << 13) |
	       ((uint64_t)p->level << 15) | ((uint64_t)p->masked << 16) |
	       ((uint64_t)p->dest << 56);
}

/* IOREGSEL := index, IOWIN := value, as two guest writes on vCPU 0. */
static int ioapic_reg_write(struct kvmreal_vm *vm, uint32_t index, uint32_t value)
{
	static const char why[] = "no in-kernel IOAPIC: the write exited to userspace";
	int ret = kernel_write32(vm, 0, IOAPIC_BASE + 0x00, index, why);

	if (ret < 0)
		return ret;
	return kernel_write32(vm, 0, IOAPIC_BASE + 0x10, value, why);
}

static int ioapic_check(struct kvmreal_vm *vm, unsigned int pin)
{
	if (vm->irqchip != KVMREAL_IRQCHIP_KERNEL)
		return kvmreal_fail(vm, -ENXIO, "no in-kernel IOAPIC (irqchip split or none)");
	if (vm->nr_vcpus < 1)
		return kvmreal_fail(vm, -EOPNOTSUPP, "programming the IOAPIC needs a vCPU to write it");
	if (pin >= IOAPIC_NR_PINS)
		return kvmreal_fail(vm, -EINVAL, "IOAPIC pin must be below 24");
	return 0;
}

int kvmreal_guest_ioapic_write_entry(struct kvmreal_vm *vm, unsigned int pin, uint64_t entry)
{
	uint32_t lo = (uint32_t)entry, hi = (uint32_t)(entry >> 32);
	int ret = ioapic_check(vm, pin);

	if (ret < 0)
		return ret;
	/* As Linux does: the half holding the mask bit goes last when unmasking, first when masking. */
	if (entry & (1ULL << 16)) {
		ret = ioapic_reg_write(vm, 0x10 + 2 * pin, lo);
		if (ret >= 0)
			ret = ioapic_reg_write(vm, 0x11 + 2 * pin, hi);
	} else {
		ret = ioapic_reg_write(vm, 0x11 + 2 * pin, hi);
		if (ret >= 0)
			ret = ioapic_reg_write(vm, 0x10 + 2 * pin, lo);
	}
	return ret < 0 ? ret : 0;
}

int kvmreal_guest_ioapic_mask(struct kvmreal_vm *vm, unsigned int pin, bool masked)
{
	struct kvmreal_ioapic_pin cur;
	uint32_t lo;
	int ret = ioapic_check(vm, pin);

	if (ret < 0)
		return ret;
	/* The guest would read IOWIN; KVM_GET_IRQCHIP returns the same low half. */
	ret = kvmreal_ioapic_pin_get(vm, pin, &cur);
	if (ret < 0)
		return ret;
	lo = (uint32_t)cur.entry;
	lo = masked ? lo | (1u << 16) : lo & ~(1u << 16);
	ret = ioapic_reg_write(vm, 0x10 + 2 * pin, lo);
	return ret < 0 ? ret : 0;
}

int kvmreal_guest_irq_loop(struct kvmreal_vm *vm, int n, uint64_t *taken)
{
	struct kvmreal_vcpu *v = kvmreal_vcpu(vm, n);
	struct guest_cmd c = { .op = GOP_IRQ_LOOP };
	uint64_t before;
	int mode, exited, ret;

	if (!v)
		return -EINVAL;
	mode = kvmreal_ack_mode();
	if (mode < 0)
		return mode;
	before = U64_AT(v->block, CMD_TAKEN);
	U32_AT(v->block, CMD_EOI) = mode != KVMREAL_ACK_HOST;
	ret = guest_run(vm, n, &c, &exited);
	U32_AT(v->block, CMD_EOI) = 0;
	U64_AT(v->block, CMD_STOP) = 0;
	if (taken)
		*taken = U64_AT(v->block, CMD_TAKEN) - before;
	return ret;
}

void kvmreal_guest_irq_stop(struct kvmreal_vm *vm, int n)
{
	struct kvmreal_vcpu *v = kvmreal_vcpu(vm, n);

	if (v)
		__atomic_store_n((volatile uint64_t *)(v->block + CMD_STOP), 1, __ATOMIC_SEQ_CST);
}

uint64_t kvmreal_guest_irqs_taken(struct kvmreal_vm *vm, int n)
{
	struct kvmreal_vcpu *v = kvmreal_vcpu(vm, n);

	return v ? __atomic_load_n((volatile uint64_t *)(v->block + CMD_TAKEN), __ATOMIC_ACQUIRE) : 0;
}
