    // ---- BSB22 commitments (LogUp chunk keys; docs/solidity.md "Commitments in the bundle") ----
    // Spliced into ZkinferVerifier by source.ts only when every key has a commitment, so the
    // plain contract's source (and bytecode) is the template's alone.

    /// Per key: its vkeyHash (32 bytes), which the challenge hashes.
    bytes internal constant KEY_HASHES = hex"{{KEY_HASHES}}";
    /// Per key: the slot of its σ₂ (1 byte).
    bytes internal constant KEY_SIGMAS = hex"{{KEY_SIGMAS}}";
    /// "zkinfer/bsb22-challenge/v1" (26 bytes, verifier/src/commitment.ts CHALLENGE_TAG), left-aligned.
    bytes32 internal constant CHALLENGE_TAG = "zkinfer/bsb22-challenge/v1";
    /// 2^256 mod r: c = (SHA-256(m ‖ 0)·2^256 + SHA-256(m ‖ 1)) mod r.
    uint256 internal constant TWO_256_MOD_R = {{WIDE_MOD_R}};
    /// ρ'_k (the knowledge check's exponent) hashes k + PRIME_OFFSET, so it never repeats a ρ_j.
    uint256 internal constant PRIME_OFFSET = 0x100000000000000000000000000000000;
    /// The chunk's signals the challenge hashes: all 7 + CTX (c, public 8 + CTX, is not in the call).
    uint256 internal constant N_SIGNALS = {{N_SIGNALS}};
    /// Bytes of the challenge message: tag, 0x00, D, u32 count, the signals, vkeyHash, the widening byte.
    uint256 internal constant CHALLENGE_BYTES = {{CHALLENGE_BYTES}}; // 128 + 32 * N_SIGNALS
    /// The challenge's IC point, IC[8 + CTX], in a key blob (after the STOP byte); σ₂ follows it.
    uint256 internal constant K_IC_CHALLENGE = {{K_IC_CHALLENGE}}; // 384 + 64 * (8 + CTX)

    /// The call does not carry exactly one (D, π) per chunk.
    error CommitmentMismatch(uint256 commitments);
    /// D_k or π_k (which = 2k for D_k, 2k + 1 for π_k) is not a strict G1 point.
    error CommitmentNotBelowP(uint256 which);
    error CommitmentAtInfinity(uint256 which);
    error CommitmentNotOnCurve(uint256 which);

    /// Exactly one (D, π) per chunk, each coordinate < p, neither at infinity, both on y² = x³ + 3.
    function _checkCommitmentPoints(uint256[4][] calldata commitments) internal pure {
        if (commitments.length != N_CHUNKS) revert CommitmentMismatch(commitments.length);
        for (uint256 i = 0; i < 2 * N_CHUNKS; i++) {
            uint256 x = commitments[i >> 1][(i & 1) << 1];
            uint256 y = commitments[i >> 1][((i & 1) << 1) | 1];
            if (x >= P || y >= P) revert CommitmentNotBelowP(i);
            if (x | y == 0) revert CommitmentAtInfinity(i);
            if (mulmod(y, y, P) != addmod(mulmod(mulmod(x, x, P), x, P), 3, P)) revert CommitmentNotOnCurve(i);
        }
    }

    /**
     * The challenge message's parts every chunk shares (verifier/src/commitment.ts
     * commitmentChallenge): tag ‖ 0x00 ‖ D ‖ u32be(N_SIGNALS) ‖ signals ‖ vkeyHash ‖ byte, with
     * the signals as _addChunks rebuilds them (modelTag, k, in, out, promptCommitment, nPrompt,
     * nGenerated, posTokens). D, k, in, out and vkeyHash are written per chunk.
     */
    function _challengeMessage(uint256 promptCommitment, uint256 nPrompt, uint16[] calldata generated) internal pure returns (uint256 m) {
        bytes32 tag = CHALLENGE_TAG;
        assembly ("memory-safe") {
            m := mload(0x40)
            mstore(0x40, add(m, add(CHALLENGE_BYTES, 0x20)))
            // Low to high where words overlap: the tag's word (its zero byte at 26), then the
            // count's word (its 4 bytes end at 95); D (bytes 27 … 90) is written over it per chunk.
            mstore(m, tag)
            mstore(add(m, 63), N_SIGNALS)
            let s := add(m, 95)
            mstore(s, MODEL_TAG)
            mstore(add(s, 0x80), promptCommitment)
            mstore(add(s, 0xa0), nPrompt)
            mstore(add(s, 0xc0), generated.length)
            let tokens := add(s, 0xe0)
            calldatacopy(tokens, calldatasize(), shl(5, CTX)) // posTokens outside the generated window: 0
            for { let g := 0 } lt(g, generated.length) { g := add(g, 1) } {
                mstore(add(tokens, shl(5, add(nPrompt, g))), calldataload(add(generated.offset, shl(5, g))))
            }
        }
    }

    /**
     * Per chunk k of key j, with c_k recomputed here (the call has no slot for it, so the
     * prover never chooses it):
     *   γ slot of j += ρ_k·D_k + (ρ_k·c_k)·IC_j[8 + CTX] + ρ'_k·π_k,   σ₂ slot of j += (−ρ'_k)·D_k,
     * so the one pairing check also holds (e(D_k, σ₂)·e(π_k, g₂)⁻¹)^ρ'_k = 1 for every k (γ = g₂:
     * plan.ts refuses a commitment key without it). ρ'_k = keccak256(τ ‖ k + 2^128) mod r, k = 0
     * included, independent of ρ_k, so a Groth16 defect cannot cancel a knowledge defect.
     * The arrays are read at their calldata offsets (ABI head words 3 and 5 of submit/verify,
     * which Solidity's decoder has bounds-checked on entry; _checkStatement and
     * _checkCommitmentPoints their lengths).
     */
    function _addCommitments(uint256 base, bytes32 transcript, uint256 promptCommitment, uint256 nPrompt, uint16[] calldata generated)
        internal
        view
        returns (uint256)
    {
        return _addCommitmentTerms(base, transcript, _challengeMessage(promptCommitment, nPrompt, generated));
    }

    function _addCommitmentTerms(uint256 base, bytes32 transcript, uint256 m) internal view returns (uint256 failed) {
        bytes memory chunkKeys = CHUNK_KEYS;
        bytes memory keyHashes = KEY_HASHES;
        for (uint256 k = 0; k < N_CHUNKS; k++) {
            uint256 j = uint8(chunkKeys[2 * k]);
            failed |= _addCommitment(base, transcript, k, j, _chunkChallenge(m, k, keyHashes, j));
        }
    }

    /// c_k = (SHA-256(m ‖ 0x00)·2^256 + SHA-256(m ‖ 0x01)) mod r, with chunk k's D, k, in, out and key hash written into m.
    function _chunkChallenge(uint256 m, uint256 k, bytes memory keyHashes, uint256 j) internal view returns (uint256 c) {
        bool ok;
        assembly ("memory-safe") {
            let boundariesAt := add(36, calldataload(100))
            let dAt := add(add(36, calldataload(164)), shl(7, k))
            let inC := 0
            if k { inC := calldataload(add(boundariesAt, shl(5, sub(k, 1)))) }
            let outC := 0
            if lt(k, sub(N_CHUNKS, 1)) { outC := calldataload(add(boundariesAt, shl(5, k))) }
            mstore(add(m, 27), calldataload(dAt))
            mstore(add(m, 59), calldataload(add(dAt, 0x20)))
            mstore(add(m, 127), k)
            mstore(add(m, 159), inC)
            mstore(add(m, 191), outC)
            let h := add(m, sub(CHALLENGE_BYTES, 33))
            mstore(h, mload(add(add(keyHashes, 0x20), shl(5, j))))
            mstore8(add(h, 0x20), 0)
            ok := staticcall(gas(), 0x02, m, CHALLENGE_BYTES, 0x00, 0x20)
            let hi := mload(0x00)
            mstore8(add(h, 0x20), 1)
            ok := and(ok, staticcall(gas(), 0x02, m, CHALLENGE_BYTES, 0x00, 0x20))
            c := addmod(mulmod(hi, TWO_256_MOD_R, R), mload(0x00), R)
        }
        if (!ok) revert PrecompileFailed(2);
    }

    /// Chunk k's terms into its key j's γ slot (ρD, ρc·IC[8 + CTX], ρ'π) and σ₂ slot (−ρ'D).
    function _addCommitment(uint256 base, bytes32 transcript, uint256 k, uint256 j, uint256 c) internal view returns (uint256 failed) {
        address store = keyContract(j);
        bytes memory keySlots = KEY_SLOTS;
        bytes memory keySigmas = KEY_SIGMAS;
        uint256 gamma = base + M_SLOTS + 160 * uint256(uint8(keySlots[3 * j + 1]));
        uint256 sigma = base + M_SLOTS + 160 * uint256(uint8(keySigmas[j]));
        assembly ("memory-safe") {
            // slot's sum += t·(its addend), in place (the addend already written).
            function mulAdd(slot, t) -> f {
                mstore(add(slot, 0x80), t)
                f := shl(7, iszero(staticcall(gas(), 0x07, add(slot, 0x40), 0x60, add(slot, 0x40), 0x40)))
                f := or(f, shl(6, iszero(staticcall(gas(), 0x06, slot, 0x80, slot, 0x40))))
            }
            let dAt := add(add(36, calldataload(164)), shl(7, k))
            mstore(0x00, transcript)
            let rho := 1
            if k {
                mstore(0x20, k)
                rho := mod(keccak256(0x00, 0x40), R)
            }
            mstore(0x20, add(k, PRIME_OFFSET))
            let rho2 := mod(keccak256(0x00, 0x40), R)
            calldatacopy(add(gamma, 0x40), dAt, 0x40)
            failed := mulAdd(gamma, rho)
            extcodecopy(store, add(gamma, 0x40), add(1, K_IC_CHALLENGE), 0x40)
            failed := or(failed, mulAdd(gamma, mulmod(rho, c, R)))
            calldatacopy(add(gamma, 0x40), add(dAt, 0x40), 0x40)
            failed := or(failed, mulAdd(gamma, rho2))
            calldatacopy(add(sigma, 0x40), dAt, 0x40)
            failed := or(failed, mulAdd(sigma, sub(R, rho2))) // −ρ'·D: _pairingCheck negates every slot's sum
        }
    }

