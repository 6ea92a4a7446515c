// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BLS
/// @notice BLS12-381 signatures as Ethereum validators make them (public keys in G1, signatures in
///         G2), checked with the EIP-2537 precompiles (Prague). Used for proofs of possession of
///         validator keys.
/// @dev Points use the EIP-2537 encoding: every base-field element is 64 big-endian bytes whose top
///      16 bytes are zero; a G1 point is `x || y` (128 bytes), a G2 point is
///      `x.c0 || x.c1 || y.c0 || y.c1` (256 bytes), and all zeros is the point at infinity.
///      `src/bls.ts` converts the compressed keys and signatures of the consensus layer.
///
///      Precompile failures revert with `PrecompileFailed`: EIP-2537 precompiles fail on invalid
///      input (a coordinate with non-zero padding or not below p, a point not on the curve, or, for
///      the pairing check, not in the prime-order subgroup) and consume all the gas they were given;
///      they also fail when out of gas. Reverting rather than returning false means that no gas
///      limit chosen by a caller can turn a valid signature into `false`. Every call also checks
///      the length of the returned data, so a chain without the precompiles (where the call
///      "succeeds" with no output) reverts instead of reading stale memory.
library BLS {
    /// @notice Domain separation tag of the proof-of-possession ciphersuite
    ///         `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` (draft-irtf-cfrg-bls-signature), the one
    ///         Ethereum consensus signs with.
    bytes internal constant POP_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    /// @notice Length of an EIP-2537 G1 point (a public key).
    uint256 internal constant G1_LENGTH = 128;
    /// @notice Length of an EIP-2537 G2 point (a signature or a message hash).
    uint256 internal constant G2_LENGTH = 256;

    // Precompile addresses (EIP-198 MODEXP, EIP-2537 BLS12-381 operations). SHA-256 (0x02) is
    // called through Solidity's sha256.
    uint256 private constant MODEXP = 0x05;
    uint256 private constant G2_ADD = 0x0d;
    uint256 private constant PAIRING_CHECK = 0x0f;
    uint256 private constant MAP_FP2_TO_G2 = 0x11;

    // The base-field modulus p (381 bits) as its top 128 bits and low 256 bits: a 64-byte EIP-2537
    // field element read as two words (hi, lo) has hi < 2**128 exactly when its padding is zero.
    uint256 private constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;
    // (p - 1) / 2, likewise split: y is "lexicographically largest" when y > (p - 1) / 2.
    uint256 private constant HALF_P_HI = 0x0d0088f51cbff34d258dd3db21a5d66b;
    uint256 private constant HALF_P_LO = 0xb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555;

    /// @dev The negated G1 generator (x, p - y) in the EIP-2537 encoding.
    bytes private constant NEG_G1_GENERATOR =
        hex"0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
        hex"00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f267816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca";

    /// @dev expand_message_xmd output length: 2 field elements of G2 (count 2, m 2) of L = 64 bytes.
    uint16 private constant UNIFORM_LENGTH = 256;
    /// @dev ell = UNIFORM_LENGTH / 32, the number of SHA-256 blocks b_1..b_ell.
    uint256 private constant ELL = 8;

    /// @notice A point has the wrong length (`expected` is 128 for G1, 256 for G2).
    error InvalidLength(uint256 length, uint256 expected);
    /// @notice The domain separation tag is longer than 255 bytes (RFC 9380 section 5.3.3 hashes
    ///         such tags first; this library does not support them).
    error DstTooLong(uint256 length);
    /// @notice A precompile call failed: invalid point encoding, point not on the curve or not in
    ///         the subgroup, out of gas, or no such precompile on this chain.
    error PrecompileFailed(address precompile);
    /// @notice A coordinate has non-zero padding or is not below the field modulus p.
    error NonCanonicalCoordinate();

    /// @notice Whether `signatureG2` is a BLS signature of `message` under `pubkeyG1` in the
    ///         proof-of-possession ciphersuite (`POP_DST`): e(pk, H(m)) * e(-G1, sig) == 1.
    /// @dev Returns false for the public key at infinity (which any signature at infinity would
    ///      otherwise match) and for valid points whose pairing check fails. Reverts with
    ///      `InvalidLength` when the key is not 128 bytes or the signature not 256, and with
    ///      `PrecompileFailed` when a point is not a valid EIP-2537 encoding of a point of the
    ///      prime-order subgroup (the pairing precompile checks subgroup membership), or when the
    ///      call runs out of gas. Callers that need a validator's 48-byte key check `compressG1`
    ///      of `pubkeyG1` against it.
    /// @param pubkeyG1 The public key, EIP-2537 G1 encoding (128 bytes).
    /// @param signatureG2 The signature, EIP-2537 G2 encoding (256 bytes).
    /// @param message The signed message (for a proof of possession, whatever the caller defines).
    function verify(bytes memory pubkeyG1, bytes memory signatureG2, bytes memory message)
        internal
        view
        returns (bool)
    {
        if (pubkeyG1.length != G1_LENGTH) revert InvalidLength(pubkeyG1.length, G1_LENGTH);
        if (signatureG2.length != G2_LENGTH) revert InvalidLength(signatureG2.length, G2_LENGTH);
        if (_isZero(pubkeyG1)) return false;
        bytes memory input = abi.encodePacked(pubkeyG1, hashToG2(message, POP_DST), NEG_G1_GENERATOR, signatureG2);
        address failed;
        uint256 result;
        assembly ("memory-safe") {
            // Arguments evaluate right to left: the call runs before returndatasize is read.
            if iszero(and(eq(returndatasize(), 0x20), staticcall(gas(), PAIRING_CHECK, add(input, 0x20), 0x300, 0x00, 0x20))) {
                failed := PAIRING_CHECK
            }
            result := mload(0x00)
        }
        if (failed != address(0)) revert PrecompileFailed(failed);
        return result == 1;
    }

    /// @notice RFC 9380 hash_to_curve for the suite BLS12381G2_XMD:SHA-256_SSWU_RO_ (random oracle):
    ///         `message` hashed to a point of the G2 subgroup, in the EIP-2537 encoding (256 bytes).
    /// @dev hash_to_field: expand_message_xmd (SHA-256) gives 256 uniform bytes, read as four 64-byte
    ///      big-endian integers reduced mod p with MODEXP (x^1 mod p): u0 = (e0, e1), u1 = (e2, e3).
    ///      MAP_FP2_TO_G2 maps each u_i with simplified SWU and the 3-isogeny, then clears the
    ///      cofactor; clearing is a group homomorphism, so adding the two cleared points with G2ADD
    ///      equals RFC 9380's clear_cofactor(map(u0) + map(u1)).
    /// @param message The message, any length.
    /// @param dst The domain separation tag, at most 255 bytes (else `DstTooLong`).
    /// @return g2 The hashed point (256 bytes).
    function hashToG2(bytes memory message, bytes memory dst) internal view returns (bytes memory g2) {
        bytes memory uniform = _expandMessageXmd(message, dst);
        g2 = new bytes(G2_LENGTH);
        address failed;
        assembly ("memory-safe") {
            // Scratch memory past the free memory pointer (not allocated; nothing else runs meanwhile):
            // m: MODEXP input (0xe1 bytes) = len(base) 64 | len(exp) 1 | len(mod) 64 | base | 0x01 | p,
            // fp2: one Fp2 element c0 || c1 (0x80 bytes), q: Q0 || Q1, the G2ADD input (0x200 bytes).
            let m := mload(0x40)
            let fp2 := add(m, 0x100)
            let q := add(m, 0x180)
            mstore(m, 0x40)
            mstore(add(m, 0x20), 0x01)
            mstore(add(m, 0x40), 0x40)
            mstore8(add(m, 0xa0), 0x01)
            // p as 64 bytes: the word at 0xa1 is 16 zero bytes then the top 16 bytes of p.
            mstore(add(m, 0xa1), P_HI)
            mstore(add(m, 0xc1), P_LO)
            for { let i := 0 } lt(i, 2) { i := add(i, 1) } {
                // u_i is bytes [128 i, 128 i + 128) of the uniform bytes: c0 then c1, 64 bytes each.
                let u := add(add(uniform, 0x20), shl(7, i))
                for { let j := 0 } lt(j, 2) { j := add(j, 1) } {
                    let chunk := add(u, shl(6, j))
                    mstore(add(m, 0x60), mload(chunk))
                    mstore(add(m, 0x80), mload(add(chunk, 0x20)))
                    if iszero(and(eq(returndatasize(), 0x40), staticcall(gas(), MODEXP, m, 0xe1, add(fp2, shl(6, j)), 0x40))) {
                        failed := MODEXP
                    }
                }
                if iszero(and(eq(returndatasize(), 0x100), staticcall(gas(), MAP_FP2_TO_G2, fp2, 0x80, add(q, shl(8, i)), 0x100))) {
                    failed := MAP_FP2_TO_G2
                }
            }
            if iszero(and(eq(returndatasize(), 0x100), staticcall(gas(), G2_ADD, q, 0x200, add(g2, 0x20), 0x100))) {
                failed := G2_ADD
            }
        }
        if (failed != address(0)) revert PrecompileFailed(failed);
    }

    /// @notice The 48-byte compressed (ZCash) serialization of an EIP-2537 G1 point: the one
    ///         validator public keys have in the beacon state and deposits.
    /// @dev x as 48 big-endian bytes with flag bits in its top byte (always free: p < 2**381):
    ///      0x80 compressed, 0x40 infinity (then x is zero), 0x20 when y > (p - 1) / 2. Reverts with
    ///      `InvalidLength` unless 128 bytes and with `NonCanonicalCoordinate` when a coordinate's
    ///      16 padding bytes are not zero or the coordinate is not below p. It does not check that
    ///      the point is on the curve: pair it with `verify`, whose precompiles do.
    /// @param pubkeyG1 The point, EIP-2537 G1 encoding (128 bytes).
    /// @return The compressed point (48 bytes).
    function compressG1(bytes memory pubkeyG1) internal pure returns (bytes memory) {
        if (pubkeyG1.length != G1_LENGTH) revert InvalidLength(pubkeyG1.length, G1_LENGTH);
        uint256 xHi;
        uint256 xLo;
        uint256 yHi;
        uint256 yLo;
        assembly ("memory-safe") {
            xHi := mload(add(pubkeyG1, 0x20))
            xLo := mload(add(pubkeyG1, 0x40))
            yHi := mload(add(pubkeyG1, 0x60))
            yLo := mload(add(pubkeyG1, 0x80))
        }
        if (!_belowModulus(xHi, xLo) || !_belowModulus(yHi, yLo)) revert NonCanonicalCoordinate();
        uint256 flags = 0x80;
        if ((xHi | xLo | yHi | yLo) == 0) flags = 0xc0;
        else if (yHi > HALF_P_HI || (yHi == HALF_P_HI && yLo > HALF_P_LO)) flags = 0xa0;
        // casting to 'uint128' is safe because xHi < P_HI < 2**128 (checked above) and flags < 2**8.
        // forge-lint: disable-next-line(unsafe-typecast)
        return abi.encodePacked(bytes16(uint128(xHi | (flags << 120))), xLo);
    }

    /// @dev RFC 9380 expand_message_xmd with SHA-256 (b = 32, s = 64) and len_in_bytes = 256:
    ///      DST' = dst || I2OSP(len(dst), 1);
    ///      b_0 = H(Z_pad(64) || msg || I2OSP(256, 2) || I2OSP(0, 1) || DST');
    ///      b_1 = H(b_0 || I2OSP(1, 1) || DST'); b_i = H((b_0 XOR b_(i-1)) || I2OSP(i, 1) || DST');
    ///      output b_1 || ... || b_8.
    function _expandMessageXmd(bytes memory message, bytes memory dst) private pure returns (bytes memory uniform) {
        if (dst.length > 255) revert DstTooLong(dst.length);
        bytes32 b0 = sha256(
            abi.encodePacked(bytes32(0), bytes32(0), message, UNIFORM_LENGTH, uint8(0), dst, uint8(dst.length))
        );
        // One buffer for every b_i input: its first 33 bytes are rewritten for each i.
        bytes memory block_ = abi.encodePacked(b0, uint8(1), dst, uint8(dst.length));
        uniform = new bytes(UNIFORM_LENGTH);
        bytes32 b = sha256(block_);
        for (uint256 i = 1; i <= ELL; ++i) {
            // b_i goes to bytes [32 (i - 1), 32 i) of the output, that is memory uniform + 32 i.
            assembly ("memory-safe") {
                mstore(add(uniform, shl(5, i)), b)
            }
            if (i == ELL) break;
            assembly ("memory-safe") {
                mstore(add(block_, 0x20), xor(b0, b))
                mstore8(add(block_, 0x40), add(i, 1))
            }
            b = sha256(block_);
        }
    }

    /// @dev Whether the 128-byte `point` is all zeros (the EIP-2537 point at infinity).
    function _isZero(bytes memory point) private pure returns (bool zero) {
        assembly ("memory-safe") {
            zero := iszero(
                or(or(mload(add(point, 0x20)), mload(add(point, 0x40))), or(mload(add(point, 0x60)), mload(add(point, 0x80))))
            )
        }
    }

    /// @dev Whether the 64-byte field element read as words (hi, lo) is below p (so hi < 2**128).
    function _belowModulus(uint256 hi, uint256 lo) private pure returns (bool) {
        return hi < P_HI || (hi == P_HI && lo < P_LO);
    }
}
