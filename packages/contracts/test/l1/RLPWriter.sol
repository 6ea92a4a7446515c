// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Canonical RLP encoding, to build test inputs for the reader.
library RLPWriter {
    function encodeBytes(bytes memory data) internal pure returns (bytes memory) {
        if (data.length == 1 && uint8(data[0]) < 0x80) return data;
        return bytes.concat(_prefix(0x80, data.length), data);
    }

    function encodeUint(uint256 value) internal pure returns (bytes memory) {
        return encodeBytes(toMinimalBigEndian(value));
    }

    function encodeList(bytes[] memory items) internal pure returns (bytes memory payload) {
        for (uint256 i; i < items.length; i++) {
            payload = bytes.concat(payload, items[i]);
        }
        return bytes.concat(_prefix(0xc0, payload.length), payload);
    }

    /// @notice `value` in big-endian without leading zero bytes (empty for 0).
    function toMinimalBigEndian(uint256 value) internal pure returns (bytes memory out) {
        uint256 length;
        for (uint256 v = value; v != 0; v >>= 8) length++;
        bytes memory word = abi.encode(value);
        out = new bytes(length);
        for (uint256 i; i < length; i++) {
            out[i] = word[32 - length + i];
        }
    }

    function _prefix(uint256 offset, uint256 length) private pure returns (bytes memory) {
        // The prefix byte is nonzero and below 0x100: one byte.
        if (length <= 55) return toMinimalBigEndian(offset + length);
        bytes memory lengthBytes = toMinimalBigEndian(length);
        return bytes.concat(toMinimalBigEndian(offset + 55 + lengthBytes.length), lengthBytes);
    }
}
