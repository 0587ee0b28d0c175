/*
 * The contract between the host library and the guest program (guest.S):
 * guest RAM layout and the per-vCPU command block. Included from C and
 * from assembly, so only #defines.
 */
#ifndef KVMREAL_GUEST_ABI_H
#define KVMREAL_GUEST_ABI_H

/* Offsets inside guest RAM (which starts at KVMREAL_RAM_GPA, identity mapped). */
#define GUEST_GDT_OFF		0x0000
#define GUEST_TSS_OFF		0x0800
#define GUEST_CODE_OFF		0x1000
#define GUEST_IDT_OFF		0x4000
#define GUEST_PML4_OFF		0x10000
#define GUEST_PDPT_OFF		0x11000
#define GUEST_PD_LOW_OFF	0x12000	/* 4 pages: 0 - 4 GiB in 2 MiB pages */
#define GUEST_PD_RAM_OFF	0x16000	/* maps the RAM's own 2 MiB */
#define GUEST_BLOCK_OFF		0x20000	/* one page per vCPU: command block, then stack */
#define GUEST_BLOCK_SIZE	0x1000

/* Command block fields (offsets from the vCPU's block; rbx holds its address). */
#define CMD_OP		0x00	/* u32: GOP_* */
#define CMD_WIDTH	0x04	/* u32: 1, 2, 4 or 8 */
#define CMD_ADDR	0x08	/* u64: port or guest-physical address */
#define CMD_VALUE	0x10	/* u64 */
#define CMD_COUNT	0x18	/* u64: loop ops */
#define CMD_EOI		0x20	/* u32: the interrupt handler writes EOI */
#define CMD_STOP	0x28	/* u64: irq loop stops when non-zero */
#define CMD_LAST_VEC	0x40	/* u32: written by the interrupt handler */
#define CMD_TAKEN	0x48	/* u64: interrupts taken */
#define CMD_EXC_VEC	0x50	/* u32: exception vector, before the EXC_PORT IN */
#define CMD_LOG		0x60	/* u32[8]: vector of interrupt number TAKEN, at TAKEN % 8 */

#define GOP_NOP		0
#define GOP_PIO		1
#define GOP_MMIO	2
#define GOP_ACK_WINDOW	3
#define GOP_ACK_HLT	4
#define GOP_PIO_LOOP	5
#define GOP_MMIO_LOOP	6
#define GOP_IRQ_LOOP	7

#define GUEST_DONE_PORT	0x510
#define GUEST_EXC_PORT	0x511
#define GUEST_STUB_SIZE	16

#endif
