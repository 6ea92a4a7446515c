// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm} from "../utils/Vm.sol";
import {ProtocolBase} from "./ProtocolBase.sol";
import {RegistryHarness} from "./RegistryHarness.sol";

/// @notice Random registry and slashing operations with ghost totals of ETH in and out.
contract RegistryHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    RegistryHarness internal immutable registry;
    address internal immutable slasher;

    bytes32[] public keys;
    address[] public accounts;
    uint256 public ethIn;
    uint256 public ethOut;

    constructor(RegistryHarness registry_, address slasher_) {
        registry = registry_;
        slasher = slasher_;
        for (uint160 i = 1; i <= 4; ++i) accounts.push(address(0x5000 + i));
    }

    function keyCount() external view returns (uint256) {
        return keys.length;
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    function register(uint256 amount) external {
        amount = 1 ether + amount % 50 ether;
        bytes32 key = keccak256(abi.encode("key", keys.length));
        vm.deal(address(this), amount);
        registry.registerUnchecked{value: amount}(key, accounts[keys.length % accounts.length]);
        keys.push(key);
        ethIn += amount;
    }

    function addCollateral(uint256 k, uint256 amount) external {
        if (keys.length == 0) return;
        bytes32 key = keys[k % keys.length];
        if (registry.registrationOf(key).registeredAt == 0 || registry.registrationOf(key).unregisteredAt != 0) return;
        amount = 1 + amount % 10 ether;
        vm.deal(address(this), amount);
        registry.addCollateral{value: amount}(key);
        ethIn += amount;
    }

    function slashSafety(uint256 k, uint256 insurance, uint256 bps, uint256 who) external {
        if (keys.length == 0) return;
        bytes32 key = keys[k % keys.length];
        if (registry.registrationOf(key).collateral == 0) return;
        address[] memory users = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        users[0] = accounts[who % accounts.length];
        amounts[0] = insurance % 100 ether;
        vm.prank(slasher);
        registry.slashSafety(key, users, amounts, accounts[(who % accounts.length + 1) % accounts.length], bps % 10_001);
    }

    function slashLiveness(uint256 k, uint256 amount, uint256 who) external {
        if (keys.length == 0) return;
        bytes32 key = keys[k % keys.length];
        if (registry.registrationOf(key).collateral == 0) return;
        vm.prank(slasher);
        registry.slashLiveness(key, accounts[who % accounts.length], amount % 20 ether);
    }

    function withdraw(uint256 who) external {
        address account = accounts[who % accounts.length];
        uint256 owed = registry.withdrawable(account);
        if (owed == 0) return;
        uint256 before = account.balance;
        vm.prank(account);
        registry.withdraw();
        ethOut += account.balance - before;
    }

    function unregisterAndClaim(uint256 k) external {
        if (keys.length == 0) return;
        bytes32 key = keys[k % keys.length];
        address owner = registry.registrationOf(key).owner;
        if (owner == address(0)) return;
        if (registry.registrationOf(key).unregisteredAt == 0) {
            vm.prank(owner);
            registry.unregister(key);
        }
        vm.warp(block.timestamp + registry.claimDelay());
        uint256 before = owner.balance;
        vm.prank(owner);
        registry.claimCollateral(key);
        ethOut += owner.balance - before;
    }
}

contract EthAccountingInvariantTest is ProtocolBase {
    RegistryHandler internal handler;
    uint256 internal initial;

    function setUp() public override {
        super.setUp();
        handler = new RegistryHandler(registry, address(slasher));
        initial = address(registry).balance; // the two base registrations
    }

    /// @notice Forge fuzzes only the handler's functions.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice ETH in = ETH out + held, and what is held is exactly collateral + credits + burned.
    function invariant_ethInEqualsOutPlusHeld() public view {
        uint256 balance = address(registry).balance;
        assertEq(balance + handler.ethOut(), initial + handler.ethIn(), "ETH in = ETH out + held");
        uint256 held = registry.burned() + registry.registrationOf(reg4).collateral
            + registry.registrationOf(reg1).collateral;
        for (uint256 i = 0; i < handler.keyCount(); ++i) {
            held += registry.registrationOf(handler.keys(i)).collateral;
        }
        for (uint256 i = 0; i < handler.accountCount(); ++i) {
            held += registry.withdrawable(handler.accounts(i));
        }
        assertEq(balance, held, "held = collateral + withdrawable + burned");
    }
}
