// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconRoots} from "../beacon/BeaconRoots.sol";
import {CommitmentHashing} from "../commitments/CommitmentHashing.sol";
import {Batch, Commitment, KIND_INCLUSION, KIND_ORDERING, KIND_STATE} from "../commitments/Commitments.sol";
import {Signatures} from "../commitments/Signatures.sol";
import {TxRoot} from "../commitments/TxRoot.sol";
import {SlotClock} from "../common/SlotClock.sol";
import {IInbox} from "../inbox/IInbox.sol";
import {TransactionInclusion} from "../l1/TransactionInclusion.sol";
import {ILookaheadStore, LookaheadEntry} from "../lookahead/ILookaheadStore.sol";
import {IRegistry} from "../registry/IRegistry.sol";
import {ISlasher, SignedBatch, SignedCommitment, TxProof, WindowProof} from "./ISlasher.sol";

/// @title Slasher
/// @notice See `ISlasher`. The EIP-712 domain of every committer signature names this contract.
/// @dev ETH accounting: `balance == Σ open challenge bonds + Σ withdrawable`; collateral stays in
///      the registry, which pays slashes.
contract Slasher is ISlasher, SlotClock {
    IRegistry public immutable registry;
    ILookaheadStore public immutable lookahead;
    IInbox public immutable inbox;
    /// @notice How long after a window's lookahead list is final evidence about it is accepted.
    uint256 public immutable evidenceWindow;
    /// @notice How long a challenged committer has to prove inclusion.
    uint256 public immutable responseWindow;
    /// @notice Bond of an inclusion challenge: returned on a slash, paid to the responder otherwise.
    uint256 public immutable challengeBond;
    /// @notice Share of a safety slash, after insurance, paid to the challenger (basis points).
    uint256 public immutable challengerRewardBps;

    bytes32 internal immutable _domainSeparator;

    mapping(bytes32 evidenceHash => bool) public evidenceUsed;
    mapping(uint256 id => InclusionChallenge) internal _challenges;
    uint256 public challengeCount;
    mapping(address account => uint256) public withdrawable;

    constructor(
        uint256 genesisTime_,
        uint256 secondsPerSlot_,
        IRegistry registry_,
        ILookaheadStore lookahead_,
        IInbox inbox_,
        uint256 evidenceWindow_,
        uint256 responseWindow_,
        uint256 challengeBond_,
        uint256 challengerRewardBps_
    ) SlotClock(genesisTime_, secondsPerSlot_) {
        if (challengerRewardBps_ > 10_000 || responseWindow_ == 0) revert InvalidParameter();
        // The longest a window stays open to evidence, counted from its start: the two-epoch
        // lookahead, the list's challenge window, the evidence window and the response window.
        uint256 longest = 3 * epochSeconds() + lookahead_.challengeWindow() + evidenceWindow_ + responseWindow_;
        // Every slashing window closes before collateral can be claimed ...
        if (registry_.claimDelay() <= longest) revert InvalidParameter();
        // ... and before EIP-4788 forgets whether the window's last slot produced a block.
        if (longest >= (BeaconRoots.HISTORY_BUFFER_LENGTH - 64) * secondsPerSlot_) revert InvalidParameter();
        registry = registry_;
        lookahead = lookahead_;
        inbox = inbox_;
        evidenceWindow = evidenceWindow_;
        responseWindow = responseWindow_;
        challengeBond = challengeBond_;
        challengerRewardBps = challengerRewardBps_;
        _domainSeparator = CommitmentHashing.domainSeparator(address(this));
    }

    // ----------------------------------------------------------------------------------------
    // Equivocation
    // ----------------------------------------------------------------------------------------

    /// @inheritdoc ISlasher
    function slashConflictingCommitments(SignedCommitment calldata a, SignedCommitment calldata b, WindowProof calldata w)
        external
    {
        Commitment calldata ca = a.commitment;
        Commitment calldata cb = b.commitment;
        LookaheadEntry memory entry = _window(w, ca.targetSlot);
        bytes32 ha = _checkSigned(ca, a.signature, entry);
        bytes32 hb = _checkSigned(cb, b.signature, entry);
        if (cb.targetSlot != ca.targetSlot) revert WrongWindow(cb.targetSlot, ca.targetSlot);
        _requireSequenced(ca.kind);
        _requireSequenced(cb.kind);
        if (ca.chainId != cb.chainId) revert WrongChain(ca.chainId, cb.chainId);
        if (ha == hb || (ca.position != cb.position && ca.parent != cb.parent)) revert NotConflicting();
        // An honest gateway signs one commitment per position and per parent: two different ones
        // sharing either fork the window's sequence.
        address[] memory users = new address[](2);
        uint256[] memory insurances = new uint256[](2);
        (users[0], insurances[0]) = (ca.beneficiary, ca.insurance);
        (users[1], insurances[1]) = (cb.beneficiary, cb.insurance);
        _slashSafety(entry.registration, Offence.ConflictingCommitments, _pairHash(ha, hb), users, insurances);
    }

    /// @inheritdoc ISlasher
    function slashCommitmentBatchConflict(
        SignedCommitment calldata c,
        SignedBatch calldata b,
        TxProof calldata txProof,
        WindowProof calldata w
    ) external {
        Commitment calldata cm = c.commitment;
        LookaheadEntry memory entry = _window(w, cm.targetSlot);
        bytes32 hc = _checkSigned(cm, c.signature, entry);
        _requireSequenced(cm.kind);
        Batch calldata batch = b.batch;
        bytes32 hb = CommitmentHashing.hash(batch);
        _requireSigner(hb, b.signature, entry.committer);
        if (batch.targetSlot != cm.targetSlot) revert WrongWindow(batch.targetSlot, cm.targetSlot);
        if (batch.chainId != cm.chainId) revert WrongChain(cm.chainId, batch.chainId);
        _requireTxAt(batch, cm.position, txProof);
        if (txProof.leaf == cm.txHash) revert NotConflicting();
        (address[] memory users, uint256[] memory insurances) = _insured(cm.beneficiary, cm.insurance);
        _slashSafety(entry.registration, Offence.CommitmentContradictsBatch, _pairHash(hc, hb), users, insurances);
    }

    /// @inheritdoc ISlasher
    function slashConflictingBatches(SignedBatch calldata a, SignedBatch calldata b, WindowProof calldata w)
        external
    {
        LookaheadEntry memory entry = _window(w, a.batch.targetSlot);
        bytes32 ha = CommitmentHashing.hash(a.batch);
        bytes32 hb = CommitmentHashing.hash(b.batch);
        _requireSigner(ha, a.signature, entry.committer);
        _requireSigner(hb, b.signature, entry.committer);
        if (b.batch.targetSlot != a.batch.targetSlot) revert WrongWindow(b.batch.targetSlot, a.batch.targetSlot);
        if (a.batch.chainId != b.batch.chainId) revert WrongChain(a.batch.chainId, b.batch.chainId);
        if (ha == hb || a.batch.parentHash != b.batch.parentHash) revert NotConflicting();
        _slashSafety(
            entry.registration, Offence.ConflictingBatches, _pairHash(ha, hb), new address[](0), new uint256[](0)
        );
    }

    // ----------------------------------------------------------------------------------------
    // Broken promises
    // ----------------------------------------------------------------------------------------

    /// @inheritdoc ISlasher
    function slashBrokenOrdering(
        SignedCommitment calldata c,
        WindowProof calldata w,
        Batch calldata settled,
        TxProof calldata txProof,
        bool positionUnsettled
    ) external {
        Commitment calldata cm = c.commitment;
        LookaheadEntry memory entry = _window(w, cm.targetSlot);
        bytes32 hc = _checkSigned(cm, c.signature, entry);
        _requireSequenced(cm.kind);
        IInbox.RollupState memory rollup = inbox.rollup(cm.chainId);
        if (!rollup.registered) revert UnknownRollup(cm.chainId);
        if (positionUnsettled) {
            // The rollup has not reached the position, long after the window closed.
            if (rollup.nextPosition > cm.position) revert PromiseKept();
        } else {
            if (settled.chainId != cm.chainId) revert WrongChain(cm.chainId, settled.chainId);
            _requireTxAt(settled, cm.position, txProof);
            IInbox.Settlement memory s = inbox.settlement(CommitmentHashing.hash(settled));
            if (s.slot == 0) revert NotSettledInTime(CommitmentHashing.hash(settled));
            bool late = s.slot > cm.targetSlot;
            if (!late && txProof.leaf == cm.txHash) revert PromiseKept();
            // Only a committer-signed batch speaks for the sequencer; an unsigned one (fallback or
            // a stalled rollup) may have moved positions without its fault.
            if (!s.sequenced) revert NotAttributable();
        }
        _punish(entry.registration, cm, hc, msg.sender);
    }

    /// @inheritdoc ISlasher
    function challengeInclusion(SignedCommitment calldata c, WindowProof calldata w)
        external
        payable
        returns (uint256 id)
    {
        if (msg.value != challengeBond) revert WrongBond(msg.value, challengeBond);
        Commitment calldata cm = c.commitment;
        LookaheadEntry memory entry = _window(w, cm.targetSlot);
        bytes32 hc = _checkSigned(cm, c.signature, entry);
        if (cm.kind != KIND_INCLUSION) revert WrongKind(cm.kind);
        if (cm.chainId != block.chainid && !inbox.rollup(cm.chainId).registered) revert UnknownRollup(cm.chainId);
        _useEvidence(hc);
        id = ++challengeCount;
        uint256 respondBy = block.timestamp + responseWindow;
        _challenges[id] = InclusionChallenge({
            commitmentHash: hc,
            registration: entry.registration,
            challenger: msg.sender,
            respondBy: uint64(respondBy),
            closed: false
        });
        emit InclusionChallenged(id, hc, msg.sender, respondBy);
    }

    /// @inheritdoc ISlasher
    function proveRollupInclusion(uint256 id, Commitment calldata c, Batch calldata batch, TxProof calldata txProof)
        external
    {
        InclusionChallenge storage ch = _openChallenge(id, c);
        if (batch.chainId != c.chainId) revert WrongChain(c.chainId, batch.chainId);
        if (txProof.leaf != c.txHash) revert TransactionMismatch(c.txHash, txProof.leaf);
        if (!TxRoot.verify(batch.txRoot, batch.txCount, txProof.index, txProof.leaf, txProof.proof)) {
            revert InvalidTxProof();
        }
        bytes32 batchHash = CommitmentHashing.hash(batch);
        uint64 slot = inbox.settlement(batchHash).slot;
        if (slot == 0 || slot > c.targetSlot) revert NotSettledInTime(batchHash);
        _dismiss(id, ch);
    }

    /// @inheritdoc ISlasher
    function proveL1Inclusion(
        uint256 id,
        Commitment calldata c,
        bytes calldata header,
        uint256 txIndex,
        bytes[] calldata proof
    ) external {
        InclusionChallenge storage ch = _openChallenge(id, c);
        if (c.chainId != block.chainid) revert WrongChain(uint64(block.chainid), c.chainId);
        (bytes32 txHash,, uint64 timestamp) = TransactionInclusion.verify(header, txIndex, proof);
        if (txHash != c.txHash) revert TransactionMismatch(c.txHash, txHash);
        uint256 latest = slotStart(c.targetSlot);
        if (timestamp > latest) revert BlockTooLate(timestamp, latest);
        _dismiss(id, ch);
    }

    /// @inheritdoc ISlasher
    function resolveChallenge(uint256 id, Commitment calldata c) external {
        InclusionChallenge storage ch = _challenges[id];
        if (ch.challenger == address(0)) revert UnknownChallenge(id);
        if (ch.closed) revert ChallengeClosed(id);
        if (CommitmentHashing.hash(c) != ch.commitmentHash) revert CommitmentMismatch(id);
        if (block.timestamp <= ch.respondBy) revert ResponseWindowOpen(id, ch.respondBy);
        ch.closed = true;
        address challenger = ch.challenger;
        _credit(challenger, challengeBond);
        Offence offence = _punishValues(
            ch.registration, c.targetSlot, ch.commitmentHash, c.beneficiary, c.insurance, c.livenessPenalty, challenger
        );
        emit ChallengeResolved(id, offence);
    }

    // ----------------------------------------------------------------------------------------
    // Views and withdrawals
    // ----------------------------------------------------------------------------------------

    /// @inheritdoc ISlasher
    function evidenceDeadline(uint64 targetSlot) public view returns (uint256) {
        return lookahead.finalAt(uint64(targetSlot / SLOTS_PER_EPOCH)) + evidenceWindow;
    }

    /// @inheritdoc ISlasher
    function slotProducedBlock(uint64 slot) public view returns (bool) {
        (bool found,) = BeaconRoots.tryGet(slotStart(slot));
        return found;
    }

    /// @inheritdoc ISlasher
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator;
    }

    /// @inheritdoc ISlasher
    function challenge(uint256 id) external view returns (InclusionChallenge memory) {
        return _challenges[id];
    }

    /// @inheritdoc ISlasher
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        withdrawable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    // ----------------------------------------------------------------------------------------
    // Internals
    // ----------------------------------------------------------------------------------------

    /// @dev The final lookahead entry of the window ending at `targetSlot`, within the evidence period.
    function _window(WindowProof calldata w, uint64 targetSlot) internal view returns (LookaheadEntry memory entry) {
        // Reverts unless the list is posted, matches and is final.
        entry = lookahead.finalEntry(w.epoch, w.entries, w.index);
        if (entry.slot != targetSlot) revert WrongWindow(targetSlot, entry.slot);
        uint256 deadline = evidenceDeadline(targetSlot);
        if (block.timestamp > deadline) revert EvidenceTooLate(deadline);
    }

    /// @dev The commitment's struct hash, once its signature is shown to be the window's committer's.
    function _checkSigned(Commitment calldata c, bytes calldata signature, LookaheadEntry memory entry)
        internal
        view
        returns (bytes32 structHash)
    {
        if (c.targetSlot != entry.slot) revert WrongWindow(c.targetSlot, entry.slot);
        structHash = CommitmentHashing.hash(c);
        _requireSigner(structHash, signature, entry.committer);
    }

    function _requireSigner(bytes32 structHash, bytes calldata signature, address committer) internal view {
        address signer = Signatures.recover(CommitmentHashing.digest(_domainSeparator, structHash), signature);
        if (signer != committer) revert WrongSigner(signer, committer);
    }

    function _requireSequenced(uint8 kind) internal pure {
        if (kind != KIND_ORDERING && kind != KIND_STATE) revert WrongKind(kind);
    }

    /// @dev `txProof` shows the leaf at `position` of `batch`.
    function _requireTxAt(Batch calldata batch, uint64 position, TxProof calldata txProof) internal pure {
        if (position < batch.firstPosition || position - batch.firstPosition >= batch.txCount) {
            revert PositionNotInBatch(position, batch.firstPosition, batch.txCount);
        }
        if (txProof.index != position - batch.firstPosition) revert InvalidTxProof();
        if (!TxRoot.verify(batch.txRoot, batch.txCount, txProof.index, txProof.leaf, txProof.proof)) {
            revert InvalidTxProof();
        }
    }

    function _openChallenge(uint256 id, Commitment calldata c) internal view returns (InclusionChallenge storage ch) {
        ch = _challenges[id];
        if (ch.challenger == address(0)) revert UnknownChallenge(id);
        if (ch.closed) revert ChallengeClosed(id);
        if (CommitmentHashing.hash(c) != ch.commitmentHash) revert CommitmentMismatch(id);
        if (block.timestamp > ch.respondBy) revert ResponseWindowClosed(id, ch.respondBy);
    }

    /// @dev A proven inclusion closes the challenge; the responder earns the bond.
    function _dismiss(uint256 id, InclusionChallenge storage ch) internal {
        ch.closed = true;
        _credit(msg.sender, challengeBond);
        emit InclusionProven(id, msg.sender);
    }

    function _punish(bytes32 registration, Commitment calldata c, bytes32 commitmentHash, address challenger) internal {
        _useEvidence(commitmentHash);
        _punishValues(
            registration, c.targetSlot, commitmentHash, c.beneficiary, c.insurance, c.livenessPenalty, challenger
        );
    }

    /// @dev A broken promise: a safety fault when the window's last slot produced a block, a
    ///      liveness fault when it was missed.
    function _punishValues(
        bytes32 registration,
        uint64 targetSlot,
        bytes32 commitmentHash,
        address beneficiary,
        uint256 insurance,
        uint256 livenessPenalty,
        address challenger
    ) internal returns (Offence offence) {
        if (slotProducedBlock(targetSlot)) {
            (address[] memory users, uint256[] memory insurances) = _insured(beneficiary, insurance);
            (uint256 toUsers, uint256 toChallenger, uint256 burnt) =
                registry.slashSafety(registration, users, insurances, challenger, challengerRewardBps);
            emit Slashed(registration, Offence.BrokenPromise, commitmentHash, challenger, toUsers + toChallenger + burnt);
            return Offence.BrokenPromise;
        }
        uint256 paid = registry.slashLiveness(registration, beneficiary, livenessPenalty);
        emit Slashed(registration, Offence.MissedPromise, commitmentHash, challenger, paid);
        return Offence.MissedPromise;
    }

    function _slashSafety(
        bytes32 registration,
        Offence offence,
        bytes32 evidenceHash,
        address[] memory users,
        uint256[] memory insurances
    ) internal {
        _useEvidence(evidenceHash);
        (uint256 toUsers, uint256 toChallenger, uint256 burnt) =
            registry.slashSafety(registration, users, insurances, msg.sender, challengerRewardBps);
        emit Slashed(registration, offence, evidenceHash, msg.sender, toUsers + toChallenger + burnt);
    }

    function _useEvidence(bytes32 evidenceHash) internal {
        if (evidenceUsed[evidenceHash]) revert EvidenceUsed(evidenceHash);
        evidenceUsed[evidenceHash] = true;
    }

    /// @dev Order-independent hash of two pieces of evidence, so a swapped pair is the same evidence.
    function _pairHash(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev One harmed user and the insurance its commitment names, as `slashSafety` takes them.
    function _insured(address beneficiary, uint256 insurance)
        internal
        pure
        returns (address[] memory users, uint256[] memory insurances)
    {
        users = new address[](1);
        insurances = new uint256[](1);
        (users[0], insurances[0]) = (beneficiary, insurance);
    }

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        withdrawable[account] += amount;
    }
}
