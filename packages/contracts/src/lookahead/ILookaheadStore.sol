// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice One slot of an epoch whose beacon proposer is an active sequencer.
struct LookaheadEntry {
    /// @notice The beacon slot.
    uint64 slot;
    /// @notice The proposer's registration (the SSZ root of its BLS public key).
    bytes32 registration;
    /// @notice The registration's committer at the epoch's reference time.
    address committer;
}

/// @notice Who may sequence at a slot: the window `(previous sequencer slot, sequencerSlot]` that
///         contains it, or fallback when no active sequencer is in the lookahead.
struct Window {
    bool fallbackMode;
    uint64 sequencerSlot;
    bytes32 registration;
    address committer;
}

/// @notice An EIP-7917 proof that the beacon proposer of a slot has a given public key, from a
///         beacon block root that EIP-4788 keeps on L1.
struct ProposerProof {
    /// @notice The EIP-4788 key: timestamp of an L1 block whose parent beacon block is proven.
    uint256 beaconTimestamp;
    /// @notice The proven beacon block's slot, and its 3 siblings in `BeaconBlockHeader`.
    uint64 beaconSlot;
    bytes32[] slotProof;
    /// @notice The `proposer_lookahead` chunk holding the slot's entry, and its 13 siblings.
    bytes32 lookaheadChunk;
    bytes32[] lookaheadProof;
    /// @notice The proposer's validator index (the entry's value).
    uint64 validatorIndex;
    /// @notice SSZ root of `validators[validatorIndex].pubkey`, and its 53 siblings.
    bytes32 pubkeyRoot;
    bytes32[] pubkeyProof;
}

/// @title ILookaheadStore
/// @notice Per epoch, the compact list of slots whose proposer is an active sequencer, stored as a
///         hash (the list travels in calldata and events), posted optimistically with a bond and
///         corrected by EIP-7917 proofs against EIP-4788 roots.
interface ILookaheadStore {
    /// @notice Why a posted list was corrected.
    enum Fault {
        WrongProposer,
        MissingSequencer,
        InactiveSequencer,
        WrongCommitter
    }

    struct EpochRecord {
        bytes32 hash;
        address poster;
        uint64 postedAt;
        uint256 bond;
    }

    event LookaheadPosted(uint64 indexed epoch, address indexed poster, LookaheadEntry[] entries);
    event LookaheadCorrected(
        uint64 indexed epoch, Fault fault, uint64 slot, address indexed challenger, uint256 reward, LookaheadEntry[] entries
    );
    event BondReleased(uint64 indexed epoch, address indexed poster, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error WrongBond(uint256 sent, uint256 required);
    error AlreadyPosted(uint64 epoch);
    error NotPosted(uint64 epoch);
    error PostingClosed(uint64 epoch, uint256 opensAt, uint256 closesAt);
    error EntriesNotSorted(uint256 index);
    error EntryOutsideEpoch(uint256 index, uint64 slot);
    error EntriesMismatch(uint64 epoch);
    error EntryIndexOutOfRange(uint256 index, uint256 length);
    error ChallengeClosed(uint64 epoch, uint256 closedAt);
    error NotFinal(uint64 epoch, uint256 finalAt);
    error BeaconRootNotFound(uint256 timestamp);
    error InvalidProof();
    error SlotNotCovered(uint64 slot, uint64 beaconSlot);
    error NotAFault();
    error SlotAlreadyListed(uint64 slot);
    error SlotOutsideEpoch(uint64 slot, uint64 epoch);
    error BondLocked(uint64 epoch, uint256 releasableAt);
    error NothingToWithdraw(address account);
    error TransferFailed(address to, uint256 amount);
    error InvalidParameter();

    /// @notice Posts the list for `epoch` with the posting bond: entries sorted by slot, all in
    ///         the epoch. Open from the epoch's reference time until the epoch ends.
    function post(uint64 epoch, LookaheadEntry[] calldata entries) external payable;

    /// @notice The window holding `slot`, from the posted lists of its epoch and the next (the
    ///         next is read only when no sequencer follows in `slot`'s epoch).
    function windowAt(uint64 slot, LookaheadEntry[] calldata current, LookaheadEntry[] calldata next)
        external
        view
        returns (Window memory);

    /// @notice Entry `index` of `epoch`'s list, once the list can no longer be challenged.
    function finalEntry(uint64 epoch, LookaheadEntry[] calldata entries, uint256 index)
        external
        view
        returns (LookaheadEntry memory);

    /// @notice Proves entry `index` lists a slot whose beacon proposer is not its registration;
    ///         the entry is removed.
    function challengeWrongProposer(
        uint64 epoch,
        LookaheadEntry[] calldata entries,
        uint256 index,
        ProposerProof calldata proof
    ) external;

    /// @notice Proves `slot`'s beacon proposer is an active sequencer missing from the list; the
    ///         entry is inserted.
    function challengeMissingSequencer(
        uint64 epoch,
        LookaheadEntry[] calldata entries,
        uint64 slot,
        ProposerProof calldata proof
    ) external;

    /// @notice Shows entry `index` names a registration inactive at the reference time (removed)
    ///         or the wrong committer (fixed).
    function challengeInactive(uint64 epoch, LookaheadEntry[] calldata entries, uint256 index) external;

    /// @notice Releases the remaining bond to the poster once the epoch is final.
    function releaseBond(uint64 epoch) external;

    function withdraw() external;

    function epochRecord(uint64 epoch) external view returns (EpochRecord memory);

    /// @notice How long after its epoch ends a list stays challengeable.
    function challengeWindow() external view returns (uint256);

    /// @notice When `epoch`'s list stops being challengeable.
    function finalAt(uint64 epoch) external view returns (uint256);
}
