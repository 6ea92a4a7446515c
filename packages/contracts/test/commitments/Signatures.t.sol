// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Signatures} from "../../src/commitments/Signatures.sol";
import {Test} from "../utils/Test.sol";
import {CommitmentVectors} from "./CommitmentVectors.sol";

/// @notice Calls the library externally, so that `expectRevert` sees its reverts.
contract SignaturesHarness {
    function recover(bytes32 digest, bytes memory signature) external pure returns (address) {
        return Signatures.recover(digest, signature);
    }
}

contract SignaturesTest is Test {
    uint256 internal constant N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    SignaturesHarness internal harness = new SignaturesHarness();

    function test_halfN_isHalfTheOrder() public pure {
        assertEq(Signatures.HALF_N, N / 2, "floor(n / 2)");
    }

    function test_recover_vectors() public pure {
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        for (uint256 i = 0; i < cases.length; i++) {
            assertEq(Signatures.recover(cases[i].digest, cases[i].signature), cases[i].signer, cases[i].name);
        }
    }

    /// @dev Each refused signature of the vectors reverts with the error the TypeScript side names.
    function test_recover_refusesVectorBadSignatures() public {
        CommitmentVectors.BadSignature[] memory cases = CommitmentVectors.badSignatures();
        assertEq(cases.length, 10, "ten refused signatures");
        for (uint256 i = 0; i < cases.length; i++) {
            vm.expectRevert(cases[i].revertData);
            harness.recover(cases[i].digest, cases[i].signature);
        }
    }

    function test_recover_sCheckedBeforeV() public {
        bytes memory signature = abi.encodePacked(bytes32(uint256(1)), bytes32(Signatures.HALF_N + 1), uint8(0));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureMalleableS.selector, bytes32(Signatures.HALF_N + 1)));
        harness.recover(keccak256("digest"), signature);
    }

    function testFuzz_recover_forgeSignature(uint256 key, bytes32 digest) public view {
        key = bound(key, 1, N - 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        assertTrue(uint256(s) <= Signatures.HALF_N, "forge signs with low s");
        assertEq(harness.recover(digest, abi.encodePacked(r, s, v)), vm.addr(key), "signer");
    }

    /// @dev The twin (r, n - s, v flipped) is a valid ECDSA signature of the same key: refused.
    function testFuzz_recover_refusesHighSTwin(uint256 key, bytes32 digest) public {
        key = bound(key, 1, N - 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        bytes32 twinS = bytes32(N - uint256(s));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureMalleableS.selector, twinS));
        harness.recover(digest, abi.encodePacked(r, twinS, v == 27 ? uint8(28) : uint8(27)));
    }

    function testFuzz_recover_refusesOtherV(uint256 key, bytes32 digest, uint8 v) public {
        vm.assume(v != 27 && v != 28);
        key = bound(key, 1, N - 1);
        (, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalidV.selector, v));
        harness.recover(digest, abi.encodePacked(r, s, v));
    }

    function testFuzz_recover_refusesOtherLengths(bytes memory signature) public {
        vm.assume(signature.length != 65);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalidLength.selector, signature.length));
        harness.recover(keccak256("digest"), signature);
    }
}
