/**
 * Unsigned integers in decimal ASCII at a memory address, for the receipt text (its signals
 * in decimal: verifier/src/receipt.ts). A 256-bit value is cut into three 32-digit parts
 * (v = a·10^64 + b·10^32 + c) and each part becomes 32 digits with no loop, SWAR style:
 * a 256-bit word holds lanes that are split in halves at once, 2 lanes of 128 bits →
 * 4 of 64 → 8 of 32 → 16 of 16 → 32 bytes, one digit each. A lane value v < 10^2k is split
 * into v / 10^k (in the upper half of the lane) and v mod 10^k (in the lower half); the
 * quotient of every lane comes from one multiplication by M = ⌈2^S / 10^k⌉ and a shift by
 * S, which is exact for v < 2^N when M·10^k − 2^S ≤ 2^(S−N) (Granlund–Montgomery, "Division
 * by invariant integers using multiplication", 1994, Theorem 4.2):
 *   10^8 on 128-bit lanes: v < 10^16 < 2^54, S = 81, M·10^8 − 2^81 = 50,587,648 ≤ 2^27;
 *   10^4 on 64-bit lanes:  v < 10^8 < 2^27,  S = 41, M·10^4 − 2^41 = 4,448 ≤ 2^14;
 *   10^2 on 32-bit lanes:  v < 10^4 < 2^14,  S = 21, M·100 − 2^21 = 48 ≤ 2^7;
 *   10 on 16-bit lanes:    v < 100 < 2^7,    S = 11, M·10 − 2^11 = 2 ≤ 2^4.
 * v·M stays inside its lane (< 2^108, 2^55, 2^29, 2^15), so lanes never carry into each
 * other; after the shift, the fraction of lane i + 1 falls into bits ≥ L − S of lane i, above
 * the quotient's bits, which the mask keeps (quotients < 2^27, 2^14, 2^7, 2^4).
 * Tested against BigInt's toString in test/prover/solidity/decimal-evm.test.ts.
 */
library ZkinferDecimal {
    uint256 internal constant E16 = 10000000000000000;
    uint256 internal constant E32 = 100000000000000000000000000000000;
    uint256 internal constant M8 = 24178516392292584; // ⌈2^81 / 10^8⌉
    uint256 internal constant M4 = 219902326; // ⌈2^41 / 10^4⌉
    uint256 internal constant M2 = 20972; // ⌈2^21 / 100⌉
    uint256 internal constant M1 = 205; // ⌈2^11 / 10⌉
    /// 2^27 − 1 in each 128-bit lane, 2^14 − 1 in each 64-bit lane, 2^7 − 1 in each 32-bit lane,
    /// 2^4 − 1 in each 16-bit lane, "0" in each byte (literals: inline assembly reads no expressions).
    uint256 internal constant LOW27_OF_128 = 0x00000000000000000000000007ffffff00000000000000000000000007ffffff;
    uint256 internal constant LOW14_OF_64 = 0x0000000000003fff0000000000003fff0000000000003fff0000000000003fff;
    uint256 internal constant LOW7_OF_32 = 0x0000007f0000007f0000007f0000007f0000007f0000007f0000007f0000007f;
    uint256 internal constant LOW4_OF_16 = 0x000f000f000f000f000f000f000f000f000f000f000f000f000f000f000f000f;
    uint256 internal constant ASCII_ZEROS = 0x3030303030303030303030303030303030303030303030303030303030303030;

    /// The 32 decimal digits of x < 10^32 as byte values 0..9, most significant first.
    function digits32(uint256 x) internal pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := or(shl(128, div(x, E16)), mod(x, E16))
            let q := and(shr(81, mul(w, M8)), LOW27_OF_128)
            w := or(shl(64, q), sub(w, mul(q, 100000000)))
            q := and(shr(41, mul(w, M4)), LOW14_OF_64)
            w := or(shl(32, q), sub(w, mul(q, 10000)))
            q := and(shr(21, mul(w, M2)), LOW7_OF_32)
            w := or(shl(16, q), sub(w, mul(q, 100)))
            q := and(shr(11, mul(w, M1)), LOW4_OF_16)
            w := or(shl(8, q), sub(w, mul(q, 10)))
        }
    }

    /// Leading zero bytes of w ≠ 0.
    function leadingZeroBytes(uint256 w) internal pure returns (uint256 n) {
        assembly ("memory-safe") {
            if lt(w, shl(128, 1)) { n := 16 w := shl(128, w) }
            if lt(w, shl(192, 1)) { n := add(n, 8) w := shl(64, w) }
            if lt(w, shl(224, 1)) { n := add(n, 4) w := shl(32, w) }
            if lt(w, shl(240, 1)) { n := add(n, 2) w := shl(16, w) }
            if lt(w, shl(248, 1)) { n := add(n, 1) }
        }
    }

    /**
     * Writes v in decimal (no leading zeros; "0" for 0) at memory address p and returns the
     * end. Uses 96 bytes of scratch at `scratch`, which must not overlap [p, p + 78).
     */
    function write(uint256 p, uint256 v, uint256 scratch) internal pure returns (uint256 end) {
        if (v < 10) {
            assembly ("memory-safe") {
                mstore8(p, add(48, v))
            }
            return p + 1;
        }
        uint256 c = digits32(v % E32);
        uint256 q = v / E32;
        uint256 n;
        if (q == 0) {
            n = 32 - leadingZeroBytes(c);
        } else {
            uint256 b = digits32(q % E32);
            uint256 a = q / E32; // < 10^13: v < 2^256 < 10^78
            if (a == 0) {
                n = 64 - leadingZeroBytes(b);
            } else {
                a = digits32(a);
                n = 96 - leadingZeroBytes(a);
                assembly ("memory-safe") {
                    mstore(scratch, or(a, ASCII_ZEROS))
                }
            }
            assembly ("memory-safe") {
                mstore(add(scratch, 0x20), or(b, ASCII_ZEROS))
            }
        }
        assembly ("memory-safe") {
            mstore(add(scratch, 0x40), or(c, ASCII_ZEROS))
            mcopy(p, sub(add(scratch, 0x60), n), n)
            end := add(p, n)
        }
    }
}
