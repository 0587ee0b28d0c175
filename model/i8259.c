/* i8259.c: placeholder until its owner lands it. */
