// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitmentHashing} from "../../src/commitments/CommitmentHashing.sol";
import {Batch} from "../../src/commitments/Commitments.sol";
import {IInbox} from "../../src/inbox/IInbox.sol";
import {LookaheadEntry} from "../../src/lookahead/ILookaheadStore.sol";
import {ProtocolBase} from "./ProtocolBase.sol";

contract InboxTest is ProtocolBase {
    address internal includer = address(0x1C1);
    bytes internal constant DATA_A = hex"01020304";
    bytes internal constant DATA_B = hex"0506";

    /// @notice Slot 98: the window of validator 4 (slot 101), committer C4.
    function _inWindow() internal returns (LookaheadEntry[] memory list) {
        list = postEpoch3();
        warpToSlot(98);
    }

    function test_propose_twoRollupsAtomically() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1"), keccak256("tx2")), DATA_A);
        Batch memory b = nextBatch(ROLLUP_B, 101, hashes(keccak256("tx3")), DATA_B);
        IInbox.BatchInput[] memory inputs = new IInbox.BatchInput[](2);
        inputs[0] = input(a, signBatch(C4_KEY, a), DATA_A);
        inputs[1] = input(b, signBatch(C4_KEY, b), DATA_B);
        vm.prank(includer); // anyone may carry the sequencer's batches
        inbox.propose(inputs, list, empty());
        IInbox.RollupState memory ra = inbox.rollup(ROLLUP_A);
        assertEq(ra.lastBatchHash, CommitmentHashing.hash(a), "A head");
        assertEq(ra.nextPosition, 2, "A position");
        assertEq(inbox.rollup(ROLLUP_B).nextNumber, 1, "B number");
        IInbox.Settlement memory s = inbox.settlement(CommitmentHashing.hash(b));
        assertEq(s.slot, 98, "settled slot");
        assertTrue(s.sequenced, "sequenced");
    }

    function test_propose_allOrNothing() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        Batch memory b = nextBatch(ROLLUP_B, 101, hashes(keccak256("tx3")), DATA_B);
        b.parentHash = keccak256("not the head");
        IInbox.BatchInput[] memory inputs = new IInbox.BatchInput[](2);
        inputs[0] = input(a, signBatch(C4_KEY, a), DATA_A);
        inputs[1] = input(b, signBatch(C4_KEY, b), DATA_B);
        vm.expectRevert(
            abi.encodeWithSelector(IInbox.WrongParent.selector, ROLLUP_B, bytes32(0), keccak256("not the head"))
        );
        inbox.propose(inputs, list, empty());
        assertEq(inbox.rollup(ROLLUP_A).nextNumber, 0, "A untouched");
    }

    function test_propose_refusesAnyoneButTheWindowCommitter() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        // The next window's committer, and a stranger.
        IInbox.BatchInput[] memory in1 = one(input(a, signBatch(C1_KEY, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.NotWindowCommitter.selector, c1, c4));
        inbox.propose(in1, list, empty());
        address mallory = vm.addr(MALLORY_KEY);
        IInbox.BatchInput[] memory in2 = one(input(a, signBatch(MALLORY_KEY, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.NotWindowCommitter.selector, mallory, c4));
        inbox.propose(in2, list, empty());
        vm.expectRevert(abi.encodeWithSelector(IInbox.SignatureRequired.selector, c4));
        inbox.propose(one(input(a, "", DATA_A)), list, empty());
        // Signed for another window of the same committer.
        Batch memory later = nextBatch(ROLLUP_A, 109, hashes(keccak256("tx1")), DATA_A);
        IInbox.BatchInput[] memory in3 = one(input(later, signBatch(C4_KEY, later), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.WrongTargetSlot.selector, 109, 101));
        inbox.propose(in3, list, empty());
    }

    function test_propose_refusesSignatureFromAnotherDomain() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        bytes32 otherChain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Baton"),
                keccak256("1"),
                block.chainid + 1,
                address(slasher)
            )
        );
        bytes memory sig = signDigest(C4_KEY, CommitmentHashing.digest(otherChain, CommitmentHashing.hash(a)));
        vm.expectRevert();
        inbox.propose(one(input(a, sig, DATA_A)), list, empty());
    }

    function test_propose_unsignedAcceptedInFallback() public {
        warpToSlot(64);
        post(3, empty());
        warpToSlot(96);
        post(4, empty());
        warpToSlot(100);
        Batch memory a = nextBatch(ROLLUP_A, 0, hashes(keccak256("tx1")), DATA_A);
        vm.prank(includer);
        inbox.propose(one(input(a, "", DATA_A)), empty(), empty());
        assertFalse(inbox.settlement(CommitmentHashing.hash(a)).sequenced, "unsequenced");
        assertEq(inbox.rollup(ROLLUP_A).nextNumber, 1, "settled");
    }

    function test_propose_checksChainAndData() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        IInbox.BatchInput[] memory in4 = one(input(a, signBatch(C4_KEY, a), DATA_B));
        vm.expectRevert(abi.encodeWithSelector(IInbox.DataMismatch.selector, ROLLUP_A));
        inbox.propose(in4, list, empty());
        a.number = 5;
        IInbox.BatchInput[] memory in5 = one(input(a, signBatch(C4_KEY, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.WrongNumber.selector, ROLLUP_A, 0, 5));
        inbox.propose(in5, list, empty());
        a.number = 0;
        a.firstPosition = 3;
        IInbox.BatchInput[] memory in6 = one(input(a, signBatch(C4_KEY, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.WrongPosition.selector, ROLLUP_A, 0, 3));
        inbox.propose(in6, list, empty());
        a.firstPosition = 0;
        a.chainId = 999;
        IInbox.BatchInput[] memory in7 = one(input(a, signBatch(C4_KEY, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.UnknownRollup.selector, 999));
        inbox.propose(in7, list, empty());
    }

    function test_propose_blobData() public {
        LookaheadEntry[] memory list = _inWindow();
        bytes32[] memory blobs = new bytes32[](2);
        blobs[0] = bytes32(uint256(0x01) << 248 | 1);
        blobs[1] = bytes32(uint256(0x01) << 248 | 2);
        vm.blobhashes(blobs);
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), "");
        a.dataHash = keccak256(abi.encodePacked(blobs[1], blobs[0]));
        IInbox.BatchInput memory i = input(a, signBatch(C4_KEY, a), "");
        i.blobIndices = new uint8[](2);
        (i.blobIndices[0], i.blobIndices[1]) = (1, 0);
        inbox.propose(one(i), list, empty());
        assertEq(inbox.rollup(ROLLUP_A).nextNumber, 1, "settled from blobs");
        Batch memory b = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx2")), "");
        IInbox.BatchInput memory j = input(b, signBatch(C4_KEY, b), "");
        j.blobIndices = new uint8[](1);
        j.blobIndices[0] = 2;
        vm.expectRevert(abi.encodeWithSelector(IInbox.BlobNotFound.selector, 2));
        inbox.propose(one(j), list, empty());
    }

    function test_forceInclude_dueInclusionCannotBeSkipped() public {
        LookaheadEntry[] memory list = _inWindow();
        bytes memory rawTx = hex"02f8aa0102";
        vm.deal(address(0xF0), 1 ether);
        vm.prank(address(0xF0));
        uint64 index = inbox.forceInclude{value: 0.05 ether}(ROLLUP_A, rawTx);
        assertEq(index, 0, "index");
        uint64 dueAt = uint64(block.timestamp + FORCED_DELAY);

        // Not yet due: may wait.
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        inbox.propose(one(input(a, signBatch(C4_KEY, a), DATA_A)), list, empty());

        // Due (slot 194, epoch 6): a batch that leaves it behind is refused.
        vm.warp(dueAt);
        warpToSlot((dueAt - genesis()) / SLOT + 1);
        LookaheadEntry[] memory e6 = new LookaheadEntry[](0);
        LookaheadEntry[] memory e7 = new LookaheadEntry[](0);
        vm.warp(slotTime(160));
        post(6, e6);
        vm.warp(slotTime(192));
        post(7, e7);
        vm.warp(dueAt + SLOT);
        Batch memory skip = nextBatch(ROLLUP_A, 0, hashes(keccak256("tx2")), DATA_A);
        vm.expectRevert(abi.encodeWithSelector(IInbox.ForcedInclusionDue.selector, ROLLUP_A, 0, dueAt));
        inbox.propose(one(input(skip, "", DATA_A)), e6, e7);

        // Consuming it settles and pays its fee to whoever settled.
        Batch memory take = nextBatch(ROLLUP_A, 0, hashes(keccak256(rawTx), keccak256("tx2")), DATA_A);
        take.forcedUpTo = 1;
        vm.prank(includer);
        inbox.propose(one(input(take, "", DATA_A)), e6, e7);
        assertEq(inbox.rollup(ROLLUP_A).forcedHead, 1, "consumed");
        assertEq(inbox.withdrawable(includer), 0.05 ether, "fee to the settler");
        vm.prank(includer);
        inbox.withdraw();
        assertEq(includer.balance, 0.05 ether, "paid");
        assertEq(address(inbox).balance, 0, "no ETH left behind");
    }

    function test_forceInclude_refusesLowFeeAndEmptyTx() public {
        vm.expectRevert(abi.encodeWithSelector(IInbox.FeeTooLow.selector, 0, MIN_FORCED_FEE));
        inbox.forceInclude(ROLLUP_A, hex"01");
        vm.expectRevert(IInbox.InvalidTransaction.selector);
        inbox.forceInclude{value: MIN_FORCED_FEE}(ROLLUP_A, "");
        vm.expectRevert(abi.encodeWithSelector(IInbox.UnknownRollup.selector, 5));
        inbox.forceInclude{value: MIN_FORCED_FEE}(5, hex"01");
    }

    function test_propose_permissionlessAfterLongInactivity() public {
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        vm.expectRevert(abi.encodeWithSelector(IInbox.SignatureRequired.selector, c4));
        inbox.propose(one(input(a, "", DATA_A)), list, empty());
        vm.warp(genesis() + 1 + MAX_INACTIVITY + 1);
        assertTrue(inbox.isPermissionless(ROLLUP_A), "permissionless");
        inbox.propose(one(input(a, "", DATA_A)), empty(), empty());
        assertFalse(inbox.isPermissionless(ROLLUP_A), "a batch landed");
    }

    function testFuzz_propose_onlyTheCommitterSigns(uint256 key) public {
        key = bound(key, 1, 2 ** 128);
        vm.assume(key != C4_KEY);
        LookaheadEntry[] memory list = _inWindow();
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(keccak256("tx1")), DATA_A);
        IInbox.BatchInput[] memory in8 = one(input(a, signBatch(key, a), DATA_A));
        vm.expectRevert(abi.encodeWithSelector(IInbox.NotWindowCommitter.selector, vm.addr(key), c4));
        inbox.propose(in8, list, empty());
    }
}
