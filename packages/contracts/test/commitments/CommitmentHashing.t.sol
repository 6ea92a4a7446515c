// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitmentHashing} from "../../src/commitments/CommitmentHashing.sol";
import {
    Batch,
    Commitment,
    KIND_BUNDLE,
    KIND_INCLUSION,
    KIND_ORDERING,
    KIND_STATE
} from "../../src/commitments/Commitments.sol";
import {Signatures} from "../../src/commitments/Signatures.sol";
import {Test} from "../utils/Test.sol";
import {CommitmentVectors} from "./CommitmentVectors.sol";

/// @notice What the Slasher will do: hash under its own address and recover the committer.
contract SlasherLike {
    function separator() external view returns (bytes32) {
        return CommitmentHashing.domainSeparator(address(this));
    }

    function commitmentSigner(Commitment memory commitment, bytes memory signature) external view returns (address) {
        bytes32 separator_ = CommitmentHashing.domainSeparator(address(this));
        return Signatures.recover(CommitmentHashing.digest(separator_, CommitmentHashing.hash(commitment)), signature);
    }

    function batchSigner(Batch memory batch, bytes memory signature) external view returns (address) {
        bytes32 separator_ = CommitmentHashing.domainSeparator(address(this));
        return Signatures.recover(CommitmentHashing.digest(separator_, CommitmentHashing.hash(batch)), signature);
    }
}

