/**
 * s_i·G for the generator G of G1 or G2 and many scalars (< r), on the engine proving and
 * setup use (engine.ts): the native fixed-base comb (`zkinfer-prover setup` op 6) where built,
 * else ffjavascript's wasm comb (fixed-base.ts). The same affine LEM bytes either way (one
 * encoding per point). The local ptau (ptau-local.ts) is made of nothing else.
 */
import { chosenEngine, type ProverEngine } from './engine.ts';
import { encodeScalars, type Group } from './fixed-base-core.ts';
import { engineSource, mulGenerator } from './fixed-base.ts';
import { NativeSetup } from './native-setup.ts';

export async function generatorMultiples(group: Group, scalars: readonly bigint[], engine: ProverEngine = chosenEngine()): Promise<Uint8Array> {
  if (engine === 'snarkjs' || scalars.length === 0) return mulGenerator(group, scalars);
  const native = new NativeSetup();
  try {
    const { lem } = await native.comb(group, (await engineSource()).oneAffine[group], encodeScalars(scalars));
    return lem;
  } finally {
    await native.close();
  }
}
