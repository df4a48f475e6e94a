/** snarkjs's `zKey.newZKey` (groth16 setup), vendored with short scalars: see zkey-new.js. */
export default function newZKey(r1csName: string, ptauName: string, zkeyName: string, logger?: unknown): Promise<Uint8Array | -1 | false>;
