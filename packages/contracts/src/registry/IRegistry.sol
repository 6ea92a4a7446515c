// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRegistry
/// @notice Validator BLS keys registered with ETH collateral; the sequencer role and its committer.
/// @dev A registration is identified by the SSZ root of its 48-byte compressed BLS public key
///      (`sha256(pubkey || 16 zero bytes)`), the same leaf the beacon state holds under
///      `validators[i].pubkey`, so lookahead proofs compare it directly. Activity for an epoch is
///      judged at a frozen reference time before the epoch (`SlotClock.referenceTime`).
interface IRegistry {
    /// @notice A registration's state. Times are L1 timestamps; zero means "not yet".
    struct Registration {
        address owner;
        uint64 registeredAt;
        uint64 optedInAt;
        uint64 unregisteredAt;
        uint64 deactivatedAt;
        uint256 collateral;
    }

    /// @notice One step in a registration's committer history.
    struct CommitterChange {
        address committer;
        uint64 effectiveAt;
    }

    event Registered(bytes32 indexed registration, address indexed owner, bytes pubkey, uint256 collateral);
    event OptedIn(bytes32 indexed registration, address indexed committer);
    event CommitterChangeScheduled(bytes32 indexed registration, address indexed committer, uint256 effectiveAt);
    event CollateralAdded(bytes32 indexed registration, uint256 amount, uint256 collateral);
    event Unregistered(bytes32 indexed registration, uint256 claimableAt);
    event CollateralClaimed(bytes32 indexed registration, address indexed owner, uint256 amount);
    /// @notice A safety fault took the whole collateral.
    event SlashedSafety(
        bytes32 indexed registration, uint256 toUsers, address indexed challenger, uint256 toChallenger, uint256 burned
    );
    /// @notice A liveness fault paid a penalty from the collateral.
    event SlashedLiveness(bytes32 indexed registration, address indexed beneficiary, uint256 amount);
    event Deactivated(bytes32 indexed registration);
    event Credited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error CollateralBelowMinimum(uint256 sent, uint256 minimum);
    error AlreadyRegistered(bytes32 registration);
    error NotRegistered(bytes32 registration);
    error InvalidPubkey();
    error InvalidProofOfPossession();
    error ZeroAddress();
    error NotOwner(bytes32 registration, address caller);
    error AlreadyOptedIn(bytes32 registration);
    error NotOptedIn(bytes32 registration);
    error AlreadyUnregistered(bytes32 registration);
    error NotUnregistered(bytes32 registration);
    error ClaimTooEarly(bytes32 registration, uint256 claimableAt);
    error RegistrationDeactivated(bytes32 registration);
    error ZeroAmount();
    error NotSlasher(address caller);
    error NothingToWithdraw(address account);
    error TransferFailed(address to, uint256 amount);
    error InvalidDelay(uint256 delay, uint256 minimum);
    error LengthMismatch();
    error NothingToSlash(bytes32 registration);

    /// @notice Registers a BLS key with `msg.value` as collateral, for `owner`.
    /// @param pubkey The public key as an uncompressed EIP-2537 G1 point (128 bytes).
    /// @param signature Proof of possession: the key's signature (uncompressed EIP-2537 G2 point,
    ///        256 bytes) over `registrationMessage(owner)`, in the Ethereum POP ciphersuite.
    function register(bytes calldata pubkey, bytes calldata signature, address owner)
        external
        payable
        returns (bytes32 registration);

    /// @notice The 32-byte message a key signs to register for `owner`: bound to this chain,
    ///         this contract and the owner.
    function registrationMessage(address owner) external view returns (bytes32);

    /// @notice Opts in to the sequencer role, naming the committer (gateway) key. Owner only.
    function optIn(bytes32 registration, address committer) external;

    /// @notice Schedules a committer change, effective after `committerDelay`. A change not yet
    ///         effective is replaced. Owner only.
    function changeCommitter(bytes32 registration, address committer) external;

    /// @notice Adds `msg.value` to a registration's collateral.
    function addCollateral(bytes32 registration) external payable;

    /// @notice Stops the registration; its collateral is claimable after `claimDelay`. Owner only.
    function unregister(bytes32 registration) external;

    /// @notice Pays the remaining collateral to the owner and deletes the registration. Owner only.
    function claimCollateral(bytes32 registration) external;

    /// @notice Whether `registration` is an active sequencer at time `at`: registered and opted in
    ///         before `at`, and neither unregistered nor deactivated before `at`.
    function isActiveAt(bytes32 registration, uint256 at) external view returns (bool);

    /// @notice The committer in force at time `at` (the last change effective before `at`).
    function committerAt(bytes32 registration, uint256 at) external view returns (address);

    function registrationOf(bytes32 registration) external view returns (Registration memory);

    /// @notice Slashes a safety fault: users are paid their insurance first, in order, then the
    ///         challenger `rewardBps` of what is left, and the rest is burned. Slasher only.
    function slashSafety(
        bytes32 registration,
        address[] calldata beneficiaries,
        uint256[] calldata insurances,
        address challenger,
        uint256 rewardBps
    ) external returns (uint256 toUsers, uint256 toChallenger, uint256 burned);

    /// @notice Pays a liveness penalty (at most the collateral) to `beneficiary`. Slasher only.
    function slashLiveness(bytes32 registration, address beneficiary, uint256 amount) external returns (uint256 paid);

    /// @notice Sends the caller what it is owed (slashing payouts).
    function withdraw() external;

    function withdrawable(address account) external view returns (uint256);

    /// @notice Delay between unregistering and claiming the collateral.
    function claimDelay() external view returns (uint256);

    /// @notice ETH burned by safety slashes; it stays locked in this contract forever.
    function burned() external view returns (uint256);
}
