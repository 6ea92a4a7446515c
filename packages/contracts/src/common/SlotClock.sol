// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SlotClock
/// @notice Beacon-chain time on L1: slot `s` starts at `genesisTime + s * secondsPerSlot`, 32 slots
///         per epoch. Every protocol contract shares one clock, fixed at deployment.
abstract contract SlotClock {
    /// @notice Slots per epoch (the consensus constant).
    uint256 public constant SLOTS_PER_EPOCH = 32;

    /// @notice Timestamp of slot 0.
    uint256 public immutable genesisTime;

    /// @notice Length of a slot in seconds.
    uint256 public immutable secondsPerSlot;

    /// @notice The clock was given a zero slot length.
    error InvalidSlotTime();

    constructor(uint256 genesisTime_, uint256 secondsPerSlot_) {
        if (secondsPerSlot_ == 0) revert InvalidSlotTime();
        genesisTime = genesisTime_;
        secondsPerSlot = secondsPerSlot_;
    }

    /// @notice The slot that contains the current block (0 before genesis).
    function currentSlot() public view returns (uint64) {
        if (block.timestamp < genesisTime) return 0;
        return uint64((block.timestamp - genesisTime) / secondsPerSlot);
    }

    /// @notice Start time of `slot`.
    function slotStart(uint256 slot) public view returns (uint256) {
        return genesisTime + slot * secondsPerSlot;
    }

    /// @notice Start time of `epoch`.
    function epochStart(uint256 epoch) public view returns (uint256) {
        return genesisTime + epoch * SLOTS_PER_EPOCH * secondsPerSlot;
    }

    /// @notice Length of an epoch in seconds.
    function epochSeconds() public view returns (uint256) {
        return SLOTS_PER_EPOCH * secondsPerSlot;
    }

    /// @notice The registry time at which activity for `epoch` is judged: the start of the epoch
    ///         before it, so that the epoch's windows are known while that epoch runs and no later
    ///         registration, opt-in or slash can change them.
    function referenceTime(uint256 epoch) public view returns (uint256) {
        return epoch == 0 ? genesisTime : epochStart(epoch - 1);
    }
}
