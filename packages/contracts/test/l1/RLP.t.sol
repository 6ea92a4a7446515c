// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RLP} from "../../src/l1/RLP.sol";
import {Test} from "../utils/Test.sol";
import {RLPWriter} from "./RLPWriter.sol";

/// @notice External entry points, so that reverts can be expected and caught.
contract RLPHarness {
    function readBytes(bytes memory data) external pure returns (bytes memory) {
        return RLP.readBytes(RLP.toItem(data));
    }

    function readUint(bytes memory data) external pure returns (uint256) {
        return RLP.readUint(RLP.toItem(data));
    }

    function readBytes32(bytes memory data) external pure returns (bytes32) {
        return RLP.readBytes32(RLP.toItem(data));
    }

    function isList(bytes memory data) external pure returns (bool) {
        return RLP.isList(RLP.toItem(data));
    }

    /// @notice The whole encoding of each item of list `data`.
    function readList(bytes memory data) external pure returns (bytes[] memory encodings) {
        RLP.Item[] memory items = RLP.readList(RLP.toItem(data));
        encodings = new bytes[](items.length);
        for (uint256 i; i < items.length; i++) {
            uint256 from = RLP.pointer(items[i]);
            uint256 len = RLP.encodedLength(items[i]);
            bytes memory encoding = new bytes(len);
            assembly ("memory-safe") {
                mcopy(add(encoding, 0x20), from, len)
            }
            encodings[i] = encoding;
            assertSameHash(items[i], encoding);
        }
    }

    function assertSameHash(RLP.Item item, bytes memory encoding) private pure {
        require(RLP.hash(item) == keccak256(encoding), "hash");
    }
}

