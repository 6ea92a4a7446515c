// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BlockHeaders} from "../../src/l1/BlockHeaders.sol";
import {RLP} from "../../src/l1/RLP.sol";
import {Test} from "../utils/Test.sol";
import {L1Vectors} from "./L1Vectors.sol";
import {RLPWriter} from "./RLPWriter.sol";

contract BlockHeadersHarness {
    function decode(bytes memory header) external pure returns (BlockHeaders.Header memory) {
        return BlockHeaders.decode(header);
    }

    function blockHash(uint256 number) external view returns (bool, bytes32) {
        return BlockHeaders.blockHash(number);
    }
}

contract BlockHeadersTest is Test {
    BlockHeadersHarness internal harness;

    function setUp() public {
        harness = new BlockHeadersHarness();
    }

    /// @notice A header-shaped list of `count` fields: 32-byte hashes at 0..5 and number 8 /
    ///         timestamp 11 as given, every other field a small integer.
    function header(uint256 count, bytes memory number, bytes memory timestamp, bytes memory txRoot)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory fields = new bytes[](count);
        for (uint256 i; i < count; i++) {
            fields[i] = RLPWriter.encodeUint(i + 1);
        }
        fields[4] = txRoot;
        fields[8] = number;
        fields[11] = timestamp;
        return RLPWriter.encodeList(fields);
    }

    function test_decode_mainnetHeader() public view {
        BlockHeaders.Header memory decoded = harness.decode(L1Vectors.HEADER);
        assertEq(decoded.hash, L1Vectors.BLOCK_HASH, "hash");
        assertEq(decoded.number, 20_785_012, "number");
        assertEq(decoded.timestamp, L1Vectors.TIMESTAMP, "timestamp");
        assertEq(decoded.transactionsRoot, L1Vectors.TRANSACTIONS_ROOT, "transactionsRoot");
    }

    function test_decode_syntheticHeader() public view {
        bytes32 root = keccak256("root");
        bytes memory raw =
            header(17, RLPWriter.encodeUint(123), RLPWriter.encodeUint(456), RLPWriter.encodeBytes(abi.encode(root)));
        BlockHeaders.Header memory decoded = harness.decode(raw);
        assertEq(decoded.hash, keccak256(raw), "hash");
        assertEq(decoded.number, 123, "number");
        assertEq(decoded.timestamp, 456, "timestamp");
        assertEq(decoded.transactionsRoot, root, "transactionsRoot");
    }

    function test_decode_rejectsTooFewFields() public {
        bytes memory txRoot = RLPWriter.encodeBytes(abi.encode(bytes32(0)));
        bytes memory raw = header(14, RLPWriter.encodeUint(1), RLPWriter.encodeUint(2), txRoot);
        vm.expectRevert(abi.encodeWithSelector(BlockHeaders.BlockHeaderInvalid.selector));
        harness.decode(raw);
    }

    function test_decode_rejectsBadFields() public {
        bytes memory txRoot = RLPWriter.encodeBytes(abi.encode(bytes32(0)));
        bytes memory one = RLPWriter.encodeUint(1);
        // A number above uint64.
        vm.expectRevert(abi.encodeWithSelector(BlockHeaders.BlockHeaderInvalid.selector));
        harness.decode(header(15, RLPWriter.encodeUint(uint256(type(uint64).max) + 1), one, txRoot));
        // A timestamp above uint64.
        vm.expectRevert(abi.encodeWithSelector(BlockHeaders.BlockHeaderInvalid.selector));
        harness.decode(header(15, one, RLPWriter.encodeUint(1 << 64), txRoot));
        // A 31-byte transactions root.
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(header(15, one, one, RLPWriter.encodeBytes(new bytes(31))));
        // A number with a leading zero byte.
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(header(15, hex"820001", one, txRoot));
        // A list for the number.
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(header(15, hex"c0", one, txRoot));
    }

    function test_decode_rejectsMalformedRLP() public {
        bytes memory raw = L1Vectors.HEADER;
        // Trailing byte.
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(bytes.concat(raw, hex"00"));
        // Truncated.
        assembly ("memory-safe") {
            mstore(raw, sub(mload(raw), 1))
        }
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(raw);
        // A string, not a list.
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        harness.decode(hex"83646f67");
    }

    function test_blockHash_recentFromBlockhash() public {
        vm.roll(1000);
        vm.setBlockhash(999, keccak256("999"));
        vm.setBlockhash(744, keccak256("744"));
        (bool found, bytes32 hash) = harness.blockHash(999);
        assertTrue(found, "parent found");
        assertEq(hash, keccak256("999"), "parent hash");
        (found, hash) = harness.blockHash(744);
        assertTrue(found, "256 back found");
        assertEq(hash, keccak256("744"), "256 back hash");
    }

    function test_blockHash_currentAndFutureNotFound() public {
        vm.roll(1000);
        (bool found, bytes32 hash) = harness.blockHash(1000);
        assertFalse(found, "current block");
        assertEq(hash, bytes32(0), "no hash");
        (found,) = harness.blockHash(type(uint256).max);
        assertFalse(found, "future block");
    }

    function test_blockHash_olderFromHistoryContract() public {
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, L1Vectors.HISTORY_STORAGE_CODE);
        uint256 number = 20_785_012;
        vm.store(BlockHeaders.HISTORY_STORAGE_ADDRESS, bytes32(number % 8191), keccak256("old"));
        for (uint256 distance = 257; distance <= 8191; distance += 1983) {
            vm.roll(number + distance);
            (bool found, bytes32 hash) = harness.blockHash(number);
            assertTrue(found, "found in the window");
            assertEq(hash, keccak256("old"), "hash");
        }
        vm.roll(number + 8191);
        (bool atEdge,) = harness.blockHash(number);
        assertTrue(atEdge, "the window's oldest block");
        vm.roll(number + 8192);
        (bool beyond, bytes32 none) = harness.blockHash(number);
        assertFalse(beyond, "beyond the window");
        assertEq(none, bytes32(0), "no hash");
    }

    function test_blockHash_historyWrittenBySystemCall() public {
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, L1Vectors.HISTORY_STORAGE_CODE);
        // At block N the system call stores the parent hash (block N - 1) at slot (N - 1) % 8191.
        vm.roll(5001);
        vm.prank(0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE);
        (bool ok,) = BlockHeaders.HISTORY_STORAGE_ADDRESS.call(abi.encode(keccak256("block 5000")));
        assertTrue(ok, "system call");
        assertEq(
            vm.load(BlockHeaders.HISTORY_STORAGE_ADDRESS, bytes32(uint256(5000))), keccak256("block 5000"), "slot"
        );
        vm.roll(5000 + 300);
        (bool found, bytes32 hash) = harness.blockHash(5000);
        assertTrue(found, "found");
        assertEq(hash, keccak256("block 5000"), "hash");
    }

    function test_blockHash_missingHistoryContractOrEntry() public {
        vm.roll(20_000);
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, "");
        (bool found,) = harness.blockHash(15_000);
        assertFalse(found, "no contract");
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, L1Vectors.HISTORY_STORAGE_CODE);
        (found,) = harness.blockHash(15_000);
        assertFalse(found, "nothing stored");
    }

    function testFuzz_blockHash_neverReverts(uint256 number, uint256 current, bytes32 stored) public {
        current = bound(current, 1, type(uint64).max);
        vm.roll(current);
        vm.etch(BlockHeaders.HISTORY_STORAGE_ADDRESS, L1Vectors.HISTORY_STORAGE_CODE);
        vm.store(BlockHeaders.HISTORY_STORAGE_ADDRESS, bytes32(number % 8191), stored);
        (bool found, bytes32 hash) = harness.blockHash(number);
        if (number >= current || current - number > 8191) assertFalse(found, "outside the window");
        if (found) assertTrue(hash != bytes32(0), "found hashes are not zero");
        if (number < current && current - number > 256 && current - number <= 8191) {
            assertEq(hash, stored, "served by EIP-2935");
        }
    }

    /// @notice Arbitrary bytes never decode into a header except with the declared errors.
    function testFuzz_decode_onlyDeclaredErrors(bytes memory raw) public view {
        try harness.decode(raw) {}
        catch (bytes memory reason) {
            bytes4 selector = selectorOf(reason);
            assertTrue(
                selector == RLP.RLPInvalid.selector || selector == BlockHeaders.BlockHeaderInvalid.selector,
                "declared error"
            );
        }
    }
}
