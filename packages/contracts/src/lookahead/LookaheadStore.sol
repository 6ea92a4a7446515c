// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconProofs} from "../beacon/BeaconProofs.sol";
import {BeaconRoots} from "../beacon/BeaconRoots.sol";
import {SSZ} from "../beacon/SSZ.sol";
import {SlotClock} from "../common/SlotClock.sol";
import {IRegistry} from "../registry/IRegistry.sol";
import {ILookaheadStore, LookaheadEntry, ProposerProof, Window} from "./ILookaheadStore.sol";

/// @title LookaheadStore
/// @notice See `ILookaheadStore`. A list's hash is `keccak256(abi.encode(entries))`; an empty list
///         has a non-zero hash, so "posted, no sequencer" differs from "not posted".
/// @dev ETH accounting: `balance == Σ remaining bonds + Σ withdrawable`.
contract LookaheadStore is ILookaheadStore, SlotClock {
    /// @notice Gindex of `slot` in `BeaconBlockHeader` (field 0 of 5, depth 3).
    uint256 internal constant HEADER_SLOT_GINDEX = 8;

    IRegistry public immutable registry;
    /// @notice Bond posted with each list; a proven fault pays what is left of it to the challenger.
    uint256 public immutable postingBond;
    /// @notice How long after its epoch ends a list stays challengeable.
    uint256 public immutable challengeWindow;

    mapping(uint64 epoch => EpochRecord) internal _epochs;
    mapping(address account => uint256) public withdrawable;

    constructor(
        uint256 genesisTime_,
        uint256 secondsPerSlot_,
        IRegistry registry_,
        uint256 postingBond_,
        uint256 challengeWindow_
    ) SlotClock(genesisTime_, secondsPerSlot_) {
        // Proofs are read from EIP-4788, which forgets a root after 8191 slots.
        if (challengeWindow_ + 2 * epochSeconds() >= (BeaconRoots.HISTORY_BUFFER_LENGTH - 64) * secondsPerSlot_) {
            revert InvalidParameter();
        }
        registry = registry_;
        postingBond = postingBond_;
        challengeWindow = challengeWindow_;
    }

    /// @inheritdoc ILookaheadStore
    function post(uint64 epoch, LookaheadEntry[] calldata entries) external payable {
        if (msg.value != postingBond) revert WrongBond(msg.value, postingBond);
        EpochRecord storage record = _epochs[epoch];
        if (record.hash != bytes32(0)) revert AlreadyPosted(epoch);
        uint256 opensAt = referenceTime(epoch);
        uint256 closesAt = epochStart(uint256(epoch) + 1);
        if (block.timestamp < opensAt || block.timestamp >= closesAt) revert PostingClosed(epoch, opensAt, closesAt);
        _checkShape(epoch, entries);
        record.hash = keccak256(abi.encode(entries));
        record.poster = msg.sender;
        record.postedAt = uint64(block.timestamp);
        record.bond = msg.value;
        emit LookaheadPosted(epoch, msg.sender, entries);
    }

    /// @inheritdoc ILookaheadStore
    function windowAt(uint64 slot, LookaheadEntry[] calldata current, LookaheadEntry[] calldata next)
        external
        view
        returns (Window memory window)
    {
        uint64 epoch = uint64(slot / SLOTS_PER_EPOCH);
        _requirePosted(epoch, current);
        // Entries are sorted: the first at or after `slot` holds the window.
        for (uint256 i = 0; i < current.length; ++i) {
            if (current[i].slot >= slot) {
                return Window(false, current[i].slot, current[i].registration, current[i].committer);
            }
        }
        _requirePosted(epoch + 1, next);
        if (next.length > 0) return Window(false, next[0].slot, next[0].registration, next[0].committer);
        return Window(true, 0, bytes32(0), address(0));
    }

    /// @inheritdoc ILookaheadStore
    function finalEntry(uint64 epoch, LookaheadEntry[] calldata entries, uint256 index)
        external
        view
        returns (LookaheadEntry memory)
    {
        _requirePosted(epoch, entries);
        uint256 final_ = finalAt(epoch);
        if (block.timestamp < final_) revert NotFinal(epoch, final_);
        if (index >= entries.length) revert EntryIndexOutOfRange(index, entries.length);
        return entries[index];
    }

    /// @inheritdoc ILookaheadStore
    function challengeWrongProposer(
        uint64 epoch,
        LookaheadEntry[] calldata entries,
        uint256 index,
        ProposerProof calldata proof
    ) external {
        _requireChallengeable(epoch, entries);
        if (index >= entries.length) revert EntryIndexOutOfRange(index, entries.length);
        LookaheadEntry calldata entry = entries[index];
        bytes32 proposer = _provenProposer(entry.slot, proof);
        if (proposer == entry.registration) revert NotAFault();
        _correct(epoch, Fault.WrongProposer, entry.slot, _without(entries, index));
    }

    /// @inheritdoc ILookaheadStore
    function challengeMissingSequencer(
        uint64 epoch,
        LookaheadEntry[] calldata entries,
        uint64 slot,
        ProposerProof calldata proof
    ) external {
        _requireChallengeable(epoch, entries);
        if (slot / SLOTS_PER_EPOCH != epoch) revert SlotOutsideEpoch(slot, epoch);
        uint256 at = 0;
        while (at < entries.length && entries[at].slot < slot) ++at;
        if (at < entries.length && entries[at].slot == slot) revert SlotAlreadyListed(slot);
        bytes32 proposer = _provenProposer(slot, proof);
        uint256 refTime = referenceTime(epoch);
        if (!registry.isActiveAt(proposer, refTime)) revert NotAFault();
        LookaheadEntry memory inserted = LookaheadEntry(slot, proposer, registry.committerAt(proposer, refTime));
        LookaheadEntry[] memory corrected = new LookaheadEntry[](entries.length + 1);
        for (uint256 i = 0; i < at; ++i) corrected[i] = entries[i];
        corrected[at] = inserted;
        for (uint256 i = at; i < entries.length; ++i) corrected[i + 1] = entries[i];
        _correct(epoch, Fault.MissingSequencer, slot, corrected);
    }

    /// @inheritdoc ILookaheadStore
    function challengeInactive(uint64 epoch, LookaheadEntry[] calldata entries, uint256 index) external {
        _requireChallengeable(epoch, entries);
        if (index >= entries.length) revert EntryIndexOutOfRange(index, entries.length);
        LookaheadEntry calldata entry = entries[index];
        uint256 refTime = referenceTime(epoch);
        if (!registry.isActiveAt(entry.registration, refTime)) {
            _correct(epoch, Fault.InactiveSequencer, entry.slot, _without(entries, index));
            return;
        }
        address committer = registry.committerAt(entry.registration, refTime);
        if (committer == entry.committer) revert NotAFault();
        LookaheadEntry[] memory corrected = entries;
        corrected[index].committer = committer;
        _correct(epoch, Fault.WrongCommitter, entry.slot, corrected);
    }

    /// @inheritdoc ILookaheadStore
    function releaseBond(uint64 epoch) external {
        EpochRecord storage record = _epochs[epoch];
        if (record.hash == bytes32(0)) revert NotPosted(epoch);
        uint256 final_ = finalAt(epoch);
        if (block.timestamp < final_) revert BondLocked(epoch, final_);
        uint256 amount = record.bond;
        record.bond = 0;
        _credit(record.poster, amount);
        emit BondReleased(epoch, record.poster, amount);
    }

    /// @inheritdoc ILookaheadStore
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        withdrawable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    /// @inheritdoc ILookaheadStore
    function epochRecord(uint64 epoch) external view returns (EpochRecord memory) {
        return _epochs[epoch];
    }

    /// @inheritdoc ILookaheadStore
    function finalAt(uint64 epoch) public view returns (uint256) {
        return epochStart(uint256(epoch) + 1) + challengeWindow;
    }

    /// @dev Entries sorted strictly by slot, each inside `epoch`.
    function _checkShape(uint64 epoch, LookaheadEntry[] calldata entries) internal pure {
        uint256 first = uint256(epoch) * SLOTS_PER_EPOCH;
        for (uint256 i = 0; i < entries.length; ++i) {
            uint64 slot = entries[i].slot;
            if (slot < first || slot >= first + SLOTS_PER_EPOCH) revert EntryOutsideEpoch(i, slot);
            if (i > 0 && slot <= entries[i - 1].slot) revert EntriesNotSorted(i);
        }
    }

    function _requirePosted(uint64 epoch, LookaheadEntry[] calldata entries) internal view {
        bytes32 stored = _epochs[epoch].hash;
        if (stored == bytes32(0)) revert NotPosted(epoch);
        if (keccak256(abi.encode(entries)) != stored) revert EntriesMismatch(epoch);
    }

    function _requireChallengeable(uint64 epoch, LookaheadEntry[] calldata entries) internal view {
        _requirePosted(epoch, entries);
        uint256 final_ = finalAt(epoch);
        if (block.timestamp >= final_) revert ChallengeClosed(epoch, final_);
    }

    /// @dev The registration (pubkey SSZ root) of `slot`'s beacon proposer, proven from the
    ///      EIP-4788 root of a beacon block in `slot`'s epoch or the one before.
    function _provenProposer(uint64 slot, ProposerProof calldata proof) internal view returns (bytes32) {
        (bool found, bytes32 root) = BeaconRoots.tryGet(proof.beaconTimestamp);
        if (!found) revert BeaconRootNotFound(proof.beaconTimestamp);
        if (!SSZ.verifyProof(proof.slotProof, root, SSZ.toLittleEndian(proof.beaconSlot), HEADER_SLOT_GINDEX)) {
            revert InvalidProof();
        }
        // The state of a block in epoch e holds the proposers of epochs e and e + 1.
        uint256 firstCovered = (proof.beaconSlot / SLOTS_PER_EPOCH) * SLOTS_PER_EPOCH;
        if (slot < firstCovered || slot >= firstCovered + BeaconProofs.LOOKAHEAD_LENGTH) {
            revert SlotNotCovered(slot, proof.beaconSlot);
        }
        bool entryOk = BeaconProofs.verifyLookaheadEntry(
            root, slot - firstCovered, proof.validatorIndex, proof.lookaheadChunk, proof.lookaheadProof
        );
        if (!entryOk) revert InvalidProof();
        if (proof.validatorIndex >= 2 ** BeaconProofs.VALIDATOR_REGISTRY_DEPTH) revert InvalidProof();
        bool keyOk = SSZ.verifyProof(
            proof.pubkeyProof, root, proof.pubkeyRoot, BeaconProofs.validatorPubkeyGindex(proof.validatorIndex)
        );
        if (!keyOk) revert InvalidProof();
        return proof.pubkeyRoot;
    }

    function _without(LookaheadEntry[] calldata entries, uint256 index)
        internal
        pure
        returns (LookaheadEntry[] memory out)
    {
        out = new LookaheadEntry[](entries.length - 1);
        for (uint256 i = 0; i < index; ++i) out[i] = entries[i];
        for (uint256 i = index + 1; i < entries.length; ++i) out[i - 1] = entries[i];
    }

    /// @dev Stores the corrected list and pays the challenger what is left of the bond.
    function _correct(uint64 epoch, Fault fault, uint64 slot, LookaheadEntry[] memory corrected) internal {
        EpochRecord storage record = _epochs[epoch];
        record.hash = keccak256(abi.encode(corrected));
        uint256 reward = record.bond;
        record.bond = 0;
        _credit(msg.sender, reward);
        emit LookaheadCorrected(epoch, fault, slot, msg.sender, reward, corrected);
    }

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        withdrawable[account] += amount;
    }
}
