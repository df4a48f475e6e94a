import { saturate } from './fixed.ts';

/**
 * Elementwise nonlinearities (SiLU for Llama's SwiGLU, tanh-GELU for Gemma's GeGLU) as
 * 256-entry tables over an int8 input: the circuit looks the output up with a mux tree on
 * the 8 bits of the input's range check (≈135 constraints, docs/architecture.md "Arithmetic").
 *
 * Scales: input q ∈ [−128, 127] means q·sIn; table entry = saturate(round(f(q·sIn) / sOut), outBits).
 * The table is a model constant derived ONCE at quantization time with float math (Math.exp /
 * Math.tanh; V8's fdlibm ports are deterministic) and stored in the quantized model, so inference
 * and the circuit use the same integers and never evaluate floats.
 */
export type ActivationKind = 'silu' | 'gelu_tanh';

export function activationFloat(kind: ActivationKind, x: number): number {
  if (kind === 'silu') return x / (1 + Math.exp(-x));
  // GELU, tanh approximation (Hendrycks & Gimpel; HF "gelu_pytorch_tanh", used by Gemma 3).
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/**
 * Builds the table over a signed `inBits`-bit input (256 entries for the default int8; a wider
 * gate, QuantOptions.siteBits.gate, gets 2^inBits); index = q + 2^(inBits−1).
 */
export function activationTable(kind: ActivationKind, sIn: number, sOut: number, outBits: number, inBits = 8): Int32Array {
  if (!(sIn > 0) || !(sOut > 0)) throw new RangeError(`activation scales must be positive, got sIn=${sIn}, sOut=${sOut}`);
  if (!Number.isInteger(inBits) || inBits < 1 || inBits > 16) throw new RangeError(`activation table input bits ${inBits} not an integer in [1, 16]`);
  const half = 2 ** (inBits - 1);
  const t = new Int32Array(2 * half);
  for (let q = -half; q < half; q++) t[q + half] = saturate(Math.round(activationFloat(kind, q * sIn) / sOut), outBits);
  return t;
}

/** tableLookup(table, q) = table[q + n/2] for a table of n = 2^b entries and a signed b-bit q. */
export function tableLookup(table: Int32Array, q: number): number {
  const half = table.length / 2;
  if (!Number.isInteger(q) || q < -half || q >= half) throw new RangeError(`table input must be in [${-half}, ${half - 1}], got ${q}`);
  return table[q + half];
}

/** tableLookup8(table, q) = table[q + 128] for an int8 q (the integer-path evaluation). */
export function tableLookup8(table: Int32Array, q: number): number {
  if (!Number.isInteger(q) || q < -128 || q > 127) throw new RangeError(`table input must be an int8, got ${q}`);
  return table[q + 128];
}

/** siluFixed(q, table) — SiLU of int8 q through a table built by activationTable('silu', …). */
export function siluFixed(q: number, table: Int32Array): number {
  return tableLookup8(table, q);
}
/** geluTanhFixed(q, table) — tanh-GELU of int8 q through activationTable('gelu_tanh', …). */
export function geluTanhFixed(q: number, table: Int32Array): number {
  return tableLookup8(table, q);
}
