// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BeaconProofs} from "./BeaconProofs.sol";
import {BeaconRoots} from "./BeaconRoots.sol";
import {IBeaconProofVerifier} from "./IBeaconProofVerifier.sol";

/// @title BeaconProofVerifier
/// @notice Stateless: lets off-chain code check its beacon proofs on-chain exactly as the protocol
///         contracts will.
contract BeaconProofVerifier is IBeaconProofVerifier {
    /// @inheritdoc IBeaconProofVerifier
    function beaconRoot(uint256 timestamp) public view returns (bytes32) {
        (bool found, bytes32 root) = BeaconRoots.tryGet(timestamp);
        if (!found) revert BeaconRootNotFound(timestamp);
        return root;
    }

    /// @inheritdoc IBeaconProofVerifier
    function verifyLookaheadEntry(
        uint256 timestamp,
        uint256 lookaheadIndex,
        uint64 validatorIndex,
        bytes32 chunk,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return BeaconProofs.verifyLookaheadEntry(beaconRoot(timestamp), lookaheadIndex, validatorIndex, chunk, proof);
    }

    /// @inheritdoc IBeaconProofVerifier
    function verifyValidatorPubkey(
        uint256 timestamp,
        uint64 validatorIndex,
        bytes calldata pubkey,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return BeaconProofs.verifyValidatorPubkey(beaconRoot(timestamp), validatorIndex, pubkey, proof);
    }
}
