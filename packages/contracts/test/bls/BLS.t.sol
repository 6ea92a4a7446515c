// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS} from "../../src/bls/BLS.sol";
import {Test} from "../utils/Test.sol";
import {BLSVectors} from "./BLSVectors.sol";

/// @dev External entry points, so that `vm.expectRevert` sees the library's reverts.
contract BLSHarness {
    function verify(bytes memory pubkey, bytes memory signature, bytes memory message) external view returns (bool) {
        return BLS.verify(pubkey, signature, message);
    }

    function hashToG2(bytes memory message, bytes memory dst) external view returns (bytes memory) {
        return BLS.hashToG2(message, dst);
    }

    function compressG1(bytes memory pubkey) external pure returns (bytes memory) {
        return BLS.compressG1(pubkey);
    }
}

contract BLSTest is Test {
    /// @dev Printed by `forge test -vv` (forge decodes this ds-test event).
    // forge-lint: disable-next-line(mixed-case-variable)
    event log_named_uint(string key, uint256 val);

    address internal constant PAIRING_CHECK = address(0x0f);

    BLSHarness internal harness;

    function setUp() public {
        harness = new BLSHarness();
    }

    /// @dev Gas for a harness call expected to fail in a precompile: a failing precompile consumes
    ///      all the gas it was given, so an unbounded call would leave later calls too little.
    uint256 internal constant FAILING_CALL_GAS = 1_000_000;

    function _precompileFailed(address precompile) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(BLS.PrecompileFailed.selector, precompile);
    }

    function _flip(bytes memory data, uint256 index, bytes1 mask) internal pure returns (bytes memory out) {
        out = bytes.concat(data);
        out[index] ^= mask;
    }

    // ---------------------------------------------------------------- hashToG2

    function test_hashToG2_rfc9380Vectors() public view {
        BLSVectors.HashToG2Case[] memory cases = BLSVectors.hashToG2Cases();
        for (uint256 i = 0; i < cases.length; i++) {
            assertEq(BLS.hashToG2(cases[i].message, BLSVectors.HASH_TO_G2_DST), cases[i].point, cases[i].name);
        }
    }

    function test_hashToG2_dependsOnDst() public view {
        bytes memory message = bytes("abc");
        assertFalse(
            keccak256(BLS.hashToG2(message, BLS.POP_DST)) == keccak256(BLS.hashToG2(message, BLSVectors.HASH_TO_G2_DST)),
            "same point under two DSTs"
        );
    }

    function test_hashToG2_longestDst() public view {
        assertEq(BLS.hashToG2(bytes("abc"), new bytes(255)).length, 256, "255-byte DST");
    }

    function test_hashToG2_revertsOnLongDst() public {
        vm.expectRevert(abi.encodeWithSelector(BLS.DstTooLong.selector, 256));
        harness.hashToG2(bytes("abc"), new bytes(256));
    }

    // ---------------------------------------------------------------- verify

    function test_verify_ethereumVectors() public view {
        BLSVectors.VerifyCase[] memory cases = BLSVectors.verifyCases();
        uint256 valid;
        for (uint256 i = 0; i < cases.length; i++) {
            BLSVectors.VerifyCase memory c = cases[i];
            if (c.valid) valid++;
            assertTrue(BLS.verify(c.pubkey, c.signature, c.message) == c.valid, c.name);
        }
        assertEq(valid, 10, "valid vectors");
    }

    /// @dev The identity key with the identity signature passes the bare pairing check
    ///      (e(0, H) * e(-G1, 0) == 1): verify must reject the key itself.
    function test_verify_infinityPubkey() public view {
        assertFalse(BLS.verify(new bytes(128), new bytes(256), BLSVectors.INFINITY_MESSAGE), "infinity key");
        assertFalse(BLS.verify(new bytes(128), BLSVectors.SIGNATURE, BLSVectors.MESSAGE), "infinity key, signature");
    }

    function test_verify_revertsOnSignatureOutsideSubgroup() public {
        BLSVectors.VerifyCase[] memory cases = BLSVectors.outsideSubgroupCases();
        assertEq(cases.length, 5, "cases");
        for (uint256 i = 0; i < cases.length; i++) {
            vm.expectRevert(_precompileFailed(PAIRING_CHECK));
            harness.verify{gas: FAILING_CALL_GAS}(cases[i].pubkey, cases[i].signature, cases[i].message);
        }
    }

    function test_verify_revertsOnPubkeyOutsideSubgroup() public {
        vm.expectRevert(_precompileFailed(PAIRING_CHECK));
        harness.verify{gas: FAILING_CALL_GAS}(BLSVectors.PUBKEY_OUTSIDE_SUBGROUP, BLSVectors.SIGNATURE, BLSVectors.MESSAGE);
    }

    function test_verify_blstSignature() public view {
        assertTrue(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, BLSVectors.MESSAGE), "key 0");
        assertTrue(BLS.verify(BLSVectors.OTHER_PUBKEY, BLSVectors.OTHER_KEY_SIGNATURE, BLSVectors.MESSAGE), "key 1");
        assertTrue(
            BLS.verify(BLSVectors.PUBKEY, BLSVectors.OTHER_MESSAGE_SIGNATURE, BLSVectors.OTHER_MESSAGE), "message 2"
        );
    }

    function test_verify_tamperedMessage() public view {
        bytes memory message = BLSVectors.MESSAGE;
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, _flip(message, 0, 0x01)), "first bit");
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, _flip(message, 31, 0x80)), "last byte");
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, bytes.concat(message, hex"00")), "longer");
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, BLSVectors.OTHER_MESSAGE), "other message");
    }

    function test_verify_otherSignature() public view {
        // Valid signatures, but by another key or of another message.
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.OTHER_KEY_SIGNATURE, BLSVectors.MESSAGE), "other key's");
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.OTHER_MESSAGE_SIGNATURE, BLSVectors.MESSAGE), "other msg's");
        assertFalse(BLS.verify(BLSVectors.PUBKEY, new bytes(256), BLSVectors.MESSAGE), "infinity signature");
    }

    function test_verify_otherPubkey() public view {
        assertFalse(BLS.verify(BLSVectors.OTHER_PUBKEY, BLSVectors.SIGNATURE, BLSVectors.MESSAGE), "other key");
    }

    function test_verify_revertsOnPointsOffCurve() public {
        // A flipped bit of a coordinate leaves the curve (the pairing precompile checks it).
        bytes memory signature = _flip(BLSVectors.SIGNATURE, 255, 0x01);
        vm.expectRevert(_precompileFailed(PAIRING_CHECK));
        harness.verify{gas: FAILING_CALL_GAS}(BLSVectors.PUBKEY, signature, BLSVectors.MESSAGE);

        bytes memory pubkey = _flip(BLSVectors.PUBKEY, 127, 0x01);
        vm.expectRevert(_precompileFailed(PAIRING_CHECK));
        harness.verify{gas: FAILING_CALL_GAS}(pubkey, BLSVectors.SIGNATURE, BLSVectors.MESSAGE);
    }

    function test_verify_revertsOnNonZeroPadding() public {
        vm.expectRevert(_precompileFailed(PAIRING_CHECK));
        harness.verify{gas: FAILING_CALL_GAS}(_flip(BLSVectors.PUBKEY, 64, 0x01), BLSVectors.SIGNATURE, BLSVectors.MESSAGE);

        vm.expectRevert(_precompileFailed(PAIRING_CHECK));
        harness.verify{gas: FAILING_CALL_GAS}(BLSVectors.PUBKEY, _flip(BLSVectors.SIGNATURE, 0, 0x80), BLSVectors.MESSAGE);
    }

    function test_verify_revertsOnBadLength() public {
        vm.expectRevert(abi.encodeWithSelector(BLS.InvalidLength.selector, 48, 128));
        harness.verify(new bytes(48), BLSVectors.SIGNATURE, BLSVectors.MESSAGE);

        vm.expectRevert(abi.encodeWithSelector(BLS.InvalidLength.selector, 96, 256));
        harness.verify(BLSVectors.PUBKEY, new bytes(96), BLSVectors.MESSAGE);
    }

    function testFuzz_verify_otherMessage(bytes memory message) public view {
        vm.assume(keccak256(message) != keccak256(BLSVectors.MESSAGE));
        assertFalse(BLS.verify(BLSVectors.PUBKEY, BLSVectors.SIGNATURE, message), "other message");
    }

    /// @dev Gas of one verify of a 32-byte message (hashToG2 and the 2-pair check), and of hashToG2
    ///      alone: `forge test --match-test test_verify_gas -vv` prints both.
    function test_verify_gas() public {
        bytes memory pubkey = BLSVectors.PUBKEY;
        bytes memory signature = BLSVectors.SIGNATURE;
        bytes memory message = BLSVectors.MESSAGE;

        uint256 start = gasleft();
        bytes memory point = BLS.hashToG2(message, BLS.POP_DST);
        uint256 hashGas = start - gasleft();

        start = gasleft();
        bool valid = BLS.verify(pubkey, signature, message);
        uint256 verifyGas = start - gasleft();

        assertEq(point.length, 256, "point");
        assertTrue(valid, "valid");
        emit log_named_uint("hashToG2 gas", hashGas);
        emit log_named_uint("verify gas", verifyGas);
        // Precompiles alone: pairing 32600 * 2 + 37700, two MAP_FP2_TO_G2 at 23800, G2ADD 600.
        assertTrue(verifyGas < 170_000, "verify gas");
    }

    // ---------------------------------------------------------------- compressG1

    function test_compressG1_matchesBlst() public pure {
        BLSVectors.CompressCase[] memory cases = BLSVectors.compressCases();
        uint256 largeY;
        for (uint256 i = 0; i < cases.length; i++) {
            bytes memory compressed = BLS.compressG1(cases[i].uncompressed);
            assertEq(compressed, cases[i].compressed, "compressed");
            if (compressed[0] & 0x20 != 0) largeY++;
        }
        assertTrue(largeY > 0 && largeY < cases.length, "both y flags");
    }

    function test_compressG1_infinity() public pure {
        assertEq(BLS.compressG1(new bytes(128)), bytes.concat(hex"c0", new bytes(47)), "infinity");
    }

    function test_compressG1_revertsOnNonCanonical() public {
        bytes memory p = hex"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";
        bytes memory key = BLSVectors.PUBKEY;
        bytes memory padded = bytes.concat(new bytes(16), p);
        bytes[4] memory bad = [
            _flip(key, 15, 0x01), // x padding
            _flip(key, 64, 0x80), // y padding
            bytes.concat(padded, _slice(key, 64, 128)), // x = p
            bytes.concat(_slice(key, 0, 64), padded) // y = p
        ];
        for (uint256 i = 0; i < bad.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(BLS.NonCanonicalCoordinate.selector));
            harness.compressG1(bad[i]);
        }
    }

    function test_compressG1_revertsOnBadLength() public {
        vm.expectRevert(abi.encodeWithSelector(BLS.InvalidLength.selector, 96, 128));
        harness.compressG1(new bytes(96));
    }

    function _slice(bytes memory data, uint256 start, uint256 end) internal pure returns (bytes memory out) {
        out = new bytes(end - start);
        for (uint256 i = start; i < end; i++) {
            out[i - start] = data[i];
        }
    }
}
