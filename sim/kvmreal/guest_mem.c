/*
 * Guest RAM contents and vCPU register state for the guest program:
 * identity paging of [0, 4 GiB) in 2 MiB pages (so any address there is an
 * MMIO address: RAM sits at KVMREAL_RAM_GPA), a flat 64-bit GDT, an IDT
 * whose 256 gates point at guest.S's per-vector stubs, and the code.
 */
#include <string.h>
#include "kvmreal_internal.h"

extern const uint8_t kvmreal_guest_start[], kvmreal_guest_stubs[], kvmreal_guest_end[];

#define PTE_P		0x1ULL
#define PTE_RW		0x2ULL
#define PTE_PS		0x80ULL

static void put64(uint8_t *ram, size_t off, uint64_t v)
{
	memcpy(ram + off, &v, sizeof(v));
}

static void init_paging(uint8_t *ram)
{
	const uint64_t base = KVMREAL_RAM_GPA;

	put64(ram, GUEST_PML4_OFF, (base + GUEST_PDPT_OFF) | PTE_P | PTE_RW);
	for (int i = 0; i < 4; i++)
		put64(ram, GUEST_PDPT_OFF + 8 * i,
		      (base + GUEST_PD_LOW_OFF + 0x1000 * i) | PTE_P | PTE_RW);
	for (int i = 0; i < 4 * 512; i++)
		put64(ram, GUEST_PD_LOW_OFF + 8 * i,
		      ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS);
	/* The RAM maps itself: PDPT slot (base >> 30), PD slot 0. */
	put64(ram, GUEST_PDPT_OFF + 8 * (base >> 30),
	      (base + GUEST_PD_RAM_OFF) | PTE_P | PTE_RW);
	put64(ram, GUEST_PD_RAM_OFF, base | PTE_P | PTE_RW | PTE_PS);
}

static void init_idt(uint8_t *ram)
{
	uint64_t stubs = KVMREAL_RAM_GPA + GUEST_CODE_OFF +
			 (uint64_t)(kvmreal_guest_stubs - kvmreal_guest_start);

	for (int v = 0; v < 256; v++) {
		uint64_t h = stubs + (uint64_t)v * GUEST_STUB_SIZE;
		/* 64-bit interrupt gate, DPL 0, present, selector 8, no IST. */
		uint64_t lo = (h & 0xffff) | (8ULL << 16) | (0x8eULL << 40) |
			      (((h >> 16) & 0xffff) << 48);

		put64(ram, GUEST_IDT_OFF + 16 * v, lo);
		put64(ram, GUEST_IDT_OFF + 16 * v + 8, h >> 32);
	}
}

void kvmreal_guest_mem_init(uint8_t *ram)
{
	size_t code = (size_t)(kvmreal_guest_end - kvmreal_guest_start);

	/* Null, 64-bit code (selector 8), flat data (selector 16): iretq reloads both. */
	put64(ram, GUEST_GDT_OFF, 0);
	put64(ram, GUEST_GDT_OFF + 8, 0x00af9a000000ffffULL);
	put64(ram, GUEST_GDT_OFF + 16, 0x00cf92000000ffffULL);
	memcpy(ram + GUEST_CODE_OFF, kvmreal_guest_start, code);
	init_idt(ram);
	init_paging(ram);
}

static void flat_seg(struct kvm_segment *s, bool code)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = code ? 8 : 16;
	s->type = code ? 11 : 3;	/* execute/read accessed : read/write accessed */
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

/* Long mode, paging on, IF clear, rip at the program, rbx at the block. */
int kvmreal_vcpu_setup_regs(struct kvmreal_vm *vm, int n)
{
	struct kvmreal_vcpu *v = &vm->vcpus[n];
	uint64_t block = KVMREAL_RAM_GPA + GUEST_BLOCK_OFF + (uint64_t)n * GUEST_BLOCK_SIZE;
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_sregs s;
	struct kvm_regs r;
	int ret;

	ret = kvmreal_ioctl(v->fd, KVM_GET_SREGS, &s);
	if (ret < 0)
		return ret;
	flat_seg(&s.cs, true);
	flat_seg(&s.ds, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr.base = KVMREAL_RAM_GPA + GUEST_TSS_OFF;
	s.tr.limit = 0x67;
	s.tr.selector = 0x18;
	s.tr.type = 11;			/* busy 64-bit TSS, as VMX entry requires */
	s.tr.present = 1;
	s.gdt.base = KVMREAL_RAM_GPA + GUEST_GDT_OFF;
	s.gdt.limit = 3 * 8 - 1;
	s.idt.base = KVMREAL_RAM_GPA + GUEST_IDT_OFF;
	s.idt.limit = 256 * 16 - 1;
	s.cr3 = KVMREAL_RAM_GPA + GUEST_PML4_OFF;
	s.cr4 = 0x20 | 0x200 | 0x400;	/* PAE, OSFXSR, OSXMMEXCPT */
	s.cr0 = 0x80000033;		/* PG, NE, ET, MP, PE */
	s.efer = 0x500;			/* LME, LMA */
	ret = kvmreal_ioctl(v->fd, KVM_SET_SREGS, &s);
	if (ret < 0)
		return ret;

	memset(&r, 0, sizeof(r));
	r.rip = KVMREAL_RAM_GPA + GUEST_CODE_OFF;
	r.rsp = block + GUEST_BLOCK_SIZE;
	r.rbx = block;
	r.rflags = 2;
	ret = kvmreal_ioctl(v->fd, KVM_SET_REGS, &r);
	if (ret < 0)
		return ret;
	v->block = vm->ram + GUEST_BLOCK_OFF + (size_t)n * GUEST_BLOCK_SIZE;

	/* Application processors would otherwise wait for INIT/SIPI in KVM_RUN. */
	if (vm->irqchip != KVMREAL_IRQCHIP_NONE) {
		ret = kvmreal_ioctl(v->fd, KVM_SET_MP_STATE, &mp);
		if (ret < 0)
			return ret;
	}
	return 0;
}
