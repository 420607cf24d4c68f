// Guest of the GDB interrupt case (gdb_cases.py interrupt): runs until the
// debugger stops it with Ctrl-C.
volatile long spins;

int main(void) {
  for (;;)
    spins++;
}
