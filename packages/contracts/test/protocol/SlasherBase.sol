// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitmentHashing} from "../../src/commitments/CommitmentHashing.sol";
import {Batch, Commitment, KIND_INCLUSION, KIND_ORDERING} from "../../src/commitments/Commitments.sol";
import {IInbox} from "../../src/inbox/IInbox.sol";
import {LookaheadEntry} from "../../src/lookahead/ILookaheadStore.sol";
import {SignedBatch, SignedCommitment, TxProof, WindowProof} from "../../src/slasher/ISlasher.sol";
import {ProtocolBase} from "./ProtocolBase.sol";

/// @notice Slasher fixtures: epoch 3's true list posted; the window of validator 4 ends at slot 101
///         (committer C4, entry 0); validator 1's at 102 (C1, entry 1).
abstract contract SlasherBase is ProtocolBase {
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal watcher = address(0x7A7C4);
    LookaheadEntry[] internal list3;

    function setUp() public virtual override {
        super.setUp();
        LookaheadEntry[] memory list = postEpoch3();
        for (uint256 i = 0; i < list.length; ++i) list3.push(list[i]);
        vm.deal(watcher, 10 ether);
    }

    function window(uint256 index) internal view returns (WindowProof memory) {
        return WindowProof({epoch: 3, entries: list3, index: index});
    }

    function entries() internal view returns (LookaheadEntry[] memory) {
        return list3;
    }

    function commitment(uint8 kind, uint64 position, bytes32 parent, bytes32 txHash, address user)
        internal
        view
        returns (Commitment memory)
    {
        return Commitment({
            targetSlot: 101,
            chainId: ROLLUP_A,
            kind: kind,
            txHash: txHash,
            position: position,
            parent: parent,
            postStateRoot: bytes32(0),
            tip: 0.001 ether,
            livenessPenalty: 0.5 ether,
            insurance: user == alice ? 1 ether : 2 ether,
            beneficiary: user,
            requestHash: keccak256(abi.encode(txHash, user))
        });
    }

    function signed(uint256 key, Commitment memory c) internal view returns (SignedCommitment memory) {
        return SignedCommitment({commitment: c, signature: signCommitment(key, c)});
    }

    function signedBatch(uint256 key, Batch memory b) internal view returns (SignedBatch memory) {
        return SignedBatch({batch: b, signature: signBatch(key, b)});
    }

    /// @notice Settles `txs` for ROLLUP_A at `slot` in a batch signed by the committer of that slot's window.
    function settle(uint256 slot, uint64 targetSlot, uint256 key, bytes32[] memory txs)
        internal
        returns (Batch memory b)
    {
        warpToSlot(slot);
        b = nextBatch(ROLLUP_A, targetSlot, txs, hex"aa");
        inbox.propose(one(input(b, signBatch(key, b), hex"aa")), entries(), empty());
    }

    function txProof(bytes32[] memory txs, uint256 index) internal pure returns (TxProof memory) {
        return TxProof({index: index, leaf: txs[index], proof: merkleProof(txs, index)});
    }

    function noTxProof() internal pure returns (TxProof memory) {
        return TxProof({index: 0, leaf: bytes32(0), proof: new bytes32[](0)});
    }

    function emptyBatch() internal pure returns (Batch memory b) {}

    /// @notice Moves to the first moment evidence about epoch 3 is accepted.
    function warpToEvidence() internal {
        vm.warp(lookahead.finalAt(3));
    }

    function collateral(bytes32 registration) internal view returns (uint256) {
        return registry.registrationOf(registration).collateral;
    }

    function hashOf(Commitment memory c) internal pure returns (bytes32) {
        return CommitmentHashing.hash(c);
    }

    function inclusion(bytes32 txHash, address user) internal view returns (Commitment memory c) {
        c = commitment(KIND_INCLUSION, 0, bytes32(0), txHash, user);
    }

    function ordering(uint64 position, bytes32 parent, bytes32 txHash, address user)
        internal
        view
        returns (Commitment memory)
    {
        return commitment(KIND_ORDERING, position, parent, txHash, user);
    }

    function rollupState() internal view returns (IInbox.RollupState memory) {
        return inbox.rollup(ROLLUP_A);
    }
}
