import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createBlock } from '@ethereumjs/block';
import { Hardfork, Mainnet, createCustomCommon, type Common } from '@ethereumjs/common';
import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { createLegacyTx } from '@ethereumjs/tx';
import { Account, Address, MapDB, createAddressFromPrivateKey, hexToBytes } from '@ethereumjs/util';
import { createVM, runTx, type VM } from '@ethereumjs/vm';
import { keccak } from './abi.ts';
import { toHex } from './words.ts';
import { ZkinferError } from '../errors.ts';

/**
 * A local chain without a network: @ethereumjs/vm in process, its state (the whole state trie
 * database: accounts, code, storage) and the logs kept in one JSON file between commands.
 * One transaction per block. The sender is a development account whose key is public (derived
 * from a fixed string): this chain is for trying contracts, never for value.
 */

export const LOCAL_CHAIN_ID = 31337;
/** Prague (mainnet since May 2025): the EVM version the verifier is compiled for. */
export const HARDFORK = Hardfork.Prague;
const BLOCK_GAS_LIMIT = 60_000_000n;
const DEV_KEY = keccak('zkinfer local development account');
const DEV_BALANCE = 10n ** 24n;

export interface ChainLog {
  block: number;
  address: string;
  topics: string[];
  data: string;
}

export interface ChainFile {
  version: 1;
  chainId: string;
  hardfork: string;
  blockNumber: number;
  stateRoot: string;
  /** The state trie database, hex key → hex value. */
  db: Record<string, string>;
  logs: ChainLog[];
  /** Named addresses (e.g. "verifier"), for the CLI. */
  names: Record<string, string>;
}

export interface TxOutcome {
  /** Gas of the whole transaction (intrinsic + execution, after refunds). */
  gasUsed: bigint;
  /** EIP-2028 calldata cost: 16 per non-zero byte, 4 per zero byte. */
  calldataGas: bigint;
  reverted: boolean;
  returnValue: Uint8Array;
  createdAddress?: string;
  logs: { address: string; topics: Uint8Array[]; data: Uint8Array }[];
}

/** A precompile call seen during execution: its address and input length. */
export interface PrecompileCall {
  address: number;
  inputLength: number;
}

export function calldataGas(data: Uint8Array): bigint {
  let g = 0n;
  for (const b of data) g += b === 0 ? 4n : 16n;
  return g;
}

export class LocalChain {
  readonly vm: VM;
  readonly common: Common;
  readonly db: Map<string, unknown>;
  readonly file: ChainFile;
  readonly sender: Address;
  private precompileListener?: (call: PrecompileCall) => void;

  private constructor(vm: VM, common: Common, db: Map<string, unknown>, file: ChainFile) {
    this.vm = vm;
    this.common = common;
    this.db = db;
    this.file = file;
    this.sender = createAddressFromPrivateKey(DEV_KEY);
    vm.evm.events?.on('step', (step: { opcode: { name: string }; stack: bigint[] }) => {
      if (!this.precompileListener || step.opcode.name !== 'STATICCALL') return;
      const s = step.stack;
      const address = s[s.length - 2];
      if (address >= 1n && address <= 0x11n) this.precompileListener({ address: Number(address), inputLength: Number(s[s.length - 4]) });
    });
  }

  /** Opens the chain kept in `path` (a new chain when the file does not exist), or an in-memory one. */
  static async open(path?: string): Promise<LocalChain> {
    const common = createCustomCommon({ chainId: LOCAL_CHAIN_ID, name: 'zkinfer-local' }, Mainnet, { hardfork: HARDFORK });
    let file: ChainFile;
    const db = new Map<string, unknown>();
    if (path !== undefined && existsSync(path)) {
      file = JSON.parse(readFileSync(path, 'utf8')) as ChainFile;
      if (file.version !== 1 || file.chainId !== String(LOCAL_CHAIN_ID) || file.hardfork !== HARDFORK) throw new ZkinferError('bad_input', `${path}: not a zkinfer local chain file`);
      // Values are bytes ("b" + hex) or strings ("s" + text), as the trie database holds them.
      for (const [k, v] of Object.entries(file.db)) db.set(k, v.startsWith('b') ? hexToBytes(`0x${v.slice(1)}`) : v.slice(1));
    } else {
      file = { version: 1, chainId: String(LOCAL_CHAIN_ID), hardfork: HARDFORK, blockNumber: 0, stateRoot: '', db: {}, logs: [], names: {} };
    }
    const trie = new MerklePatriciaTrie({ db: new MapDB(db as Map<string, Uint8Array>), useKeyHashing: true, common });
    const stateManager = new MerkleStateManager({ trie, common });
    if (file.stateRoot !== '') await stateManager.setStateRoot(hexToBytes(`0x${file.stateRoot}`));
    const vm = await createVM({ common, stateManager, evmOpts: {} });
    const chain = new LocalChain(vm, common, db, file);
    if (file.stateRoot === '') {
      await stateManager.putAccount(chain.sender, new Account(0n, DEV_BALANCE));
      await chain.commitState();
    }
    return chain;
  }

