// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Batch, Commitment} from "../commitments/Commitments.sol";
import {LookaheadEntry} from "../lookahead/ILookaheadStore.sol";

/// @notice A commitment and the committer's EIP-712 signature over it.
struct SignedCommitment {
    Commitment commitment;
    bytes signature;
}

/// @notice A batch and the committer's EIP-712 signature over it.
struct SignedBatch {
    Batch batch;
    bytes signature;
}

/// @notice Names the window a commitment or batch was signed for: entry `index` of `epoch`'s final
///         lookahead list (its slot is the window's last slot, its registration the one slashed).
struct WindowProof {
    uint64 epoch;
    LookaheadEntry[] entries;
    uint256 index;
}

/// @notice Which transaction a batch holds at a position: `leaf` at `index` of its `txRoot`.
struct TxProof {
    uint256 index;
    bytes32 leaf;
    bytes32[] proof;
}

/// @title ISlasher
/// @notice Evidence-driven, permissionless slashing of the promises committers sign. Evidence about a
///         window is accepted from the moment the window's lookahead list is final until
///         `evidenceDeadline`; each piece works once. Safety faults take the whole collateral (users'
///         insurance first, then the challenger's reward, the rest burned); a liveness fault (the
///         window's last slot was missed) pays the promise's penalty to its beneficiary.
interface ISlasher {
    enum Offence {
        ConflictingCommitments,
        CommitmentContradictsBatch,
        ConflictingBatches,
        BrokenPromise,
        MissedPromise
    }

    /// @notice An open inclusion challenge. The commitment itself travels in calldata and is
    ///         checked against its hash, which keeps the challenge to three storage slots.
    struct InclusionChallenge {
        bytes32 commitmentHash;
        bytes32 registration;
        address challenger;
        uint64 respondBy;
        bool closed;
    }

    event Slashed(
        bytes32 indexed registration, Offence offence, bytes32 indexed evidenceHash, address indexed challenger, uint256 amount
    );
    event InclusionChallenged(uint256 indexed id, bytes32 indexed commitmentHash, address indexed challenger, uint256 respondBy);
    event InclusionProven(uint256 indexed id, address indexed responder);
    event ChallengeResolved(uint256 indexed id, Offence offence);
    event Withdrawn(address indexed account, uint256 amount);

    error WrongSigner(address signer, address committer);
    error WrongWindow(uint64 targetSlot, uint64 windowSlot);
    error EvidenceTooEarly(uint256 acceptedFrom);
    error EvidenceTooLate(uint256 deadline);
    error EvidenceUsed(bytes32 evidenceHash);
    error NotConflicting();
    error WrongKind(uint8 kind);
    error WrongChain(uint64 expected, uint64 given);
    error PositionNotInBatch(uint64 position, uint64 firstPosition, uint32 txCount);
    error InvalidTxProof();
    error PromiseKept();
    error NotAttributable();
    error UnknownRollup(uint64 chainId);
    error WrongBond(uint256 sent, uint256 required);
    error UnknownChallenge(uint256 id);
    error CommitmentMismatch(uint256 id);
    error ChallengeClosed(uint256 id);
    error ResponseWindowOpen(uint256 id, uint256 respondBy);
    error ResponseWindowClosed(uint256 id, uint256 respondBy);
    error NotSettledInTime(bytes32 batchHash);
    error TransactionMismatch(bytes32 expected, bytes32 given);
    error BlockTooLate(uint64 timestamp, uint256 latest);
    error NothingToWithdraw(address account);
    error TransferFailed(address to, uint256 amount);
    error InvalidParameter();

    /// @notice Two ordering/state commitments of one window and rollup that cannot both hold: the
    ///         same position or the same parent, different content.
    function slashConflictingCommitments(SignedCommitment calldata a, SignedCommitment calldata b, WindowProof calldata w)
        external;

    /// @notice An ordering/state commitment and a batch of the same window, both signed by the
    ///         committer, where the batch holds another transaction at the promised position.
    function slashCommitmentBatchConflict(
        SignedCommitment calldata c,
        SignedBatch calldata b,
        TxProof calldata txProof,
        WindowProof calldata w
    ) external;

    /// @notice Two different batches of one window and rollup, signed by the committer, on the same parent.
    function slashConflictingBatches(SignedBatch calldata a, SignedBatch calldata b, WindowProof calldata w)
        external;

    /// @notice An ordering/state promise that what the inbox settled breaks: the promised position
    ///         is held by another transaction in a committer-signed batch, or was settled after the
    ///         window, or is still unsettled. Pass `settled` with `txProof` for the batch covering the
    ///         position, or `positionUnsettled = true` when the rollup has not reached it.
    function slashBrokenOrdering(
        SignedCommitment calldata c,
        WindowProof calldata w,
        Batch calldata settled,
        TxProof calldata txProof,
        bool positionUnsettled
    ) external;

    /// @notice Opens a challenge against an inclusion promise, with `challengeBond`. The committer
    ///         (or anyone) answers with `proveRollupInclusion`/`proveL1Inclusion` within
    ///         `responseWindow`, or `resolveChallenge` slashes.
    function challengeInclusion(SignedCommitment calldata c, WindowProof calldata w)
        external
        payable
        returns (uint256 id);

    /// @notice Answers challenge `id` on commitment `c`: `batch`, settled by the window's last slot, holds the transaction.
    function proveRollupInclusion(uint256 id, Commitment calldata c, Batch calldata batch, TxProof calldata txProof)
        external;

    /// @notice Answers a challenge: the transaction is in an L1 block at or before the window's last
    ///         slot, shown by its RLP `header` (hash from EIP-2935) and a transaction-trie proof.
    function proveL1Inclusion(
        uint256 id,
        Commitment calldata c,
        bytes calldata header,
        uint256 txIndex,
        bytes[] calldata proof
    ) external;

    /// @notice Slashes an unanswered challenge once its response window closed: a safety fault if
    ///         the window's last slot produced a block, a liveness fault if it was missed.
    function resolveChallenge(uint256 id, Commitment calldata c) external;

    /// @notice Last moment evidence about a window ending at `targetSlot` is accepted.
    function evidenceDeadline(uint64 targetSlot) external view returns (uint256);

    /// @notice Whether slot `slot` produced an L1 block (EIP-4788 holds a root for its timestamp).
    function slotProducedBlock(uint64 slot) external view returns (bool);

    function domainSeparator() external view returns (bytes32);

    function challenge(uint256 id) external view returns (InclusionChallenge memory);

    function withdraw() external;
}
