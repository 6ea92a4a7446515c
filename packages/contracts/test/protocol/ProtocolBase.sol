// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconRoots} from "../../src/beacon/BeaconRoots.sol";
import {CommitmentHashing} from "../../src/commitments/CommitmentHashing.sol";
import {Batch, Commitment} from "../../src/commitments/Commitments.sol";
import {IInbox} from "../../src/inbox/IInbox.sol";
import {Inbox} from "../../src/inbox/Inbox.sol";
import {ILookaheadStore, LookaheadEntry, ProposerProof} from "../../src/lookahead/ILookaheadStore.sol";
import {LookaheadStore} from "../../src/lookahead/LookaheadStore.sol";
import {Slasher} from "../../src/slasher/Slasher.sol";
import {BeaconRootsCode} from "../beacon/BeaconRootsCode.sol";
import {Test} from "../utils/Test.sol";
import {LookaheadVectors} from "./LookaheadVectors.sol";
import {RegistryHarness} from "./RegistryHarness.sol";

/// @notice Deploys the four protocol contracts wired together, with two opted-in sequencers taken
///         from the beacon vectors: validator 4 (committer key C4) and validator 1 (committer C1).
///         With `proposer_lookahead[i] = (i * 5 + 3) % 8`, epoch 3 (slots 96..127) has validator 4
///         at slots 101, 109, 117, 125 and validator 1 at 102, 110, 118, 126.
abstract contract ProtocolBase is Test {
    uint256 internal constant SLOT = 12;
    uint256 internal constant EPOCH = 32 * SLOT;
    uint256 internal constant MIN_COLLATERAL = 1 ether;
    uint256 internal constant COLLATERAL = 10 ether;
    uint256 internal constant COMMITTER_DELAY = 3 * EPOCH;
    uint256 internal constant CLAIM_DELAY = 10 * EPOCH;
    uint256 internal constant POSTING_BOND = 1 ether;
    uint256 internal constant LOOKAHEAD_CHALLENGE_WINDOW = EPOCH;
    uint256 internal constant FORCED_DELAY = 3 * EPOCH;
    uint256 internal constant MIN_FORCED_FEE = 0.01 ether;
    uint256 internal constant MAX_INACTIVITY = 20 * EPOCH;
    uint256 internal constant EVIDENCE_WINDOW = 2 * EPOCH;
    uint256 internal constant RESPONSE_WINDOW = EPOCH;
    uint256 internal constant CHALLENGE_BOND = 0.1 ether;
    uint256 internal constant REWARD_BPS = 1000;

    uint64 internal constant ROLLUP_A = 167_001;
    uint64 internal constant ROLLUP_B = 167_002;

    uint256 internal constant C4_KEY = 0xC4C4;
    uint256 internal constant C1_KEY = 0xC1C1;
    uint256 internal constant MALLORY_KEY = 0xBADBAD;

    RegistryHarness internal registry;
    LookaheadStore internal lookahead;
    Inbox internal inbox;
    Slasher internal slasher;

    address internal c4;
    address internal c1;
    address internal owner4 = address(0x0A04);
    address internal owner1 = address(0x0A01);
    bytes32 internal reg4;
    bytes32 internal reg1;

    function setUp() public virtual {
        vm.warp(genesis());
        c4 = vm.addr(C4_KEY);
        c1 = vm.addr(C1_KEY);
        uint64 nonce = vm.getNonce(address(this));
        address slasherAddress = vm.computeCreateAddress(address(this), nonce + 3);
        registry = new RegistryHarness(genesis(), SLOT, MIN_COLLATERAL, COMMITTER_DELAY, CLAIM_DELAY, slasherAddress);
        lookahead = new LookaheadStore(genesis(), SLOT, registry, POSTING_BOND, LOOKAHEAD_CHALLENGE_WINDOW);
        inbox = new Inbox(genesis(), SLOT, lookahead, slasherAddress, forcedDelay(), MIN_FORCED_FEE, maxInactivity());
        slasher = new Slasher(
            genesis(), SLOT, registry, lookahead, inbox, EVIDENCE_WINDOW, RESPONSE_WINDOW, CHALLENGE_BOND, REWARD_BPS
        );
        assertEq(uint256(uint160(address(slasher))), uint256(uint160(slasherAddress)), "slasher address");
        BeaconRootsCode.install(vm, BeaconRoots.ADDRESS);

        (reg4,) = LookaheadVectors.pubkey(4);
        (reg1,) = LookaheadVectors.pubkey(1);
        vm.deal(address(this), 1000 ether);
        registry.registerUnchecked{value: COLLATERAL}(reg4, owner4);
        registry.registerUnchecked{value: COLLATERAL}(reg1, owner1);
        vm.warp(genesis() + 1);
        vm.prank(owner4);
        registry.optIn(reg4, c4);
        vm.prank(owner1);
        registry.optIn(reg1, c1);
        inbox.registerRollup(ROLLUP_A);
        inbox.registerRollup(ROLLUP_B);
    }

    /// @notice Genesis time of the beacon chain the tests run on.
    function genesis() internal pure virtual returns (uint256) {
        return 1_700_000_000;
    }

    function forcedDelay() internal pure virtual returns (uint256) {
        return FORCED_DELAY;
    }

    function maxInactivity() internal pure virtual returns (uint256) {
        return MAX_INACTIVITY;
    }

    // ---- time --------------------------------------------------------------------------------

    function slotTime(uint256 slot) internal pure returns (uint256) {
        return genesis() + slot * SLOT;
    }

    function warpToSlot(uint256 slot) internal {
        vm.warp(slotTime(slot));
    }

    /// @notice Records a beacon root for the L1 block of `slot`, i.e. the slot produced a block.
    function produce(uint256 slot) internal {
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, slotTime(slot), keccak256(abi.encode("block", slot)));
    }

    // ---- lookahead ---------------------------------------------------------------------------

    /// @notice The true list of epoch 3.
    function epoch3() internal view returns (LookaheadEntry[] memory list) {
        list = new LookaheadEntry[](8);
        for (uint256 k = 0; k < 4; ++k) {
            list[2 * k] = LookaheadEntry(uint64(101 + 8 * k), reg4, c4);
            list[2 * k + 1] = LookaheadEntry(uint64(102 + 8 * k), reg1, c1);
        }
    }

    /// @notice The true list of epoch 2 (slots 69, 70, 77, 78, 85, 86, 93, 94).
    function epoch2() internal view returns (LookaheadEntry[] memory list) {
        list = new LookaheadEntry[](8);
        for (uint256 k = 0; k < 4; ++k) {
            list[2 * k] = LookaheadEntry(uint64(69 + 8 * k), reg4, c4);
            list[2 * k + 1] = LookaheadEntry(uint64(70 + 8 * k), reg1, c1);
        }
    }

    function empty() internal pure returns (LookaheadEntry[] memory) {
        return new LookaheadEntry[](0);
    }

    function post(uint64 epoch, LookaheadEntry[] memory list) internal {
        lookahead.post{value: POSTING_BOND}(epoch, list);
    }

    /// @notice Posts the true epoch-3 list during epoch 2 and returns it.
    function postEpoch3() internal returns (LookaheadEntry[] memory list) {
        list = epoch3();
        if (block.timestamp < slotTime(64)) vm.warp(slotTime(64));
        post(3, list);
    }

    /// @notice A proof of the proposer of `slot` (epoch 2 or 3), from the vector block recorded
    ///         in EIP-4788 under the timestamp of slot 96.
    function proposerProof(uint64 slot) internal returns (ProposerProof memory proof) {
        BeaconRootsCode.record(vm, BeaconRoots.ADDRESS, slotTime(96), LookaheadVectors.BLOCK_ROOT);
        uint256 index = slot - 64;
        uint64 validator = LookaheadVectors.proposerAt(index);
        (bytes32 chunk, bytes32[] memory chunkProof) = LookaheadVectors.lookaheadChunk(index / 4);
        (bytes32 keyRoot, bytes32[] memory keyProof) = LookaheadVectors.pubkey(validator);
        proof = ProposerProof({
            beaconTimestamp: slotTime(96),
            beaconSlot: LookaheadVectors.BEACON_SLOT,
            slotProof: LookaheadVectors.slotProof(),
            lookaheadChunk: chunk,
            lookaheadProof: chunkProof,
            validatorIndex: validator,
            pubkeyRoot: keyRoot,
            pubkeyProof: keyProof
        });
    }

    // ---- signing -----------------------------------------------------------------------------

    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function signCommitment(uint256 key, Commitment memory c) internal view returns (bytes memory) {
        return signDigest(key, CommitmentHashing.digest(slasher.domainSeparator(), CommitmentHashing.hash(c)));
    }

    function signBatch(uint256 key, Batch memory b) internal view returns (bytes memory) {
        return signDigest(key, CommitmentHashing.digest(slasher.domainSeparator(), CommitmentHashing.hash(b)));
    }

    // ---- batches -----------------------------------------------------------------------------

    /// @notice keccak Merkle root over `leaves` as `TxRoot` defines it.
    function merkleRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        if (leaves.length == 0) return bytes32(0);
        uint256 width = 1;
        while (width < leaves.length) width <<= 1;
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < leaves.length; ++i) level[i] = leaves[i];
        while (width > 1) {
            width >>= 1;
            for (uint256 i = 0; i < width; ++i) level[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
        }
        return level[0];
    }

    function merkleProof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory proof) {
        uint256 width = 1;
        uint256 depth;
        while (width < leaves.length) {
            width <<= 1;
            ++depth;
        }
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < leaves.length; ++i) level[i] = leaves[i];
        proof = new bytes32[](depth);
        for (uint256 d = 0; d < depth; ++d) {
            proof[d] = level[index ^ 1];
            width >>= 1;
            for (uint256 i = 0; i < width; ++i) level[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
            index >>= 1;
        }
    }

    /// @notice The next batch of `chainId` carrying `txHashes`, its data being `data`.
    function nextBatch(uint64 chainId, uint64 targetSlot, bytes32[] memory txHashes, bytes memory data)
        internal
        view
        returns (Batch memory b)
    {
        IInbox.RollupState memory r = inbox.rollup(chainId);
        b = Batch({
            chainId: chainId,
            number: r.nextNumber,
            parentHash: r.lastBatchHash,
            targetSlot: targetSlot,
            firstPosition: r.nextPosition,
            // forge-lint: disable-next-line(unsafe-typecast)
            txCount: uint32(txHashes.length),
            txRoot: merkleRoot(txHashes),
            dataHash: keccak256(data),
            forcedUpTo: r.forcedHead
        });
    }

    function input(Batch memory b, bytes memory signature, bytes memory data)
        internal
        pure
        returns (IInbox.BatchInput memory)
    {
        return IInbox.BatchInput({batch: b, signature: signature, data: data, blobIndices: new uint8[](0)});
    }

    function one(IInbox.BatchInput memory i) internal pure returns (IInbox.BatchInput[] memory list) {
        list = new IInbox.BatchInput[](1);
        list[0] = i;
    }

    function hashes(bytes32 a) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](1);
        list[0] = a;
    }

    function hashes(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](2);
        list[0] = a;
        list[1] = b;
    }
}
