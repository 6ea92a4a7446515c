// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconProofVerifier} from "../../src/beacon/BeaconProofVerifier.sol";
import {BeaconRoots} from "../../src/beacon/BeaconRoots.sol";
import {IBeaconProofVerifier} from "../../src/beacon/IBeaconProofVerifier.sol";
import {Test} from "../utils/Test.sol";
import {BeaconRootsCode} from "./BeaconRootsCode.sol";
import {BeaconVectors} from "./BeaconVectors.sol";

contract BeaconProofVerifierTest is Test {
    uint256 internal constant TIMESTAMP = 1_765_000_012;
    BeaconProofVerifier internal verifier;

    function setUp() public {
        verifier = new BeaconProofVerifier();
        BeaconRootsCode.install(vm, BeaconRoots.ADDRESS);
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, TIMESTAMP, BeaconVectors.BLOCK_ROOT);
    }

    function test_beaconRoot_recorded() public view {
        assertEq(verifier.beaconRoot(TIMESTAMP), BeaconVectors.BLOCK_ROOT, "root");
    }

    function test_beaconRoot_revertsWhenMissing() public {
        vm.expectRevert(abi.encodeWithSelector(IBeaconProofVerifier.BeaconRootNotFound.selector, TIMESTAMP + 1));
        verifier.beaconRoot(TIMESTAMP + 1);
    }

    function test_verifyLookaheadEntry_againstRecordedRoot() public view {
        bytes32[] memory proof = BeaconVectors.lookaheadProof();
        uint256 index = BeaconVectors.LOOKAHEAD_INDEX;
        bytes32 chunk = BeaconVectors.LOOKAHEAD_CHUNK;
        uint64 validator = BeaconVectors.LOOKAHEAD_VALIDATOR;
        assertTrue(verifier.verifyLookaheadEntry(TIMESTAMP, index, validator, chunk, proof), "valid");
        assertFalse(verifier.verifyLookaheadEntry(TIMESTAMP, index, validator + 1, chunk, proof), "other validator");
        proof[12] ^= bytes32(uint256(1));
        assertFalse(verifier.verifyLookaheadEntry(TIMESTAMP, index, validator, chunk, proof), "bad proof");
    }

    function test_verifyLookaheadEntry_revertsWhenRootMissing() public {
        bytes32[] memory proof = BeaconVectors.lookaheadProof();
        vm.expectRevert(abi.encodeWithSelector(IBeaconProofVerifier.BeaconRootNotFound.selector, TIMESTAMP - 12));
        verifier.verifyLookaheadEntry(TIMESTAMP - 12, 41, 4, BeaconVectors.LOOKAHEAD_CHUNK, proof);
    }

    function test_verifyValidatorPubkey_againstRecordedRoot() public view {
        bytes32[] memory proof = BeaconVectors.pubkeyProof();
        bytes memory pubkey = BeaconVectors.PUBKEY;
        assertTrue(verifier.verifyValidatorPubkey(TIMESTAMP, BeaconVectors.VALIDATOR_INDEX, pubkey, proof), "valid");
        assertFalse(verifier.verifyValidatorPubkey(TIMESTAMP, 2, pubkey, proof), "other validator");
        pubkey[0] ^= 0x80;
        assertFalse(verifier.verifyValidatorPubkey(TIMESTAMP, BeaconVectors.VALIDATOR_INDEX, pubkey, proof), "key");
    }

    function test_verifyValidatorPubkey_revertsWhenRootMissing() public {
        bytes32[] memory proof = BeaconVectors.pubkeyProof();
        vm.expectRevert(abi.encodeWithSelector(IBeaconProofVerifier.BeaconRootNotFound.selector, TIMESTAMP + 12));
        verifier.verifyValidatorPubkey(TIMESTAMP + 12, 3, BeaconVectors.PUBKEY, proof);
    }
}
