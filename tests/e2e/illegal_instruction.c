// Executes an undefined instruction with no SIGILL handler: the guest dies
// of SIGILL and so does tiercel-riscv64 (status 128 + 4), without hanging.
int main(void) {
  __asm__ volatile(".4byte 0x0000007f");
  return 0;
}
