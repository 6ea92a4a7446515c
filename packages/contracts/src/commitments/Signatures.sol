// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Signatures
/// @notice ECDSA (secp256k1) recovery of 65-byte `r || s || v` signatures, strict: low `s` only
///         (EIP-2, so a signature has no malleable twin), `v` 27 or 28, and never address(0).
///         The protocol package's `recoverDigestSigner` applies the same rules in the same order.
library Signatures {
    /// @notice The signature is not 65 bytes (64-byte EIP-2098 signatures are not accepted).
    error SignatureInvalidLength(uint256 length);
    /// @notice `s` is in the upper half of the curve order: the malleable twin of a valid signature.
    error SignatureMalleableS(bytes32 s);
    /// @notice `v` is neither 27 nor 28.
    error SignatureInvalidV(uint8 v);
    /// @notice The signature recovers no address (r or s zero, r not a curve point's x, r >= n).
    error SignatureInvalid();

    /// @notice Half the secp256k1 group order: the largest `s` accepted.
    uint256 internal constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The address whose key signed `digest`.
    /// @dev Reverts with `SignatureInvalidLength`, `SignatureMalleableS`, `SignatureInvalidV` or
    ///      `SignatureInvalid`, checked in that order.
    function recover(bytes32 digest, bytes memory signature) internal pure returns (address signer) {
        if (signature.length != 65) revert SignatureInvalidLength(signature.length);
        bytes32 r;
        bytes32 s;
        uint8 v;
        // Assembly: reads the three words of a 65-byte `bytes` in memory (length checked above).
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            s := mload(add(signature, 0x40))
            v := byte(0, mload(add(signature, 0x60)))
        }
        if (uint256(s) > HALF_N) revert SignatureMalleableS(s);
        if (v != 27 && v != 28) revert SignatureInvalidV(v);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert SignatureInvalid();
    }
}
