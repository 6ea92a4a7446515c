// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BlockHeaders} from "../../src/l1/BlockHeaders.sol";
import {MerklePatriciaProof} from "../../src/l1/MerklePatriciaProof.sol";
import {RLP} from "../../src/l1/RLP.sol";
import {TransactionInclusion} from "../../src/l1/TransactionInclusion.sol";
import {TransactionInclusionVerifier} from "../../src/l1/TransactionInclusionVerifier.sol";
import {Test} from "../utils/Test.sol";
import {L1Vectors} from "./L1Vectors.sol";
import {RLPWriter} from "./RLPWriter.sol";

contract TransactionInclusionTest is Test {
    /// @notice ds-test's log event: forge prints it with -vv.
    event log_named_uint(string key, uint256 val);

    address internal constant HISTORY = BlockHeaders.HISTORY_STORAGE_ADDRESS;
    TransactionInclusionVerifier internal verifier;

    function setUp() public {
        verifier = new TransactionInclusionVerifier();
        vm.etch(HISTORY, L1Vectors.HISTORY_STORAGE_CODE);
        // As the EIP-2935 system call of block NUMBER + 1 would have written it.
        vm.store(HISTORY, bytes32(uint256(L1Vectors.NUMBER % 8191)), L1Vectors.BLOCK_HASH);
        // Past BLOCKHASH's 256 blocks: only EIP-2935 knows the block.
        vm.roll(L1Vectors.NUMBER + 1000);
    }

    function test_verify_mainnetTransaction() public {
        bytes memory header = L1Vectors.HEADER;
        bytes[] memory proof = L1Vectors.txProof();
        uint256 gasBefore = gasleft();
        (bytes32 txHash, uint64 blockNumber, uint64 timestamp) =
            TransactionInclusion.verify(header, L1Vectors.TX_INDEX, proof);
        uint256 gasUsed = gasBefore - gasleft();
        emit log_named_uint("TransactionInclusion.verify gas", gasUsed);
        assertEq(txHash, L1Vectors.TX_HASH, "tx hash");
        assertEq(blockNumber, L1Vectors.NUMBER, "block number");
        assertEq(timestamp, L1Vectors.TIMESTAMP, "timestamp");
        assertTrue(gasUsed < 80_000, "gas");
    }

    function test_verify_throughVerifierContract() public view {
        (bytes32 txHash, uint64 blockNumber, uint64 timestamp) =
            verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        assertEq(txHash, L1Vectors.TX_HASH, "tx hash");
        assertEq(blockNumber, L1Vectors.NUMBER, "block number");
        assertEq(timestamp, L1Vectors.TIMESTAMP, "timestamp");
        (bool found, bytes32 hash) = verifier.blockHash(L1Vectors.NUMBER);
        assertTrue(found, "found");
        assertEq(hash, L1Vectors.BLOCK_HASH, "block hash");
    }

    function test_verify_recentBlockFromBlockhash() public {
        vm.etch(HISTORY, "");
        vm.roll(L1Vectors.NUMBER + 10);
        vm.setBlockhash(L1Vectors.NUMBER, L1Vectors.BLOCK_HASH);
        (bytes32 txHash,,) = verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        assertEq(txHash, L1Vectors.TX_HASH, "tx hash");
    }

    function test_verify_wrongHashStored() public {
        vm.store(HISTORY, bytes32(uint256(L1Vectors.NUMBER % 8191)), keccak256("another block"));
        vm.expectRevert(abi.encodeWithSelector(TransactionInclusion.BlockHeaderMismatch.selector, L1Vectors.NUMBER));
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
    }

    function test_verify_headerOfAnotherBlock() public {
        // A well-formed header with the real transactions root and number, but another hash.
        bytes[] memory fields = new bytes[](15);
        for (uint256 i; i < fields.length; i++) {
            fields[i] = RLPWriter.encodeUint(i);
        }
        fields[4] = RLPWriter.encodeBytes(abi.encode(L1Vectors.TRANSACTIONS_ROOT));
        fields[8] = RLPWriter.encodeUint(L1Vectors.NUMBER);
        fields[11] = RLPWriter.encodeUint(L1Vectors.TIMESTAMP);
        bytes memory forged = RLPWriter.encodeList(fields);
        vm.expectRevert(abi.encodeWithSelector(TransactionInclusion.BlockHeaderMismatch.selector, L1Vectors.NUMBER));
        verifier.verify(forged, L1Vectors.TX_INDEX, L1Vectors.txProof());
    }

    function test_verify_blockHashUnavailable() public {
        bytes memory unavailable =
            abi.encodeWithSelector(TransactionInclusion.BlockHashUnavailable.selector, L1Vectors.NUMBER);
        // Nothing stored for the block.
        vm.store(HISTORY, bytes32(uint256(L1Vectors.NUMBER % 8191)), bytes32(0));
        vm.expectRevert(unavailable);
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        // Stored, but out of the 8191-block window.
        vm.store(HISTORY, bytes32(uint256(L1Vectors.NUMBER % 8191)), L1Vectors.BLOCK_HASH);
        vm.roll(L1Vectors.NUMBER + 8192);
        vm.expectRevert(unavailable);
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        // The current block.
        vm.roll(L1Vectors.NUMBER);
        vm.expectRevert(unavailable);
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
        // No history contract.
        vm.roll(L1Vectors.NUMBER + 1000);
        vm.etch(HISTORY, "");
        vm.expectRevert(unavailable);
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, L1Vectors.txProof());
    }

    function test_verify_wrongIndex() public {
        vm.expectRevert(abi.encodeWithSelector(MerklePatriciaProof.MPTHashMismatch.selector));
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX - 1, L1Vectors.txProof());
    }

    function test_verify_absentTransaction() public {
        // The trie has no child for rlp(224..239) = 0x81e0..0x81ef below its third node.
        bytes[] memory full = L1Vectors.txProof();
        bytes[] memory proof = new bytes[](3);
        (proof[0], proof[1], proof[2]) = (full[0], full[1], full[2]);
        vm.expectRevert(abi.encodeWithSelector(TransactionInclusion.TransactionNotIncluded.selector, 224));
        verifier.verify(L1Vectors.HEADER, 224, proof);
    }

    function test_verify_tamperedProof() public {
        bytes[] memory proof = L1Vectors.txProof();
        proof[4][proof[4].length - 1] ^= 0x01;
        vm.expectRevert(abi.encodeWithSelector(MerklePatriciaProof.MPTHashMismatch.selector));
        verifier.verify(L1Vectors.HEADER, L1Vectors.TX_INDEX, proof);
    }

    function test_verify_malformedHeader() public {
        vm.expectRevert(abi.encodeWithSelector(RLP.RLPInvalid.selector));
        verifier.verify(bytes.concat(L1Vectors.HEADER, hex"00"), L1Vectors.TX_INDEX, L1Vectors.txProof());
    }

    function test_indexKey_isRlpOfTheIndex() public pure {
        assertEq(TransactionInclusion.indexKey(0), hex"80", "0");
        assertEq(TransactionInclusion.indexKey(1), hex"01", "1");
        assertEq(TransactionInclusion.indexKey(127), hex"7f", "127");
        assertEq(TransactionInclusion.indexKey(128), hex"8180", "128");
        assertEq(TransactionInclusion.indexKey(256), hex"820100", "256");
        assertEq(TransactionInclusion.indexKey(type(uint256).max), bytes.concat(hex"a0", bytes32(type(uint256).max)), "max");
    }

    function testFuzz_indexKey_isRlpOfTheIndex(uint256 index) public pure {
        assertEq(TransactionInclusion.indexKey(index), RLPWriter.encodeUint(index), "rlp(index)");
    }

    function isDeclared(bytes memory reason) internal pure returns (bool) {
        if (reason.length < 4) return false;
        bytes4 s = selectorOf(reason);
        return s == RLP.RLPInvalid.selector || s == BlockHeaders.BlockHeaderInvalid.selector
            || s == TransactionInclusion.BlockHashUnavailable.selector
            || s == TransactionInclusion.BlockHeaderMismatch.selector
            || s == TransactionInclusion.TransactionNotIncluded.selector
            || s == MerklePatriciaProof.MPTHashMismatch.selector || s == MerklePatriciaProof.MPTInvalidNode.selector
            || s == MerklePatriciaProof.MPTProofTooShort.selector || s == MerklePatriciaProof.MPTProofTooLong.selector;
    }

    /// @notice Random headers and proofs never verify and revert only with the declared errors.
    function testFuzz_verify_randomInputs(bytes memory header, uint256 txIndex, bytes[] memory proof) public view {
        try verifier.verify(header, txIndex, proof) {
            assertTrue(false, "must not verify");
        } catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
        }
    }

    /// @notice The real header with random proofs: the proof is what fails, with declared errors.
    function testFuzz_verify_realHeaderRandomProof(uint256 txIndex, bytes[] memory proof) public view {
        try verifier.verify(L1Vectors.HEADER, txIndex, proof) {
            assertTrue(false, "must not verify");
        } catch (bytes memory reason) {
            assertTrue(isDeclared(reason), "declared error");
            bytes4 s = selectorOf(reason);
            assertTrue(
                s != BlockHeaders.BlockHeaderInvalid.selector && s != TransactionInclusion.BlockHashUnavailable.selector
                    && s != TransactionInclusion.BlockHeaderMismatch.selector,
                "the header is fine"
            );
        }
    }
}
