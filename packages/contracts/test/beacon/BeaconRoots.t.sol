// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconRoots} from "../../src/beacon/BeaconRoots.sol";
import {Test} from "../utils/Test.sol";
import {BeaconRootsCode} from "./BeaconRootsCode.sol";

contract BeaconRootsTest is Test {
    uint256 internal constant TIMESTAMP = 1_765_000_000;
    bytes32 internal constant ROOT = keccak256("beacon block root");

    function setUp() public {
        BeaconRootsCode.install(vm, BeaconRoots.ADDRESS);
    }

    function test_tryGet_storedRoot() public {
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, TIMESTAMP, ROOT);
        (bool found, bytes32 root) = BeaconRoots.tryGet(TIMESTAMP);
        assertTrue(found, "found");
        assertEq(root, ROOT, "root");
    }

    function test_tryGet_rootWrittenBySystemCall() public {
        vm.warp(TIMESTAMP);
        vm.prank(BeaconRootsCode.SYSTEM_ADDRESS);
        (bool ok,) = BeaconRoots.ADDRESS.call(abi.encode(ROOT));
        assertTrue(ok, "system call");
        assertEq(vm.load(BeaconRoots.ADDRESS, bytes32(TIMESTAMP % 8191)), bytes32(TIMESTAMP), "timestamp slot");
        (bool found, bytes32 root) = BeaconRoots.tryGet(TIMESTAMP);
        assertTrue(found, "found");
        assertEq(root, ROOT, "root");
    }

    function test_tryGet_unknownTimestamp() public {
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, TIMESTAMP, ROOT);
        (bool found, bytes32 root) = BeaconRoots.tryGet(TIMESTAMP + 12);
        assertFalse(found, "another timestamp");
        assertEq(root, bytes32(0), "no root");
    }

    function test_tryGet_overwrittenRingBufferSlot() public {
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, TIMESTAMP, ROOT);
        // Same ring buffer index, one full turn later: the old timestamp is gone.
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, TIMESTAMP + 8191, keccak256("newer"));
        (bool found,) = BeaconRoots.tryGet(TIMESTAMP);
        assertFalse(found, "overwritten");
        (bool foundNewer, bytes32 newer) = BeaconRoots.tryGet(TIMESTAMP + 8191);
        assertTrue(foundNewer, "newer found");
        assertEq(newer, keccak256("newer"), "newer root");
    }

    function test_tryGet_zeroTimestamp() public view {
        (bool found,) = BeaconRoots.tryGet(0);
        assertFalse(found, "the contract reverts on 0");
    }

    function test_tryGet_noContract() public {
        vm.etch(BeaconRoots.ADDRESS, "");
        (bool found,) = BeaconRoots.tryGet(TIMESTAMP);
        assertFalse(found, "an empty account answers with no data");
    }

    function testFuzz_tryGet_storedRoot(uint64 timestamp, bytes32 stored) public {
        vm.assume(timestamp != 0);
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, timestamp, stored);
        (bool found, bytes32 root) = BeaconRoots.tryGet(timestamp);
        assertTrue(found, "found");
        assertEq(root, stored, "root");
    }
}
