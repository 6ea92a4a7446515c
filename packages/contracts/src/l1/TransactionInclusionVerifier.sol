// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BlockHeaders} from "./BlockHeaders.sol";
import {TransactionInclusion} from "./TransactionInclusion.sol";

/// @title TransactionInclusionVerifier
/// @notice Stateless: lets off-chain code check its transaction inclusion proofs on-chain exactly as
///         the protocol contracts will.
contract TransactionInclusionVerifier {
    /// @notice The hash this chain serves for block `number` (BLOCKHASH, else EIP-2935).
    function blockHash(uint256 number) external view returns (bool found, bytes32 hash) {
        return BlockHeaders.blockHash(number);
    }

    /// @notice `TransactionInclusion.verify`: reverts unless `header` is a block of this chain whose
    ///         transaction `txIndex` is proven by `proof` (the transactions-trie nodes from the root
    ///         to key `rlp(txIndex)`).
    /// @return txHash keccak256 of the transaction's EIP-2718 encoding.
    /// @return blockNumber The block's number.
    /// @return timestamp The block's timestamp.
    function verify(bytes calldata header, uint256 txIndex, bytes[] calldata proof)
        external
        view
        returns (bytes32 txHash, uint64 blockNumber, uint64 timestamp)
    {
        return TransactionInclusion.verify(header, txIndex, proof);
    }
}