contract CommitmentHashingTest is Test {
    function test_typehashes_matchTypeStrings() public pure {
        assertEq(
            CommitmentHashing.COMMITMENT_TYPEHASH,
            keccak256(bytes(CommitmentVectors.COMMITMENT_TYPE)),
            "commitment type string"
        );
        assertEq(CommitmentHashing.COMMITMENT_TYPEHASH, CommitmentVectors.COMMITMENT_TYPEHASH, "commitment vector");
        assertEq(CommitmentHashing.BATCH_TYPEHASH, keccak256(bytes(CommitmentVectors.BATCH_TYPE)), "batch type string");
        assertEq(CommitmentHashing.BATCH_TYPEHASH, CommitmentVectors.BATCH_TYPEHASH, "batch vector");
        assertEq(CommitmentHashing.DOMAIN_TYPEHASH, keccak256(bytes(CommitmentVectors.DOMAIN_TYPE)), "domain type");
        assertEq(CommitmentHashing.DOMAIN_TYPEHASH, CommitmentVectors.DOMAIN_TYPEHASH, "domain vector");
    }

    function test_kinds_matchVectors() public pure {
        assertEq(KIND_INCLUSION, 0, "inclusion");
        assertEq(KIND_ORDERING, 1, "ordering");
        assertEq(KIND_STATE, 2, "state");
        assertEq(KIND_BUNDLE, 3, "bundle");
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        assertEq(cases[0].value.kind, KIND_INCLUSION, "vector 0 is an inclusion");
        assertEq(cases[1].value.kind, KIND_ORDERING, "vector 1 is an ordering");
        assertEq(cases[3].value.kind, KIND_STATE, "vector 3 is a state");
        assertEq(cases[4].value.kind, KIND_BUNDLE, "vector 4 is a bundle");
    }

    function test_domainSeparator_vectors() public {
        CommitmentVectors.Domain[] memory cases = CommitmentVectors.domains();
        assertEq(cases.length, 2, "two L1 chains");
        for (uint256 i = 0; i < cases.length; i++) {
            CommitmentVectors.Domain memory d = cases[i];
            assertEq(CommitmentHashing.domainSeparator(d.chainId, d.verifyingContract), d.separator, "explicit chain");
            vm.chainId(d.chainId);
            assertEq(CommitmentHashing.domainSeparator(d.verifyingContract), d.separator, "block.chainid");
        }
    }

    function test_hash_commitmentVectors() public pure {
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        assertEq(cases.length, 8, "eight commitments");
        for (uint256 i = 0; i < cases.length; i++) {
            assertEq(CommitmentHashing.hash(cases[i].value), cases[i].structHash, cases[i].name);
        }
        // Ordering and state commitments chain through `parent`.
        assertEq(cases[2].value.parent, CommitmentHashing.hash(cases[1].value), "ordering parent");
        assertEq(cases[3].value.parent, CommitmentHashing.hash(cases[2].value), "state parent");
    }

    function test_hash_batchVectors() public pure {
        CommitmentVectors.SignedBatch[] memory cases = CommitmentVectors.batches();
        assertEq(cases.length, 4, "four batches");
        for (uint256 i = 0; i < cases.length; i++) {
            assertEq(CommitmentHashing.hash(cases[i].value), cases[i].structHash, cases[i].name);
        }
        assertEq(cases[1].value.parentHash, CommitmentHashing.hash(cases[0].value), "batch chain");
    }

    function test_digest_commitmentVectors() public {
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        for (uint256 i = 0; i < cases.length; i++) {
            CommitmentVectors.SignedCommitment memory c = cases[i];
            vm.chainId(c.chainId);
            bytes32 separator = CommitmentHashing.domainSeparator(c.verifyingContract);
            assertEq(CommitmentHashing.digest(separator, CommitmentHashing.hash(c.value)), c.digest, c.name);
        }
    }

    function test_digest_batchVectors() public pure {
        CommitmentVectors.SignedBatch[] memory cases = CommitmentVectors.batches();
        for (uint256 i = 0; i < cases.length; i++) {
            CommitmentVectors.SignedBatch memory b = cases[i];
            bytes32 separator = CommitmentHashing.domainSeparator(b.chainId, b.verifyingContract);
            assertEq(CommitmentHashing.digest(separator, CommitmentHashing.hash(b.value)), b.digest, b.name);
        }
    }

    /// @dev Forge's signer (RFC 6979, as viem's) reproduces the TypeScript signatures byte for byte.
    function test_sign_commitmentVectorsMatchForge() public pure {
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        for (uint256 i = 0; i < cases.length; i++) {
            assertEq(vm.addr(cases[i].privateKey), cases[i].signer, cases[i].name);
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(cases[i].privateKey, cases[i].digest);
            assertEq(abi.encodePacked(r, s, v), cases[i].signature, cases[i].name);
            assertEq(Signatures.recover(cases[i].digest, cases[i].signature), cases[i].signer, cases[i].name);
        }
        CommitmentVectors.SignedBatch[] memory batches = CommitmentVectors.batches();
        for (uint256 i = 0; i < batches.length; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(batches[i].privateKey, batches[i].digest);
            assertEq(abi.encodePacked(r, s, v), batches[i].signature, batches[i].name);
            assertEq(Signatures.recover(batches[i].digest, batches[i].signature), batches[i].signer, batches[i].name);
        }
    }

    /// @dev The slasher's own address and `block.chainid` give the domain of the vectors.
    function test_recover_atSlasherAddress() public {
        vm.etch(CommitmentVectors.SLASHER, address(new SlasherLike()).code);
        SlasherLike slasher = SlasherLike(CommitmentVectors.SLASHER);
        CommitmentVectors.SignedCommitment[] memory cases = CommitmentVectors.commitments();
        for (uint256 i = 0; i < cases.length; i++) {
            vm.chainId(cases[i].chainId);
            assertEq(slasher.commitmentSigner(cases[i].value, cases[i].signature), cases[i].signer, cases[i].name);
        }
        CommitmentVectors.SignedBatch[] memory batches = CommitmentVectors.batches();
        for (uint256 i = 0; i < batches.length; i++) {
            vm.chainId(batches[i].chainId);
            assertEq(slasher.batchSigner(batches[i].value, batches[i].signature), batches[i].signer, batches[i].name);
        }
        // The same signature under another L1 recovers someone else.
        vm.chainId(5);
        assertTrue(slasher.commitmentSigner(cases[0].value, cases[0].signature) != cases[0].signer, "other chain");
    }

    function test_recover_changedFieldRecoversAnother() public pure {
        CommitmentVectors.SignedCommitment memory c = CommitmentVectors.commitments()[3];
        bytes32 separator = CommitmentHashing.domainSeparator(c.chainId, c.verifyingContract);
        c.value.postStateRoot = bytes32(uint256(c.value.postStateRoot) ^ 1);
        bytes32 changed = CommitmentHashing.digest(separator, CommitmentHashing.hash(c.value));
        assertTrue(Signatures.recover(changed, c.signature) != c.signer, "post-state root is signed");
    }

    /// @dev `hash` relies on `abi.encode(typehash, struct)`; here it equals the fields written one by one.
    function testFuzz_hash_commitmentEqualsFieldByField(Commitment memory c) public pure {
        bytes memory head = abi.encode(
            CommitmentHashing.COMMITMENT_TYPEHASH, c.targetSlot, c.chainId, c.kind, c.txHash, c.position, c.parent
        );
        bytes memory tail =
            abi.encode(c.postStateRoot, c.tip, c.livenessPenalty, c.insurance, c.beneficiary, c.requestHash);
        assertEq(CommitmentHashing.hash(c), keccak256(bytes.concat(head, tail)), "field by field");
    }

    function testFuzz_hash_batchEqualsFieldByField(Batch memory b) public pure {
        bytes memory head = abi.encode(CommitmentHashing.BATCH_TYPEHASH, b.chainId, b.number, b.parentHash, b.targetSlot);
        bytes memory tail = abi.encode(b.firstPosition, b.txCount, b.txRoot, b.dataHash, b.forcedUpTo);
        assertEq(CommitmentHashing.hash(b), keccak256(bytes.concat(head, tail)), "field by field");
    }

    function testFuzz_digest_signedByForgeRecovers(uint256 key, Commitment memory c, uint64 chainId) public pure {
        key = bound(key, 1, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140);
        bytes32 digest = CommitmentHashing.digest(
            CommitmentHashing.domainSeparator(chainId, CommitmentVectors.SLASHER), CommitmentHashing.hash(c)
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        assertEq(Signatures.recover(digest, abi.encodePacked(r, s, v)), vm.addr(key), "signer");
    }
}
