// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm} from "../utils/Vm.sol";

/// @notice The EIP-4788 beacon roots contract as deployed on mainnet, for tests.
library BeaconRootsCode {
    /// @notice Runtime bytecode from EIP-4788 (its deployment input minus the 9-byte constructor);
    ///         the same bytes as `BEACON_ROOTS_CODE` in src/systemContracts.ts.
    bytes internal constant RUNTIME =
        hex"3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500";

    /// @notice EIP-4788 `SYSTEM_ADDRESS`: the caller that writes roots.
    address internal constant SYSTEM_ADDRESS = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;

    /// @notice Installs the contract at `target`.
    function install(Vm vm, address target) internal {
        vm.etch(target, RUNTIME);
    }

    /// @notice Writes `root` for `timestamp` straight into the ring buffer, as a client would:
    ///         the timestamp at slot `timestamp % 8191`, the root at slot `timestamp % 8191 + 8191`.
    function record(Vm vm, address target, uint256 timestamp, bytes32 root) internal {
        uint256 index = timestamp % 8191;
        vm.store(target, bytes32(index), bytes32(timestamp));
        vm.store(target, bytes32(index + 8191), root);
    }
}
