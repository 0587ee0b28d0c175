/*
 * The guest program run by every vCPU (64-bit long mode, CPL 0, IF = 0).
 * Copied into guest RAM by the host (guest_mem.c); rbx = this vCPU's
 * command block, rsp = the top of its page. Position independent.
 */
#include "guest_abi.h"

	.section .rodata.kvmreal_guest, "a"
	.code64
	.globl kvmreal_guest_start, kvmreal_guest_stubs, kvmreal_guest_end

kvmreal_guest_start:
	/* Wait for a command: an IN is never taken by an ioeventfd. */
1:	mov $GUEST_DONE_PORT, %dx
	in %dx, %al
	mov CMD_OP(%rbx), %eax
	cmp $GOP_PIO, %eax
	je op_pio
	cmp $GOP_MMIO, %eax
	je op_mmio
	cmp $GOP_ACK_WINDOW, %eax
	je op_ack_window
	cmp $GOP_ACK_HLT, %eax
	je op_ack_hlt
	cmp $GOP_PIO_LOOP, %eax
	je op_pio_loop
	cmp $GOP_MMIO_LOOP, %eax
	je op_mmio_loop
	cmp $GOP_IRQ_LOOP, %eax
	je op_irq_loop
	jmp 1b

op_pio:
	call do_pio
	jmp 1b
op_mmio:
	call do_mmio
	jmp 1b

	/* An interrupt is taken after the instruction following sti. */
op_ack_window:
	sti
	nop
	cli
	jmp 1b
op_ack_hlt:
	sti
	hlt
	cli
	jmp 1b

op_pio_loop:
	mov CMD_COUNT(%rbx), %rsi
2:	test %rsi, %rsi
	jz 1b
	call do_pio
	dec %rsi
	jmp 2b

op_mmio_loop:
	mov CMD_COUNT(%rbx), %rsi
3:	test %rsi, %rsi
	jz 1b
	call do_mmio
	dec %rsi
	jmp 3b

op_irq_loop:
4:	cmpq $0, CMD_STOP(%rbx)
	jne 1b
	sti
	hlt
	cli
	jmp 4b

do_pio:
	mov CMD_ADDR(%rbx), %rdx
	mov CMD_VALUE(%rbx), %rax
	mov CMD_WIDTH(%rbx), %ecx
	cmp $1, %ecx
	je 5f
	cmp $2, %ecx
	je 6f
	out %eax, %dx
	ret
5:	out %al, %dx
	ret
6:	out %ax, %dx
	ret

do_mmio:
	mov CMD_ADDR(%rbx), %rdi
	mov CMD_VALUE(%rbx), %rax
	mov CMD_WIDTH(%rbx), %ecx
	cmp $1, %ecx
	je 7f
	cmp $2, %ecx
	je 8f
	cmp $4, %ecx
	je 9f
	mov %rax, (%rdi)
	ret
7:	mov %al, (%rdi)
	ret
8:	mov %ax, (%rdi)
	ret
9:	mov %eax, (%rdi)
	ret

	/* One 16-byte stub per vector: push the vector, join the common path. */
	.balign GUEST_STUB_SIZE
kvmreal_guest_stubs:
	vec = 0
	.rept 256
	.balign GUEST_STUB_SIZE
	pushq $vec
	jmp common
	vec = vec + 1
	.endr

common:
	push %rax
	push %rcx
	mov 16(%rsp), %rax
	cmp $32, %eax
	jb exception
	mov %eax, CMD_LAST_VEC(%rbx)
	mov CMD_TAKEN(%rbx), %rcx
	and $7, %ecx
	mov %eax, CMD_LOG(%rbx, %rcx, 4)
	incq CMD_TAKEN(%rbx)
	cmpl $0, CMD_EOI(%rbx)
	je 10f
	push %rsi
	mov $0xfee00000, %esi
	movl $0, 0xb0(%rsi)
	pop %rsi
10:	pop %rcx
	pop %rax
	add $8, %rsp
	iretq

	/* Never resumed: the host reports the vector and gives up on the vCPU. */
exception:
	mov %eax, CMD_EXC_VEC(%rbx)
11:	mov $GUEST_EXC_PORT, %dx
	in %dx, %al
	jmp 11b
kvmreal_guest_end:

	.section .note.GNU-stack, "", @progbits
