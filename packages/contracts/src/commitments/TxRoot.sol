// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TxRoot
/// @notice A batch's `txRoot`: a binary keccak Merkle tree over its transactions' hashes
///         (leaf = keccak256 of the raw EIP-2718 transaction), in batch order. For `count`
///         transactions the depth is d = ceil(log2(count)) (0 for 0 and 1), the leaves are padded
///         with bytes32(0) up to 2^d, a node is keccak256(left || right); one transaction's root is
///         its leaf, no transaction's root is bytes32(0). The protocol package's `txRoot.ts`
///         builds the same trees and proofs.
library TxRoot {
    /// @notice Whether `proof` (bottom-up siblings) shows `leaf` at `index` of a batch of `count`
    ///         transactions whose root is `root`.
    /// @dev False unless `index < count` and the proof has exactly `depth(count)` siblings: the
    ///      count (signed in the batch) fixes the depth, so an inner node cannot pass for a leaf and
    ///      a padding leaf cannot be proven.
    function verify(bytes32 root, uint256 count, uint256 index, bytes32 leaf, bytes32[] memory proof)
        internal
        pure
        returns (bool)
    {
        if (index >= count || proof.length != depth(count)) return false;
        bytes32 node = leaf;
        uint256 position = index;
        for (uint256 i = 0; i < proof.length; i++) {
            node = position & 1 == 1 ? _hashPair(proof[i], node) : _hashPair(node, proof[i]);
            position >>= 1;
        }
        return node == root;
    }

    /// @notice ceil(log2(count)), 0 for 0 and 1: the number of siblings in a proof.
    function depth(uint256 count) internal pure returns (uint256 d) {
        if (count <= 1) return 0;
        // The bit length of count - 1 (no 1 << d overflow for counts near 2^256).
        for (uint256 x = count - 1; x != 0; x >>= 1) {
            d++;
        }
    }

    /// @notice The root over `leaves` (batch order); bytes32(0) for none. Memory grows with 2^depth.
    function computeRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 count = leaves.length;
        if (count == 0) return bytes32(0);
        uint256 width = 2 ** depth(count);
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < count; i++) {
            level[i] = leaves[i];
        }
        // Each pass halves the level in place: node i of the next level from nodes 2i and 2i + 1.
        for (; width > 1; width >>= 1) {
            for (uint256 i = 0; i < width / 2; i++) {
                level[i] = _hashPair(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }

    function _hashPair(bytes32 left, bytes32 right) private pure returns (bytes32 result) {
        // Assembly: hashes the pair in the scratch space (0x00-0x3f), which Solidity reserves for
        // this, without allocating memory.
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            result := keccak256(0x00, 0x40)
        }
    }
}
