// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RLP
/// @notice A minimal reader of Recursive Length Prefix encodings (Ethereum yellow paper, appendix B)
///         held in memory. Every read is bounds-checked against the enclosing item and accepts only
///         canonical encodings (the shortest form, as every client writes them); anything else
///         reverts with `RLPInvalid`.
/// @dev An `Item` points into the caller's `bytes`: it copies nothing, so the bytes must stay
///      unchanged while the item is used.
library RLP {
    /// @notice The input is not a canonical RLP encoding of the expected shape.
    error RLPInvalid();

    /// @notice One encoded item in memory: the memory address of its first byte (the prefix, or the
    ///         byte itself if below 0x80) in the high 128 bits, its whole encoded length (prefix plus
    ///         payload) in the low 128. One word, so that lists of items cost one word per item.
    type Item is uint256;

    /// @notice `data` as one item; reverts unless `data` is exactly one canonical item.
    function toItem(bytes memory data) internal pure returns (Item item) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(data, 0x20)
        }
        (, uint256 offset, uint256 length) = _prefix(ptr, data.length);
        // No overflow: _prefix bounds both by data.length.
        if (offset + length != data.length) revert RLPInvalid();
        item = _item(ptr, data.length);
    }

    /// @notice The memory address of `item`'s first byte.
    function pointer(Item item) internal pure returns (uint256) {
        return Item.unwrap(item) >> 128;
    }

    /// @notice `item`'s whole encoded length: prefix plus payload.
    function encodedLength(Item item) internal pure returns (uint256) {
        return uint128(Item.unwrap(item));
    }

    /// @notice Whether `item` is a list.
    function isList(Item item) internal pure returns (bool list) {
        (list,,) = _prefix(pointer(item), encodedLength(item));
    }

    /// @notice The memory address and length of `item`'s payload (a byte string's bytes, or a
    ///         list's concatenated encoded items).
    function payload(Item item) internal pure returns (bool list, uint256 ptr, uint256 len) {
        uint256 offset;
        ptr = pointer(item);
        (list, offset, len) = _prefix(ptr, encodedLength(item));
        unchecked {
            ptr += offset;
        }
    }

    /// @notice The items of list `item`, in order; reverts if `item` is not a list or its payload
    ///         is not exactly a sequence of items.
    function readList(Item item) internal pure returns (Item[] memory items) {
        (bool list, uint256 ptr, uint256 len) = payload(item);
        if (!list) revert RLPInvalid();
        // One pass, writing the items where the array will be: at the free memory pointer, moved
        // past them at the end (nothing allocates in between; a revert discards everything).
        // Unchecked: every cursor stays within [ptr, ptr + len], a range of existing memory.
        uint256 slot;
        assembly ("memory-safe") {
            items := mload(0x40)
            slot := add(items, 0x20)
        }
        unchecked {
            uint256 end = ptr + len;
            uint256 cursor = ptr;
            while (cursor < end) {
                (, uint256 offset, uint256 length) = _prefix(cursor, end - cursor);
                Item next = _item(cursor, offset + length);
                assembly ("memory-safe") {
                    mstore(slot, next)
                }
                slot += 0x20;
                cursor += offset + length;
            }
        }
        assembly ("memory-safe") {
            mstore(items, shr(5, sub(slot, add(items, 0x20))))
            mstore(0x40, slot)
        }
    }

    /// @notice A copy of byte string `item`'s payload; reverts if `item` is a list.
    function readBytes(Item item) internal pure returns (bytes memory out) {
        (bool list, uint256 ptr, uint256 len) = payload(item);
        if (list) revert RLPInvalid();
        out = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), ptr, len)
        }
    }

    /// @notice Byte string `item` of exactly 32 bytes, as a bytes32.
    function readBytes32(Item item) internal pure returns (bytes32 value) {
        (bool list, uint256 ptr, uint256 len) = payload(item);
        if (list || len != 32) revert RLPInvalid();
        assembly ("memory-safe") {
            value := mload(ptr)
        }
    }

    /// @notice Byte string `item` as a big-endian unsigned integer: at most 32 bytes, no leading
    ///         zero byte (zero is the empty string).
    function readUint(Item item) internal pure returns (uint256 value) {
        (bool list, uint256 ptr, uint256 len) = payload(item);
        if (list || len > 32) revert RLPInvalid();
        if (len == 0) return 0;
        assembly ("memory-safe") {
            value := shr(shl(3, sub(32, len)), mload(ptr))
        }
        // A leading zero byte leaves the value shorter than its encoding.
        if (value >> ((len - 1) * 8) == 0) revert RLPInvalid();
    }

    /// @notice keccak256 of `item`'s whole encoding.
    function hash(Item item) internal pure returns (bytes32 digest) {
        uint256 ptr = pointer(item);
        uint256 len = encodedLength(item);
        assembly ("memory-safe") {
            digest := keccak256(ptr, len)
        }
    }

    function _item(uint256 ptr, uint256 len) private pure returns (Item) {
        // Memory addresses and lengths of items in memory fit in 128 bits.
        return Item.wrap((ptr << 128) | len);
    }

    /// @notice Decodes the prefix of the item at `ptr`, of which at most `available` bytes may be
    ///         read, and checks that its payload fits within them.
    /// @return list Whether it is a list.
    /// @return offset The prefix length (0 for a single byte below 0x80, which is its own payload).
    /// @return len The payload length.
    function _prefix(uint256 ptr, uint256 available) private pure returns (bool list, uint256 offset, uint256 len) {
        bool bad;
        // Assembly: this runs for every item read, and checked Solidity costs several times more.
        // Reading a few bytes past `available` is harmless (memory reads never fail); what is read
        // there is only used when the bounds check below has passed.
        assembly ("memory-safe") {
            let b0 := byte(0, mload(ptr))
            switch lt(b0, 0xc0)
            case 1 {
                switch lt(b0, 0x80)
                case 1 {
                    // A single byte below 0x80 is its own payload.
                    len := 1
                }
                default {
                    switch lt(b0, 0xb8)
                    case 1 {
                        offset := 1
                        len := sub(b0, 0x80)
                        // A single byte below 0x80 must be encoded as itself.
                        if and(eq(len, 1), lt(byte(0, mload(add(ptr, 1))), 0x80)) { bad := 1 }
                    }
                    default {
                        let lengthBytes := sub(b0, 0xb7)
                        offset := add(1, lengthBytes)
                        len := shr(sub(256, shl(3, lengthBytes)), mload(add(ptr, 1)))
                        // The long form only for payloads over 55 bytes, and no leading zero.
                        if or(lt(len, 56), iszero(byte(0, mload(add(ptr, 1))))) { bad := 1 }
                    }
                }
            }
            default {
                list := 1
                switch lt(b0, 0xf8)
                case 1 {
                    offset := 1
                    len := sub(b0, 0xc0)
                }
                default {
                    let lengthBytes := sub(b0, 0xf7)
                    offset := add(1, lengthBytes)
                    len := shr(sub(256, shl(3, lengthBytes)), mload(add(ptr, 1)))
                    if or(lt(len, 56), iszero(byte(0, mload(add(ptr, 1))))) { bad := 1 }
                }
            }
            // offset <= 9 and len < 2**64: the sum cannot overflow. Also catches available == 0.
            if gt(add(offset, len), available) { bad := 1 }
        }
        if (bad) revert RLPInvalid();
    }
}
