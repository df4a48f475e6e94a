/** snarkjs's `zKey.contribute` ×n then `zKey.beacon`, in one pass over the key: see zkey-contribute-beacon.js. */
export default function contributeAndBeacon(
  zkeyNameOld: string,
  zkeyNameNew: string,
  contributions: readonly { name?: string; entropy: string }[],
  beacon: { name?: string; hash: string; numIterationsExp: number },
  logger?: unknown,
): Promise<Uint8Array[]>;
