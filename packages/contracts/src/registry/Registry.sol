// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS} from "../bls/BLS.sol";
import {SSZ} from "../beacon/SSZ.sol";
import {SlotClock} from "../common/SlotClock.sol";
import {IRegistry} from "./IRegistry.sol";

/// @title Registry
/// @notice Holds sequencers' collateral. See `IRegistry`.
/// @dev ETH accounting: `address(this).balance == Σ collateral + Σ withdrawable + burned`. Payouts
///      are credited and pulled with `withdraw`, so no slash can be blocked by a recipient.
contract Registry is IRegistry, SlotClock {
    /// @notice Tag of the registration message (domain-separates it from every other BLS message).
    bytes32 public constant REGISTRATION_TAG = keccak256("Baton.Registry.register.v1");

    /// @notice Minimum collateral of a registration (wei).
    uint256 public immutable minCollateral;
    /// @notice Delay before a committer change takes effect; longer than the two-epoch lookahead.
    uint256 public immutable committerDelay;
    /// @notice Delay between unregistering and claiming; longer than every slashing window (the
    ///         slasher checks this at deployment).
    uint256 public immutable claimDelay;
    /// @notice The only contract that may slash.
    address public immutable slasher;

    mapping(bytes32 registration => Registration) internal _registrations;
    mapping(bytes32 registration => CommitterChange[]) internal _committers;
    mapping(address account => uint256) public withdrawable;
    uint256 public burned;

    constructor(
        uint256 genesisTime_,
        uint256 secondsPerSlot_,
        uint256 minCollateral_,
        uint256 committerDelay_,
        uint256 claimDelay_,
        address slasher_
    ) SlotClock(genesisTime_, secondsPerSlot_) {
        if (slasher_ == address(0)) revert ZeroAddress();
        // The lookahead covers two epochs: a change must not land inside a known window.
        if (committerDelay_ <= 2 * epochSeconds()) revert InvalidDelay(committerDelay_, 2 * epochSeconds() + 1);
        minCollateral = minCollateral_;
        committerDelay = committerDelay_;
        claimDelay = claimDelay_;
        slasher = slasher_;
    }

    modifier onlyOwner(bytes32 registration) {
        Registration storage r = _registrations[registration];
        if (r.registeredAt == 0) revert NotRegistered(registration);
        if (r.owner != msg.sender) revert NotOwner(registration, msg.sender);
        _;
    }

    modifier onlySlasher() {
        if (msg.sender != slasher) revert NotSlasher(msg.sender);
        _;
    }

    /// @inheritdoc IRegistry
    function registrationMessage(address owner) public view returns (bytes32) {
        return keccak256(abi.encode(REGISTRATION_TAG, block.chainid, address(this), owner));
    }

    /// @inheritdoc IRegistry
    function register(bytes calldata pubkey, bytes calldata signature, address owner)
        external
        payable
        returns (bytes32 registration)
    {
        if (owner == address(0)) revert ZeroAddress();
        if (msg.value < minCollateral) revert CollateralBelowMinimum(msg.value, minCollateral);
        if (pubkey.length != 128) revert InvalidPubkey();
        bytes memory compressed = BLS.compressG1(pubkey);
        registration = SSZ.pubkeyRoot(compressed);
        if (_registrations[registration].registeredAt != 0) revert AlreadyRegistered(registration);
        if (!BLS.verify(pubkey, signature, abi.encodePacked(registrationMessage(owner)))) {
            revert InvalidProofOfPossession();
        }
        _registrations[registration] = Registration({
            owner: owner,
            registeredAt: uint64(block.timestamp),
            optedInAt: 0,
            unregisteredAt: 0,
            deactivatedAt: 0,
            collateral: msg.value
        });
        emit Registered(registration, owner, compressed, msg.value);
    }

    /// @inheritdoc IRegistry
    function optIn(bytes32 registration, address committer) external onlyOwner(registration) {
        Registration storage r = _registrations[registration];
        if (committer == address(0)) revert ZeroAddress();
        if (r.optedInAt != 0) revert AlreadyOptedIn(registration);
        if (r.unregisteredAt != 0) revert AlreadyUnregistered(registration);
        if (r.deactivatedAt != 0) revert RegistrationDeactivated(registration);
        r.optedInAt = uint64(block.timestamp);
        _committers[registration].push(CommitterChange({committer: committer, effectiveAt: uint64(block.timestamp)}));
        emit OptedIn(registration, committer);
    }

    /// @inheritdoc IRegistry
    function changeCommitter(bytes32 registration, address committer) external onlyOwner(registration) {
        Registration storage r = _registrations[registration];
        if (committer == address(0)) revert ZeroAddress();
        if (r.optedInAt == 0) revert NotOptedIn(registration);
        if (r.unregisteredAt != 0) revert AlreadyUnregistered(registration);
        CommitterChange[] storage changes = _committers[registration];
        uint256 effectiveAt = block.timestamp + committerDelay;
        CommitterChange storage last = changes[changes.length - 1];
        // A change not yet in force was never observable: replacing it rewrites no history.
        if (last.effectiveAt > block.timestamp) {
            last.committer = committer;
            last.effectiveAt = uint64(effectiveAt);
        } else {
            changes.push(CommitterChange({committer: committer, effectiveAt: uint64(effectiveAt)}));
        }
        emit CommitterChangeScheduled(registration, committer, effectiveAt);
    }

    /// @inheritdoc IRegistry
    function addCollateral(bytes32 registration) external payable {
        Registration storage r = _registrations[registration];
        if (r.registeredAt == 0) revert NotRegistered(registration);
        if (msg.value == 0) revert ZeroAmount();
        if (r.unregisteredAt != 0) revert AlreadyUnregistered(registration);
        r.collateral += msg.value;
        emit CollateralAdded(registration, msg.value, r.collateral);
    }

    /// @inheritdoc IRegistry
    function unregister(bytes32 registration) external onlyOwner(registration) {
        Registration storage r = _registrations[registration];
        if (r.unregisteredAt != 0) revert AlreadyUnregistered(registration);
        r.unregisteredAt = uint64(block.timestamp);
        emit Unregistered(registration, block.timestamp + claimDelay);
    }

    /// @inheritdoc IRegistry
    function claimCollateral(bytes32 registration) external onlyOwner(registration) {
        Registration storage r = _registrations[registration];
        if (r.unregisteredAt == 0) revert NotUnregistered(registration);
        uint256 claimableAt = r.unregisteredAt + claimDelay;
        if (block.timestamp < claimableAt) revert ClaimTooEarly(registration, claimableAt);
        uint256 amount = r.collateral;
        address owner = r.owner;
        delete _registrations[registration];
        delete _committers[registration];
        emit CollateralClaimed(registration, owner, amount);
        _send(owner, amount);
    }

    /// @inheritdoc IRegistry
    function isActiveAt(bytes32 registration, uint256 at) public view returns (bool) {
        Registration storage r = _registrations[registration];
        return r.optedInAt != 0 && r.optedInAt < at && (r.unregisteredAt == 0 || r.unregisteredAt >= at)
            && (r.deactivatedAt == 0 || r.deactivatedAt >= at);
    }

    /// @inheritdoc IRegistry
    function committerAt(bytes32 registration, uint256 at) public view returns (address) {
        CommitterChange[] storage changes = _committers[registration];
        for (uint256 i = changes.length; i > 0; --i) {
            CommitterChange storage change = changes[i - 1];
            if (change.effectiveAt < at) return change.committer;
        }
        return address(0);
    }

    /// @notice The committer history of `registration`, oldest first.
    function committerHistory(bytes32 registration) external view returns (CommitterChange[] memory) {
        return _committers[registration];
    }

    /// @inheritdoc IRegistry
    function registrationOf(bytes32 registration) external view returns (Registration memory) {
        return _registrations[registration];
    }

    /// @inheritdoc IRegistry
    function slashSafety(
        bytes32 registration,
        address[] calldata beneficiaries,
        uint256[] calldata insurances,
        address challenger,
        uint256 rewardBps
    ) external onlySlasher returns (uint256 toUsers, uint256 toChallenger, uint256 burnedNow) {
        if (beneficiaries.length != insurances.length) revert LengthMismatch();
        Registration storage r = _registrations[registration];
        if (r.registeredAt == 0) revert NotRegistered(registration);
        if (r.collateral == 0) revert NothingToSlash(registration);
        uint256 remaining = r.collateral;
        r.collateral = 0;
        if (r.deactivatedAt == 0) {
            r.deactivatedAt = uint64(block.timestamp);
            emit Deactivated(registration);
        }
        for (uint256 i = 0; i < beneficiaries.length; ++i) {
            uint256 pay = insurances[i] < remaining ? insurances[i] : remaining;
            // `pay <= remaining` by the line above.
            unchecked {
                remaining -= pay;
            }
            toUsers += pay;
            _credit(beneficiaries[i], pay);
        }
        toChallenger = remaining * rewardBps / 10_000;
        burnedNow = remaining - toChallenger;
        _credit(challenger, toChallenger);
        burned += burnedNow;
        emit SlashedSafety(registration, toUsers, challenger, toChallenger, burnedNow);
    }

    /// @inheritdoc IRegistry
    function slashLiveness(bytes32 registration, address beneficiary, uint256 amount)
        external
        onlySlasher
        returns (uint256 paid)
    {
        Registration storage r = _registrations[registration];
        if (r.registeredAt == 0) revert NotRegistered(registration);
        if (r.collateral == 0) revert NothingToSlash(registration);
        paid = amount < r.collateral ? amount : r.collateral;
        r.collateral -= paid;
        _credit(beneficiary, paid);
        emit SlashedLiveness(registration, beneficiary, paid);
        if (r.collateral < minCollateral && r.deactivatedAt == 0) {
            r.deactivatedAt = uint64(block.timestamp);
            emit Deactivated(registration);
        }
    }

    /// @inheritdoc IRegistry
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        withdrawable[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        _send(msg.sender, amount);
    }

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        withdrawable[account] += amount;
        emit Credited(account, amount);
    }

    function _send(address to, uint256 amount) internal {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
