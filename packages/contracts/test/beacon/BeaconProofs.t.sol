// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconProofs} from "../../src/beacon/BeaconProofs.sol";
import {SSZ} from "../../src/beacon/SSZ.sol";
import {Merkle} from "../utils/Merkle.sol";
import {Test} from "../utils/Test.sol";
import {BeaconVectors} from "./BeaconVectors.sol";

contract BeaconProofsTest is Test {
    /// @dev A chunk holding `validators[0..3]` as 4 little-endian uint64, built byte by byte:
    ///      byte `b` of validator `p` goes to byte `p * 8 + b` of the chunk (counted from the left).
    function _chunk(uint64[4] memory validators) internal pure returns (bytes32) {
        uint256 word;
        for (uint256 p = 0; p < 4; p++) {
            for (uint256 b = 0; b < 8; b++) {
                word |= ((uint256(validators[p]) >> (8 * b)) & 0xff) << (8 * (31 - (p * 8 + b)));
            }
        }
        return bytes32(word);
    }

    /// @dev A consistent 13-level branch for the chunk of `lookaheadIndex`, and its block root.
    function _lookaheadTree(uint256 seed, uint256 lookaheadIndex, bytes32 chunk)
        internal
        pure
        returns (bytes32[] memory proof, bytes32 blockRoot)
    {
        proof = Merkle.siblings(seed, 13);
        blockRoot = Merkle.root(chunk, proof, 11856 + lookaheadIndex / 4);
    }

    function test_gindices_matchConcatenation() public pure {
        uint256 lookahead = Merkle.concat(11, 101);
        assertEq(BeaconProofs.PROPOSER_LOOKAHEAD_GINDEX, lookahead, "proposer_lookahead");
        assertEq(BeaconProofs.LOOKAHEAD_FIRST_CHUNK_GINDEX, Merkle.concat(lookahead, 16), "chunk 0");
        assertEq(BeaconProofs.lookaheadChunkGindex(63), 11856 + 15, "chunk 15");
        assertEq(Merkle.depth(BeaconProofs.lookaheadChunkGindex(0)), 13, "lookahead depth");

        uint256 validators = Merkle.concat(11, 75);
        assertEq(BeaconProofs.VALIDATORS_GINDEX, validators, "validators");
        uint256 validator7 = Merkle.concat(Merkle.concat(validators, 2), 2 ** 40 + 7);
        assertEq(BeaconProofs.validatorPubkeyGindex(7), Merkle.concat(validator7, 8), "validator 7 pubkey");
        uint256 last = BeaconProofs.validatorPubkeyGindex(uint64(2 ** 40 - 1));
        assertEq(Merkle.depth(BeaconProofs.validatorPubkeyGindex(0)), 53, "pubkey depth, first");
        assertEq(Merkle.depth(last), 53, "pubkey depth, last");
    }

    function test_verifyLookaheadEntry_everyPositionInChunk() public view {
        uint64[4] memory validators = [uint64(11), 222, 3333, 44444];
        bytes32 chunk = _chunk(validators);
        // Chunk 10 holds entries 40..43; entry 40 + p sits at byte offset p * 8.
        (bytes32[] memory proof, bytes32 root) = _lookaheadTree(1, 40, chunk);
        for (uint256 p = 0; p < 4; p++) {
            assertTrue(BeaconProofs.verifyLookaheadEntry(root, 40 + p, validators[p], chunk, proof), "position p");
            // Each other position holds another validator: this one is not there.
            for (uint256 q = 0; q < 4; q++) {
                if (q == p) continue;
                assertFalse(BeaconProofs.verifyLookaheadEntry(root, 40 + q, validators[p], chunk, proof), "wrong pos");
            }
            assertFalse(BeaconProofs.verifyLookaheadEntry(root, 40 + p, validators[p] + 1, chunk, proof), "wrong v");
            assertFalse(BeaconProofs.verifyLookaheadEntry(root, 36 + p, validators[p], chunk, proof), "chunk 9");
            assertFalse(BeaconProofs.verifyLookaheadEntry(root, 44 + p, validators[p], chunk, proof), "chunk 11");
        }
    }

    function test_verifyLookaheadEntry_indexOutOfRange() public view {
        uint64[4] memory validators = [uint64(1), 2, 3, 4];
        bytes32 chunk = _chunk(validators);
        // Entry 64 would be chunk 16 = gindex 11872, which is not in the lookahead vector.
        (bytes32[] memory proof, bytes32 root) = _lookaheadTree(2, 64, chunk);
        assertFalse(BeaconProofs.verifyLookaheadEntry(root, 64, 1, chunk, proof), "index 64");
    }

    function test_verifyLookaheadEntry_tamperedChunk() public view {
        uint64[4] memory validators = [uint64(1), 2, 3, 4];
        bytes32 chunk = _chunk(validators);
        (bytes32[] memory proof, bytes32 root) = _lookaheadTree(3, 0, chunk);
        // The claimed entry is right, another entry of the chunk was changed.
        validators[3] = 5;
        assertFalse(BeaconProofs.verifyLookaheadEntry(root, 0, 1, _chunk(validators), proof), "tampered");
    }

    function testFuzz_verifyLookaheadEntry_consistentBranch(
        uint256 seed,
        uint256 lookaheadIndex,
        uint64[4] memory validators,
        uint64 other
    ) public view {
        lookaheadIndex = bound(lookaheadIndex, 0, 63);
        uint64 validator = validators[lookaheadIndex % 4];
        vm.assume(other != validator);
        bytes32 chunk = _chunk(validators);
        (bytes32[] memory proof, bytes32 root) = _lookaheadTree(seed, lookaheadIndex, chunk);
        assertTrue(BeaconProofs.verifyLookaheadEntry(root, lookaheadIndex, validator, chunk, proof), "valid");
        assertFalse(BeaconProofs.verifyLookaheadEntry(root, lookaheadIndex, other, chunk, proof), "other");
    }

    function test_verifyLookaheadEntry_lodestarVector() public view {
        bool ok = BeaconProofs.verifyLookaheadEntry(
            BeaconVectors.BLOCK_ROOT,
            BeaconVectors.LOOKAHEAD_INDEX,
            BeaconVectors.LOOKAHEAD_VALIDATOR,
            BeaconVectors.LOOKAHEAD_CHUNK,
            BeaconVectors.lookaheadProof()
        );
        assertTrue(ok, "proof cut from a Fulu BeaconState");
    }

    function testFuzz_verifyValidatorPubkey_consistentBranch(uint256 seed, uint64 validatorIndex, bytes32 head)
        public
        view
    {
        validatorIndex = uint64(bound(validatorIndex, 0, 2 ** 40 - 1));
        bytes memory pubkey = abi.encodePacked(head, bytes16(keccak256(abi.encode(head))));
        bytes32[] memory proof = Merkle.siblings(seed, 53);
        uint256 gindex = ((715 * 2) * 2 ** 40 + validatorIndex) * 8;
        bytes32 root = Merkle.root(SSZ.pubkeyRoot(pubkey), proof, gindex);

        assertTrue(BeaconProofs.verifyValidatorPubkey(root, validatorIndex, pubkey, proof), "valid");
        uint64 otherIndex = validatorIndex == 0 ? 1 : validatorIndex - 1;
        assertFalse(BeaconProofs.verifyValidatorPubkey(root, otherIndex, pubkey, proof), "other validator");
        pubkey[47] ^= 0x01;
        assertFalse(BeaconProofs.verifyValidatorPubkey(root, validatorIndex, pubkey, proof), "other pubkey");
    }

    function test_verifyValidatorPubkey_rejectsBadLengthAndIndex() public view {
        bytes memory pubkey = new bytes(48);
        bytes32[] memory proof = Merkle.siblings(4, 53);
        bytes32 root = Merkle.root(SSZ.pubkeyRoot(pubkey), proof, BeaconProofs.validatorPubkeyGindex(0));
        assertTrue(BeaconProofs.verifyValidatorPubkey(root, 0, pubkey, proof), "valid");
        assertFalse(BeaconProofs.verifyValidatorPubkey(root, 0, new bytes(47), proof), "47 bytes");
        assertFalse(BeaconProofs.verifyValidatorPubkey(root, 0, new bytes(49), proof), "49 bytes");
        // Index 2**40 would wrap onto the length mix-in side of the list; it is never valid.
        assertFalse(BeaconProofs.verifyValidatorPubkey(root, uint64(2 ** 40), pubkey, proof), "past limit");
    }

    function test_verifyValidatorPubkey_lodestarVector() public view {
        bool ok = BeaconProofs.verifyValidatorPubkey(
            BeaconVectors.BLOCK_ROOT, BeaconVectors.VALIDATOR_INDEX, BeaconVectors.PUBKEY, BeaconVectors.pubkeyProof()
        );
        assertTrue(ok, "proof cut from a Fulu BeaconState");
    }
}
