// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBeaconProofVerifier
/// @notice Checks beacon state proofs against the beacon block roots that EIP-4788 keeps on L1.
///         A proof that does not verify returns false; a timestamp without a root reverts, since
///         then nothing can be judged.
interface IBeaconProofVerifier {
    /// @notice The EIP-4788 contract holds no beacon block root for `timestamp`.
    error BeaconRootNotFound(uint256 timestamp);

    /// @notice The parent beacon block root of the execution block at `timestamp`.
    /// @dev Reverts with `BeaconRootNotFound` if EIP-4788 holds none for it.
    function beaconRoot(uint256 timestamp) external view returns (bytes32);

    /// @notice Whether `proposer_lookahead[lookaheadIndex] == validatorIndex` in the state of the
    ///         beacon block whose root EIP-4788 holds for `timestamp`.
    /// @param chunk The 32-byte lookahead chunk holding the entry (4 little-endian uint64).
    /// @param proof The 13 siblings of `chunk` up to the block root, bottom-up.
    function verifyLookaheadEntry(
        uint256 timestamp,
        uint256 lookaheadIndex,
        uint64 validatorIndex,
        bytes32 chunk,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice Whether validator `validatorIndex` has BLS public key `pubkey` (48 bytes) in the
    ///         state of the beacon block whose root EIP-4788 holds for `timestamp`.
    /// @param proof The 53 siblings of the pubkey's SSZ root up to the block root, bottom-up.
    function verifyValidatorPubkey(
        uint256 timestamp,
        uint64 validatorIndex,
        bytes calldata pubkey,
        bytes32[] calldata proof
    ) external view returns (bool);
}
