// The Montgomery product of field.hpp in x86-64 assembly with BMI2's mulx and ADX's adcx/adox:
// two independent carry chains (the low halves of the products on OF, the high halves on CF)
// let the additions of one row overlap, which compilers do not do from unsigned __int128
// code. The algorithm is field.hpp's no-carry CIOS: for each limb b_i, t += a * b_i, then
// t += m * p with m = t_0 * (-p^-1) mod 2^64, then drop the zero low limb; the five t
// registers rotate instead of moving; one conditional subtraction (cmov, no branch) ends it. Intel's "New Instructions Supporting Large Integer
// Arithmetic on Intel Architecture Processors" (2012) describes the instructions' use.
// Built only when the compiler targets BMI2 and ADX (build.sh adds -madx when the CPU has it).
#pragma once
#include <cstdint>

#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__)
#define ZKINFER_MONT_ASM 1

// out = a * b * 2^-256 mod p, below p. p: 4 limbs, inv = -p^-1.
inline __attribute__((always_inline)) void mont_mul_adx(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], const uint64_t& inv) {
  uint64_t t0, t1, t2, t3, t4, lo, hi;
  __asm__(
      "movq %11, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %7, %0, %1\n\t"
      "mulxq %8, %5, %2\n\t"
      "adcxq %5, %1\n\t"
      "mulxq %9, %5, %3\n\t"
      "adcxq %5, %2\n\t"
      "mulxq %10, %5, %4\n\t"
      "adcxq %5, %3\n\t"
      "adcxq %%rax, %4\n\t"
      "movq %0, %%rdx\n\t"
      "imulq %19, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %15, %5, %6\n\t"
      "adoxq %5, %0\n\t"
      "adcxq %6, %1\n\t"
      "mulxq %16, %5, %6\n\t"
      "adoxq %5, %1\n\t"
      "adcxq %6, %2\n\t"
      "mulxq %17, %5, %6\n\t"
      "adoxq %5, %2\n\t"
      "adcxq %6, %3\n\t"
      "mulxq %18, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "adoxq %%rax, %4\n\t"
      "movq %12, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "xorl %k0, %k0\n\t"
      "mulxq %7, %5, %6\n\t"
      "adoxq %5, %1\n\t"
      "adcxq %6, %2\n\t"
      "mulxq %8, %5, %6\n\t"
      "adoxq %5, %2\n\t"
      "adcxq %6, %3\n\t"
      "mulxq %9, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %10, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "adoxq %%rax, %0\n\t"
      "movq %1, %%rdx\n\t"
      "imulq %19, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %15, %5, %6\n\t"
      "adoxq %5, %1\n\t"
      "adcxq %6, %2\n\t"
      "mulxq %16, %5, %6\n\t"
      "adoxq %5, %2\n\t"
      "adcxq %6, %3\n\t"
      "mulxq %17, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %18, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "adoxq %%rax, %0\n\t"
      "movq %13, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "xorl %k1, %k1\n\t"
      "mulxq %7, %5, %6\n\t"
      "adoxq %5, %2\n\t"
      "adcxq %6, %3\n\t"
      "mulxq %8, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %9, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "mulxq %10, %5, %6\n\t"
      "adoxq %5, %0\n\t"
      "adcxq %6, %1\n\t"
      "adoxq %%rax, %1\n\t"
      "movq %2, %%rdx\n\t"
      "imulq %19, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %15, %5, %6\n\t"
      "adoxq %5, %2\n\t"
      "adcxq %6, %3\n\t"
      "mulxq %16, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %17, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "mulxq %18, %5, %6\n\t"
      "adoxq %5, %0\n\t"
      "adcxq %6, %1\n\t"
      "adoxq %%rax, %1\n\t"
      "movq %14, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "xorl %k2, %k2\n\t"
      "mulxq %7, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %8, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "mulxq %9, %5, %6\n\t"
      "adoxq %5, %0\n\t"
      "adcxq %6, %1\n\t"
      "mulxq %10, %5, %6\n\t"
      "adoxq %5, %1\n\t"
      "adcxq %6, %2\n\t"
      "adoxq %%rax, %2\n\t"
      "movq %3, %%rdx\n\t"
      "imulq %19, %%rdx\n\t"
      "xorl %%eax, %%eax\n\t"
      "mulxq %15, %5, %6\n\t"
      "adoxq %5, %3\n\t"
      "adcxq %6, %4\n\t"
      "mulxq %16, %5, %6\n\t"
      "adoxq %5, %4\n\t"
      "adcxq %6, %0\n\t"
      "mulxq %17, %5, %6\n\t"
      "adoxq %5, %0\n\t"
      "adcxq %6, %1\n\t"
      "mulxq %18, %5, %6\n\t"
      "adoxq %5, %1\n\t"
      "adcxq %6, %2\n\t"
      "adoxq %%rax, %2\n\t"
      // The conditional subtraction of p: (rax, rdx, lo, hi) = t - p, kept if it did not borrow.
      "movq %4, %%rax\n\t"
      "subq %15, %%rax\n\t"
      "movq %0, %%rdx\n\t"
      "sbbq %16, %%rdx\n\t"
      "movq %1, %5\n\t"
      "sbbq %17, %5\n\t"
      "movq %2, %6\n\t"
      "sbbq %18, %6\n\t"
      "cmovncq %%rax, %4\n\t"
      "cmovncq %%rdx, %0\n\t"
      "cmovncq %5, %1\n\t"
      "cmovncq %6, %2\n\t"
      : "=&r"(t0), "=&r"(t1), "=&r"(t2), "=&r"(t3), "=&r"(t4), "=&r"(lo), "=&r"(hi)
      : "m"(a[0]), "m"(a[1]), "m"(a[2]), "m"(a[3]), "m"(b[0]), "m"(b[1]), "m"(b[2]), "m"(b[3]),
        "m"(p[0]), "m"(p[1]), "m"(p[2]), "m"(p[3]), "m"(inv)
      : "rax", "rdx", "cc");
  // After four rounds the value sits in t4, t0, t1, t2 (the registers rotated by one a round).
  out[0] = t4;
  out[1] = t0;
  out[2] = t1;
  out[3] = t2;
  (void)t3;
  (void)lo;
  (void)hi;
}
#endif
