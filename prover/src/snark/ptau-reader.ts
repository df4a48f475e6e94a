import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Random access to the sections of a .ptau file (snarkjs's binary container: "ptau", u32
 * version, u32 section count, then per section u32 id, u64 size, bytes), as zkey-new.ts reads
 * it: the header's power, byte ranges of a section, and how long a section is.
 */
export interface PtauReader {
  power: number;
  /** `length` bytes from `offset` in the section; with `pastEnd`, reading beyond its end (into the next bytes of the file). */
  read(section: number, offset: number, length: number, pastEnd?: boolean): Uint8Array;
  /** The section's size in bytes. */
  size(section: number): number;
  close(): void;
}

export function openPtau(path: string): PtauReader {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(12);
  readSync(fd, head, 0, 12, 0);
  if (head.toString('latin1', 0, 4) !== 'ptau') {
    closeSync(fd);
    throw new TypeError(`${path}: not a .ptau file`);
  }
  const sections = new Map<number, [number, number]>();
  let pos = 12;
  const sh = Buffer.alloc(12);
  for (let i = 0, n = head.readUInt32LE(8); i < n; i++) {
    readSync(fd, sh, 0, 12, pos);
    const id = sh.readUInt32LE(0);
    const size = sh.readUInt32LE(4) + sh.readUInt32LE(8) * 2 ** 32;
    if (!sections.has(id)) sections.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  const h = sections.get(1);
  if (!h) {
    closeSync(fd);
    throw new TypeError(`${path}: no ptau header`);
  }
  const hb = Buffer.alloc(44);
  readSync(fd, hb, 0, 44, h[0]);
  if (hb.readUInt32LE(0) !== 32) {
    closeSync(fd);
    throw new TypeError(`${path}: not a BN254 ptau`);
  }
  const section = (id: number) => {
    const s = sections.get(id);
    if (!s) throw new RangeError(`${path}: no section ${id}`);
    return s;
  };
  return {
    power: hb.readUInt32LE(36),
    read(id, offset, length, pastEnd = false) {
      const s = section(id);
      if (offset + length > s[1] && !pastEnd) throw new RangeError(`${path}: section ${id} has no bytes ${offset}…${offset + length}`);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), s[0] + offset + done);
        if (n === 0) throw new RangeError(`${path}: section ${id} truncated`);
        done += n;
      }
      return out;
    },
    size: (id) => section(id)[1],
    close: () => closeSync(fd),
  };
}
