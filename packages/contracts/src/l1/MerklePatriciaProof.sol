// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RLP} from "./RLP.sol";

/// @title MerklePatriciaProof
/// @notice Verifies proofs of the Merkle-Patricia tries of Ethereum's execution layer (yellow paper,
///         appendix D), in the format of `eth_getProof`: the RLP nodes on the path from the root
///         down to the key, each referenced by its keccak256 from its parent; a child node whose
///         encoding is shorter than 32 bytes sits inline in its parent and is not listed.
/// @dev Nodes are branches (17 items: 16 children by nibble, then a value), extensions and leaves
///      (2 items: a hex-prefix encoded path, then the child or the value). A proof also proves
///      absence when the key's path ends at an empty branch child or leaves a leaf's or
///      extension's path. Any other proof reverts: a node that does not match its reference
///      (`MPTHashMismatch`), a node that is not a trie node (`MPTInvalidNode`, or `RLP.RLPInvalid`),
///      a proof that ends before the path does (`MPTProofTooShort`) or goes on after it
///      (`MPTProofTooLong`).
library MerklePatriciaProof {
    /// @notice keccak256(rlp("")): the root of the empty trie.
    bytes32 internal constant EMPTY_TRIE_ROOT = 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;

    // Outcomes of walking one node.
    uint256 private constant _FOUND = 0;
    uint256 private constant _ABSENT = 1;
    uint256 private constant _FOLLOW = 2;

    /// @notice A proof node does not hash to the reference its parent (or the root) holds.
    error MPTHashMismatch();
    /// @notice A proof node is well-formed RLP but not a valid trie node.
    error MPTInvalidNode();
    /// @notice The proof ends before the key's path does.
    error MPTProofTooShort();
    /// @notice The proof holds nodes after the end of the key's path.
    error MPTProofTooLong();

    /// @notice The value stored under `key` in the trie rooted at `root`, proven by `proof`.
    /// @return found False when `proof` proves that the trie holds nothing under `key`.
    /// @return value The value (the RLP string's payload); empty when not found.
    function get(bytes32 root, bytes memory key, bytes[] memory proof)
        internal
        pure
        returns (bool found, bytes memory value)
    {
        if (proof.length == 0) {
            if (root == EMPTY_TRIE_ROOT) return (false, value);
            revert MPTProofTooShort();
        }
        uint256 keyIndex; // nibbles of the key consumed
        uint256 used; // proof nodes consumed
        bytes32 expected = root; // the hash of the next node to take from the proof
        RLP.Item node; // the node being walked
        bool isInline; // whether `node` sits inline in its parent (so is not in the proof)
        while (true) {
            if (!isInline) {
                if (used == proof.length) revert MPTProofTooShort();
                bytes memory encoded = proof[used++];
                if (keccak256(encoded) != expected) revert MPTHashMismatch();
                node = RLP.toItem(encoded);
            }
            uint256 outcome;
            RLP.Item child;
            (outcome, keyIndex, child, value) = _step(node, key, keyIndex);
            if (outcome != _FOLLOW) {
                if (used != proof.length) revert MPTProofTooLong();
                return (outcome == _FOUND, value);
            }
            (isInline, expected) = _reference(child);
            if (isInline) node = child;
        }
    }

    /// @notice Walks `node` with the key from nibble `keyIndex` on.
    /// @return outcome `_FOUND` (with `value`), `_ABSENT`, or `_FOLLOW` (go on to `child`).
    /// @return nextKeyIndex The key nibbles consumed after this node.
    /// @return child The child reference to follow (an inline node or a 32-byte hash string).
    /// @return value The value, when found.
    function _step(RLP.Item node, bytes memory key, uint256 keyIndex)
        private
        pure
        returns (uint256 outcome, uint256 nextKeyIndex, RLP.Item child, bytes memory value)
    {
        RLP.Item[] memory items = RLP.readList(node);
        if (items.length == 17) {
            if (keyIndex == key.length * 2) {
                // The key ends at this branch: its value slot holds the value, if any.
                value = RLP.readBytes(items[16]);
                return (value.length == 0 ? _ABSENT : _FOUND, keyIndex, child, value);
            }
            child = items[_nibble(key, keyIndex)];
            (bool list,, uint256 len) = RLP.payload(child);
            if (!list && len == 0) return (_ABSENT, keyIndex + 1, child, value);
            return (_FOLLOW, keyIndex + 1, child, value);
        }
        if (items.length != 2) revert MPTInvalidNode();
        (bool leaf, bool matches, uint256 pathNibbles) = _matchPath(items[0], key, keyIndex);
        nextKeyIndex = keyIndex + pathNibbles;
        if (leaf) {
            // A leaf's path must be exactly the rest of the key.
            if (!matches || nextKeyIndex != key.length * 2) return (_ABSENT, nextKeyIndex, child, value);
            value = RLP.readBytes(items[1]);
            if (value.length == 0) revert MPTInvalidNode();
            return (_FOUND, nextKeyIndex, child, value);
        }
        // An extension with an empty path is never written.
        if (pathNibbles == 0) revert MPTInvalidNode();
        return (matches ? _FOLLOW : _ABSENT, nextKeyIndex, items[1], value);
    }

    /// @notice Reads a child reference: an inline node (a list encoded in fewer than 32 bytes) or
    ///         the 32-byte hash of a node listed in the proof.
    function _reference(RLP.Item child) private pure returns (bool isInline, bytes32 hash) {
        (bool list, uint256 ptr, uint256 len) = RLP.payload(child);
        if (list) {
            if (RLP.encodedLength(child) >= 32) revert MPTInvalidNode();
            return (true, bytes32(0));
        }
        if (len != 32) revert MPTInvalidNode();
        assembly ("memory-safe") {
            hash := mload(ptr)
        }
    }

    /// @notice Nibble `index` of `key` (two per byte, high first); `index` is within the key.
    function _nibble(bytes memory key, uint256 index) private pure returns (uint256 nibble) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(key, 0x20)
        }
        return _nibbleAt(ptr, index);
    }

    /// @notice Nibble `index` of the bytes at memory address `ptr`.
    function _nibbleAt(uint256 ptr, uint256 index) private pure returns (uint256 nibble) {
        assembly ("memory-safe") {
            let b := byte(0, mload(add(ptr, shr(1, index))))
            // High nibble at even indices, low at odd.
            nibble := and(shr(shl(2, iszero(and(index, 1))), b), 0x0f)
        }
    }

    /// @notice Decodes the hex-prefix encoded `path` of a leaf or extension and compares it with
    ///         `key` from nibble `keyIndex`.
    /// @return leaf Whether the flag marks a leaf (else an extension).
    /// @return matches Whether the path's nibbles equal the key's next ones (false if the key is shorter).
    /// @return pathNibbles The path's length in nibbles.
    function _matchPath(RLP.Item path, bytes memory key, uint256 keyIndex)
        private
        pure
        returns (bool leaf, bool matches, uint256 pathNibbles)
    {
        (bool list, uint256 ptr, uint256 len) = RLP.payload(path);
        if (list || len == 0) revert MPTInvalidNode();
        // The first nibble is the flag: 0 extension, 1 odd extension, 2 leaf, 3 odd leaf. An odd
        // path starts at the second nibble; an even one at the third, after a zero nibble.
        uint256 flag = _nibbleAt(ptr, 0);
        if (flag > 3 || (flag & 1 == 0 && _nibbleAt(ptr, 1) != 0)) revert MPTInvalidNode();
        leaf = flag >= 2;
        uint256 start = 2 - (flag & 1);
        pathNibbles = len * 2 - start;
        if (keyIndex + pathNibbles > key.length * 2) return (leaf, false, pathNibbles);
        for (uint256 i; i < pathNibbles; i++) {
            if (_nibbleAt(ptr, start + i) != _nibble(key, keyIndex + i)) return (leaf, false, pathNibbles);
        }
        matches = true;
    }
}
