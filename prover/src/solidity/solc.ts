import { createRequire } from 'node:module';
import { VERIFIER_CONTRACT, keyContractName } from './source.ts';

/**
 * Compiles an exported verifier with solc-js (the npm package `solc`, its wasm compiler
 * inside the package: no download). Fixed settings, so one source always gives one bytecode.
 */

const require = createRequire(import.meta.url);

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

export interface CompiledContract {
  name: string;
  abi: unknown[];
  /** Creation code (constructor arguments are appended to it). */
  bytecode: Uint8Array;
  /** Runtime code: what EIP-170's 24,576-byte limit applies to. */
  deployedBytecode: Uint8Array;
}

export interface CompiledVerifier {
  solcVersion: string;
  verifier: CompiledContract;
  keys: CompiledContract[];
}

/** The EVM version targeted: Prague (mainnet since May 2025; needs MCOPY, EIP-5656, from Cancun). */
export const EVM_VERSION = 'prague';

/**
 * The optimizer's expected number of runs: high, since a verifier is deployed once and called
 * for every bundle. At 200 the optimizer loads big constants (p, r) with CODECOPY in the hot
 * loops to save code bytes; at 10,000 a 32-chunk bundle costs 24k gas less (1,000,000: the same).
 */
const OPTIMIZER_RUNS = 10_000;

/** Compiles one source file and returns the named contracts (fixed settings: one source, one bytecode). */
export function compileContracts(source: string, names: readonly string[]): { solcVersion: string; contracts: CompiledContract[] } {
  const solc = require('solc') as { compile(input: string): string; version(): string };
  const input = {
    language: 'Solidity',
    sources: { 'ZkinferVerifier.sol': { content: source } },
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      evmVersion: EVM_VERSION,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const file = out.contracts['ZkinferVerifier.sol'];
  const pick = (name: string): CompiledContract => {
    const c = file?.[name];
    if (!c) throw new Error(`solc produced no contract ${name}`);
    return { name, abi: c.abi, bytecode: Buffer.from(c.evm.bytecode.object, 'hex'), deployedBytecode: Buffer.from(c.evm.deployedBytecode.object, 'hex') };
  };
  return { solcVersion: solc.version(), contracts: names.map(pick) };
}

export function compileVerifier(source: string, nKeys: number): CompiledVerifier {
  const { solcVersion, contracts } = compileContracts(source, [VERIFIER_CONTRACT, ...[...Array(nKeys).keys()].map(keyContractName)]);
  return { solcVersion, verifier: contracts[0], keys: contracts.slice(1) };
}
