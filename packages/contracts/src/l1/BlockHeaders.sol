// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RLP} from "./RLP.sol";

/// @title BlockHeaders
/// @notice Reads L1 execution block headers and the hashes of earlier L1 blocks.
/// @dev A header is the RLP list the block hash is the keccak256 of: parentHash (0), ommersHash (1),
///      coinbase (2), stateRoot (3), transactionsRoot (4), receiptsRoot (5), logsBloom (6),
///      difficulty (7), number (8), gasLimit (9), gasUsed (10), timestamp (11), extraData (12), then
///      fields each fork appends (mixHash, nonce, baseFeePerGas, withdrawalsRoot, ...). Only the
///      fields read here are decoded; the others are checked to be well-formed RLP items.
library BlockHeaders {
    /// @notice EIP-2935 `HISTORY_STORAGE_ADDRESS`: serves the hashes of the last 8191 blocks.
    address internal constant HISTORY_STORAGE_ADDRESS = 0x0000F90827F1C53a10cb7A02335B175320002935;

    /// @notice EIP-2935 `HISTORY_SERVE_WINDOW`.
    uint256 internal constant HISTORY_SERVE_WINDOW = 8191;

    /// @notice The header is a well-formed RLP list but not a block header (too few fields, or a
    ///         field of the wrong size).
    error BlockHeaderInvalid();

    /// @notice The fields of a header that the protocol reads.
    struct Header {
        /// @notice keccak256 of the RLP header: the block hash.
        bytes32 hash;
        bytes32 transactionsRoot;
        uint64 number;
        uint64 timestamp;
    }

    /// @notice Decodes the raw RLP `header`.
    /// @dev Reverts with `RLP.RLPInvalid` for malformed RLP and `BlockHeaderInvalid` for a list that
    ///      cannot be a header (fewer than 15 fields, the pre-London count, or a field read here out of range).
    function decode(bytes memory header) internal pure returns (Header memory decoded) {
        RLP.Item[] memory fields = RLP.readList(RLP.toItem(header));
        if (fields.length < 15) revert BlockHeaderInvalid();
        uint256 number = RLP.readUint(fields[8]);
        uint256 timestamp = RLP.readUint(fields[11]);
        if (number > type(uint64).max || timestamp > type(uint64).max) revert BlockHeaderInvalid();
        decoded.hash = keccak256(header);
        decoded.transactionsRoot = RLP.readBytes32(fields[4]);
        // Casting to uint64 is safe: both were checked against type(uint64).max above.
        // forge-lint: disable-next-line(unsafe-typecast)
        decoded.number = uint64(number);
        // forge-lint: disable-next-line(unsafe-typecast)
        decoded.timestamp = uint64(timestamp);
    }

    /// @notice The hash of block `blockNumber`, if this chain still serves it: from the BLOCKHASH opcode
    ///         for the last 256 blocks, else from the EIP-2935 history contract (the last 8191).
    /// @return found False for the current or a future block, a block older than the window, or
    ///         when the history contract is missing or holds no hash for it. Never reverts.
    /// @return hash The block hash; zero when not found.
    function blockHash(uint256 blockNumber) internal view returns (bool found, bytes32 hash) {
        if (blockNumber >= block.number) return (false, bytes32(0));
        if (block.number - blockNumber <= 256) {
            hash = blockhash(blockNumber);
        } else if (block.number - blockNumber <= HISTORY_SERVE_WINDOW) {
            // The contract reverts outside its window; an address without code answers with no data.
            // Assembly: a fixed 32-byte answer, read from the scratch space without copying
            // whatever else a call might return.
            address history = HISTORY_STORAGE_ADDRESS;
            assembly ("memory-safe") {
                mstore(0x00, blockNumber)
                // Separate statements: Yul evaluates arguments right to left.
                let ok := staticcall(gas(), history, 0x00, 0x20, 0x00, 0x20)
                if and(ok, eq(returndatasize(), 0x20)) { hash := mload(0x00) }
            }
        }
        // No block hashes to zero: zero means that no hash was stored.
        found = hash != bytes32(0);
    }
}
