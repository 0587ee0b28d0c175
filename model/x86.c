/* x86.c: placeholder until its owner lands it. */
