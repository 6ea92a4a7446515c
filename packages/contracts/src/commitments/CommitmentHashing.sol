// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Batch, Commitment} from "./Commitments.sol";

/// @title CommitmentHashing
/// @notice EIP-712 hashing of `Commitment` and `Batch` under the domain
///         {name: "Baton", version: "1", chainId: L1, verifyingContract: Slasher}. The TypeScript
///         side (the protocol package, `commitments/types.ts`) produces the same hashes; shared vectors
///         (`packages/protocol/test-vectors/commitments.json`) check both.
library CommitmentHashing {
    /// @notice keccak256 of EIP-712 `encodeType(Commitment)`: the struct's fields, in order.
    bytes32 internal constant COMMITMENT_TYPEHASH = keccak256(
        "Commitment(uint64 targetSlot,uint64 chainId,uint8 kind,bytes32 txHash,uint64 position,bytes32 parent,"
        "bytes32 postStateRoot,uint256 tip,uint256 livenessPenalty,uint256 insurance,address beneficiary,"
        "bytes32 requestHash)"
    );

    /// @notice keccak256 of EIP-712 `encodeType(Batch)`: the struct's fields, in order.
    bytes32 internal constant BATCH_TYPEHASH = keccak256(
        "Batch(uint64 chainId,uint64 number,bytes32 parentHash,uint64 targetSlot,uint64 firstPosition,"
        "uint32 txCount,bytes32 txRoot,bytes32 dataHash,uint64 forcedUpTo)"
    );

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant NAME_HASH = keccak256("Baton");
    bytes32 internal constant VERSION_HASH = keccak256("1");

    /// @notice EIP-712 `hashStruct(commitment)`; also what a child commitment names as `parent`.
    /// @dev `encodeData` is the typehash then each field as one 32-byte word. Every field is a static
    ///      value type, so `abi.encode` of the struct writes exactly those words in declaration order
    ///      (a static tuple is encoded in place). A dynamic field (bytes, string, array) would break
    ///      this; the typehash and vector tests would catch it.
    ///      Plain `abi.encode` rather than assembly over the struct's memory: it cleans each value
    ///      whatever wrote the struct, and hashing is not on a hot path.
    function hash(Commitment memory commitment) internal pure returns (bytes32) {
        // forge-lint: disable-next-line(asm-keccak256)
        return keccak256(abi.encode(COMMITMENT_TYPEHASH, commitment));
    }

    /// @notice EIP-712 `hashStruct(batch)`; also what the next batch names as `parentHash`.
    /// @dev As for `Commitment`: all fields are static, encoded in place in declaration order.
    function hash(Batch memory batch) internal pure returns (bytes32) {
        // forge-lint: disable-next-line(asm-keccak256)
        return keccak256(abi.encode(BATCH_TYPEHASH, batch));
    }

    /// @notice The domain separator on this chain (`block.chainid`) for `verifyingContract` (the Slasher).
    function domainSeparator(address verifyingContract) internal view returns (bytes32) {
        return domainSeparator(block.chainid, verifyingContract);
    }

    /// @notice The domain separator for an explicit L1 chain id.
    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        // forge-lint: disable-next-line(asm-keccak256)
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainId, verifyingContract));
    }

    /// @notice The digest a committer signs: `keccak256(0x1901 || separator || structHash)`.
    function digest(bytes32 separator, bytes32 structHash) internal pure returns (bytes32 result) {
        // Assembly: writes the 66 bytes past the free memory pointer without allocating (memory
        // there is free to use and not assumed clean), then hashes them.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), separator)
            mstore(add(ptr, 0x22), structHash)
            result := keccak256(ptr, 0x42)
        }
    }
}
