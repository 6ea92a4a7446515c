// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SSZ
/// @notice SSZ Merkle helpers (consensus-specs `ssz/merkle-proofs.md`), hashing with the SHA-256
///         precompile (address 0x02).
library SSZ {
    /// @notice Whether `proof` proves `leaf` at generalized index `gindex` in the tree rooted at `root`.
    /// @dev consensus-specs `calculate_merkle_root`: the proof lists siblings bottom-up and must have
    ///      exactly `floor(log2(gindex))` entries; bit `i` of `gindex` set means the node at depth
    ///      `i` (from the leaf) is a right child, so its sibling is hashed on the left.
    ///      `gindex` 0 is not a node and never verifies.
    function verifyProof(bytes32[] memory proof, bytes32 root, bytes32 leaf, uint256 gindex)
        internal
        view
        returns (bool)
    {
        bytes32 node = leaf;
        uint256 index = gindex;
        bool hashed = true;
        // Assembly: the loop writes the pair to hash into the scratch space (0x00-0x3f), which
        // Solidity reserves for exactly this, and calls the precompile without allocating memory.
        assembly ("memory-safe") {
            let cursor := add(proof, 0x20)
            let end := add(cursor, shl(5, mload(proof)))
            for {} lt(cursor, end) { cursor := add(cursor, 0x20) } {
                // isRight is 0 or 1: the node goes to offset 0x20 when it is a right child.
                let isRight := and(index, 1)
                mstore(shl(5, isRight), node)
                mstore(shl(5, xor(isRight, 1)), mload(cursor))
                if iszero(staticcall(gas(), 0x02, 0x00, 0x40, 0x00, 0x20)) {
                    hashed := 0
                    break
                }
                node := mload(0x00)
                index := shr(1, index)
            }
        }
        // Halving once per sibling ends on the root's index 1 exactly when the proof length equals
        // the depth of `gindex` (shorter stops above 1, longer goes on to 0, `gindex` 0 stays 0).
        return hashed && index == 1 && node == root;
    }

    /// @notice The SSZ encoding of a uint64 (8 little-endian bytes), left-aligned in a bytes32:
    ///         `toLittleEndian(1) == 0x0100...00`. This is also its SSZ hash tree root.
    function toLittleEndian(uint64 value) internal pure returns (bytes32) {
        uint256 v = value;
        // Swap bytes within 16-bit pairs, then 16-bit halves within 32-bit words, then the words.
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        v = ((v & 0xFFFFFFFF00000000) >> 32) | ((v & 0x00000000FFFFFFFF) << 32);
        return bytes32(v << 192);
    }

    /// @notice SSZ hash tree root of a 48-byte BLS public key (`Bytes48`, two chunks):
    ///         `sha256(pubkey[0:32] ++ pubkey[32:48] ++ 16 zero bytes)`.
    /// @dev The caller checks that `pubkey` has 48 bytes; other lengths give a meaningless root.
    function pubkeyRoot(bytes memory pubkey) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(pubkey, bytes16(0)));
    }
}
