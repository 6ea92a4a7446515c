// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BeaconRoots
/// @notice Reads the EIP-4788 beacon roots contract.
/// @dev For an execution block with timestamp `t`, the contract holds the root of that block's
///      PARENT beacon block under `t`. It keeps the last 8191 timestamps (about 27 hours of
///      12-second slots) and reverts for a timestamp it does not hold (or for 0).
library BeaconRoots {
    /// @notice EIP-4788 `BEACON_ROOTS_ADDRESS`.
    address internal constant ADDRESS = 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02;

    /// @notice EIP-4788 `HISTORY_BUFFER_LENGTH`: the ring buffer's size.
    uint256 internal constant HISTORY_BUFFER_LENGTH = 8191;

    /// @notice The parent beacon block root recorded for the execution block at `timestamp`.
    /// @return found False when the contract holds no root for `timestamp` (a failed call, or no
    ///         contract at the address: then the call succeeds with no return data).
    /// @return root The beacon block root; zero when not found.
    function tryGet(uint256 timestamp) internal view returns (bool found, bytes32 root) {
        (bool ok, bytes memory data) = ADDRESS.staticcall(abi.encode(timestamp));
        if (!ok || data.length != 32) return (false, bytes32(0));
        return (true, abi.decode(data, (bytes32)));
    }
}
