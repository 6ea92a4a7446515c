// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The few forge cheatcodes our tests use (forge serves them at `VM_ADDRESS`).
interface Vm {
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata error) external pure;
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assume(bool condition) external pure;
    function etch(address target, bytes calldata code) external;
    function store(address target, bytes32 slot, bytes32 value) external;
    function load(address target, bytes32 slot) external view returns (bytes32);
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function expectRevert() external;
    function expectRevert(bytes calldata revertData) external;
}
