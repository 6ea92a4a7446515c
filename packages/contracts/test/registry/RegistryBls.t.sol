// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SSZ} from "../../src/beacon/SSZ.sol";
import {IRegistry} from "../../src/registry/IRegistry.sol";
import {Registry} from "../../src/registry/Registry.sol";
import {Test} from "../utils/Test.sol";
import {RegistrationVectors as V} from "./RegistrationVectors.sol";

/// @notice Registration with real BLS keys: proofs of possession made by blst are accepted, and
///         signatures for another chain, registry, owner or key are refused.
contract RegistryBlsTest is Test {
    Registry internal registry;

    function setUp() public {
        vm.warp(1_700_000_100);
        registry = new Registry(1_700_000_000, 12, 1 ether, 3 * 384, 10 * 384, address(0x5AA5));
        assertEq(uint256(uint160(address(registry))), uint256(uint160(V.REGISTRY)), "vector registry address");
        vm.deal(address(this), 100 ether);
    }

    function test_register_acceptsBlstProofOfPossession() public {
        assertEq(registry.registrationMessage(V.OWNER), V.MESSAGE, "message");
        uint256 gasBefore = gasleft();
        bytes32 id = registry.register{value: 1 ether}(V.PUBKEY, V.SIGNATURE, V.OWNER);
        uint256 used = gasBefore - gasleft();
        assertEq(id, SSZ.pubkeyRoot(V.PUBKEY_COMPRESSED), "id is the beacon pubkey leaf");
        assertEq(uint256(uint160(registry.registrationOf(id).owner)), uint256(uint160(V.OWNER)), "owner");
        assertTrue(used < 300_000, "register gas");
        vm.expectRevert(abi.encodeWithSelector(IRegistry.AlreadyRegistered.selector, id));
        registry.register{value: 1 ether}(V.PUBKEY, V.SIGNATURE, V.OWNER);
    }

    function test_register_refusesReplayedAndForgedProofs() public {
        vm.expectRevert(IRegistry.InvalidProofOfPossession.selector);
        registry.register{value: 1 ether}(V.PUBKEY, V.OTHER_CHAIN_SIGNATURE, V.OWNER);
        vm.expectRevert(IRegistry.InvalidProofOfPossession.selector);
        registry.register{value: 1 ether}(V.PUBKEY, V.OTHER_CONTRACT_SIGNATURE, V.OWNER);
        vm.expectRevert(IRegistry.InvalidProofOfPossession.selector);
        registry.register{value: 1 ether}(V.PUBKEY, V.OTHER_OWNER_SIGNATURE, V.OWNER);
        vm.expectRevert(IRegistry.InvalidProofOfPossession.selector);
        registry.register{value: 1 ether}(V.OTHER_PUBKEY, V.SIGNATURE, V.OWNER);
        vm.expectRevert(IRegistry.InvalidPubkey.selector);
        registry.register{value: 1 ether}(V.PUBKEY_COMPRESSED, V.SIGNATURE, V.OWNER);
        vm.expectRevert(abi.encodeWithSelector(IRegistry.CollateralBelowMinimum.selector, 0.5 ether, 1 ether));
        registry.register{value: 0.5 ether}(V.PUBKEY, V.SIGNATURE, V.OWNER);
    }

    function test_register_onChainWithoutContractOrChainReplays() public {
        // The same proof on another chain id is refused.
        vm.chainId(1);
        vm.expectRevert(IRegistry.InvalidProofOfPossession.selector);
        registry.register{value: 1 ether}(V.PUBKEY, V.SIGNATURE, V.OWNER);
    }
}
