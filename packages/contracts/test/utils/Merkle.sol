// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A plain Solidity Merkle reference, independent of `SSZ.verifyProof`, to build test trees.
library Merkle {
    /// @notice The root above `leaf` at `gindex`, hashing the `branch` siblings bottom-up.
    function root(bytes32 leaf, bytes32[] memory branch, uint256 gindex) internal pure returns (bytes32 node) {
        node = leaf;
        for (uint256 i = 0; i < branch.length; i++) {
            if (gindex % 2 == 1) node = sha256(abi.encodePacked(branch[i], node));
            else node = sha256(abi.encodePacked(node, branch[i]));
            gindex /= 2;
        }
        require(gindex == 1, "Merkle.root: proof length is not the gindex depth");
    }

    /// @notice `count` pseudo-random siblings derived from `seed`.
    function siblings(uint256 seed, uint256 count) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            list[i] = keccak256(abi.encode(seed, i));
        }
    }

    /// @notice floor(log2(x)) for x > 0: the depth of generalized index x.
    function depth(uint256 x) internal pure returns (uint256 d) {
        while (x > 1) {
            x >>= 1;
            d++;
        }
    }

    /// @notice Concatenates generalized indices: the node at `g2` below the node at `g1`.
    function concat(uint256 g1, uint256 g2) internal pure returns (uint256) {
        uint256 d2 = depth(g2);
        return g1 * 2 ** d2 + (g2 - 2 ** d2);
    }
}
