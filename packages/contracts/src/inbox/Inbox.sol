// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitmentHashing} from "../commitments/CommitmentHashing.sol";
import {Batch} from "../commitments/Commitments.sol";
import {Signatures} from "../commitments/Signatures.sol";
import {SlotClock} from "../common/SlotClock.sol";
import {ILookaheadStore, LookaheadEntry, Window} from "../lookahead/ILookaheadStore.sol";
import {IInbox} from "./IInbox.sol";

/// @title Inbox
/// @notice See `IInbox`.
/// @dev ETH accounting: `balance == Σ unconsumed forced-inclusion fees + Σ withdrawable`.
contract Inbox is IInbox, SlotClock {
    /// @notice Largest raw transaction accepted for forced inclusion.
    uint256 public constant MAX_FORCED_TX_BYTES = 131_072;

    ILookaheadStore public immutable lookahead;
    /// @notice The slasher: the verifying contract of the EIP-712 domain.
    address public immutable slasher;
    /// @notice Delay before a forced inclusion is due; longer than the two-epoch lookahead.
    uint256 public immutable forcedDelay;
    uint256 public immutable minForcedFee;
    /// @notice After this long without a batch, a rollup accepts unsigned batches from anyone.
    uint256 public immutable maxInactivity;

    bytes32 internal immutable _domainSeparator;

    mapping(uint64 chainId => RollupState) internal _rollups;
    mapping(uint64 chainId => ForcedInclusion[]) internal _forced;
    mapping(bytes32 batchHash => Settlement) internal _settlements;
    mapping(address account => uint256) public withdrawable;

    constructor(
        uint256 genesisTime_,
        uint256 secondsPerSlot_,
        ILookaheadStore lookahead_,
        address slasher_,
        uint256 forcedDelay_,
        uint256 minForcedFee_,
        uint256 maxInactivity_
    ) SlotClock(genesisTime_, secondsPerSlot_) {
        if (forcedDelay_ <= 2 * epochSeconds() || maxInactivity_ <= forcedDelay_) revert InvalidParameter();
        lookahead = lookahead_;
        slasher = slasher_;
        forcedDelay = forcedDelay_;
        minForcedFee = minForcedFee_;
        maxInactivity = maxInactivity_;
        _domainSeparator = CommitmentHashing.domainSeparator(slasher_);
    }

    /// @inheritdoc IInbox
    function registerRollup(uint64 chainId) external {
        if (chainId == 0 || chainId == block.chainid) revert InvalidChainId(chainId);
        RollupState storage r = _rollups[chainId];
        if (r.registered) revert RollupExists(chainId);
        r.registered = true;
        r.lastProposedAt = uint64(block.timestamp);
        emit RollupRegistered(chainId, msg.sender);
    }

    /// @inheritdoc IInbox
    function propose(BatchInput[] calldata batches, LookaheadEntry[] calldata current, LookaheadEntry[] calldata next)
        external
    {
        if (batches.length == 0) revert NoBatches();
        ProposeContext memory ctx;
        ctx.slot = currentSlot();
        for (uint256 i = 0; i < batches.length; ++i) {
            _settle(batches[i], ctx, current, next);
        }
    }

    /// @dev The current slot and, once a batch needs it, its window (read once per `propose`).
    struct ProposeContext {
        uint64 slot;
        bool windowKnown;
        Window window;
    }

    function _settle(
        BatchInput calldata input,
        ProposeContext memory ctx,
        LookaheadEntry[] calldata current,
        LookaheadEntry[] calldata next
    ) internal {
        Batch calldata batch = input.batch;
        RollupState storage r = _rollups[batch.chainId];
        if (!r.registered) revert UnknownRollup(batch.chainId);
        if (batch.parentHash != r.lastBatchHash) revert WrongParent(batch.chainId, r.lastBatchHash, batch.parentHash);
        if (batch.number != r.nextNumber) revert WrongNumber(batch.chainId, r.nextNumber, batch.number);
        if (batch.firstPosition != r.nextPosition) revert WrongPosition(batch.chainId, r.nextPosition, batch.firstPosition);
        bytes32[] memory blobHashes = _checkData(input);
        _consumeForced(r, batch);

        bytes32 batchHash = CommitmentHashing.hash(batch);
        bool sequenced;
        // Signed batches are always checked; unsigned ones only while the rollup is not
        // permissionless, where they are accepted in fallback alone.
        if (input.signature.length != 0 || block.timestamp <= uint256(r.lastProposedAt) + maxInactivity) {
            if (!ctx.windowKnown) {
                ctx.window = lookahead.windowAt(ctx.slot, current, next);
                ctx.windowKnown = true;
            }
            if (!ctx.window.fallbackMode) {
                if (input.signature.length == 0) revert SignatureRequired(ctx.window.committer);
                address signer =
                    Signatures.recover(CommitmentHashing.digest(_domainSeparator, batchHash), input.signature);
                if (signer != ctx.window.committer) revert NotWindowCommitter(signer, ctx.window.committer);
                if (batch.targetSlot != ctx.window.sequencerSlot) {
                    revert WrongTargetSlot(batch.targetSlot, ctx.window.sequencerSlot);
                }
                sequenced = true;
            }
        }
        r.lastBatchHash = batchHash;
        r.nextNumber = batch.number + 1;
        r.nextPosition = batch.firstPosition + batch.txCount;
        r.lastProposedAt = uint64(block.timestamp);
        _settlements[batchHash] = Settlement(ctx.slot, sequenced);
        emit BatchProposed(batch.chainId, batch.number, batchHash, batch, blobHashes, sequenced, msg.sender);
    }

    /// @inheritdoc IInbox
    function forceInclude(uint64 chainId, bytes calldata rawTx) external payable returns (uint64 index) {
        if (!_rollups[chainId].registered) revert UnknownRollup(chainId);
        if (msg.value < minForcedFee) revert FeeTooLow(msg.value, minForcedFee);
        if (rawTx.length == 0 || rawTx.length > MAX_FORCED_TX_BYTES) revert InvalidTransaction();
        ForcedInclusion[] storage queue = _forced[chainId];
        index = uint64(queue.length);
        bytes32 txHash = keccak256(rawTx);
        uint64 dueAt = uint64(block.timestamp + forcedDelay);
        // msg.value is at most the ETH supply, far below 2**192.
        queue.push(ForcedInclusion(txHash, dueAt, uint192(msg.value)));
        emit ForcedInclusionQueued(chainId, index, txHash, dueAt, msg.value, rawTx);
    }

    /// @inheritdoc IInbox
    function settlement(bytes32 batchHash) external view returns (Settlement memory) {
        return _settlements[batchHash];
    }

    /// @inheritdoc IInbox
    function rollup(uint64 chainId) external view returns (RollupState memory) {
        return _rollups[chainId];
    }

    /// @inheritdoc IInbox
    function forcedInclusion(uint64 chainId, uint64 index) external view returns (ForcedInclusion memory) {
        return _forced[chainId][index];
    }

    /// @inheritdoc IInbox
    function forcedQueueLength(uint64 chainId) external view returns (uint256) {
        return _forced[chainId].length;
    }

    /// @inheritdoc IInbox
    function isPermissionless(uint64 chainId) external view returns (bool) {
        RollupState storage r = _rollups[chainId];
        return r.registered && block.timestamp > uint256(r.lastProposedAt) + maxInactivity;
    }

    /// @inheritdoc IInbox
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator;
    }

    /// @inheritdoc IInbox
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        withdrawable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    /// @dev Checks the batch's `dataHash` against its calldata or its blobs' versioned hashes.
    function _checkData(BatchInput calldata input) internal view returns (bytes32[] memory blobHashes) {
        uint64 chainId = input.batch.chainId;
        blobHashes = new bytes32[](input.blobIndices.length);
        bytes32 dataHash;
        if (blobHashes.length == 0) {
            dataHash = keccak256(input.data);
        } else {
            if (input.data.length != 0) revert DataInBothPlaces(chainId);
            for (uint256 j = 0; j < blobHashes.length; ++j) {
                bytes32 versioned = blobhash(input.blobIndices[j]);
                if (versioned == bytes32(0)) revert BlobNotFound(input.blobIndices[j]);
                blobHashes[j] = versioned;
            }
            dataHash = keccak256(abi.encodePacked(blobHashes));
        }
        if (dataHash != input.batch.dataHash) revert DataMismatch(chainId);
    }

    /// @dev Consumes the forced inclusions the batch names (they lead its transactions), pays
    ///      their fees to the sender, and refuses a batch that leaves a due one behind.
    function _consumeForced(RollupState storage r, Batch calldata batch) internal {
        ForcedInclusion[] storage queue = _forced[batch.chainId];
        uint64 head = r.forcedHead;
        uint64 upTo = batch.forcedUpTo;
        if (upTo < head || upTo > queue.length) revert InvalidForcedRange(batch.chainId, head, upTo, queue.length);
        if (upTo - head > batch.txCount) revert ForcedExceedsBatch(batch.chainId, upTo - head, batch.txCount);
        if (upTo < queue.length) {
            uint64 dueAt = queue[upTo].dueAt;
            if (dueAt <= block.timestamp) revert ForcedInclusionDue(batch.chainId, upTo, dueAt);
        }
        if (upTo == head) return;
        uint256 fees;
        for (uint64 k = head; k < upTo; ++k) {
            fees += queue[k].fee;
        }
        r.forcedHead = upTo;
        if (fees != 0) withdrawable[msg.sender] += fees;
        emit ForcedInclusionsConsumed(batch.chainId, head, upTo, msg.sender, fees);
    }
}
