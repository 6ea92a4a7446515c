// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TxRoot} from "../../src/commitments/TxRoot.sol";
import {Test} from "../utils/Test.sol";
import {CommitmentVectors} from "./CommitmentVectors.sol";

contract TxRootTest is Test {
    function _pair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(a, b));
    }

    function _leaves(uint256 seed, uint256 count) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
    }

    /// @dev Reference proof: builds the padded tree level by level, independently of `TxRoot`.
    function _proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory proof) {
        uint256 width = 1;
        uint256 d = 0;
        while (width < leaves.length) {
            width *= 2;
            d++;
        }
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < leaves.length; i++) {
            level[i] = leaves[i];
        }
        proof = new bytes32[](d);
        for (uint256 k = 0; k < d; k++) {
            proof[k] = level[index % 2 == 0 ? index + 1 : index - 1];
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 i = 0; i < next.length; i++) {
                next[i] = _pair(level[2 * i], level[2 * i + 1]);
            }
            level = next;
            index /= 2;
        }
    }

    function test_depth_isCeilLog2() public pure {
        uint256[12] memory counts = [uint256(0), 1, 2, 3, 4, 5, 8, 9, 1024, 1025, 2 ** 32 - 1, type(uint256).max];
        uint256[12] memory depths = [uint256(0), 0, 1, 2, 2, 3, 3, 4, 10, 11, 32, 256];
        for (uint256 i = 0; i < counts.length; i++) {
            assertEq(TxRoot.depth(counts[i]), depths[i], "depth");
        }
    }

    function test_verify_vectors() public pure {
        CommitmentVectors.TxRootCase[] memory cases = CommitmentVectors.txRoots();
        assertEq(cases.length, 6, "six txRoot cases");
        for (uint256 c = 0; c < cases.length; c++) {
            CommitmentVectors.TxRootCase memory tc = cases[c];
            assertEq(TxRoot.computeRoot(tc.leaves), tc.root, "root");
            for (uint256 i = 0; i < tc.count; i++) {
                assertEq(keccak256(tc.transactions[i]), tc.leaves[i], "leaf = keccak256(raw transaction)");
                assertEq(tc.proofs[i].length, TxRoot.depth(tc.count), "proof length");
                assertTrue(TxRoot.verify(tc.root, tc.count, i, tc.leaves[i], tc.proofs[i]), "proof verifies");
            }
        }
        // The batch vectors commit to these roots.
        CommitmentVectors.SignedBatch[] memory batches = CommitmentVectors.batches();
        assertEq(batches[0].value.txRoot, cases[3].root, "first batch, 3 transactions");
        assertEq(batches[0].value.txCount, cases[3].count, "first batch count");
        assertEq(batches[1].value.txRoot, cases[4].root, "second batch, 5 transactions");
        assertEq(batches[2].value.txRoot, cases[0].root, "empty batch");
    }

    function test_computeRoot_smallTrees() public pure {
        bytes32[] memory leaves = _leaves(7, 3);
        assertEq(TxRoot.computeRoot(new bytes32[](0)), bytes32(0), "empty");
        bytes32[] memory one = new bytes32[](1);
        one[0] = leaves[0];
        assertEq(TxRoot.computeRoot(one), leaves[0], "one leaf is the root");
        bytes32 expected = _pair(_pair(leaves[0], leaves[1]), _pair(leaves[2], bytes32(0)));
        assertEq(TxRoot.computeRoot(leaves), expected, "three leaves, one zero pad");
    }

    function test_verify_refusesBadInputs() public pure {
        bytes32[] memory leaves = _leaves(1, 5);
        bytes32 root = TxRoot.computeRoot(leaves);
        bytes32[] memory proof = _proof(leaves, 2);
        assertTrue(TxRoot.verify(root, 5, 2, leaves[2], proof), "valid");
        assertFalse(TxRoot.verify(root, 5, 2, leaves[3], proof), "other leaf");
        assertFalse(TxRoot.verify(root, 5, 3, leaves[2], proof), "other index");
        assertFalse(TxRoot.verify(root, 2, 2, leaves[2], proof), "index not below count");
        assertFalse(TxRoot.verify(root, 4, 2, leaves[2], proof), "count of another depth");
        assertFalse(TxRoot.verify(bytes32(0), 0, 0, bytes32(0), new bytes32[](0)), "empty batch");
        bytes32[] memory longer = new bytes32[](4);
        bytes32[] memory shorter = new bytes32[](2);
        for (uint256 i = 0; i < 3; i++) {
            longer[i] = proof[i];
            if (i < 2) shorter[i] = proof[i];
        }
        assertFalse(TxRoot.verify(root, 5, 2, leaves[2], longer), "long proof");
        assertFalse(TxRoot.verify(root, 5, 2, leaves[2], shorter), "short proof");
        // A padding leaf sits on a valid path but is not a transaction.
        bytes32[] memory padded = new bytes32[](8);
        for (uint256 i = 0; i < 5; i++) {
            padded[i] = leaves[i];
        }
        assertFalse(TxRoot.verify(root, 5, 5, bytes32(0), _proof(padded, 5)), "padding leaf");
        assertTrue(TxRoot.verify(root, 8, 5, bytes32(0), _proof(padded, 5)), "same path, as if 8 transactions");
        // An inner node with the upper siblings of its leftmost leaf: too short for the count.
        assertFalse(TxRoot.verify(root, 5, 0, _pair(leaves[0], leaves[1]), shorter), "inner node");
    }

    function testFuzz_verify_everyLeafOfRandomTree(uint256 seed, uint256 count, uint256 index) public pure {
        count = bound(count, 1, 70);
        index = bound(index, 0, count - 1);
        bytes32[] memory leaves = _leaves(seed, count);
        bytes32 root = TxRoot.computeRoot(leaves);
        bytes32[] memory proof = _proof(leaves, index);
        assertTrue(TxRoot.verify(root, count, index, leaves[index], proof), "valid proof");
        if (proof.length > 0) {
            uint256 k = seed % proof.length;
            proof[k] = bytes32(uint256(proof[k]) ^ 1);
            assertFalse(TxRoot.verify(root, count, index, leaves[index], proof), "tampered sibling");
        }
    }
}
