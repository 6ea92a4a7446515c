// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitmentHashing} from "../../src/commitments/CommitmentHashing.sol";
import {Batch, Commitment, KIND_BUNDLE} from "../../src/commitments/Commitments.sol";
import {IRegistry} from "../../src/registry/IRegistry.sol";
import {ILookaheadStore} from "../../src/lookahead/ILookaheadStore.sol";
import {ISlasher, SignedBatch, SignedCommitment, TxProof, WindowProof} from "../../src/slasher/ISlasher.sol";
import {BlockHeaders} from "../../src/l1/BlockHeaders.sol";
import {L1Vectors} from "../l1/L1Vectors.sol";
import {SlasherBase} from "./SlasherBase.sol";

contract SlasherTest is SlasherBase {
    bytes32 internal constant TX_X = keccak256("tx X");
    bytes32 internal constant TX_Y = keccak256("tx Y");

    // ---- equivocation ------------------------------------------------------------------------

    function test_conflictingCommitments_samePosition_slashesExactAmounts() public {
        SignedCommitment memory a = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        SignedCommitment memory b = signed(C4_KEY, ordering(0, bytes32(0), TX_Y, bob));
        warpToEvidence();
        WindowProof memory w = window(0);
        uint256 before = address(registry).balance;
        vm.prank(watcher);
        slasher.slashConflictingCommitments(a, b, w);
        // 10 ETH: alice's 1 and bob's 2 of insurance, then 10% of the 7 left, the rest burned.
        assertEq(registry.withdrawable(alice), 1 ether, "alice insured");
        assertEq(registry.withdrawable(bob), 2 ether, "bob insured");
        assertEq(registry.withdrawable(watcher), 0.7 ether, "challenger");
        assertEq(registry.burned(), 6.3 ether, "burned");
        assertEq(collateral(reg4), 0, "collateral gone");
        assertEq(collateral(reg1), COLLATERAL, "other sequencer untouched");
        assertEq(address(registry).balance, before, "ETH stays until withdrawn");
        vm.prank(alice);
        registry.withdraw();
        assertEq(alice.balance, 1 ether, "alice paid");

        // The same evidence, in either order, works once; other evidence finds nothing left.
        vm.expectRevert(abi.encodeWithSelector(ISlasher.EvidenceUsed.selector, _pair(a, b)));
        slasher.slashConflictingCommitments(b, a, w);
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), keccak256("tx Z"), alice));
        vm.expectRevert(abi.encodeWithSelector(IRegistry.NothingToSlash.selector, reg4));
        slasher.slashConflictingCommitments(a, c, w);
    }

    function test_conflictingCommitments_sameParent() public {
        SignedCommitment memory a = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        SignedCommitment memory b = signed(C4_KEY, ordering(1, bytes32(0), TX_Y, bob));
        warpToEvidence();
        slasher.slashConflictingCommitments(a, b, window(0));
        assertEq(collateral(reg4), 0, "slashed");
    }

    function test_conflictingCommitments_honestChainIsNoConflict() public {
        Commitment memory first = ordering(0, bytes32(0), TX_X, alice);
        SignedCommitment memory a = signed(C4_KEY, first);
        SignedCommitment memory b = signed(C4_KEY, ordering(1, hashOf(first), TX_Y, bob));
        warpToEvidence();
        WindowProof memory w = window(0);
        vm.expectRevert(ISlasher.NotConflicting.selector);
        slasher.slashConflictingCommitments(a, b, w);
        vm.expectRevert(ISlasher.NotConflicting.selector);
        slasher.slashConflictingCommitments(a, a, w);
    }

    function test_conflictingCommitments_refusesOtherSignersDomainsAndKinds() public {
        Commitment memory x = ordering(0, bytes32(0), TX_X, alice);
        Commitment memory y = ordering(0, bytes32(0), TX_Y, bob);
        SignedCommitment memory a = signed(C4_KEY, x);
        SignedCommitment memory forged = signed(MALLORY_KEY, y);
        SignedCommitment memory otherWindowKey = signed(C1_KEY, y);
        // Signed for the same slasher address on another chain.
        vm.chainId(block.chainid + 1);
        bytes memory otherChainSig = signDigest(
            C4_KEY, CommitmentHashing.digest(CommitmentHashing.domainSeparator(address(slasher)), hashOf(y))
        );
        vm.chainId(block.chainid - 1);
        // Signed for another verifying contract.
        bytes memory otherContractSig =
            signDigest(C4_KEY, CommitmentHashing.digest(CommitmentHashing.domainSeparator(address(inbox)), hashOf(y)));
        warpToEvidence();
        WindowProof memory w = window(0);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongSigner.selector, vm.addr(MALLORY_KEY), c4));
        slasher.slashConflictingCommitments(a, forged, w);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongSigner.selector, c1, c4));
        slasher.slashConflictingCommitments(a, otherWindowKey, w);
        vm.expectRevert();
        slasher.slashConflictingCommitments(a, SignedCommitment(y, otherChainSig), w);
        vm.expectRevert();
        slasher.slashConflictingCommitments(a, SignedCommitment(y, otherContractSig), w);
        // A window that is not the commitments' window.
        WindowProof memory w1 = window(1);
        SignedCommitment memory honestY = signed(C4_KEY, y);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongWindow.selector, 101, 102));
        slasher.slashConflictingCommitments(a, honestY, w1);
        // Inclusion promises carry no position.
        SignedCommitment memory i1 = signed(C4_KEY, inclusion(TX_X, alice));
        SignedCommitment memory i2 = signed(C4_KEY, inclusion(TX_Y, bob));
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongKind.selector, 0));
        slasher.slashConflictingCommitments(i1, i2, w);
        assertEq(collateral(reg4), COLLATERAL, "nothing slashed");
    }

    function test_evidence_refusedBeforeFinalityAndAfterDeadline() public {
        SignedCommitment memory a = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        SignedCommitment memory b = signed(C4_KEY, ordering(0, bytes32(0), TX_Y, bob));
        WindowProof memory w = window(0);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.NotFinal.selector, 3, lookahead.finalAt(3)));
        slasher.slashConflictingCommitments(a, b, w);
        uint256 deadline = slasher.evidenceDeadline(101);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.EvidenceTooLate.selector, deadline));
        slasher.slashConflictingCommitments(a, b, w);
        vm.warp(deadline);
        slasher.slashConflictingCommitments(a, b, w);
    }

    function test_evidence_refusedWithForgedLookahead() public {
        SignedCommitment memory a = signed(MALLORY_KEY, ordering(0, bytes32(0), TX_X, alice));
        SignedCommitment memory b = signed(MALLORY_KEY, ordering(0, bytes32(0), TX_Y, bob));
        warpToEvidence();
        WindowProof memory w = window(0);
        w.entries[0].committer = vm.addr(MALLORY_KEY);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.EntriesMismatch.selector, 3));
        slasher.slashConflictingCommitments(a, b, w);
    }

    function test_commitmentContradictsBatch() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(1, keccak256("p"), TX_X, alice));
        bytes32[] memory txs = hashes(keccak256("first"), TX_Y);
        Batch memory batch = nextBatch(ROLLUP_A, 101, txs, hex"aa");
        SignedBatch memory sb = signedBatch(C4_KEY, batch);
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory keep = txProof(txs, 0);
        TxProof memory clash = txProof(txs, 1);
        // The position the batch holds elsewhere is not the promised one.
        vm.expectRevert(ISlasher.InvalidTxProof.selector);
        slasher.slashCommitmentBatchConflict(c, sb, keep, w);
        vm.prank(watcher);
        slasher.slashCommitmentBatchConflict(c, sb, clash, w);
        assertEq(registry.withdrawable(alice), 1 ether, "alice insured");
        assertEq(registry.withdrawable(watcher), 0.9 ether, "challenger: 10% of 9");
        assertEq(registry.burned(), 8.1 ether, "burned");
    }

    function test_commitmentMatchingBatchIsNoConflict() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(1, keccak256("p"), TX_X, alice));
        bytes32[] memory txs = hashes(keccak256("first"), TX_X);
        SignedBatch memory sb = signedBatch(C4_KEY, nextBatch(ROLLUP_A, 101, txs, hex"aa"));
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory p = txProof(txs, 1);
        vm.expectRevert(ISlasher.NotConflicting.selector);
        slasher.slashCommitmentBatchConflict(c, sb, p, w);
    }

    function test_conflictingBatches() public {
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(TX_X), hex"aa");
        Batch memory b = nextBatch(ROLLUP_A, 101, hashes(TX_Y), hex"aa");
        SignedBatch memory sa = signedBatch(C4_KEY, a);
        SignedBatch memory sb = signedBatch(C4_KEY, b);
        warpToEvidence();
        WindowProof memory w = window(0);
        vm.prank(watcher);
        slasher.slashConflictingBatches(sa, sb, w);
        assertEq(registry.withdrawable(watcher), 1 ether, "challenger: 10%");
        assertEq(registry.burned(), 9 ether, "burned");
        // A batch and its child are a chain, not a conflict.
        Batch memory child = nextBatch(ROLLUP_A, 101, hashes(TX_Y), hex"aa");
        child.parentHash = CommitmentHashing.hash(a);
        child.number = 1;
        SignedBatch memory sc = signedBatch(C4_KEY, child);
        vm.expectRevert(ISlasher.NotConflicting.selector);
        slasher.slashConflictingBatches(sa, sc, w);
    }

    // ---- broken promises ---------------------------------------------------------------------

    function test_brokenOrdering_unsettledPosition_safetyWhenSlotProduced() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        produce(101);
        warpToEvidence();
        WindowProof memory w = window(0);
        vm.prank(watcher);
        slasher.slashBrokenOrdering(c, w, emptyBatch(), noTxProof(), true);
        assertEq(registry.withdrawable(alice), 1 ether, "insurance");
        assertEq(registry.withdrawable(watcher), 0.9 ether, "challenger");
        assertEq(collateral(reg4), 0, "whole collateral");
    }

    function test_brokenOrdering_unsettledPosition_livenessWhenSlotMissed() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        // No beacon root for slot 101: missed.
        warpToEvidence();
        WindowProof memory w = window(0);
        slasher.slashBrokenOrdering(c, w, emptyBatch(), noTxProof(), true);
        assertEq(registry.withdrawable(alice), 0.5 ether, "penalty to the user");
        assertEq(collateral(reg4), COLLATERAL - 0.5 ether, "rest kept");
        assertEq(registry.burned(), 0, "nothing burned");
        vm.expectRevert(abi.encodeWithSelector(ISlasher.EvidenceUsed.selector, hashOf(c.commitment)));
        slasher.slashBrokenOrdering(c, w, emptyBatch(), noTxProof(), true);
    }

    function test_brokenOrdering_settledLateByTheNextWindow() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        produce(101);
        bytes32[] memory txs = hashes(TX_X);
        // Validator 4 did not settle it; validator 1's window (slot 102) did.
        Batch memory late = settle(102, 102, C1_KEY, txs);
        warpToEvidence();
        WindowProof memory w = window(0);
        slasher.slashBrokenOrdering(c, w, late, txProof(txs, 0), false);
        assertEq(collateral(reg4), 0, "slashed");
        assertEq(collateral(reg1), COLLATERAL, "the next sequencer is not");
    }

    function test_brokenOrdering_keptPromiseCannotBeSlashed() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        produce(101);
        bytes32[] memory txs = hashes(TX_X, TX_Y);
        Batch memory settled = settle(99, 101, C4_KEY, txs);
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory p = txProof(txs, 0);
        vm.expectRevert(ISlasher.PromiseKept.selector);
        slasher.slashBrokenOrdering(c, w, settled, p, false);
        vm.expectRevert(ISlasher.PromiseKept.selector);
        slasher.slashBrokenOrdering(c, w, emptyBatch(), noTxProof(), true);
        TxProof memory wrongIndex = txProof(txs, 1);
        vm.expectRevert(ISlasher.InvalidTxProof.selector);
        slasher.slashBrokenOrdering(c, w, settled, wrongIndex, false);
    }

    // ---- inclusion challenges ----------------------------------------------------------------

    function test_inclusionChallenge_answeredByProofOfSettlement() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        produce(101);
        bytes32[] memory txs = hashes(TX_Y, TX_X);
        Batch memory settled = settle(100, 101, C4_KEY, txs);
        warpToEvidence();
        vm.prank(watcher);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        address responder = address(0x5E9);
        vm.prank(responder);
        slasher.proveRollupInclusion(id, c.commitment, settled, txProof(txs, 1));
        assertEq(slasher.withdrawable(responder), CHALLENGE_BOND, "bond to the responder");
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.ChallengeClosed.selector, id));
        slasher.resolveChallenge(id, c.commitment);
        assertEq(collateral(reg4), COLLATERAL, "honest sequencer untouched");
        // One challenge per commitment.
        vm.expectRevert(abi.encodeWithSelector(ISlasher.EvidenceUsed.selector, hashOf(c.commitment)));
        slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
    }

    function test_inclusionChallenge_lateSettlementDoesNotAnswer() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        produce(101);
        bytes32[] memory txs = hashes(TX_X);
        Batch memory late = settle(102, 102, C1_KEY, txs);
        warpToEvidence();
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        TxProof memory p = txProof(txs, 0);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.NotSettledInTime.selector, CommitmentHashing.hash(late)));
        slasher.proveRollupInclusion(id, c.commitment, late, p);
    }

    function test_inclusionChallenge_unansweredIsSafetyFault() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        produce(101);
        warpToEvidence();
        vm.prank(watcher);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        vm.expectRevert(
            abi.encodeWithSelector(ISlasher.ResponseWindowOpen.selector, id, block.timestamp + RESPONSE_WINDOW)
        );
        slasher.resolveChallenge(id, c.commitment);
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        slasher.resolveChallenge(id, c.commitment);
        assertEq(slasher.withdrawable(watcher), CHALLENGE_BOND, "bond back");
        assertEq(registry.withdrawable(alice), 1 ether, "insurance");
        assertEq(registry.withdrawable(watcher), 0.9 ether, "challenger reward");
        assertEq(registry.burned(), 8.1 ether, "burned");
    }

    function test_inclusionChallenge_missedSlotIsLivenessFault() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        warpToEvidence();
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        slasher.resolveChallenge(id, c.commitment);
        assertEq(registry.withdrawable(alice), 0.5 ether, "penalty");
        assertEq(collateral(reg4), COLLATERAL - 0.5 ether, "collateral kept");
    }

    function test_inclusionChallenge_refusesWrongBondKindAndLateAnswer() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        SignedCommitment memory o = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        warpToEvidence();
        WindowProof memory w = window(0);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongBond.selector, 0, CHALLENGE_BOND));
        slasher.challengeInclusion(c, w);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongKind.selector, 1));
        slasher.challengeInclusion{value: CHALLENGE_BOND}(o, w);
        Commitment memory bundle = inclusion(TX_X, bob);
        bundle.kind = KIND_BUNDLE;
        SignedCommitment memory sb = signed(C4_KEY, bundle);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.WrongKind.selector, KIND_BUNDLE));
        slasher.challengeInclusion{value: CHALLENGE_BOND}(sb, w);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, w);
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        Batch memory none;
        TxProof memory p = noTxProof();
        vm.expectRevert(
            abi.encodeWithSelector(ISlasher.ResponseWindowClosed.selector, id, block.timestamp - 1)
        );
        slasher.proveRollupInclusion(id, c.commitment, none, p);
    }

    function _pair(SignedCommitment memory a, SignedCommitment memory b) internal pure returns (bytes32) {
        bytes32 ha = hashOf(a.commitment);
        bytes32 hb = hashOf(b.commitment);
        return ha < hb ? keccak256(abi.encode(ha, hb)) : keccak256(abi.encode(hb, ha));
    }
}

