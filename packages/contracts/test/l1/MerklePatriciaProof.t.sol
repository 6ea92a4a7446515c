// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerklePatriciaProof} from "../../src/l1/MerklePatriciaProof.sol";
import {RLP} from "../../src/l1/RLP.sol";
import {TransactionInclusion} from "../../src/l1/TransactionInclusion.sol";
import {Test} from "../utils/Test.sol";
import {L1Vectors} from "./L1Vectors.sol";
import {RLPWriter} from "./RLPWriter.sol";

contract MerklePatriciaProofHarness {
    function get(bytes32 root, bytes memory key, bytes[] memory proof) external pure returns (bool, bytes memory) {
        return MerklePatriciaProof.get(root, key, proof);
    }
}

contract MerklePatriciaProofTest is Test {
    MerklePatriciaProofHarness internal harness;

    function setUp() public {
        harness = new MerklePatriciaProofHarness();
    }

    function expectError(bytes4 selector) internal {
        vm.expectRevert(abi.encodeWithSelector(selector));
    }

    function isDeclared(bytes memory reason) internal pure returns (bool) {
        if (reason.length != 4) return false;
        bytes4 s = selectorOf(reason);
        return s == RLP.RLPInvalid.selector || s == MerklePatriciaProof.MPTHashMismatch.selector
            || s == MerklePatriciaProof.MPTInvalidNode.selector || s == MerklePatriciaProof.MPTProofTooShort.selector
            || s == MerklePatriciaProof.MPTProofTooLong.selector;
    }

    function txKey() internal pure returns (bytes memory) {
        return TransactionInclusion.indexKey(L1Vectors.TX_INDEX);
    }

    function slice(bytes[] memory proof, uint256 length) internal pure returns (bytes[] memory out) {
        out = new bytes[](length);
        for (uint256 i; i < length && i < proof.length; i++) {
            out[i] = proof[i];
        }
    }

    function list2(bytes memory a, bytes memory b) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](2);
        items[0] = a;
        items[1] = b;
        return RLPWriter.encodeList(items);
    }

    function one(bytes memory node) internal pure returns (bytes[] memory proof) {
        proof = new bytes[](1);
        proof[0] = node;
    }

    // ---- Mainnet transactions trie ----

    function test_get_mainnetTransaction() public view {
        assertEq(txKey(), hex"81b3", "rlp(179)");
        (bool found, bytes memory value) = harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), L1Vectors.txProof());
        assertTrue(found, "found");
        assertEq(value, L1Vectors.RAW_TX, "the raw transaction");
        assertEq(keccak256(value), L1Vectors.TX_HASH, "its hash");
    }

    function test_get_wrongRoot() public {
        expectError(MerklePatriciaProof.MPTHashMismatch.selector);
        harness.get(keccak256("another root"), txKey(), L1Vectors.txProof());
    }

    function test_get_wrongKey() public {
        // Transactions 178 and 180 sit beside 179 under the last branch: other hashes.
        bytes[] memory proof = L1Vectors.txProof();
        expectError(MerklePatriciaProof.MPTHashMismatch.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, TransactionInclusion.indexKey(178), proof);
        expectError(MerklePatriciaProof.MPTHashMismatch.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, TransactionInclusion.indexKey(180), proof);
        // A prefix of the key ends at a branch with no value, before the proof does.
        expectError(MerklePatriciaProof.MPTProofTooLong.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, hex"81", proof);
    }

    function test_get_absentKeys() public view {
        // 0x81b300 goes on past the leaf of 0x81b3: proven absent by the same nodes.
        (bool found, bytes memory value) = harness.get(L1Vectors.TRANSACTIONS_ROOT, hex"81b300", L1Vectors.txProof());
        assertFalse(found, "longer key");
        assertEq(value, "", "no value");
        // The third node has no child at nibble e: transactions 224..239 do not exist.
        (found,) = harness.get(L1Vectors.TRANSACTIONS_ROOT, TransactionInclusion.indexKey(224), slice(L1Vectors.txProof(), 3));
        assertFalse(found, "transaction 224");
    }

    function test_get_absenceProofWithExtraNodes() public {
        expectError(MerklePatriciaProof.MPTProofTooLong.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, TransactionInclusion.indexKey(224), L1Vectors.txProof());
    }

    function test_get_truncatedProof() public {
        for (uint256 length; length < 5; length++) {
            expectError(MerklePatriciaProof.MPTProofTooShort.selector);
            harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), slice(L1Vectors.txProof(), length));
        }
    }

    function test_get_extraNode() public {
        bytes[] memory proof = slice(L1Vectors.txProof(), 6);
        proof[5] = proof[4];
        expectError(MerklePatriciaProof.MPTProofTooLong.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), proof);
    }

    function test_get_tamperedNodes() public {
        for (uint256 i; i < 5; i++) {
            bytes[] memory proof = L1Vectors.txProof();
            proof[i][proof[i].length / 2] ^= 0x01;
            expectError(MerklePatriciaProof.MPTHashMismatch.selector);
            harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), proof);
        }
    }

    function test_get_reorderedNodes() public {
        bytes[] memory proof = L1Vectors.txProof();
        (proof[1], proof[2]) = (proof[2], proof[1]);
        expectError(MerklePatriciaProof.MPTHashMismatch.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), proof);
    }

    // ---- ethereum/tests tries: extensions, inline nodes, branch values ----

    function test_get_trieTestVectors() public view {
        L1Vectors.TrieCase[] memory cases = L1Vectors.trieCases();
        for (uint256 i; i < cases.length; i++) {
            (bool found, bytes memory value) = harness.get(cases[i].root, cases[i].key, cases[i].proof);
            assertTrue(found == cases[i].found, cases[i].name);
            assertEq(value, cases[i].value, cases[i].name);
        }
    }

    function test_get_trieTestVectorsRejectOtherKeys() public view {
        L1Vectors.TrieCase[] memory cases = L1Vectors.trieCases();
        for (uint256 i; i < cases.length; i++) {
            if (!cases[i].found) continue;
            // The same proof for the key with one more byte never proves the value.
            try harness.get(cases[i].root, bytes.concat(cases[i].key, "!"), cases[i].proof) returns (
                bool found, bytes memory
            ) {
                assertFalse(found, cases[i].name);
            } catch (bytes memory reason) {
                assertTrue(isDeclared(reason), cases[i].name);
            }
        }
    }

    // ---- Hand-built nodes ----

    function test_get_emptyTrie() public {
        (bool found, bytes memory value) = harness.get(MerklePatriciaProof.EMPTY_TRIE_ROOT, hex"80", new bytes[](0));
        assertFalse(found, "empty trie");
        assertEq(value, "", "no value");
        assertEq(MerklePatriciaProof.EMPTY_TRIE_ROOT, keccak256(hex"80"), "keccak(rlp(''))");
        expectError(MerklePatriciaProof.MPTProofTooShort.selector);
        harness.get(keccak256("root"), hex"80", new bytes[](0));
    }

    function test_get_smallRootNode() public view {
        // A one-leaf trie whose root node is 5 bytes: still referenced by its hash.
        bytes memory leaf = list2(RLPWriter.encodeBytes(hex"2061"), RLPWriter.encodeBytes("v"));
        assertTrue(leaf.length < 32, "small");
        (bool found, bytes memory value) = harness.get(keccak256(leaf), "a", one(leaf));
        assertTrue(found, "found");
        assertEq(value, "v", "value");
        // Another key leaves the leaf's path: absent.
        (found,) = harness.get(keccak256(leaf), "b", one(leaf));
        assertFalse(found, "other key");
    }

    function test_get_invalidNodes() public {
        bytes memory value = RLPWriter.encodeBytes("v");
        bytes[] memory three = new bytes[](3);
        (three[0], three[1], three[2]) = (value, value, value);
        bytes memory node = RLPWriter.encodeList(three);
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Hex-prefix flag 4.
        node = list2(RLPWriter.encodeBytes(hex"4061"), value);
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Even path whose padding nibble is not zero.
        node = list2(RLPWriter.encodeBytes(hex"2161"), value);
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Empty path.
        node = list2(hex"80", value);
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Extension with an empty path.
        node = list2(hex"00", RLPWriter.encodeBytes(abi.encode(keccak256("child"))));
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Leaf with an empty value.
        node = list2(RLPWriter.encodeBytes(hex"2061"), hex"80");
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Extension whose child reference is 5 bytes.
        node = list2(hex"16", RLPWriter.encodeBytes(hex"0102030405"));
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // Extension to an empty child.
        node = list2(hex"16", hex"80");
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // An inline child of 32 bytes or more.
        node = list2(hex"16", list2(RLPWriter.encodeBytes(hex"31"), RLPWriter.encodeBytes(new bytes(40))));
        expectError(MerklePatriciaProof.MPTInvalidNode.selector);
        harness.get(keccak256(node), "a", one(node));
        // A string, not a list.
        node = RLPWriter.encodeBytes("not a node");
        expectError(RLP.RLPInvalid.selector);
        harness.get(keccak256(node), "a", one(node));
    }

    function test_get_branchValueAndInlineChild() public view {
        // Branch at the root holding "root" for the empty key and an inline leaf under nibble 6
        // for key "a" (remaining path [1]: odd leaf prefix 0x31).
        bytes[] memory items = new bytes[](17);
        for (uint256 i; i < 17; i++) {
            items[i] = hex"80";
        }
        items[6] = list2(hex"31", RLPWriter.encodeBytes("x"));
        items[16] = RLPWriter.encodeBytes("root");
        bytes memory branch = RLPWriter.encodeList(items);
        bytes32 root = keccak256(branch);
        (bool found, bytes memory value) = harness.get(root, "", one(branch));
        assertTrue(found, "branch value");
        assertEq(value, "root", "branch value");
        (found, value) = harness.get(root, "a", one(branch));
        assertTrue(found, "inline leaf");
        assertEq(value, "x", "inline leaf value");
        (found,) = harness.get(root, "b", one(branch));
        assertFalse(found, "b: leaf path mismatch");
        (found,) = harness.get(root, "q", one(branch));
        assertFalse(found, "q: empty child");
    }

    // ---- Fuzz ----

    /// @notice Random proofs against a random root never verify and only revert with declared errors.
    function testFuzz_get_randomProof(bytes32 root, bytes memory key, bytes[] memory proof) public view {
        try harness.get(root, key, proof) returns (bool found, bytes memory) {
            assertFalse(found, "never found");
        } catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
        }
    }

    /// @notice Random nodes under the hash of the first one: decoding garbage only ever reverts with
    ///         the declared errors.
    function testFuzz_get_randomNodesUnderTheirHash(bytes memory key, bytes[] memory proof) public view {
        bytes32 root = proof.length == 0 ? bytes32(0) : keccak256(proof[0]);
        try harness.get(root, key, proof) {}
        catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
        }
    }

    /// @notice Chains of well-formed random nodes (branches, extensions, leaves with random
    ///         hex-prefix bytes), each linked by hash where the key leads: the walk goes deep and only
    ///         ever reverts with the declared errors.
    function testFuzz_get_randomWellFormedNodes(bytes memory key, uint256 seed, uint8 depth) public view {
        depth = uint8(bound(depth, 1, 6));
        bytes[] memory proof = new bytes[](depth);
        bytes32 next = keccak256(abi.encode(seed, "leaf value"));
        for (uint256 d = depth; d > 0; d--) {
            uint256 r = uint256(keccak256(abi.encode(seed, d)));
            proof[d - 1] = randomNode(r, key, d - 1, next, d == depth);
            next = keccak256(proof[d - 1]);
        }
        try harness.get(next, key, proof) {}
        catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
        }
    }

    function randomNode(uint256 r, bytes memory key, uint256 nibbleIndex, bytes32 child, bool last)
        internal
        pure
        returns (bytes memory)
    {
        bytes memory childRef = RLPWriter.encodeBytes(abi.encode(child));
        if (r % 3 == 0) {
            bytes[] memory items = new bytes[](17);
            for (uint256 i; i < 17; i++) {
                uint256 pick = (r >> (8 + i * 2)) % 4;
                items[i] = pick == 0 ? bytes(hex"80") : pick == 1 ? childRef : pick == 2
                    ? RLPWriter.encodeBytes(RLPWriter.toMinimalBigEndian((r >> i) & 0xffffff))
                    : list2(hex"20", hex"01");
            }
            if (nibbleIndex < key.length * 2) {
                uint256 b = uint8(key[nibbleIndex / 2]);
                items[nibbleIndex % 2 == 0 ? b >> 4 : b & 15] = childRef;
            }
            return RLPWriter.encodeList(items);
        }
        // A 2-item node: a random first byte (flag and maybe a nibble), then part of the key.
        uint256 pathLength = (r >> 8) % 4;
        bytes memory random = abi.encode(r);
        bytes memory path = new bytes(1 + pathLength);
        path[0] = random[29];
        for (uint256 i; i < pathLength; i++) {
            path[1 + i] = key.length > i ? key[i] : random[28 - i];
        }
        bytes memory second = last || (r >> 64) % 2 == 0
            ? RLPWriter.encodeBytes(abi.encodePacked(r >> 128))
            : childRef;
        return list2(RLPWriter.encodeBytes(path), second);
    }

    /// @notice The mainnet proof with one byte changed never proves the transaction under the real root.
    function testFuzz_get_tamperedProofFailsUnderRealRoot(uint256 nodeIndex, uint256 position, uint8 flip) public {
        bytes[] memory proof = L1Vectors.txProof();
        nodeIndex = bound(nodeIndex, 0, proof.length - 1);
        position = bound(position, 0, proof[nodeIndex].length - 1);
        flip = uint8(bound(flip, 1, 255));
        proof[nodeIndex][position] ^= bytes1(flip);
        expectError(MerklePatriciaProof.MPTHashMismatch.selector);
        harness.get(L1Vectors.TRANSACTIONS_ROOT, txKey(), proof);
    }

    /// @notice The mainnet proof with one byte changed and every hash above it recomputed (a proof in
    ///         another trie): parsing the changed node only reverts with declared errors, and a
    ///         changed leaf never yields the transaction.
    function testFuzz_get_tamperedAndRehashed(uint256 nodeIndex, uint256 position, uint8 flip) public view {
        bytes[] memory proof = L1Vectors.txProof();
        nodeIndex = bound(nodeIndex, 0, proof.length - 1);
        position = bound(position, 0, proof[nodeIndex].length - 1);
        flip = uint8(bound(flip, 1, 255));
        bytes32 oldHash = keccak256(proof[nodeIndex]);
        proof[nodeIndex][position] ^= bytes1(flip);
        for (uint256 i = nodeIndex; i > 0; i--) {
            bytes32 newHash = keccak256(proof[i]);
            bytes32 parentOld = keccak256(proof[i - 1]);
            replaceWord(proof[i - 1], oldHash, newHash);
            oldHash = parentOld;
        }
        try harness.get(keccak256(proof[0]), txKey(), proof) returns (bool found, bytes memory value) {
            if (nodeIndex == proof.length - 1) {
                assertFalse(found && keccak256(value) == L1Vectors.TX_HASH, "a changed leaf");
            }
        } catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
        }
    }

    function replaceWord(bytes memory data, bytes32 from, bytes32 to) internal pure {
        for (uint256 i; i + 32 <= data.length; i++) {
            bytes32 word;
            assembly ("memory-safe") {
                word := mload(add(add(data, 0x20), i))
            }
            if (word == from) {
                assembly ("memory-safe") {
                    mstore(add(add(data, 0x20), i), to)
                }
                return;
            }
        }
        revert("hash not found in parent");
    }
}
