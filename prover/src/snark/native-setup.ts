/**
 * Client of the native setup arithmetic (`zkinfer-prover setup`, prover/native/src/setup_cmd.cpp):
 * one child process holding the ptau's Lagrange points and the coefficient table, answering
 * binary frames in order. It offers the same operations as the wasm worker pool
 * (zkey-compose.ts) with the same byte formats, plus the key check's MSMs, so the code
 * around it does not know which engine computed a point.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Group } from './fixed-base-core.ts';
import { SnarkError } from './errors.ts';
import { nativeBinary } from './native.ts';
import type { ComposeInit } from './zkey-compose-core.ts';
import { TAU_G2 } from './zkey-compose-core.ts';

const OP_INIT = 1;
const OP_COMPOSE = 2;
const OP_SCALE = 3;
const OP_DIFFERENCES = 4;
const OP_MSM = 5;
const OP_COMB = 6;

const groupId = (g: Group) => (g === 'G1' ? 1 : 2);

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
const bytesOf = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class NativeSetup {
  readonly threads: number;
  #child: ChildProcess;
  #pending: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  #exited: Error | undefined;

  /** Starts the process (the caller has checked nativeUnavailableReason). */
  constructor(threads = availableParallelism()) {
    this.threads = threads;
    this.#child = spawn(nativeBinary(), ['setup', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      this.#drain();
    });
    const fail = (err: Error) => {
      this.#exited ??= err;
      for (const p of this.#pending.splice(0)) p.reject(this.#exited);
    };
    this.#child.on('error', (err) => fail(new SnarkError(`native setup: ${err.message}`)));
    this.#child.on('exit', (code, signal) => fail(new SnarkError(`native setup exited (${signal ?? `code ${code}`})`)));
    this.#child.stdin!.on('error', () => {}); // EPIPE after a crash: the exit reports it
  }

  /** Takes complete reply frames (u32 status, u64 length, payload) off the buffered output. */
  #drain(): void {
    while (this.#buffered >= 12) {
      // Concatenate only a frame's header until the whole frame has arrived.
      if (this.#chunks[0].length < 12) this.#chunks = [Buffer.concat(this.#chunks)];
      const head = this.#chunks[0];
      const status = head.readUInt32LE(0);
      const length = Number(head.readBigUInt64LE(4));
      if (this.#buffered < 12 + length) return;
      const all = this.#chunks.length === 1 ? head : Buffer.concat(this.#chunks);
      const payload = Buffer.from(all.subarray(12, 12 + length));
      const rest = all.subarray(12 + length);
      this.#chunks = rest.length ? [rest] : [];
      this.#buffered = rest.length;
      const p = this.#pending.shift();
      if (!p) continue;
      if (status === 0) p.resolve(payload);
      else p.reject(new SnarkError(`native setup: ${payload.toString('utf8')}`));
    }
  }

  #request(op: number, parts: Uint8Array[]): Promise<Buffer> {
    if (this.#exited) return Promise.reject(this.#exited);
    const length = parts.reduce((s, p) => s + p.length, 0);
    return new Promise<Buffer>((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      const stdin = this.#child.stdin!;
      stdin.write(Buffer.concat([u32(op), u64(length)]));
      for (const p of parts) if (p.length) stdin.write(p);
    });
  }

  /** Loads the sources (TAU_G2 is the G2 one) and the coefficient table for compose. */
  async init(init: Omit<ComposeInit, 'engine'>): Promise<void> {
    const parts: Uint8Array[] = [u32(init.sources.length)];
    init.sources.forEach((s, id) => parts.push(u32(id === TAU_G2 ? 2 : 1), u64(s.length), s));
    parts.push(u32(init.length.length), init.magnitude, init.negative);
    await this.#request(OP_INIT, parts);
  }

  /** As ComposePool.compose: the sparse sums for every output, LEM and U. */
  async compose(group: Group, counts: Uint32Array, terms: Uint32Array): Promise<{ lem: Uint8Array; u: Uint8Array }> {
    const out = await this.#request(OP_COMPOSE, [u32(groupId(group)), u32(counts.length), bytesOf(counts), u64(terms.length), bytesOf(terms)]);
    const half = out.length / 2;
    return { lem: new Uint8Array(out.buffer, out.byteOffset, half), u: new Uint8Array(out.buffer, out.byteOffset + half, half) };
  }

  /** As ComposePool.scale: k·P_i for G1 LEM points (k: 32 bytes little-endian, standard form). */
  async scale(points: Uint8Array, scalar: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await this.#request(OP_SCALE, [scalar, points]));
  }

  /** As ComposePool.differences: U(a_i − b_i) for G1 LEM points. */
  async differences(a: Uint8Array, b: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await this.#request(OP_DIFFERENCES, [u64(a.length / 64), a, b]));
  }

  /** Σ s_i·P_i over LEM points (infinity allowed) and little-endian standard scalars of `scalarBytes` each; the sum as LEM. */
  async msm(group: Group, bases: Uint8Array, scalars: Uint8Array, scalarBytes: number): Promise<Uint8Array> {
    const n = bases.length / (group === 'G1' ? 64 : 128);
    if (scalars.length !== n * scalarBytes) throw new RangeError(`native msm: ${n} bases, ${scalars.length} scalar bytes`);
    return new Uint8Array(await this.#request(OP_MSM, [u32(groupId(group)), u64(n), u32(scalarBytes), bases, scalars]));
  }

  /** k_i·G for the LEM point `generator` and 32-byte little-endian standard scalars k_i (< r): LEM points, then their U form. */
  async comb(group: Group, generator: Uint8Array, scalars: Uint8Array): Promise<{ lem: Uint8Array; u: Uint8Array }> {
    const out = await this.#request(OP_COMB, [u32(groupId(group)), generator, scalars]);
    const half = out.length / 2;
    return { lem: new Uint8Array(out.buffer, out.byteOffset, half), u: new Uint8Array(out.buffer, out.byteOffset + half, half) };
  }

  /** Ends the process (pending requests are answered first). */
  async close(): Promise<void> {
    if (this.#exited) return;
    const done = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin!.end();
    await done;
  }
}