/// @notice A deployment where a rollup stalls within the window's epoch (short inactivity limit).
contract SlasherStalledRollupTest is SlasherBase {
    bytes32 internal constant TX_X = keccak256("tx X");
    bytes32 internal constant TX_Y = keccak256("tx Y");

    function forcedDelay() internal pure override returns (uint256) {
        return 2 * EPOCH + SLOT;
    }

    function maxInactivity() internal pure override returns (uint256) {
        return 2 * EPOCH + 2 * SLOT;
    }

    function test_brokenOrdering_unsignedBatchIsNotAttributable() public {
        // Rollup A stalls past maxInactivity; an unsigned batch fills position 0 in the window.
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        warpToSlot(99);
        assertTrue(inbox.isPermissionless(ROLLUP_A), "stalled");
        bytes32[] memory txs = hashes(TX_Y);
        Batch memory b = nextBatch(ROLLUP_A, 0, txs, hex"aa");
        inbox.propose(one(input(b, "", hex"aa")), empty(), empty());
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory p = txProof(txs, 0);
        vm.expectRevert(ISlasher.NotAttributable.selector);
        slasher.slashBrokenOrdering(c, w, b, p, false);
    }

}

/// @notice L1 inclusion promises, answered with a real mainnet block (20785012) and the
///         transaction-trie proof of its transaction 179, the block hash served by EIP-2935. The
///         chain's genesis is placed so that slot 101 (the window's last slot) starts exactly at
///         that block's timestamp.
contract SlasherL1InclusionTest is SlasherBase {
    function genesis() internal pure override returns (uint256) {
        return L1Vectors.TIMESTAMP - 101 * SLOT;
    }

    function setUp() public override {
        super.setUp();
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, L1Vectors.HISTORY_STORAGE_CODE);
        vm.store(
            BlockHeaders.HISTORY_STORAGE_ADDRESS, bytes32(uint256(L1Vectors.NUMBER % 8191)), L1Vectors.BLOCK_HASH
        );
        vm.roll(L1Vectors.NUMBER + 1000);
    }

    function _l1Promise(bytes32 txHash) internal view returns (SignedCommitment memory) {
        Commitment memory c = inclusion(txHash, alice);
        c.chainId = uint64(block.chainid);
        return signed(C4_KEY, c);
    }

    function test_proveL1Inclusion_dismissesTheChallenge() public {
        SignedCommitment memory c = _l1Promise(L1Vectors.TX_HASH);
        produce(101);
        warpToEvidence();
        vm.prank(watcher);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        address committer = address(0xC0C0);
        vm.prank(committer);
        slasher.proveL1Inclusion(id, c.commitment, L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        assertEq(slasher.withdrawable(committer), CHALLENGE_BOND, "bond to the responder");
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(ISlasher.ChallengeClosed.selector, id));
        slasher.resolveChallenge(id, c.commitment);
        assertEq(collateral(reg4), COLLATERAL, "kept promise, no slash");
    }

    function test_proveL1Inclusion_refusesAnotherTransactionOrATamperedProof() public {
        SignedCommitment memory c = _l1Promise(keccak256("another transaction"));
        produce(101);
        warpToEvidence();
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, window(0));
        bytes memory header = L1Vectors.HEADER;
        bytes[] memory proof = L1Vectors.txProof();
        vm.expectRevert(
            abi.encodeWithSelector(ISlasher.TransactionMismatch.selector, c.commitment.txHash, L1Vectors.TX_HASH)
        );
        slasher.proveL1Inclusion(id, c.commitment, header, L1Vectors.TX_INDEX, proof);
        proof[proof.length - 1][40] ^= 0x01;
        vm.expectRevert();
        slasher.proveL1Inclusion(id, c.commitment, header, L1Vectors.TX_INDEX, proof);
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        slasher.resolveChallenge(id, c.commitment);
        assertEq(collateral(reg4), 0, "unproven L1 promise slashed");
    }
}