contract RLPTest is Test {
    RLPHarness internal harness;

    function setUp() public {
        harness = new RLPHarness();
    }

    function expectInvalid() internal {
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
    }

    function test_readBytes_shortForms() public view {
        assertEq(harness.readBytes(hex"00"), hex"00", "single byte 0x00");
        assertEq(harness.readBytes(hex"7f"), hex"7f", "single byte 0x7f");
        assertEq(harness.readBytes(hex"80"), "", "empty string");
        assertEq(harness.readBytes(hex"8180"), hex"80", "one byte >= 0x80");
        assertEq(harness.readBytes(hex"83646f67"), "dog", "short string");
    }

    function test_readBytes_longForm() public view {
        bytes memory data = new bytes(56);
        data[55] = 0x01;
        assertEq(harness.readBytes(bytes.concat(hex"b838", data)), data, "56 bytes");
        bytes memory big = new bytes(1024);
        assertEq(harness.readBytes(bytes.concat(hex"b90400", big)), big, "1024 bytes");
    }

    function test_readUint_values() public view {
        assertEq(harness.readUint(hex"80"), 0, "zero");
        assertEq(harness.readUint(hex"01"), 1, "one");
        assertEq(harness.readUint(hex"7f"), 0x7f, "0x7f");
        assertEq(harness.readUint(hex"8180"), 0x80, "0x80");
        assertEq(harness.readUint(hex"8401c9c380"), 30_000_000, "30M");
        assertEq(
            harness.readUint(bytes.concat(hex"a0", bytes32(type(uint256).max))), type(uint256).max, "max uint256"
        );
    }

    function test_readUint_rejectsLeadingZeros() public {
        expectInvalid();
        harness.readUint(hex"00");
        expectInvalid();
        harness.readUint(hex"820001");
    }

    function test_readUint_rejectsOver32Bytes() public {
        expectInvalid();
        harness.readUint(bytes.concat(hex"a1", bytes1(0x01), bytes32(0)));
    }

    function test_readUint_rejectsList() public {
        expectInvalid();
        harness.readUint(hex"c0");
    }

    function test_readBytes32_exactly32() public {
        bytes32 word = keccak256("word");
        assertEq(harness.readBytes32(bytes.concat(hex"a0", word)), word, "32 bytes");
        expectInvalid();
        harness.readBytes32(bytes.concat(hex"9f", new bytes(31)));
    }

    function test_readList_items() public view {
        // ["cat", ["puppy", ""], 0x0400]
        bytes[] memory items = harness.readList(hex"cf83636174c785707570707980820400");
        assertEq(items.length, 3, "three items");
        assertEq(items[0], hex"83636174", "cat");
        assertEq(items[1], hex"c785707570707980", "nested list");
        assertEq(items[2], hex"820400", "number");
        assertEq(harness.readList(hex"c0").length, 0, "empty list");
        assertTrue(harness.isList(hex"c0"), "c0 is a list");
        assertFalse(harness.isList(hex"80"), "80 is a string");
    }

    function test_readList_longForm() public view {
        bytes[] memory raw = new bytes[](20);
        for (uint256 i; i < raw.length; i++) {
            raw[i] = RLPWriter.encodeBytes(RLPWriter.toMinimalBigEndian(0x10000 + i));
        }
        bytes[] memory items = harness.readList(RLPWriter.encodeList(raw));
        assertEq(items.length, 20, "count");
        for (uint256 i; i < raw.length; i++) {
            assertEq(items[i], raw[i], "item");
        }
    }

    function test_readList_rejectsString() public {
        expectInvalid();
        harness.readList(hex"83636174");
    }

    function test_readBytes_rejectsList() public {
        expectInvalid();
        harness.readBytes(hex"c0");
    }

    function test_toItem_rejectsNonCanonical() public {
        // A byte below 0x80 wrapped in a one-byte string.
        expectInvalid();
        harness.readBytes(hex"8100");
        // Long form for a 1-byte length.
        expectInvalid();
        harness.readBytes(hex"b80161");
        // Long length with a leading zero.
        expectInvalid();
        harness.readBytes(bytes.concat(hex"b90038", new bytes(56)));
        // Long list form for a short list.
        expectInvalid();
        harness.readList(hex"f80180");
    }

    function test_toItem_rejectsTruncatedAndTrailing() public {
        expectInvalid();
        harness.readBytes("");
        expectInvalid();
        harness.readBytes(hex"83646f");
        expectInvalid();
        harness.readBytes(hex"b9");
        expectInvalid();
        harness.readBytes(hex"b904");
        expectInvalid();
        harness.readBytes(hex"83646f6767");
        expectInvalid();
        harness.readBytes(hex"0101");
        // A list whose payload ends inside an item.
        expectInvalid();
        harness.readList(hex"c283646f67");
        // A list whose declared length ends inside an item.
        expectInvalid();
        harness.readList(hex"c483646f");
        // A length of 2**64 - 1.
        expectInvalid();
        harness.readBytes(hex"bfffffffffffffffff00");
    }

    function testFuzz_readBytes_roundTrip(bytes memory data) public view {
        assertEq(harness.readBytes(RLPWriter.encodeBytes(data)), data, "round trip");
    }

    function testFuzz_readUint_roundTrip(uint256 value) public view {
        assertEq(harness.readUint(RLPWriter.encodeUint(value)), value, "round trip");
    }

    function testFuzz_readList_roundTrip(bytes[] memory strings) public view {
        bytes[] memory raw = new bytes[](strings.length);
        for (uint256 i; i < strings.length; i++) {
            raw[i] = RLPWriter.encodeBytes(strings[i]);
        }
        bytes[] memory items = harness.readList(RLPWriter.encodeList(raw));
        assertEq(items.length, raw.length, "count");
        for (uint256 i; i < raw.length; i++) {
            assertEq(items[i], raw[i], "item");
        }
    }

    /// @notice Arbitrary bytes either decode or revert with RLPInvalid, never otherwise.
    function testFuzz_readList_onlyRLPInvalid(bytes memory data) public view {
        try harness.readList(data) returns (bytes[] memory items) {
            // It decoded: re-encoding the items gives the input back (canonical encodings only).
            bytes memory payload;
            for (uint256 i; i < items.length; i++) {
                payload = bytes.concat(payload, items[i]);
            }
            assertEq(keccak256(_reencodeList(payload)), keccak256(data), "canonical");
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(RLP.RLPInvalid.selector), "only RLPInvalid");
        }
        try harness.readBytes(data) returns (bytes memory out) {
            assertEq(RLPWriter.encodeBytes(out), data, "canonical string");
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(RLP.RLPInvalid.selector), "only RLPInvalid");
        }
    }

    function _reencodeList(bytes memory payload) private pure returns (bytes memory) {
        bytes[] memory one = new bytes[](1);
        one[0] = payload;
        return RLPWriter.encodeList(one);
    }
}
