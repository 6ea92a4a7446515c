// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BlockHeaders} from "./BlockHeaders.sol";
import {MerklePatriciaProof} from "./MerklePatriciaProof.sol";

/// @title TransactionInclusion
/// @notice Proves that a transaction was included in an earlier block of this chain: the block's
///         header, checked against the block hash this chain still serves (BLOCKHASH for the last
///         256 blocks, EIP-2935 for the last 8191), and a proof of the transaction in the header's
///         transactions trie.
/// @dev The transactions trie maps `rlp(index)` to the transaction's EIP-2718 encoding: the RLP list
///      of a legacy transaction, `type || rlp(payload)` of a typed one. Either way its keccak256 is
///      the transaction hash.
library TransactionInclusion {
    /// @notice This chain serves no hash for block `number` (too old, not yet mined, or unknown).
    error BlockHashUnavailable(uint256 number);
    /// @notice The header does not hash to the hash this chain holds for block `number`.
    error BlockHeaderMismatch(uint256 number);
    /// @notice The proof shows that the block has no transaction at `index`.
    error TransactionNotIncluded(uint256 index);

    /// @notice Checks that the block of `header` is on this chain and that its transaction
    ///         `txIndex` is the one `proof` leads to.
    /// @param header The block's RLP header.
    /// @param txIndex The transaction's position in the block.
    /// @param proof The transactions-trie nodes from the root to key `rlp(txIndex)`.
    /// @return txHash keccak256 of the transaction's EIP-2718 encoding.
    /// @return blockNumber The block's number.
    /// @return timestamp The block's timestamp.
    function verify(bytes memory header, uint256 txIndex, bytes[] memory proof)
        internal
        view
        returns (bytes32 txHash, uint64 blockNumber, uint64 timestamp)
    {
        BlockHeaders.Header memory decoded = BlockHeaders.decode(header);
        (bool found, bytes32 known) = BlockHeaders.blockHash(decoded.number);
        if (!found) revert BlockHashUnavailable(decoded.number);
        if (known != decoded.hash) revert BlockHeaderMismatch(decoded.number);
        (bool included, bytes memory transaction) =
            MerklePatriciaProof.get(decoded.transactionsRoot, indexKey(txIndex), proof);
        if (!included) revert TransactionNotIncluded(txIndex);
        return (keccak256(transaction), decoded.number, decoded.timestamp);
    }

    /// @notice The transactions-trie key of transaction `index`: `rlp(index)`, the minimal
    ///         big-endian bytes of `index` as an RLP string (0 is `0x80`, 1..127 a single byte).
    function indexKey(uint256 index) internal pure returns (bytes memory key) {
        if (index == 0) return hex"80";
        uint256 length; // bytes of `index` without leading zeros
        for (uint256 v = index; v != 0; v >>= 8) {
            unchecked {
                ++length;
            }
        }
        // A single byte below 0x80 is its own encoding; longer strings take a 0x80 + length prefix.
        uint256 prefixed = index < 0x80 ? 0 : 1;
        key = new bytes(prefixed + length);
        assembly ("memory-safe") {
            let data := add(key, 0x20)
            if prefixed { mstore8(data, add(0x80, length)) }
            // The index left-aligned: its bytes land right after the prefix (the zeros written
            // after them fall in the allocation's padding or past the free memory pointer).
            mstore(add(data, prefixed), shl(shl(3, sub(32, length)), index))
        }
    }
}
