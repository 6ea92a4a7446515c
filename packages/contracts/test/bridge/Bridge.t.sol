// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bridge} from "../../src/bridge/Bridge.sol";
import {IBridge} from "../../src/bridge/IBridge.sol";
import {IInbox} from "../../src/inbox/IInbox.sol";
import {RLPWriter} from "../l1/RLPWriter.sol";
import {ProtocolBase} from "../protocol/ProtocolBase.sol";
import {Vm} from "../utils/Vm.sol";

contract BridgeTest is ProtocolBase {
    address internal constant ALICE = address(0xD0D0);
    address internal constant BOB = address(0xBEEF);

    Bridge internal bridge;

    /// @notice Deposit 0 of the vectors: 1 ETH from ALICE to BOB on rollup A (payload 56 bytes:
    ///         a long list prefix). Written by hand; `packages/protocol/src/preconf/deposit.test.ts`
    ///         checks the TypeScript encoding against the same bytes.
    bytes internal constant VECTOR_0 =
        hex"7e" // deposit type
        hex"f838" // list of 56 bytes
        hex"83028c59" // chain id 167001
        hex"80" // deposit nonce 0
        hex"94000000000000000000000000000000000000d0d0" // from
        hex"94000000000000000000000000000000000000beef" // to
        hex"880de0b6b3a7640000"; // value 1 ether

    /// @notice Deposit 1: 128 wei (a one-byte string, not a single byte), nonce 1 (a single byte),
    ///         payload 49 bytes (a short list prefix).
    bytes internal constant VECTOR_1 =
        hex"7e"
        hex"f1" // list of 49 bytes
        hex"83028c59"
        hex"01"
        hex"94000000000000000000000000000000000000d0d0"
        hex"94000000000000000000000000000000000000beef"
        hex"8180";

    function setUp() public override {
        super.setUp();
        bridge = new Bridge(inbox, ROLLUP_A);
        vm.deal(ALICE, 100 ether);
    }

    function _deposit(address from, address to, uint256 amount) internal returns (uint64 index) {
        vm.prank(from);
        index = bridge.deposit{value: amount}(to);
    }

    function test_deposit_queuesTheExactEncoding() public {
        vm.recordLogs();
        uint64 index = _deposit(ALICE, BOB, 1 ether + MIN_FORCED_FEE);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "two events");
        // The inbox's ForcedInclusionQueued carries the raw bytes.
        Vm.Log memory queued = logs[0];
        assertEq(queued.emitter, address(inbox), "queued by the inbox");
        assertEq(queued.topics[0], IInbox.ForcedInclusionQueued.selector, "event");
        assertEq(uint256(queued.topics[1]), ROLLUP_A, "chain id");
        assertEq(uint256(queued.topics[2]), index, "index");
        (bytes32 txHash,, uint256 fee, bytes memory rawTx) = abi.decode(queued.data, (bytes32, uint64, uint256, bytes));
        assertEq(rawTx, VECTOR_0, "raw bytes");
        assertEq(txHash, keccak256(VECTOR_0), "tx hash");
        assertEq(fee, MIN_FORCED_FEE, "fee");
        assertEq(inbox.forcedInclusion(ROLLUP_A, index).txHash, keccak256(VECTOR_0), "queued hash");

        _deposit(ALICE, BOB, 128 + MIN_FORCED_FEE);
        assertEq(inbox.forcedInclusion(ROLLUP_A, 1).txHash, keccak256(VECTOR_1), "second deposit");
        assertEq(bridge.encodeDeposit(1, ALICE, BOB, 128), VECTOR_1, "encodeDeposit");
    }

    function test_deposit_emitsDepositQueued() public {
        vm.recordLogs();
        uint64 index = _deposit(ALICE, BOB, 3 ether);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        Vm.Log memory log = logs[1];
        assertEq(log.emitter, address(bridge), "emitter");
        assertEq(log.topics.length, 4, "three indexed fields");
        assertEq(log.topics[0], IBridge.DepositQueued.selector, "event");
        assertEq(uint256(log.topics[1]), index, "forced index");
        assertEq(uint256(log.topics[2]), 0, "deposit nonce");
        assertEq(address(uint160(uint256(log.topics[3]))), ALICE, "from");
        (address to, uint256 value) = abi.decode(log.data, (address, uint256));
        assertEq(to, BOB, "to");
        assertEq(value, 3 ether - MIN_FORCED_FEE, "value");
    }

    function test_deposit_feeToInboxValueLocked() public {
        _deposit(ALICE, BOB, 2 ether);
        assertEq(address(bridge).balance, 2 ether - MIN_FORCED_FEE, "value locked in the bridge");
        assertEq(address(inbox).balance, MIN_FORCED_FEE, "fee held by the inbox");
        assertEq(inbox.forcedInclusion(ROLLUP_A, 0).fee, MIN_FORCED_FEE, "queued fee");
        assertEq(ALICE.balance, 98 ether, "sender paid msg.value");
    }

    function test_deposit_forcedIndexFollowsTheQueue() public {
        // Someone else queues first: the deposit gets the next index, not its nonce.
        inbox.forceInclude{value: MIN_FORCED_FEE}(ROLLUP_A, hex"02aa");
        assertEq(_deposit(ALICE, BOB, 1 ether), 1, "index after a foreign entry");
        assertEq(_deposit(ALICE, ALICE, 1 ether), 2, "next index");
        assertEq(inbox.forcedQueueLength(ROLLUP_A), 3, "queue length");
        assertEq(bridge.depositNonce(), 2, "nonce counts deposits only");
        assertEq(
            inbox.forcedInclusion(ROLLUP_A, 2).txHash,
            keccak256(bridge.encodeDeposit(1, ALICE, ALICE, 1 ether - MIN_FORCED_FEE)),
            "second deposit at index 2 with nonce 1"
        );
    }

    function test_deposit_refusesNoMoreThanTheFee() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IBridge.DepositTooSmall.selector, MIN_FORCED_FEE, MIN_FORCED_FEE));
        bridge.deposit{value: MIN_FORCED_FEE}(BOB);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IBridge.DepositTooSmall.selector, 0, MIN_FORCED_FEE));
        bridge.deposit(BOB);
        assertEq(bridge.depositNonce(), 0, "nothing queued");
    }

    function test_deposit_refusesAnUnregisteredRollup() public {
        Bridge orphan = new Bridge(inbox, 999);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IInbox.UnknownRollup.selector, 999));
        orphan.deposit{value: 1 ether}(BOB);
    }

    function test_constructor_refusesZeroParameters() public {
        vm.expectRevert(IBridge.InvalidParameter.selector);
        new Bridge(IInbox(address(0)), ROLLUP_A);
        vm.expectRevert(IBridge.InvalidParameter.selector);
        new Bridge(inbox, 0);
    }

    function testFuzz_encodeDeposit_matchesRlpWriter(uint64 nonce, address from, address to, uint256 value)
        public
        view
    {
        bytes[] memory items = new bytes[](5);
        items[0] = RLPWriter.encodeUint(ROLLUP_A);
        items[1] = RLPWriter.encodeUint(nonce);
        items[2] = RLPWriter.encodeBytes(abi.encodePacked(from));
        items[3] = RLPWriter.encodeBytes(abi.encodePacked(to));
        items[4] = RLPWriter.encodeUint(value);
        bytes memory expected = bytes.concat(hex"7e", RLPWriter.encodeList(items));
        assertEq(bridge.encodeDeposit(nonce, from, to, value), expected, "encoding");
    }
}
