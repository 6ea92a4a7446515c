// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Kinds of promise, weakest to strongest (DESIGN.md section 5).
uint8 constant KIND_INCLUSION = 0;
uint8 constant KIND_ORDERING = 1;
uint8 constant KIND_STATE = 2;
uint8 constant KIND_BUNDLE = 3;

/// @notice A preconfirmation: what a committer (gateway) key promises for a window, signed with
///         EIP-712 under the domain {name: "Baton", version: "1", chainId: L1, verifyingContract: Slasher}.
struct Commitment {
    /// @notice The window's last slot `t`: the promise holds by the end of it.
    uint64 targetSlot;
    /// @notice The chain the transaction targets: the L1 chain id or a rollup's chain id.
    uint64 chainId;
    /// @notice KIND_INCLUSION, KIND_ORDERING, KIND_STATE or KIND_BUNDLE.
    uint8 kind;
    /// @notice keccak256 of the signed raw transaction (EIP-2718 bytes), or the bundle hash.
    bytes32 txHash;
    /// @notice Ordering/state: rollup-wide index of the transaction in the rollup's sequence.
    uint64 position;
    /// @notice Ordering/state: struct hash of the previous commitment of this rollup in this window
    ///         (zero for the window's first).
    bytes32 parent;
    /// @notice State: the promised post-state root of the rollup after the transaction.
    bytes32 postStateRoot;
    /// @notice Tip the user pays for the promise (wei).
    uint256 tip;
    /// @notice Paid to `beneficiary` from collateral if the window's last slot is missed and the
    ///         promise is not kept (wei).
    uint256 livenessPenalty;
    /// @notice Paid to `beneficiary` first from a safety slash (wei).
    uint256 insurance;
    /// @notice Who receives the liveness penalty or the insurance.
    address beneficiary;
    /// @notice Hash of the user's request, as the gateway API defines it.
    bytes32 requestHash;
}

/// @notice A rollup batch: an ordered list of the rollup's transactions, chained on the rollup's
///         previous batch, signed by the window's committer with the same EIP-712 domain.
struct Batch {
    /// @notice The rollup's chain id.
    uint64 chainId;
    /// @notice The batch's number in the rollup: the number of batches settled before it.
    uint64 number;
    /// @notice Struct hash of the rollup's previous batch (zero for the first).
    bytes32 parentHash;
    /// @notice The last slot of the window the batch was signed for.
    uint64 targetSlot;
    /// @notice Rollup-wide position of the batch's first transaction.
    uint64 firstPosition;
    /// @notice Number of transactions in the batch (forced inclusions first).
    uint32 txCount;
    /// @notice Keccak binary Merkle root of the transactions' hashes (see `TxRoot`).
    bytes32 txRoot;
    /// @notice keccak256 of the calldata data, or of the packed blob versioned hashes.
    bytes32 dataHash;
    /// @notice Index in the rollup's forced-inclusion queue up to which (exclusive) the batch
    ///         consumes forced inclusions, placed first in the batch, in queue order.
    uint64 forcedUpTo;
}
