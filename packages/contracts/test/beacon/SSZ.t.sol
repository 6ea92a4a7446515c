// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SSZ} from "../../src/beacon/SSZ.sol";
import {Merkle} from "../utils/Merkle.sol";
import {Test} from "../utils/Test.sol";

contract SSZTest is Test {
    bytes32 internal constant LEAF = keccak256("leaf");

    /// @dev A fixed branch of `depth` siblings for the leaf at `position` on that level.
    function _branch(uint256 seed, uint256 depth, uint256 position, bytes32 leaf)
        internal
        pure
        returns (bytes32[] memory proof, bytes32 root, uint256 gindex)
    {
        depth = bound(depth, 1, 64);
        gindex = 2 ** depth + bound(position, 0, 2 ** depth - 1);
        proof = Merkle.siblings(seed, depth);
        root = Merkle.root(leaf, proof, gindex);
    }

    function test_verifyProof_everyNodeOfFullTree() public view {
        // 16 nodes by gindex: leaves 8..15, then each parent from its two children, deepest first.
        bytes32[16] memory nodes;
        for (uint256 g = 8; g < 16; g++) {
            nodes[g] = keccak256(abi.encode("leaf", g));
        }
        for (uint256 g = 7; g >= 1; g--) {
            nodes[g] = sha256(abi.encodePacked(nodes[2 * g], nodes[2 * g + 1]));
        }
        for (uint256 g = 2; g < 16; g++) {
            bytes32[] memory proof = new bytes32[](Merkle.depth(g));
            uint256 node = g;
            for (uint256 i = 0; i < proof.length; i++) {
                proof[i] = nodes[node ^ 1]; // the sibling differs in the last bit
                node /= 2;
            }
            assertTrue(SSZ.verifyProof(proof, nodes[1], nodes[g], g), "node of a full tree");
        }
    }

    function test_verifyProof_rootAtGindexOne() public view {
        bytes32 root = keccak256("root");
        assertTrue(SSZ.verifyProof(new bytes32[](0), root, root, 1), "the root proves itself");
        assertFalse(SSZ.verifyProof(new bytes32[](0), root, bytes32(0), 1), "another leaf");
    }

    function test_verifyProof_gindexZero() public view {
        bytes32 root = keccak256("root");
        assertFalse(SSZ.verifyProof(new bytes32[](0), root, root, 0), "gindex 0, no siblings");
        assertFalse(SSZ.verifyProof(new bytes32[](1), root, root, 0), "gindex 0, one sibling");
    }

    function test_verifyProof_wrongProofLength() public view {
        (bytes32[] memory proof, bytes32 root, uint256 gindex) = _branch(1, 5, 3, LEAF);
        bytes32[] memory longer = new bytes32[](proof.length + 1);
        bytes32[] memory shorter = new bytes32[](proof.length - 1);
        for (uint256 i = 0; i < proof.length; i++) {
            longer[i] = proof[i];
            if (i < shorter.length) shorter[i] = proof[i];
        }
        assertTrue(SSZ.verifyProof(proof, root, LEAF, gindex), "exact length");
        assertFalse(SSZ.verifyProof(longer, root, LEAF, gindex), "one sibling too many");
        assertFalse(SSZ.verifyProof(shorter, root, LEAF, gindex), "one sibling too few");
    }

    function testFuzz_verifyProof_validBranch(uint256 seed, uint256 depth, uint256 position, bytes32 leaf) public view {
        (bytes32[] memory proof, bytes32 root, uint256 gindex) = _branch(seed, depth, position, leaf);
        assertTrue(SSZ.verifyProof(proof, root, leaf, gindex), "valid branch");
    }

    function testFuzz_verifyProof_flippedSibling(
        uint256 seed,
        uint256 depth,
        uint256 position,
        uint256 which,
        bytes32 mask
    ) public view {
        vm.assume(mask != 0);
        (bytes32[] memory proof, bytes32 root, uint256 gindex) = _branch(seed, depth, position, LEAF);
        which = bound(which, 0, proof.length - 1);
        proof[which] ^= mask;
        assertFalse(SSZ.verifyProof(proof, root, LEAF, gindex), "flipped sibling");
    }

    function testFuzz_verifyProof_flippedLeaf(uint256 seed, uint256 depth, uint256 position, bytes32 mask) public view {
        vm.assume(mask != 0);
        (bytes32[] memory proof, bytes32 root, uint256 gindex) = _branch(seed, depth, position, LEAF);
        assertFalse(SSZ.verifyProof(proof, root, LEAF ^ mask, gindex), "flipped leaf");
    }

    function testFuzz_verifyProof_wrongGindex(uint256 seed, uint256 depth, uint256 position, uint256 bit) public view {
        (bytes32[] memory proof, bytes32 root, uint256 gindex) = _branch(seed, depth, position, LEAF);
        // Another node on the same level: flip one of the position bits (below the leading 1).
        uint256 sameLevel = gindex ^ 2 ** bound(bit, 0, proof.length - 1);
        assertFalse(SSZ.verifyProof(proof, root, LEAF, sameLevel), "other position");
        assertFalse(SSZ.verifyProof(proof, root, LEAF, gindex * 2), "one level deeper");
        assertFalse(SSZ.verifyProof(proof, root, LEAF, gindex / 2), "one level higher");
    }

    function test_toLittleEndian_one() public pure {
        assertEq(SSZ.toLittleEndian(1), 0x0100000000000000000000000000000000000000000000000000000000000000, "1");
    }

    function test_toLittleEndian_knownValues() public pure {
        assertEq(SSZ.toLittleEndian(0), bytes32(0), "0");
        assertEq(
            SSZ.toLittleEndian(0x0102030405060708),
            0x0807060504030201000000000000000000000000000000000000000000000000,
            "bytes in order"
        );
        assertEq(
            SSZ.toLittleEndian(type(uint64).max),
            0xffffffffffffffff000000000000000000000000000000000000000000000000,
            "max"
        );
        assertEq(
            SSZ.toLittleEndian(1_000_000), 0x40420f0000000000000000000000000000000000000000000000000000000000, "1e6"
        );
    }

    function testFuzz_toLittleEndian_matchesByteLoop(uint64 value) public pure {
        // Byte i of the word (counted from the left) is byte i of the value (counted from the right).
        uint256 expected;
        for (uint256 i = 0; i < 8; i++) {
            expected |= ((uint256(value) >> (8 * i)) & 0xff) << (8 * (31 - i));
        }
        assertEq(SSZ.toLittleEndian(value), bytes32(expected), "little-endian bytes");
    }

    function test_pubkeyRoot_knownVector() public pure {
        // Pubkey bytes 0x01..0x30; root computed with @chainsafe/ssz ByteVectorType(48).hashTreeRoot.
        bytes memory pubkey =
            hex"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30";
        bytes32 expected = 0xc2eeebe3698f978911d8e7fee3d1cada347475930ae1b59ce2b2490a957dce79;
        assertEq(SSZ.pubkeyRoot(pubkey), expected, "@chainsafe/ssz root");
    }

    function testFuzz_pubkeyRoot_isTwoChunkMerkleRoot(bytes32 head, bytes16 tail) public pure {
        bytes memory pubkey = abi.encodePacked(head, tail);
        // Two 32-byte chunks, the second zero-padded, hashed together.
        bytes32 expected = sha256(abi.encodePacked(head, bytes32(tail)));
        assertEq(SSZ.pubkeyRoot(pubkey), expected, "merkleized pubkey");
    }
}
