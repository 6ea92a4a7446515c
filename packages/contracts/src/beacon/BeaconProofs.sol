// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SSZ} from "./SSZ.sol";

/// @title BeaconProofs
/// @notice Proofs of Fulu beacon state fields against a beacon BLOCK root (as EIP-4788 serves it).
/// @dev Generalized indices (gindices) compose by concatenation: for `g1` then `g2`, with
///      `d2 = floor(log2(g2))`, the result is `g1 * 2**d2 + (g2 - 2**d2)`; depths add up.
///      - `BeaconBlockHeader` has 5 fields (8 leaves, depth 3): `state_root` is field 3, gindex 11.
///      - Fulu `BeaconState` has 38 fields (64 leaves, depth 6): `validators` is field 11
///        (gindex 75), `proposer_lookahead` field 37 (gindex 101).
///      - `proposer_lookahead` is a `Vector[uint64, 64]`: 16 chunks of 4 little-endian uint64
///        (depth 4, no length mix-in), chunk `j` at gindex `16 + j`.
///      - `validators` is a `List[Validator, 2**40]`: the data tree is the left child (gindex 2,
///        the right child is the length mix-in), validator `i` at `2**40 + i` in the data tree.
///      - `Validator` has 8 fields (depth 3): `pubkey` is field 0, gindex 8.
library BeaconProofs {
    /// @notice Number of entries in `proposer_lookahead`: two epochs of 32 slots.
    uint256 internal constant LOOKAHEAD_LENGTH = 64;

    /// @notice Gindex of `state_root` in `BeaconBlockHeader`.
    uint256 internal constant STATE_ROOT_GINDEX = 11;

    /// @notice Gindex of `proposer_lookahead` from the block root: concat(11, 101) = 11 * 64 + 37.
    uint256 internal constant PROPOSER_LOOKAHEAD_GINDEX = 11 * 2 ** 6 + (101 - 2 ** 6); // 741

    /// @notice Gindex of lookahead chunk 0 from the block root: concat(741, 16) = 741 * 16.
    ///         Entry `i` lives in chunk `i / 4`, at gindex `11856 + i / 4`; depth 3 + 6 + 4 = 13.
    uint256 internal constant LOOKAHEAD_FIRST_CHUNK_GINDEX = PROPOSER_LOOKAHEAD_GINDEX * 2 ** 4; // 11856

    /// @notice Gindex of `validators` from the block root: concat(11, 75) = 11 * 64 + 11.
    uint256 internal constant VALIDATORS_GINDEX = 11 * 2 ** 6 + (75 - 2 ** 6); // 715

    /// @notice log2 of the validator registry limit: the depth of the `validators` data tree.
    uint256 internal constant VALIDATOR_REGISTRY_DEPTH = 40;

    /// @notice Gindex of validator 0 from the block root: concat(715, 2, 2**40) = 715 * 2 * 2**40.
    uint256 internal constant FIRST_VALIDATOR_GINDEX = VALIDATORS_GINDEX * 2 * 2 ** VALIDATOR_REGISTRY_DEPTH;

    /// @notice Gindex of `pubkey` in `Validator` (field 0 of 8).
    uint256 internal constant VALIDATOR_PUBKEY_GINDEX = 8;

    /// @notice Siblings in a validator pubkey proof: 3 + 6 + 1 + 40 + 3 = 53.
    uint256 internal constant VALIDATOR_PUBKEY_PROOF_DEPTH = 53;

    /// @notice Siblings in a lookahead chunk proof: 3 + 6 + 4 = 13.
    uint256 internal constant LOOKAHEAD_PROOF_DEPTH = 13;

    /// @notice Gindex, from the block root, of the chunk holding lookahead entry `lookaheadIndex`.
    function lookaheadChunkGindex(uint256 lookaheadIndex) internal pure returns (uint256) {
        return LOOKAHEAD_FIRST_CHUNK_GINDEX + lookaheadIndex / 4;
    }

    /// @notice Gindex, from the block root, of validator `validatorIndex`'s `pubkey`:
    ///         concat(FIRST_VALIDATOR_GINDEX + validatorIndex, 8).
    function validatorPubkeyGindex(uint64 validatorIndex) internal pure returns (uint256) {
        return (FIRST_VALIDATOR_GINDEX + validatorIndex) * VALIDATOR_PUBKEY_GINDEX;
    }

    /// @notice Whether `proposer_lookahead[lookaheadIndex] == validatorIndex` in the state of the
    ///         beacon block with root `blockRoot`.
    /// @param chunk The 32-byte lookahead chunk holding the entry (4 little-endian uint64; entry
    ///        `lookaheadIndex` at byte offset `(lookaheadIndex % 4) * 8`).
    /// @param proof The 13 siblings of `chunk`, bottom-up.
    function verifyLookaheadEntry(
        bytes32 blockRoot,
        uint256 lookaheadIndex,
        uint64 validatorIndex,
        bytes32 chunk,
        bytes32[] memory proof
    ) internal view returns (bool) {
        if (lookaheadIndex >= LOOKAHEAD_LENGTH) return false;
        // The entry's 8 bytes, moved to the top of the word; the truncation keeps exactly them.
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes8 entry = bytes8(chunk << ((lookaheadIndex % 4) * 64));
        if (entry != bytes8(SSZ.toLittleEndian(validatorIndex))) return false;
        return SSZ.verifyProof(proof, blockRoot, chunk, lookaheadChunkGindex(lookaheadIndex));
    }

    /// @notice Whether validator `validatorIndex` has public key `pubkey` in the state of the beacon
    ///         block with root `blockRoot`.
    /// @param pubkey The 48-byte BLS public key (compressed G1 point).
    /// @param proof The 53 siblings of the pubkey's root, bottom-up.
    function verifyValidatorPubkey(
        bytes32 blockRoot,
        uint64 validatorIndex,
        bytes memory pubkey,
        bytes32[] memory proof
    ) internal view returns (bool) {
        if (pubkey.length != 48) return false;
        // Indices past the registry limit would carry into the gindex bits above the data tree.
        if (validatorIndex >= 2 ** VALIDATOR_REGISTRY_DEPTH) return false;
        return SSZ.verifyProof(proof, blockRoot, SSZ.pubkeyRoot(pubkey), validatorPubkeyGindex(validatorIndex));
    }
}
