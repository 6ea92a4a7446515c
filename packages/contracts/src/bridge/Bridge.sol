// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInbox} from "../inbox/IInbox.sol";
import {IBridge} from "./IBridge.sol";

/// @title Bridge
/// @notice See `IBridge`. One bridge per rollup.
/// @dev ETH accounting: `balance == Σ deposited values` (the fees go to the inbox). Withdrawals are
///      out of scope: that ETH stays locked here.
contract Bridge is IBridge {
    /// @inheritdoc IBridge
    uint8 public constant DEPOSIT_TX_TYPE = 0x7e;

    /// @inheritdoc IBridge
    IInbox public immutable inbox;
    /// @inheritdoc IBridge
    uint64 public immutable chainId;
    /// @inheritdoc IBridge
    uint64 public depositNonce;

    constructor(IInbox inbox_, uint64 chainId_) {
        if (address(inbox_) == address(0) || chainId_ == 0) revert InvalidParameter();
        inbox = inbox_;
        chainId = chainId_;
    }

    /// @inheritdoc IBridge
    function deposit(address to) external payable returns (uint64 forcedIndex) {
        uint256 fee = inbox.minForcedFee();
        if (msg.value <= fee) revert DepositTooSmall(msg.value, fee);
        uint256 value;
        // Cannot underflow: msg.value > fee.
        unchecked {
            value = msg.value - fee;
        }
        uint64 nonce = depositNonce;
        depositNonce = nonce + 1;
        bytes memory rawTx = _encode(nonce, msg.sender, to, value);
        forcedIndex = inbox.forceInclude{value: fee}(chainId, rawTx);
        emit DepositQueued(forcedIndex, nonce, msg.sender, to, value);
    }

    /// @inheritdoc IBridge
    function encodeDeposit(uint64 nonce, address from, address to, uint256 value) external view returns (bytes memory) {
        return _encode(nonce, from, to, value);
    }

    /// @dev `0x7e ‖ rlp([chainId, nonce, from, to, value])`. The payload is at most 93 bytes
    ///      (9 + 9 + 21 + 21 + 33), so a long list prefix has one length byte.
    function _encode(uint64 nonce, address from, address to, uint256 value) internal view returns (bytes memory) {
        bytes memory payload = bytes.concat(
            _encodeUint(chainId),
            _encodeUint(nonce),
            bytes1(0x94), // a 20-byte string
            bytes20(from),
            bytes1(0x94),
            bytes20(to),
            _encodeUint(value)
        );
        uint256 length = payload.length;
        bytes memory prefix =
            length <= 55 ? abi.encodePacked(uint8(0xc0 + length)) : abi.encodePacked(uint8(0xf8), uint8(length));
        return bytes.concat(bytes1(DEPOSIT_TX_TYPE), prefix, payload);
    }

    /// @dev RLP of an integer: its minimal big-endian bytes as a string (0 is the empty string 0x80,
    ///      values below 0x80 are their own byte).
    function _encodeUint(uint256 value) internal pure returns (bytes memory out) {
        if (value == 0) return hex"80";
        if (value < 0x80) return abi.encodePacked(uint8(value));
        uint256 length;
        for (uint256 v = value; v != 0; v >>= 8) ++length;
        out = new bytes(length + 1);
        out[0] = bytes1(uint8(0x80 + length));
        for (uint256 i = 0; i < length; ++i) {
            out[1 + i] = bytes1(uint8(value >> (8 * (length - 1 - i))));
        }
    }
}
