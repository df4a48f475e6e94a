/**
 * The receipt text's decimal writer (prover/src/solidity/ZkinferDecimal.sol: 32 digits per
 * word without a loop, by multiply-and-shift divisions on lanes) run in the EVM against
 * BigInt's toString, on the values where such tricks break: every power of 10 and its
 * neighbours, lane boundaries (10^16, 10^32, 10^64 ± 1), digits 9 everywhere, field elements,
 * 2^256 − 1 and random values of every length.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { R } from '@zkinfer/verifier';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { compileContracts } from '@zkinfer/prover/solidity/solc.ts';
import { DECIMAL_LIBRARY } from '@zkinfer/prover/solidity/source.ts';
import { selector, wordAt } from '@zkinfer/prover/solidity/abi.ts';
import { wordsToBytes } from '@zkinfer/prover/solidity/words.ts';

const HARNESS = `pragma solidity ^0.8.24;
${DECIMAL_LIBRARY}
contract DecimalHarness {
    /// The decimal texts of vs, each in its own 96-byte cell (length byte, then the digits).
    function decimals(uint256[] calldata vs) external pure returns (bytes memory out) {
        out = new bytes(96 * vs.length);
        uint256 scratch;
        assembly { scratch := mload(0x40) mstore(0x40, add(scratch, 0x60)) }
        for (uint256 i = 0; i < vs.length; i++) {
            uint256 cell;
            assembly { cell := add(add(out, 0x20), mul(96, i)) }
            uint256 end = ZkinferDecimal.write(cell + 1, vs[i], scratch);
            assembly { mstore8(cell, sub(end, add(cell, 1))) }
        }
    }
}`;

let chain: LocalChain;
let harness: string;

beforeAll(async () => {
  const { contracts } = compileContracts(HARNESS, ['DecimalHarness']);
  chain = await LocalChain.open();
  harness = (await chain.deploy(contracts[0].bytecode)).address;
}, 120_000);

async function decimals(vs: bigint[]): Promise<string[]> {
  const args = wordsToBytes([32n, BigInt(vs.length), ...vs]);
  const data = new Uint8Array(4 + args.length);
  data.set(selector('decimals(uint256[])'));
  data.set(args, 4);
  const r = await chain.call(harness, data);
  expect(r.reverted).toBe(false);
  const len = Number(wordAt(r.returnValue, 1));
  const body = r.returnValue.slice(64, 64 + len);
  return vs.map((_, i) => Buffer.from(body.slice(96 * i + 1, 96 * i + 1 + body[96 * i])).toString('latin1'));
}

function random(bits: number, seed: number): bigint {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  let v = 0n;
  for (let i = 0; i < 5; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    v = (v << 64n) | x;
  }
  return v & ((1n << BigInt(bits)) - 1n);
}

describe('ZkinferDecimal.write in the EVM', () => {
  it('matches toString at powers of ten, lane boundaries, all-nines and extremes', async () => {
    const vs = new Set<bigint>([0n, 1n, 9n, 10n, 11n, 99n, 100n, 255n, 65535n, R - 1n, R, (1n << 256n) - 1n, (1n << 255n), (1n << 254n) - 1n]);
    for (let e = 1n; e <= 77n; e++) for (const d of [-1n, 0n, 1n]) vs.add(10n ** e + d);
    for (let n = 1n; n <= 77n; n++) vs.add(10n ** n - 1n - 10n ** (n - 1n)); // 899…9
    for (let n = 1n; n <= 77n; n++) vs.add((10n ** n - 1n) / 9n * 5n); // 55…5
    const list = [...vs].filter((v) => v < 1n << 256n);
    expect(await decimals(list)).toEqual(list.map(String));
  });

  it('matches toString on random values of every bit length', async () => {
    const list = Array.from({ length: 256 }, (_, i) => random(i + 1, i));
    expect(await decimals(list)).toEqual(list.map(String));
  });
});
