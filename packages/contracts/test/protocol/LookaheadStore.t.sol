// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILookaheadStore, LookaheadEntry, ProposerProof, Window} from "../../src/lookahead/ILookaheadStore.sol";
import {LookaheadVectors} from "./LookaheadVectors.sol";
import {ProtocolBase} from "./ProtocolBase.sol";

contract LookaheadStoreTest is ProtocolBase {
    address internal challenger = address(0xC0FFEE);

    function test_post_storesHashAndBond() public {
        LookaheadEntry[] memory list = postEpoch3();
        ILookaheadStore.EpochRecord memory record = lookahead.epochRecord(3);
        assertEq(record.hash, keccak256(abi.encode(list)), "hash");
        assertEq(record.bond, POSTING_BOND, "bond");
        assertEq(address(lookahead).balance, POSTING_BOND, "balance");
    }

    function test_post_refusesBadShapeBondTimeAndRepost() public {
        warpToSlot(64);
        LookaheadEntry[] memory list = epoch3();
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.WrongBond.selector, 0, POSTING_BOND));
        lookahead.post(3, list);

        LookaheadEntry[] memory unsorted = epoch3();
        (unsorted[0], unsorted[1]) = (unsorted[1], unsorted[0]);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.EntriesNotSorted.selector, 1));
        post(3, unsorted);

        LookaheadEntry[] memory outside = epoch3();
        outside[7].slot = 128;
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.EntryOutsideEpoch.selector, 7, 128));
        post(3, outside);

        // Epoch 4 opens at its reference time, the start of epoch 3.
        vm.expectRevert(
            abi.encodeWithSelector(ILookaheadStore.PostingClosed.selector, 4, slotTime(96), slotTime(160))
        );
        post(4, empty());

        post(3, list);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.AlreadyPosted.selector, 3));
        post(3, list);
    }

    function test_windowAt_firstSequencerAtOrAfterSlot() public {
        LookaheadEntry[] memory list = postEpoch3();
        Window memory w = lookahead.windowAt(96, list, empty());
        assertEq(w.sequencerSlot, 101, "slot 96 -> 101");
        assertEq(uint256(uint160(w.committer)), uint256(uint160(c4)), "committer");
        w = lookahead.windowAt(102, list, empty());
        assertEq(w.sequencerSlot, 102, "own slot");
        assertEq(w.registration, reg1, "registration");
        w = lookahead.windowAt(103, list, empty());
        assertEq(w.sequencerSlot, 109, "next window");
    }

    function test_windowAt_readsNextEpochThenFallsBack() public {
        LookaheadEntry[] memory list = postEpoch3();
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.NotPosted.selector, 4));
        lookahead.windowAt(127, list, empty());
        warpToSlot(96);
        post(4, empty());
        Window memory w = lookahead.windowAt(127, list, empty());
        assertTrue(w.fallbackMode, "fallback");
        LookaheadEntry[] memory forged = epoch3();
        forged[0].committer = address(0xBAD);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.EntriesMismatch.selector, 3));
        lookahead.windowAt(96, forged, empty());
    }

    function test_challengeWrongProposer_removesEntryAndPaysBond() public {
        warpToSlot(64);
        LookaheadEntry[] memory list = epoch3();
        list[0].slot = 100; // slot 100's proposer is validator 7, not validator 4
        post(3, list);
        ProposerProof memory proof = proposerProof(100);
        vm.prank(challenger);
        lookahead.challengeWrongProposer(3, list, 0, proof);
        LookaheadEntry[] memory corrected = new LookaheadEntry[](7);
        for (uint256 i = 0; i < 7; ++i) corrected[i] = list[i + 1];
        assertEq(lookahead.epochRecord(3).hash, keccak256(abi.encode(corrected)), "corrected");
        assertEq(lookahead.withdrawable(challenger), POSTING_BOND, "reward");
        vm.prank(challenger);
        lookahead.withdraw();
        assertEq(challenger.balance, POSTING_BOND, "paid");
        assertEq(address(lookahead).balance, 0, "no ETH left behind");
    }

    function test_challengeWrongProposer_refusesTrueEntry() public {
        LookaheadEntry[] memory list = postEpoch3();
        ProposerProof memory proof = proposerProof(101);
        vm.expectRevert(ILookaheadStore.NotAFault.selector);
        lookahead.challengeWrongProposer(3, list, 0, proof);
    }

    function test_challengeWrongProposer_refusesForgedProofs() public {
        LookaheadEntry[] memory list = postEpoch3();
        ProposerProof memory proof = proposerProof(101);
        proof.pubkeyRoot = keccak256("someone else");
        vm.expectRevert(ILookaheadStore.InvalidProof.selector);
        lookahead.challengeWrongProposer(3, list, 0, proof);

        proof = proposerProof(101);
        proof.validatorIndex = 5;
        vm.expectRevert(ILookaheadStore.InvalidProof.selector);
        lookahead.challengeWrongProposer(3, list, 0, proof);

        proof = proposerProof(101);
        proof.beaconSlot = 63; // lies about which epochs the state covers
        vm.expectRevert(ILookaheadStore.InvalidProof.selector);
        lookahead.challengeWrongProposer(3, list, 0, proof);

        proof = proposerProof(101);
        proof.beaconTimestamp = slotTime(97);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.BeaconRootNotFound.selector, slotTime(97)));
        lookahead.challengeWrongProposer(3, list, 0, proof);
    }

    function test_challengeMissingSequencer_insertsEntry() public {
        warpToSlot(64);
        LookaheadEntry[] memory list = epoch3();
        LookaheadEntry[] memory withoutOne = new LookaheadEntry[](7);
        for (uint256 i = 0; i < 7; ++i) withoutOne[i] = list[i < 1 ? i : i + 1];
        post(3, withoutOne); // slot 102 (validator 1) left out
        ProposerProof memory proof = proposerProof(102);
        vm.prank(challenger);
        lookahead.challengeMissingSequencer(3, withoutOne, 102, proof);
        assertEq(lookahead.epochRecord(3).hash, keccak256(abi.encode(list)), "restored");
        assertEq(lookahead.withdrawable(challenger), POSTING_BOND, "reward");
    }

    function test_challengeMissingSequencer_refusesNonSequencerAndListedSlot() public {
        LookaheadEntry[] memory list = postEpoch3();
        ProposerProof memory proof = proposerProof(103); // validator 6: not registered
        vm.expectRevert(ILookaheadStore.NotAFault.selector);
        lookahead.challengeMissingSequencer(3, list, 103, proof);
        proof = proposerProof(101);
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.SlotAlreadyListed.selector, 101));
        lookahead.challengeMissingSequencer(3, list, 101, proof);
    }

    function test_challengeMissingSequencer_judgesActivityAtReferenceTime() public {
        // Validator 6 registers and opts in during epoch 2, after epoch 3's reference time: it is
        // not a sequencer of epoch 3, so leaving it out is no fault.
        LookaheadEntry[] memory list = postEpoch3();
        (bytes32 reg6,) = LookaheadVectors.pubkey(6);
        registry.registerUnchecked{value: COLLATERAL}(reg6, address(this));
        registry.optIn(reg6, address(0x66));
        ProposerProof memory proof = proposerProof(103);
        vm.expectRevert(ILookaheadStore.NotAFault.selector);
        lookahead.challengeMissingSequencer(3, list, 103, proof);
    }

    function test_challengeInactive_removesUnregisteredAndFixesCommitter() public {
        warpToSlot(64);
        LookaheadEntry[] memory list = epoch3();
        list[1].committer = address(0xBAD);
        list[2].registration = keccak256("never registered");
        post(3, list);
        lookahead.challengeInactive(3, list, 1);
        list[1].committer = c1;
        assertEq(lookahead.epochRecord(3).hash, keccak256(abi.encode(list)), "committer fixed");
        lookahead.challengeInactive(3, list, 2);
        LookaheadEntry[] memory shorter = new LookaheadEntry[](7);
        for (uint256 i = 0; i < 7; ++i) shorter[i] = list[i < 2 ? i : i + 1];
        assertEq(lookahead.epochRecord(3).hash, keccak256(abi.encode(shorter)), "inactive removed");
        vm.expectRevert(ILookaheadStore.NotAFault.selector);
        lookahead.challengeInactive(3, shorter, 0);
    }

    function test_challenge_closesAtFinality() public {
        warpToSlot(64);
        LookaheadEntry[] memory list = epoch3();
        list[0].committer = address(0xBAD);
        post(3, list);
        vm.warp(lookahead.finalAt(3));
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.ChallengeClosed.selector, 3, lookahead.finalAt(3)));
        lookahead.challengeInactive(3, list, 0);
        // Once final, the poster gets the bond back, once.
        lookahead.releaseBond(3);
        assertEq(lookahead.withdrawable(address(this)), POSTING_BOND, "bond released");
        lookahead.releaseBond(3);
        assertEq(lookahead.withdrawable(address(this)), POSTING_BOND, "released once");
    }

    function test_finalEntry_onlyAfterChallengeWindow() public {
        LookaheadEntry[] memory list = postEpoch3();
        vm.expectRevert(abi.encodeWithSelector(ILookaheadStore.NotFinal.selector, 3, lookahead.finalAt(3)));
        lookahead.finalEntry(3, list, 0);
        vm.warp(lookahead.finalAt(3));
        assertEq(lookahead.finalEntry(3, list, 1).registration, reg1, "entry");
    }

    receive() external payable {}
}
