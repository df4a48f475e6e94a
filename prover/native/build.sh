#!/bin/sh
# Builds the native Groth16 prover (prover/native/build/zkinfer-prover) with the system's C++
# compiler; run by `npm ci` / `npm install` (prover/package.json "install") and by
# `npm run build:native -w prover`. Without a compiler, or if the build fails, it says so in
# one line and exits 0: zkinfer then proves with snarkjs (prover/src/snark/engine.ts).
# -march=x86-64-v3 (AVX2, BMI2, ...) only when this CPU has those features and the compiler
# knows the level (plus -madx with ADX); otherwise portable -O3. ZKINFER_NATIVE_CXXFLAGS overrides the choice.
set -u
cd "$(dirname "$0")" || exit 0
out=build/zkinfer-prover
say() { echo "zkinfer native prover: $*" >&2; }

cxx="${CXX:-}"
if [ -z "$cxx" ]; then
  for c in g++ clang++ c++; do
    if command -v "$c" >/dev/null 2>&1; then cxx="$c"; break; fi
  done
fi
if [ -z "$cxx" ]; then
  say "no C++ compiler (g++ or clang++) found, not built; zkinfer will prove with snarkjs"
  exit 0
fi

flags="${ZKINFER_NATIVE_CXXFLAGS:-}"
if [ -z "$flags" ]; then
  flags="-O3"
  if [ -r /proc/cpuinfo ] && grep -qw avx2 /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo \
    && echo 'int main(){return 0;}' | "$cxx" -x c++ -march=x86-64-v3 -o /dev/null - >/dev/null 2>&1; then
    flags="$flags -march=x86-64-v3"
    # ADX (adcx/adox) is not part of x86-64-v3; field_asm.hpp's Montgomery product uses it.
    if grep -qw adx /proc/cpuinfo; then flags="$flags -madx"; fi
  fi
fi

mkdir -p build/obj || exit 0
# One compiler process per source file, in parallel; then link.
pids=""
for src in src/*.cpp; do
  obj="build/obj/$(basename "$src" .cpp).o"
  "$cxx" -std=c++17 $flags -Wall -Wextra -pthread -c "$src" -o "$obj" &
  pids="$pids $!"
done
ok=1
for p in $pids; do wait "$p" || ok=0; done
if [ "$ok" = 1 ] && "$cxx" $flags -pthread build/obj/*.o -o "$out.tmp"; then
  mv -f "$out.tmp" "$out"
  say "built $out ($cxx $flags)"
else
  rm -f "$out.tmp" "$out"
  say "the build failed (see the compiler's messages above); zkinfer will prove with snarkjs"
fi
exit 0
