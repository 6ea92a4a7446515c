// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Batch} from "../commitments/Commitments.sol";
import {LookaheadEntry} from "../lookahead/ILookaheadStore.sol";

/// @title IInbox
/// @notice One inbox for every participating rollup. `propose` settles batches for one or more
///         rollups in one L1 transaction (all or none), each chaining on its rollup's previous batch
///         and signed by the committer of the window holding the current slot; in fallback, or
///         when a rollup has had no batch for `maxInactivity`, anyone may propose unsigned batches.
///         The inbox stores hashes only; rollup nodes derive from its events and the transaction's
///         calldata or blobs.
interface IInbox {
    /// @notice A batch to settle, with its committer signature (empty for an unsigned batch) and
    ///         its data: calldata bytes, or the indices of the transaction's blobs (then `data` is empty).
    struct BatchInput {
        Batch batch;
        bytes signature;
        bytes data;
        uint8[] blobIndices;
    }

    struct RollupState {
        bool registered;
        uint64 nextNumber;
        uint64 nextPosition;
        uint64 lastProposedAt;
        uint64 forcedHead;
        bytes32 lastBatchHash;
    }

    struct ForcedInclusion {
        bytes32 txHash;
        uint64 dueAt;
        uint192 fee;
    }

    /// @notice Where and how a batch was settled.
    struct Settlement {
        uint64 slot;
        bool sequenced;
    }

    event RollupRegistered(uint64 indexed chainId, address indexed registrant);
    event BatchProposed(
        uint64 indexed chainId,
        uint64 indexed number,
        bytes32 indexed batchHash,
        Batch batch,
        bytes32[] blobHashes,
        bool sequenced,
        address proposer
    );
    event ForcedInclusionQueued(
        uint64 indexed chainId, uint64 indexed index, bytes32 txHash, uint64 dueAt, uint256 fee, bytes rawTx
    );
    event ForcedInclusionsConsumed(uint64 indexed chainId, uint64 from, uint64 to, address indexed settler, uint256 fees);
    event Withdrawn(address indexed account, uint256 amount);

    error UnknownRollup(uint64 chainId);
    error RollupExists(uint64 chainId);
    error InvalidChainId(uint64 chainId);
    error NoBatches();
    error WrongParent(uint64 chainId, bytes32 expected, bytes32 given);
    error WrongNumber(uint64 chainId, uint64 expected, uint64 given);
    error WrongPosition(uint64 chainId, uint64 expected, uint64 given);
    error DataMismatch(uint64 chainId);
    error DataInBothPlaces(uint64 chainId);
    error BlobNotFound(uint256 index);
    error InvalidForcedRange(uint64 chainId, uint64 head, uint64 upTo, uint256 queued);
    error ForcedExceedsBatch(uint64 chainId, uint256 forced, uint32 txCount);
    error ForcedInclusionDue(uint64 chainId, uint64 index, uint64 dueAt);
    error NotWindowCommitter(address signer, address committer);
    error WrongTargetSlot(uint64 given, uint64 windowSlot);
    error SignatureRequired(address committer);
    error FeeTooLow(uint256 sent, uint256 minimum);
    error InvalidTransaction();
    error NothingToWithdraw(address account);
    error TransferFailed(address to, uint256 amount);
    error InvalidParameter();

    /// @notice Registers a rollup under its chain id (permissionless; once).
    function registerRollup(uint64 chainId) external;

    /// @notice Settles `batches` atomically. `current` and `next` are the posted lookahead lists of
    ///         the current epoch and the next (the next is needed only when no sequencer follows in
    ///         the current epoch; the current only when some batch needs authorising).
    function propose(BatchInput[] calldata batches, LookaheadEntry[] calldata current, LookaheadEntry[] calldata next)
        external;

    /// @notice Queues a raw rollup transaction for forced inclusion; `msg.value` is its fee, paid
    ///         to whoever settles the batch that consumes it. Due after `forcedDelay`.
    function forceInclude(uint64 chainId, bytes calldata rawTx) external payable returns (uint64 index);

    /// @notice The least fee `forceInclude` accepts.
    function minForcedFee() external view returns (uint256);

    /// @notice Where batch `batchHash` was settled (slot 0 and unsequenced when it was not).
    function settlement(bytes32 batchHash) external view returns (Settlement memory);

    function rollup(uint64 chainId) external view returns (RollupState memory);

    function forcedInclusion(uint64 chainId, uint64 index) external view returns (ForcedInclusion memory);

    function forcedQueueLength(uint64 chainId) external view returns (uint256);

    /// @notice Whether anyone may propose unsigned batches for `chainId` now because it has had no
    ///         batch for `maxInactivity`.
    function isPermissionless(uint64 chainId) external view returns (bool);

    /// @notice The EIP-712 domain separator batches are signed under (verifying contract: Slasher).
    function domainSeparator() external view returns (bytes32);

    function withdraw() external;
}
