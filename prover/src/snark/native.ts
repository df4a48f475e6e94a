/**
 * Client of the native Groth16 prover (prover/native: `zkinfer-prover serve`), a child
 * process that reads one request per line on stdin and answers one JSON line on stdout (the
 * protocol is described in prover/native/src/main.cpp). It keeps the last proving keys
 * memory-mapped, so the chunk proofs that share a key (position chunks: T proofs a key) do
 * not reload it. Requests are answered in order; several may be queued.
 *
 * The process is unreferenced while no request is pending, so an idle prover never keeps
 * Node alive; when Node exits, the prover sees end of input and exits too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { R } from '../circuit/field.ts';
import { SnarkError } from './errors.ts';
import type { ProofResult, SnarkjsProof } from './prove.ts';

export const NATIVE_DIR = fileURLToPath(new URL('../../native/', import.meta.url));

/** The executable: prover/native/build/zkinfer-prover, or ZKINFER_NATIVE_BINARY (tests of the fallback point it elsewhere). */
export function nativeBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZKINFER_NATIVE_BINARY || join(NATIVE_DIR, 'build', 'zkinfer-prover');
}

/** Why the native prover cannot run here, or undefined if it can. */
export function nativeUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const binary = nativeBinary(env);
  if (!existsSync(binary)) return 'the native prover is not built (no C++ compiler when npm installed zkinfer, or its build failed; `npm run build:native -w prover` retries)';
  const built = statSync(binary).mtimeMs;
  const src = join(NATIVE_DIR, 'src');
  const stale = readdirSync(src).find((f) => statSync(join(src, f)).mtimeMs > built);
  if (stale) return `the native prover is older than its source ${stale}; rebuild it with \`npm run build:native -w prover\``;
  return undefined;
}

/** Milliseconds per phase, as the native prover measured them. */
export interface NativeTimings {
  abc: number;
  ntt: number;
  msmWires: number;
  msmH: number;
  /** msmWires split: A, B in G1, B in G2, C, and the commitment's D and π. */
  msmA?: number;
  msmB1?: number;
  msmB2?: number;
  msmC?: number;
  msmCommit?: number;
  total: number;
  /** Finding the key (a cache hit) or mapping and checking it, and how many keys this process has loaded so far. */
  keyLoad?: number;
  keysLoaded?: number;
}

/** How many witness values fall in each class (bits: the magnitude's bit length, after taking r - v for v > (r-1)/2). */
export interface WireStats {
  zeros: number;
  ones: number;
  bits8: number;
  bits16: number;
  bits32: number;
  bits64: number;
  full: number;
  negatives: number;
}

export interface NativeProofResult extends ProofResult {
  timings: NativeTimings;
  wireStats: WireStats;
}

export interface NativeProveOptions {
  /** Fixed proof randomness (tests comparing with a reference); default: fresh from /dev/urandom. */
  randomness?: { r: bigint; s: bigint };
}

type Reply = { ok: true; [k: string]: unknown } | { ok: false; error: string };

/** The witness as the prover reads it from memory: 32 bytes little-endian per value, standard form. */
export function witnessBytes(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (typeof v !== 'bigint' || v < 0n || v >= R) throw new RangeError(`witness value ${i} is not a field element in [0, r)`);
    // Four 64-bit limbs; most of our wires are 0 or small, so the loop ends after one limb or none.
    for (let off = 32 * i; v > 0n; off += 8, v >>= 64n) view.setBigUint64(off, v & MASK64, true);
  }
  return out;
}

const MASK64 = (1n << 64n) - 1n;

const field = (name: string, v: string): string => {
  if (/[\t\n\r]/.test(v) || v.length === 0) throw new TypeError(`native prover: ${name} must be non-empty, without tabs or newlines: ${JSON.stringify(v)}`);
  return v;
};

