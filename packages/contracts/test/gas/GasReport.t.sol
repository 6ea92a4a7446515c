// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Bridge} from "../../src/bridge/Bridge.sol";
import {Batch} from "../../src/commitments/Commitments.sol";
import {IInbox} from "../../src/inbox/IInbox.sol";
import {LookaheadEntry, ProposerProof} from "../../src/lookahead/ILookaheadStore.sol";
import {Registry} from "../../src/registry/Registry.sol";
import {SignedBatch, SignedCommitment, TxProof, WindowProof} from "../../src/slasher/ISlasher.sol";
import {SlasherBase} from "../protocol/SlasherBase.sol";
import {RegistrationVectors as V} from "../registry/RegistrationVectors.sol";

/// @notice The gas of each protocol operation, measured on the call alone with
///         `snapshotGasLastCall` and written to `snapshots/GasReportTest.json` (committed). CI runs
///         forge with `FORGE_SNAPSHOT_CHECK=true`, which fails on any difference; regenerate with
///         `npm run gas` in packages/contracts. Figures exclude the 21,000 intrinsic gas and calldata.
contract GasReportTest is SlasherBase {
    bytes32 internal constant TX_X = keccak256("tx X");
    bytes32 internal constant TX_Y = keccak256("tx Y");

    function test_gas_registerOneKey() public {
        // A registry at the vectors' address: deployed first by the test contract.
        vm.warp(1_700_000_100);
        Registry fresh = Registry(V.REGISTRY);
        assertTrue(address(fresh).code.length > 0, "vector registry deployed in setUp");
        fresh.register{value: MIN_COLLATERAL}(V.PUBKEY, V.SIGNATURE, V.OWNER);
        vm.snapshotGasLastCall("register one key (BLS proof of possession)");
    }

    function test_gas_optIn() public {
        bytes32 reg = keccak256("another key");
        registry.registerUnchecked{value: COLLATERAL}(reg, address(this));
        registry.optIn(reg, address(0xC));
        vm.snapshotGasLastCall("opt in");
    }

    function test_gas_postLookahead() public {
        warpToSlot(96);
        LookaheadEntry[] memory list = new LookaheadEntry[](8);
        for (uint256 i = 0; i < 8; ++i) list[i] = LookaheadEntry(uint64(128 + 4 * i), reg4, c4);
        lookahead.post{value: POSTING_BOND}(4, list);
        vm.snapshotGasLastCall("post a lookahead (8 sequencer slots)");
    }

    function test_gas_proposerCheck() public {
        LookaheadEntry[] memory list = entries();
        lookahead.windowAt(98, list, empty());
        vm.snapshotGasLastCall("proposer check (window of a slot, 8-entry list)");
    }

    function test_gas_challengeWrongProposer() public {
        // Epoch 2's list (setUp posted epoch 3's) names validator 4 at slot 68, validator 7's slot.
        LookaheadEntry[] memory list = new LookaheadEntry[](1);
        list[0] = LookaheadEntry(68, reg4, c4);
        post(2, list);
        ProposerProof memory proof = proposerProof(68);
        lookahead.challengeWrongProposer(2, list, 0, proof);
        vm.snapshotGasLastCall("lookahead challenge: wrong proposer (EIP-7917 proof)");
    }

    function test_gas_proposeOneBatch() public {
        warpToSlot(98);
        Batch memory a = nextBatch(ROLLUP_A, 101, hashes(TX_X, TX_Y), hex"aabb");
        IInbox.BatchInput[] memory inputs = one(input(a, signBatch(C4_KEY, a), hex"aabb"));
        LookaheadEntry[] memory list = entries();
        inbox.propose(inputs, list, empty());
        vm.snapshotGasLastCall("propose one batch");
    }

    function test_gas_proposeFourRollups() public {
        for (uint64 c = 3; c <= 4; ++c) inbox.registerRollup(167_000 + c);
        warpToSlot(98);
        IInbox.BatchInput[] memory inputs = new IInbox.BatchInput[](4);
        for (uint64 c = 1; c <= 4; ++c) {
            Batch memory b = nextBatch(167_000 + c, 101, hashes(TX_X, TX_Y), hex"aabb");
            inputs[c - 1] = input(b, signBatch(C4_KEY, b), hex"aabb");
        }
        LookaheadEntry[] memory list = entries();
        inbox.propose(inputs, list, empty());
        vm.snapshotGasLastCall("propose four rollups' batches in one transaction");
    }

    function test_gas_forceInclude() public {
        inbox.forceInclude{value: MIN_FORCED_FEE}(ROLLUP_A, new bytes(120));
        vm.snapshotGasLastCall("force include (120-byte transaction)");
    }

    function test_gas_deposit() public {
        Bridge bridge = new Bridge(inbox, ROLLUP_A);
        vm.cool(address(bridge));
        bridge.deposit{value: 1 ether}(address(0xBEEF));
        vm.snapshotGasLastCall("bridge deposit: first (queue and nonce start at zero)");
        // A later deposit in its own transaction: nothing it touches is warm.
        vm.cool(address(bridge));
        vm.cool(address(inbox));
        bridge.deposit{value: 1 ether}(address(0xBEEF));
        vm.snapshotGasLastCall("bridge deposit: later");
    }

    function test_gas_slashConflictingCommitments() public {
        SignedCommitment memory a = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        SignedCommitment memory b = signed(C4_KEY, ordering(0, bytes32(0), TX_Y, bob));
        warpToEvidence();
        WindowProof memory w = window(0);
        slasher.slashConflictingCommitments(a, b, w);
        vm.snapshotGasLastCall("slash: two conflicting commitments");
    }

    function test_gas_slashCommitmentBatchConflict() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(1, keccak256("p"), TX_X, alice));
        bytes32[] memory txs = hashes(keccak256("first"), TX_Y);
        SignedBatch memory sb = signedBatch(C4_KEY, nextBatch(ROLLUP_A, 101, txs, hex"aa"));
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory p = txProof(txs, 1);
        slasher.slashCommitmentBatchConflict(c, sb, p, w);
        vm.snapshotGasLastCall("slash: commitment contradicts a signed batch");
    }

    function test_gas_slashConflictingBatches() public {
        SignedBatch memory sa = signedBatch(C4_KEY, nextBatch(ROLLUP_A, 101, hashes(TX_X), hex"aa"));
        SignedBatch memory sb = signedBatch(C4_KEY, nextBatch(ROLLUP_A, 101, hashes(TX_Y), hex"aa"));
        warpToEvidence();
        WindowProof memory w = window(0);
        slasher.slashConflictingBatches(sa, sb, w);
        vm.snapshotGasLastCall("slash: two batches on one parent");
    }

    function test_gas_slashBrokenOrderingSafety() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        bytes32[] memory txs = hashes(TX_X);
        Batch memory late = settle(102, 102, C1_KEY, txs);
        produce(101);
        warpToEvidence();
        WindowProof memory w = window(0);
        TxProof memory p = txProof(txs, 0);
        slasher.slashBrokenOrdering(c, w, late, p, false);
        vm.snapshotGasLastCall("slash: broken ordering promise (safety)");
    }

    function test_gas_slashLiveness() public {
        SignedCommitment memory c = signed(C4_KEY, ordering(0, bytes32(0), TX_X, alice));
        warpToEvidence();
        WindowProof memory w = window(0);
        Batch memory none = emptyBatch();
        TxProof memory p = noTxProof();
        slasher.slashBrokenOrdering(c, w, none, p, true);
        vm.snapshotGasLastCall("slash: liveness (missed slot)");
    }

    function test_gas_inclusionChallenge() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        produce(101);
        warpToEvidence();
        WindowProof memory w = window(0);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, w);
        vm.snapshotGasLastCall("inclusion challenge: open");
        vm.warp(block.timestamp + RESPONSE_WINDOW + 1);
        slasher.resolveChallenge(id, c.commitment);
        vm.snapshotGasLastCall("inclusion challenge: unanswered, slash (safety)");
    }

    function test_gas_inclusionChallengeAnswered() public {
        SignedCommitment memory c = signed(C4_KEY, inclusion(TX_X, alice));
        bytes32[] memory txs = hashes(TX_Y, TX_X);
        Batch memory settled = settle(100, 101, C4_KEY, txs);
        warpToEvidence();
        WindowProof memory w = window(0);
        uint256 id = slasher.challengeInclusion{value: CHALLENGE_BOND}(c, w);
        TxProof memory p = txProof(txs, 1);
        slasher.proveRollupInclusion(id, c.commitment, settled, p);
        vm.snapshotGasLastCall("inclusion challenge: answered with a rollup batch proof");
    }

    function setUp() public override {
        // The BLS vectors expect the registry the test contract deploys first.
        new Registry(1_700_000_000, 12, 1 ether, 3 * 384, 10 * 384, address(0x5AA5));
        super.setUp();
    }
}
