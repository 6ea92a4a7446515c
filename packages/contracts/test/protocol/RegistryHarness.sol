// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Registry} from "../../src/registry/Registry.sol";

/// @notice The registry with a test-only entry that registers a key by its SSZ root, so protocol
///         tests can use the beacon vectors' keys (which are not real BLS keys). BLS registration
///         itself is tested against real keys in `Registry.t.sol`.
contract RegistryHarness is Registry {
    constructor(uint256 g, uint256 s, uint256 minC, uint256 cDelay, uint256 clDelay, address slasher_)
        Registry(g, s, minC, cDelay, clDelay, slasher_)
    {}

    function registerUnchecked(bytes32 registration, address owner) external payable {
        if (msg.value < minCollateral) revert CollateralBelowMinimum(msg.value, minCollateral);
        if (_registrations[registration].registeredAt != 0) revert AlreadyRegistered(registration);
        _registrations[registration] = Registration({
            owner: owner,
            registeredAt: uint64(block.timestamp),
            optedInAt: 0,
            unregisteredAt: 0,
            deactivatedAt: 0,
            collateral: msg.value
        });
        emit Registered(registration, owner, "", msg.value);
    }
}