export class NativeProver {
  readonly threads: number;
  #child: ChildProcess;
  #pending: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  #exited: Error | undefined;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new RangeError(`native prover: threads ${threads} not an integer in 1..256`);
    const reason = nativeUnavailableReason();
    if (reason) throw new SnarkError(reason);
    this.threads = threads;
    this.#child = spawn(nativeBinary(), ['serve', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      const p = this.#pending.shift();
      if (!p) return;
      this.#idleCheck();
      try {
        p.resolve(JSON.parse(line) as Reply);
      } catch {
        p.reject(new SnarkError(`native prover: unreadable reply ${line.slice(0, 200)}`));
      }
    });
    const fail = (err: Error) => {
      this.#exited ??= err;
      for (const p of this.#pending.splice(0)) p.reject(this.#exited);
    };
    this.#child.on('error', (err) => fail(new SnarkError(`native prover: ${err.message}`)));
    this.#child.on('exit', (code, signal) => fail(new SnarkError(`native prover exited (${signal ?? `code ${code}`})`)));
    this.#child.stdin!.on('error', () => {}); // EPIPE after a crash: the exit reports it
    this.#idleCheck();
  }

  /** The prover process's id (benchmarks read its CPU time and peak RSS from /proc). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Unreferences the process and its pipes while nothing is pending. */
  #idleCheck(): void {
    const idle = this.#pending.length === 0;
    const handles = [this.#child, this.#child.stdin, this.#child.stdout] as unknown as { ref(): void; unref(): void }[];
    for (const h of handles) if (h && typeof h.ref === 'function') idle ? h.unref() : h.ref();
  }

  #request(line: string, payload?: Uint8Array): Promise<Reply> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#idleCheck();
      this.#child.stdin!.write(line + '\n');
      if (payload && payload.length > 0) this.#child.stdin!.write(payload);
    });
  }

  /** Proves with the key at `zkeyPath` and a witness given as a .wtns path or as {@link witnessBytes}. */
  async prove(zkeyPath: string, witness: string | Uint8Array, options: NativeProveOptions = {}): Promise<NativeProofResult> {
    const rs = options.randomness;
    if (rs && (rs.r < 0n || rs.r >= R || rs.s < 0n || rs.s >= R)) throw new RangeError('native prover: randomness not in [0, r)');
    const inline = typeof witness !== 'string';
    const fields = ['prove', field('zkey path', zkeyPath), inline ? '-' : field('wtns path', witness), String(inline ? witness.length : 0), rs ? rs.r.toString() : '-', rs ? rs.s.toString() : '-'];
    const reply = await this.#request(fields.join('\t'), inline ? witness : undefined);
    if (!reply.ok) throw new SnarkError(`native prover ${zkeyPath}: ${reply.error}`);
    return { proof: reply.proof as SnarkjsProof, publicSignals: reply.publicSignals as string[], timings: reply.timings as NativeTimings, wireStats: reply.wireStats as WireStats };
  }

  /** One arithmetic operation (prover/native/src/arith_cmd.cpp) on standard-form integers; for tests. */
  async arith(op: string, args: readonly bigint[]): Promise<bigint[]> {
    const reply = await this.#request(['arith', field('op', op), ...args.map((a) => a.toString(16))].join('\t'));
    if (!reply.ok) throw new SnarkError(`native prover arith ${op}: ${reply.error}`);
    return (reply.result as string[]).map((h) => BigInt('0x' + h));
  }

  /** Nanoseconds per mixed addition in G1 and G2 and per Fr multiplication (dependent chains of `n`). */
  async unitCosts(n = 200_000): Promise<{ g1AddNs: number; g2AddNs: number; frMulNs: number }> {
    const [g1, g2, fr] = await this.arith('bench_add', [BigInt(n)]);
    return { g1AddNs: Number(g1) / 1000, g2AddNs: Number(g2) / 1000, frMulNs: Number(fr) / 1000 };
  }

  /** Ends the process (pending requests are answered first). */
  async close(): Promise<void> {
    if (this.#exited) return;
    const done = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.ref();
    this.#child.stdin!.end('exit\n');
    await done;
  }
}