  /** Calls `listener` for every STATICCALL of a precompile until `off()` is called. */
  tracePrecompiles(listener: (call: PrecompileCall) => void): () => void {
    this.precompileListener = listener;
    return () => (this.precompileListener = undefined);
  }

  private async commitState(): Promise<void> {
    await this.vm.stateManager.checkpoint();
    await this.vm.stateManager.commit();
    await (this.vm.stateManager as MerkleStateManager).flush();
    this.file.stateRoot = toHex(await this.vm.stateManager.getStateRoot());
  }

  /** Sends a transaction (to = undefined: contract creation) in a new block and keeps its logs. */
  async send(to: string | undefined, data: Uint8Array, gasLimit = 30_000_000n): Promise<TxOutcome> {
    const account = await this.vm.stateManager.getAccount(this.sender);
    const nonce = account?.nonce ?? 0n;
    const tx = createLegacyTx({ nonce, gasPrice: 1n, gasLimit, to: to === undefined ? undefined : new Address(hexToBytes(to as `0x${string}`)), data }, { common: this.common }).sign(DEV_KEY);
    const number = BigInt(this.file.blockNumber + 1);
    const block = createBlock({ header: { number, gasLimit: BLOCK_GAS_LIMIT, baseFeePerGas: 1n, timestamp: BigInt(Math.floor(Date.now() / 1000)) } }, { common: this.common });
    const result = await runTx(this.vm, { tx, block, skipHardForkValidation: true });
    this.file.blockNumber = Number(number);
    const logs = (result.execResult.logs ?? []).map(([address, topics, logData]) => ({ address: `0x${toHex(address)}`, topics, data: logData }));
    for (const l of logs) this.file.logs.push({ block: this.file.blockNumber, address: l.address, topics: l.topics.map(toHex), data: toHex(l.data) });
    await this.commitState();
    return {
      gasUsed: result.totalGasSpent,
      calldataGas: calldataGas(data),
      reverted: result.execResult.exceptionError !== undefined,
      returnValue: result.execResult.returnValue,
      createdAddress: result.createdAddress ? result.createdAddress.toString() : undefined,
      logs,
    };
  }

  /** Deploys creation code (with its constructor arguments appended); throws if it reverts. */
  async deploy(creationCode: Uint8Array): Promise<{ address: string; gasUsed: bigint; codeSize: number }> {
    const out = await this.send(undefined, creationCode);
    if (out.reverted || !out.createdAddress) throw new Error(`deployment reverted (${toHex(out.returnValue)})`);
    const code = await this.vm.stateManager.getCode(new Address(hexToBytes(out.createdAddress as `0x${string}`)));
    return { address: out.createdAddress, gasUsed: out.gasUsed, codeSize: code.length };
  }

  /** eth_call: runs without committing anything. */
  async call(to: string, data: Uint8Array): Promise<{ reverted: boolean; returnValue: Uint8Array; gasUsed: bigint }> {
    await this.vm.stateManager.checkpoint();
    try {
      const r = await this.vm.evm.runCall({ to: new Address(hexToBytes(to as `0x${string}`)), caller: this.sender, origin: this.sender, data, gasLimit: 30_000_000n });
      return { reverted: r.execResult.exceptionError !== undefined, returnValue: r.execResult.returnValue, gasUsed: r.execResult.executionGasUsed };
    } finally {
      await this.vm.stateManager.revert();
    }
  }

  /** Writes the chain to `path` (atomically: a temp file, then rename). */
  save(path: string): void {
    const db: Record<string, string> = {};
    for (const [k, v] of this.db) db[k] = typeof v === 'string' ? `s${v}` : `b${toHex(v as Uint8Array)}`;
    this.file.db = db;
    writeFileSync(`${path}.tmp`, JSON.stringify(this.file));
    renameSync(`${path}.tmp`, path);
  }
}
