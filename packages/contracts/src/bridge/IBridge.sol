// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInbox} from "../inbox/IInbox.sol";

/// @title IBridge
/// @notice L1 deposits into one rollup. `deposit(to)` locks `msg.value` minus the inbox's
///         `minForcedFee` and queues the deposit in the inbox's forced-inclusion queue as the raw
///         transaction `0x7e ‖ rlp([chainId, depositNonce, from, to, value])`. Rollup nodes mint
///         `value` to `to` when that entry is consumed and it is genuine: this bridge emitted
///         `DepositQueued` with the entry's forced index, and the bytes are exactly the encoding of
///         the event's fields (`docs/rollup.md`, "Deposits"). Anyone can queue arbitrary bytes with
///         `forceInclude`, so only this bridge's events make a `0x7e` entry a mint.
/// @dev Withdrawals are out of scope: deposited ETH stays locked in the bridge.
interface IBridge {
    /// @notice A deposit was queued at `forcedIndex` of the rollup's forced-inclusion queue.
    event DepositQueued(
        uint64 indexed forcedIndex, uint64 indexed depositNonce, address indexed from, address to, uint256 value
    );

    /// @notice `msg.value` does not exceed the forced-inclusion fee, so nothing would be deposited.
    error DepositTooSmall(uint256 sent, uint256 fee);
    /// @notice A constructor argument is zero.
    error InvalidParameter();

    /// @notice The EIP-2718 type byte of a deposit on the rollup.
    function DEPOSIT_TX_TYPE() external view returns (uint8);

    /// @notice The inbox the deposits are queued in.
    function inbox() external view returns (IInbox);

    /// @notice The rollup this bridge deposits into.
    function chainId() external view returns (uint64);

    /// @notice The nonce the next deposit gets (0, 1, 2, …).
    function depositNonce() external view returns (uint64);

    /// @notice Deposits `msg.value - inbox.minForcedFee()` to `to` on the rollup; the fee pays for the
    ///         forced inclusion (to whoever settles the batch that consumes it).
    /// @return forcedIndex The deposit's index in the rollup's forced-inclusion queue.
    function deposit(address to) external payable returns (uint64 forcedIndex);

    /// @notice The raw rollup transaction of a deposit: `0x7e ‖ rlp([chainId, nonce, from, to, value])`.
    function encodeDeposit(uint64 nonce, address from, address to, uint256 value) external view returns (bytes memory);
}
