// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRegistry} from "../../src/registry/IRegistry.sol";
import {ProtocolBase} from "./ProtocolBase.sol";

/// @notice Registry life cycle (keys registered through the harness; BLS registration with real
///         keys is in `RegistryBls.t.sol`).
contract RegistryTest is ProtocolBase {
    bytes32 internal constant REG = keccak256("validator key");
    address internal owner = address(0xAB0E);

    function _register() internal {
        registry.registerUnchecked{value: COLLATERAL}(REG, owner);
    }

    function test_optIn_onlyOwnerOnceWithCommitter() public {
        _register();
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NotOwner.selector, REG, address(this)));
        registry.optIn(REG, address(0xC));
        vm.startPrank(owner);
        vm.expectRevert(IRegistry.ZeroAddress.selector);
        registry.optIn(REG, address(0));
        registry.optIn(REG, address(0xC));
        vm.expectRevert(abi.encodeWithSelector(IRegistry.AlreadyOptedIn.selector, REG));
        registry.optIn(REG, address(0xD));
        vm.stopPrank();
        assertEq(uint256(uint160(registry.committerAt(REG, block.timestamp + 1))), 0xC, "committer");
    }

    function test_isActiveAt_frozenAtReferenceTime() public {
        _register();
        uint256 optedAt = block.timestamp;
        vm.prank(owner);
        registry.optIn(REG, address(0xC));
        assertFalse(registry.isActiveAt(REG, optedAt), "not active at the opt-in instant");
        assertTrue(registry.isActiveAt(REG, optedAt + 1), "active after");
        vm.warp(optedAt + 100);
        vm.prank(owner);
        registry.unregister(REG);
        assertTrue(registry.isActiveAt(REG, optedAt + 100), "still active for windows frozen before");
        assertFalse(registry.isActiveAt(REG, optedAt + 101), "inactive for later references");
        assertTrue(registry.isActiveAt(REG, optedAt + 50), "history unchanged");
    }

    function test_changeCommitter_delayedAndHistoryKept() public {
        _register();
        vm.prank(owner);
        registry.optIn(REG, address(0xC));
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        vm.prank(owner);
        registry.changeCommitter(REG, address(0xD));
        uint256 effective = t0 + 10 + COMMITTER_DELAY;
        assertEq(uint256(uint160(registry.committerAt(REG, effective))), 0xC, "old until effective");
        assertEq(uint256(uint160(registry.committerAt(REG, effective + 1))), 0xD, "new after");
        // Replacing a change not yet in force rewrites nothing observable.
        vm.warp(t0 + 20);
        vm.prank(owner);
        registry.changeCommitter(REG, address(0xE));
        assertEq(uint256(uint160(registry.committerAt(REG, effective + 1))), 0xC, "replaced change");
        assertEq(uint256(uint160(registry.committerAt(REG, t0 + 20 + COMMITTER_DELAY + 1))), 0xE, "newest");
        // Once in force, a further change keeps the past.
        vm.warp(t0 + 20 + COMMITTER_DELAY + 5);
        vm.prank(owner);
        registry.changeCommitter(REG, address(0xF));
        assertEq(uint256(uint160(registry.committerAt(REG, t0 + 5))), 0xC, "first");
        assertEq(uint256(uint160(registry.committerAt(REG, t0 + 20 + COMMITTER_DELAY + 2))), 0xE, "second");
        assertEq(registry.committerHistory(REG).length, 3, "history");
    }


    function test_addCollateral_unregister_claim() public {
        _register();
        registry.addCollateral{value: 2 ether}(REG);
        assertEq(registry.registrationOf(REG).collateral, COLLATERAL + 2 ether, "added");
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NotUnregistered.selector, REG));
        registry.claimCollateral(REG);
        registry.unregister(REG);
        uint256 claimableAt = block.timestamp + CLAIM_DELAY;
        vm.expectRevert(abi.encodeWithSelector(IRegistry.ClaimTooEarly.selector, REG, claimableAt));
        registry.claimCollateral(REG);
        vm.warp(claimableAt);
        registry.claimCollateral(REG);
        vm.stopPrank();
        assertEq(owner.balance, COLLATERAL + 2 ether, "all collateral back");
        assertEq(registry.registrationOf(REG).registeredAt, 0, "deleted");
        // The key may register again.
        _register();
    }

    function test_register_refusesLowCollateralAndDuplicates() public {
        vm.expectRevert(abi.encodeWithSelector(IRegistry.CollateralBelowMinimum.selector, 0.5 ether, MIN_COLLATERAL));
        registry.registerUnchecked{value: 0.5 ether}(REG, owner);
        _register();
        vm.expectRevert(abi.encodeWithSelector(IRegistry.AlreadyRegistered.selector, REG));
        registry.registerUnchecked{value: COLLATERAL}(REG, owner);
    }

    function test_slash_onlySlasher() public {
        _register();
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NotSlasher.selector, address(this)));
        registry.slashLiveness(REG, address(1), 1);
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NotSlasher.selector, address(this)));
        registry.slashSafety(REG, new address[](0), new uint256[](0), address(1), 0);
    }

    function test_slashLiveness_belowMinimumDeactivates() public {
        _register();
        vm.prank(owner);
        registry.optIn(REG, address(0xC));
        vm.warp(block.timestamp + 10);
        vm.prank(address(slasher));
        uint256 paid = registry.slashLiveness(REG, address(0xAB), COLLATERAL - 0.5 ether);
        assertEq(paid, COLLATERAL - 0.5 ether, "paid");
        assertFalse(registry.isActiveAt(REG, block.timestamp + 1), "deactivated");
        vm.prank(address(slasher));
        paid = registry.slashLiveness(REG, address(0xAB), 5 ether);
        assertEq(paid, 0.5 ether, "capped at collateral");
        vm.prank(address(slasher));
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NothingToSlash.selector, REG));
        registry.slashLiveness(REG, address(0xAB), 1);
    }

    function testFuzz_slashSafety_conservesEth(uint256 c, uint256 i1, uint256 i2, uint256 bps) public {
        c = bound(c, MIN_COLLATERAL, 10_000 ether);
        i1 = bound(i1, 0, 20_000 ether);
        i2 = bound(i2, 0, 20_000 ether);
        bps = bound(bps, 0, 10_000);
        vm.deal(address(this), c);
        registry.registerUnchecked{value: c}(REG, owner);
        address[] memory users = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (users[0], users[1], amounts[0], amounts[1]) = (address(0xA1), address(0xA2), i1, i2);
        vm.prank(address(slasher));
        (uint256 toUsers, uint256 toChallenger, uint256 burnt) =
            registry.slashSafety(REG, users, amounts, address(0xCC), bps);
        assertEq(toUsers + toChallenger + burnt, c, "every wei accounted for");
        assertEq(registry.withdrawable(address(0xA1)), i1 < c ? i1 : c, "first user first");
        uint256 expectedChallenger = (c - toUsers) * bps / 10_000;
        assertEq(toChallenger, expectedChallenger, "challenger share");
        assertEq(
            address(registry).balance,
            registry.withdrawable(address(0xA1)) + registry.withdrawable(address(0xA2))
                + registry.withdrawable(address(0xCC)) + registry.burned() + 2 * COLLATERAL,
            "balance = credits + burned + other collateral"
        );
    }
}
