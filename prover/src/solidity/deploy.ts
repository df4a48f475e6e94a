import { concatBytes } from '@noble/hashes/utils.js';
import { encodeAddresses } from './abi.ts';
import type { LocalChain } from './local-chain.ts';
import type { CompiledVerifier } from './solc.ts';

export interface Deployment {
  verifier: string;
  keys: string[];
  /** Runtime code sizes in bytes (EIP-170 limits each to 24,576). */
  verifierCodeSize: number;
  keyCodeSizes: number[];
  gasUsed: bigint;
}

/** Deploys every key contract, then the verifier with their addresses (its constructor checks their code hashes). */
export async function deployVerifier(chain: LocalChain, compiled: CompiledVerifier): Promise<Deployment> {
  const keys: string[] = [];
  const keyCodeSizes: number[] = [];
  let gasUsed = 0n;
  for (const k of compiled.keys) {
    const d = await chain.deploy(k.bytecode);
    keys.push(d.address);
    keyCodeSizes.push(d.codeSize);
    gasUsed += d.gasUsed;
  }
  const v = await chain.deploy(concatBytes(compiled.verifier.bytecode, encodeAddresses(keys)));
  return { verifier: v.address, keys, verifierCodeSize: v.codeSize, keyCodeSizes, gasUsed: gasUsed + v.gasUsed };
}
