// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Batch, Commitment} from "../../src/commitments/Commitments.sol";
import {SignedBatch, SignedCommitment, TxProof, WindowProof} from "../../src/slasher/ISlasher.sol";
import {SlasherBase} from "./SlasherBase.sol";

/// @notice An honest sequencer (validator 4, window ending at slot 101) promises a chain of
///         ordering commitments plus an inclusion promise per transaction, and settles them in
///         one or two signed batches within its window, carried by includers. Whatever evidence
///         the fuzzer assembles from everything it signed, nothing is slashed: with its last slot
///         produced or missed (a missed or reorged-out block leaves no EIP-4788 root).
contract HonestSequencerTest is SlasherBase {
    SignedCommitment[] internal orderings;
    SignedCommitment[] internal inclusions;
    SignedBatch[] internal batches;
    bytes32[][] internal batchTxs;

    function testFuzz_honestSequencerCannotBeSlashed(uint256 seed, uint256 n, uint256 split, bool missed) public {
        n = bound(n, 1, 6);
        split = bound(split, 0, n);
        bytes32[] memory txs = new bytes32[](n);
        bytes32 parent;
        for (uint256 i = 0; i < n; ++i) {
            txs[i] = keccak256(abi.encode(seed, i));
            Commitment memory c = ordering(uint64(i), parent, txs[i], i % 2 == 0 ? alice : bob);
            orderings.push(signed(C4_KEY, c));
            inclusions.push(signed(C4_KEY, inclusion(txs[i], alice)));
            parent = hashOf(c);
        }
        // Settled in the window, at slots 98 and 99 (includers' slots), in one or two batches.
        _settleRange(98, txs, 0, split);
        _settleRange(99, txs, split, n);
        if (!missed) produce(101);
        warpToEvidence();
        WindowProof memory w = window(0);

        for (uint256 i = 0; i < n; ++i) {
            for (uint256 j = 0; j < n; ++j) {
                _expectFailure(
                    address(slasher),
                    abi.encodeCall(slasher.slashConflictingCommitments, (orderings[i], orderings[j], w))
                );
            }
            (uint256 b, uint256 k) = _locate(i);
            TxProof memory p = txProof(batchTxs[b], k);
            _expectFailure(
                address(slasher),
                abi.encodeCall(slasher.slashCommitmentBatchConflict, (orderings[i], batches[b], p, w))
            );
            _expectFailure(
                address(slasher),
                abi.encodeCall(slasher.slashBrokenOrdering, (orderings[i], w, batches[b].batch, p, false))
            );
            _expectFailure(
                address(slasher),
                abi.encodeCall(slasher.slashBrokenOrdering, (orderings[i], w, emptyBatch(), noTxProof(), true))
            );
            // Any proof at any other index of any batch either fails or shows the promised tx.
            uint256 other = uint256(keccak256(abi.encode(seed, i, "other"))) % batches.length;
            if (batchTxs[other].length > 0) {
                uint256 idx = uint256(keccak256(abi.encode(seed, i, "idx"))) % batchTxs[other].length;
                TxProof memory q = txProof(batchTxs[other], idx);
                _expectFailure(
                    address(slasher),
                    abi.encodeCall(slasher.slashBrokenOrdering, (orderings[i], w, batches[other].batch, q, false))
                );
                _expectFailure(
                    address(slasher),
                    abi.encodeCall(slasher.slashCommitmentBatchConflict, (orderings[i], batches[other], q, w))
                );
            }
            // An inclusion challenge is answered from what the inbox settled.
            vm.prank(watcher);
            uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(inclusions[i], w);
            slasher.proveRollupInclusion(id, inclusions[i].commitment, batches[b].batch, p);
            vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
            _expectFailure(address(slasher), abi.encodeCall(slasher.resolveChallenge, (id, inclusions[i].commitment)));
            vm.warp(block.timestamp - RESPONSE_WINDOW - 1);
        }
        for (uint256 a = 0; a < batches.length; ++a) {
            for (uint256 b = 0; b < batches.length; ++b) {
                _expectFailure(
                    address(slasher), abi.encodeCall(slasher.slashConflictingBatches, (batches[a], batches[b], w))
                );
            }
        }
        assertEq(collateral(reg4), COLLATERAL, "honest collateral intact");
        assertEq(registry.burned(), 0, "nothing burned");
    }

    function _settleRange(uint256 slot, bytes32[] memory txs, uint256 from, uint256 to) internal {
        if (from == to) return;
        bytes32[] memory part = new bytes32[](to - from);
        for (uint256 i = from; i < to; ++i) part[i - from] = txs[i];
        Batch memory b = settle(slot, 101, C4_KEY, part);
        batches.push(SignedBatch({batch: b, signature: signBatch(C4_KEY, b)}));
        batchTxs.push(part);
    }

    /// @dev Which batch, and which index in it, holds position `position`.
    function _locate(uint256 position) internal view returns (uint256 b, uint256 k) {
        uint256 start;
        for (b = 0; b < batches.length; ++b) {
            if (position < start + batchTxs[b].length) return (b, position - start);
            start += batchTxs[b].length;
        }
        revert("position not settled");
    }

    function _expectFailure(address target, bytes memory data) internal {
        (bool ok,) = target.call(data);
        assertFalse(ok, "evidence against an honest sequencer was accepted");
    }
}
