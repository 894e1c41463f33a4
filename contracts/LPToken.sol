// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILPToken} from "./interfaces/ILPToken.sol";
import {ILendingPool} from "./interfaces/ILendingPool.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {SharesMathLib} from "./libraries/SharesMathLib.sol";
import {TransferLib} from "./libraries/TransferLib.sol";

/// @title LPToken
/// @notice Shares of a Shortfall LendingPool: ERC-20 with the full ERC-4626 interface. The assets live in
/// the pool; this contract keeps the share ledger. Conversions use OpenZeppelin's virtual shares and assets
/// (decimals offset 6) against the inflation attack, with the standard's rounding: always against the caller.
contract LPToken is ILPToken, ERC4626, ReentrancyGuardTransient {
    using SharesMathLib for uint256;

    /// @inheritdoc ILPToken
    address public immutable pool;
    /// @inheritdoc ILPToken
    address public immutable reserveFund;

    /// @param asset_ The loan asset of the pool.
    /// @param pool_ The LendingPool (deployed after this token; it checks the wiring).
    /// @param reserveFund_ The ReserveFund.
    /// @param name_ ERC-20 name.
    /// @param symbol_ ERC-20 symbol.
    constructor(IERC20 asset_, address pool_, address reserveFund_, string memory name_, string memory symbol_)
        ERC20(name_, symbol_)
        ERC4626(asset_)
    {
        pool = pool_;
        reserveFund = reserveFund_;
    }

    modifier onlyPool() {
        if (msg.sender != pool) revert OnlyPool(msg.sender);
        _;
    }

    /* ERC-4626 ACCOUNTING */

    /// @inheritdoc ERC4626
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        return ILendingPool(pool).totalAssets();
    }

    /// @inheritdoc ILPToken
    function sharePrice() external view returns (uint256) {
        return convertToAssets(10 ** decimals());
    }

    /// @inheritdoc ERC4626
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        return ILendingPool(pool).paused() ? 0 : type(uint256).max;
    }

    /// @inheritdoc ERC4626
    function maxMint(address) public view override(ERC4626, IERC4626) returns (uint256) {
        return ILendingPool(pool).paused() ? 0 : type(uint256).max;
    }

    /// @inheritdoc ERC4626
    /// @dev Limited by the pool's cash: an LP can always withdraw up to it, even while paused.
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        (uint256 assets, uint256 shares) = ILendingPool(pool).expectedTotals();
        return Math.min(balanceOf(owner).toAssetsDown(assets, shares), _cash());
    }

    /// @inheritdoc ERC4626
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        (uint256 assets, uint256 shares) = ILendingPool(pool).expectedTotals();
        return Math.min(balanceOf(owner), _cash().toSharesDown(assets, shares));
    }

    /// @dev Conversions include interest accrued up to now (and the reserve's pending cut), so the share
    /// price never jumps at an accrual.
    function _convertToShares(uint256 assets, Math.Rounding rounding) internal view override returns (uint256) {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).expectedTotals();
        return rounding == Math.Rounding.Ceil
            ? assets.toSharesUp(totalAssets_, totalShares)
            : assets.toSharesDown(totalAssets_, totalShares);
    }

    function _convertToAssets(uint256 shares, Math.Rounding rounding) internal view override returns (uint256) {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).expectedTotals();
        return rounding == Math.Rounding.Ceil
            ? shares.toAssetsUp(totalAssets_, totalShares)
            : shares.toAssetsDown(totalAssets_, totalShares);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return ConstantsLib.DECIMALS_OFFSET;
    }

    /* ERC-4626 ENTRY POINTS: accrue, then convert at the accrued totals, rounding against the caller. */

    /// @inheritdoc ERC4626
    function deposit(uint256 assets, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 shares)
    {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).accrueInterest();
        _checkMax(assets, maxDeposit(receiver), 0, receiver);
        shares = assets.toSharesDown(totalAssets_, totalShares);
        if (shares == 0) revert ZeroAmount();
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @inheritdoc ERC4626
    function mint(uint256 shares, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 assets)
    {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).accrueInterest();
        _checkMax(shares, maxMint(receiver), 1, receiver);
        assets = shares.toAssetsUp(totalAssets_, totalShares);
        if (shares == 0 || assets == 0) revert ZeroAmount();
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @inheritdoc ERC4626
    function withdraw(uint256 assets, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 shares)
    {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).accrueInterest();
        uint256 maxAssets = Math.min(balanceOf(owner).toAssetsDown(totalAssets_, totalShares), _cash());
        _checkMax(assets, maxAssets, 2, owner);
        if (assets == 0) revert ZeroAmount();
        shares = assets.toSharesUp(totalAssets_, totalShares);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @inheritdoc ERC4626
    function redeem(uint256 shares, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 assets)
    {
        (uint256 totalAssets_, uint256 totalShares) = ILendingPool(pool).accrueInterest();
        uint256 maxShares = Math.min(balanceOf(owner), _cash().toSharesDown(totalAssets_, totalShares));
        _checkMax(shares, maxShares, 3, owner);
        assets = shares.toAssetsDown(totalAssets_, totalShares);
        if (assets == 0) revert ZeroAmount();
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @dev The assets go straight to the pool, which records them as cash.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        TransferLib.pullExact(IERC20(asset()), caller, pool, assets);
        ILendingPool(pool).creditCash(assets);
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
    }

    /// @dev Shares are burnt before the pool pays out (checks, effects, interactions).
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        if (caller != owner) _spendAllowance(owner, caller, shares);
        _burn(owner, shares);
        ILendingPool(pool).payOut(receiver, assets);
        emit Withdraw(caller, receiver, owner, assets, shares);
    }

    function _checkMax(uint256 amount, uint256 max, uint256 kind, address account) internal pure {
        if (amount <= max) return;
        if (kind == 0) revert ERC4626ExceededMaxDeposit(account, amount, max);
        if (kind == 1) revert ERC4626ExceededMaxMint(account, amount, max);
        if (kind == 2) revert ERC4626ExceededMaxWithdraw(account, amount, max);
        revert ERC4626ExceededMaxRedeem(account, amount, max);
    }

    function _cash() internal view returns (uint256) {
        return ILendingPoolCash(pool).cash();
    }

    /* RESERVE: the pool keeps the reserve's accrued cut as a pending count; it is a part of the supply and of
       the ReserveFund's balance at every moment. A loss burns pending shares first, in the pool; whatever is
       pending is minted here (with its Transfer event) before any share leaves the ReserveFund. */

    /// @inheritdoc IERC20
    /// @dev Includes the reserve's pending shares (`LendingPool.pendingReserveShares`).
    function totalSupply() public view override(ERC20, IERC20) returns (uint256) {
        return super.totalSupply() + ILendingPool(pool).pendingReserveShares();
    }

    /// @inheritdoc IERC20
    /// @dev The ReserveFund's balance includes its pending shares.
    function balanceOf(address account) public view override(ERC20, IERC20) returns (uint256) {
        uint256 balance = super.balanceOf(account);
        return account == reserveFund ? balance + ILendingPool(pool).pendingReserveShares() : balance;
    }

    /// @inheritdoc ILPToken
    function mintedSupply() external view returns (uint256) {
        return super.totalSupply();
    }

    /// @inheritdoc ILPToken
    function mintedReserveShares() external view returns (uint256) {
        return super.balanceOf(reserveFund);
    }

    /// @inheritdoc ILPToken
    function mintReserveShares(uint256 shares) external onlyPool {
        _mint(reserveFund, shares);
    }

    /// @inheritdoc ILPToken
    function burnReserveShares(uint256 shares) external onlyPool {
        _burn(reserveFund, shares);
    }

    /// @dev A transfer out of the reserve first mints its pending shares, so the books and the events agree. A
    /// zero-value transfer (which `transferFrom` allows anyone without an allowance) moves nothing and mints nothing.
    function _update(address from, address to, uint256 value) internal override {
        if (from == reserveFund && to != address(0) && value > 0) {
            uint256 pending = ILendingPool(pool).takePendingReserveShares();
            if (pending > 0) super._update(address(0), reserveFund, pending);
        }
        super._update(from, to, value);
    }

    /// @inheritdoc ERC4626
    function decimals() public view override(ERC4626, IERC20Metadata) returns (uint8) {
        return super.decimals();
    }
}

/// @dev The pool's public `cash` getter.
interface ILendingPoolCash {
    function cash() external view returns (uint128);
}
