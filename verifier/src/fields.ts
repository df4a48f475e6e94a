import { bn254 } from '@noble/curves/bn254.js';

/** BN254 scalar field modulus r (the order of G1, G2 and GT); public signals live here. */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field modulus p; G1 coordinates (and both halves of G2's Fp2 coordinates) live here. */
export const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

// Guard against a silent mismatch with the curve library (EIP-196 parameters).
if (bn254.fields.Fr.ORDER !== R || bn254.fields.Fp.ORDER !== P) {
  throw new Error('@noble/curves bn254 moduli differ from EIP-196');
}
