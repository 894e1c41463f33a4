// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IReserveFund} from "./interfaces/IReserveFund.sol";
import {ILendingPool} from "./interfaces/ILendingPool.sol";
import {ILPToken} from "./interfaces/ILPToken.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {MathLib} from "./libraries/MathLib.sol";
import {TransferLib} from "./libraries/TransferLib.sol";

/// @title ReserveFund
/// @notice Holds the reserve as LP shares: the first loss of every socialization. Governance can take out
/// surplus only through a delayed request that leaves at least the floor; it can never touch LPs' funds.
contract ReserveFund is IReserveFund, Ownable2Step, ReentrancyGuardTransient {
    using MathLib for uint256;
    using SafeERC20 for IERC20;

    /// @inheritdoc IReserveFund
    address public immutable pool;
    /// @inheritdoc IReserveFund
    address public immutable lpToken;
    IERC20 internal immutable ASSET;

    /// @inheritdoc IReserveFund
    uint256 public reserveFloor;
    /// @inheritdoc IReserveFund
    uint256 public buyDiscount;

    struct Withdrawal {
        uint128 shares;
        uint64 readyAt;
        address receiver;
    }

    Withdrawal internal _pending;

    /// @param owner_ Governance (Ownable2Step).
    /// @param pool_ The LendingPool (deployed after this fund; it checks the wiring).
    /// @param lpToken_ The LPToken.
    /// @param asset_ The loan asset.
    /// @param floor_ Initial reserve floor (WAD), at least MIN_RESERVE_FLOOR.
    /// @param discount_ Initial collateral sale discount (WAD), at most MAX_BUY_DISCOUNT.
    constructor(address owner_, address pool_, address lpToken_, address asset_, uint256 floor_, uint256 discount_)
        Ownable(owner_)
    {
        if (pool_ == address(0)) revert ZeroAddress("pool");
        if (lpToken_ == address(0)) revert ZeroAddress("lpToken");
        if (asset_ == address(0)) revert ZeroAddress("asset");
        pool = pool_;
        lpToken = lpToken_;
        ASSET = IERC20(asset_);
        _setReserveFloor(floor_);
        _setBuyDiscount(discount_);
    }

    /* RESERVE */

    /// @inheritdoc IReserveFund
    function reserveShares() public view returns (uint256 shares) {
        (, shares) = _expectedReserve();
    }

    /// @inheritdoc IReserveFund
    function reserveAssets() external view returns (uint256 assets) {
        (assets,) = _expectedReserve();
    }

    /// @dev The reserve as an accrual now would leave it: held shares plus the reserve's pending cut of
    /// interest (the only shares minted by an accrual), valued at the accrued totals, rounded down.
    function _expectedReserve() internal view returns (uint256 assets, uint256 shares) {
        (uint256 totalAssets, uint256 totalShares) = ILendingPool(pool).expectedTotals();
        shares = IERC20(lpToken).balanceOf(address(this)) + totalShares - IERC20(lpToken).totalSupply();
        assets = shares.mulDivDown(totalAssets + ConstantsLib.VIRTUAL_ASSETS, totalShares + ConstantsLib.VIRTUAL_SHARES);
    }

    /// @inheritdoc IReserveFund
    function fundReserve(uint256 assets) external nonReentrant returns (uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        TransferLib.pullExact(ASSET, msg.sender, address(this), assets);
        shares = _depositToReserve(assets);
        emit ReserveFunded(msg.sender, assets, shares);
    }

    /* COLLATERAL SALES */

    /// @inheritdoc IReserveFund
    function previewBuyCollateral(address token, uint256 amount) public view returns (uint256) {
        uint256 value = ILendingPool(pool).collateralToAssetsUp(token, amount);
        return value.wMulUp(ConstantsLib.WAD - buyDiscount);
    }

    /// @inheritdoc IReserveFund
    function buyCollateral(address token, uint256 amount, uint256 maxPayment, address receiver)
        external
        nonReentrant
        returns (uint256 payment)
    {
        if (amount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress("receiver");
        uint256 held = IERC20(token).balanceOf(address(this));
        if (amount > held) revert InsufficientCollateralHeld(token, held, amount);
        payment = previewBuyCollateral(token, amount);
        if (payment == 0) revert ZeroAmount();
        if (payment > maxPayment) revert PaymentExceedsMax(payment, maxPayment);

        TransferLib.pullExact(ASSET, msg.sender, address(this), payment);
        uint256 shares = _depositToReserve(payment);
        IERC20(token).safeTransfer(receiver, amount);
        emit CollateralBought(msg.sender, token, receiver, amount, payment, shares);
    }

    /// @dev Deposits loan asset this fund holds into the LPToken; the shares stay here as reserve.
    function _depositToReserve(uint256 assets) internal returns (uint256 shares) {
        ASSET.forceApprove(lpToken, assets);
        shares = ILPToken(lpToken).deposit(assets, address(this));
    }

    /* GOVERNANCE WITHDRAWALS */

    /// @inheritdoc IReserveFund
    function pendingWithdrawal() external view returns (uint256, address, uint256) {
        return (_pending.shares, _pending.receiver, _pending.readyAt);
    }

    /// @inheritdoc IReserveFund
    function requestWithdrawal(uint256 shares, address receiver) external onlyOwner {
        if (shares == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress("receiver");
        if (_pending.readyAt != 0) revert WithdrawalPending();
        uint256 readyAt = block.timestamp + ConstantsLib.RESERVE_WITHDRAWAL_DELAY;
        _pending = Withdrawal({shares: uint128(shares), readyAt: uint64(readyAt), receiver: receiver});
        emit WithdrawalRequested(receiver, shares, readyAt);
    }

    /// @inheritdoc IReserveFund
    function cancelWithdrawal() external onlyOwner {
        uint256 shares = _pending.shares;
        if (_pending.readyAt == 0) revert NoPendingWithdrawal();
        delete _pending;
        emit WithdrawalCancelled(shares);
    }

    /// @inheritdoc IReserveFund
    function executeWithdrawal() external onlyOwner nonReentrant returns (uint256 shares) {
        Withdrawal memory w = _pending;
        if (w.readyAt == 0) revert NoPendingWithdrawal();
        if (block.timestamp < w.readyAt) revert WithdrawalNotReady(w.readyAt);
        (uint256 totalAssets, uint256 totalShares) = ILendingPool(pool).accrueInterest();
        uint256 held = IERC20(lpToken).balanceOf(address(this));
        shares = MathLib.min(w.shares, held);
        uint256 remaining = held - shares;
        // The reserve left is valued rounded down and the floor rounded up: against governance.
        uint256 remainingAssets =
            remaining.mulDivDown(totalAssets + ConstantsLib.VIRTUAL_ASSETS, totalShares + ConstantsLib.VIRTUAL_SHARES);
        uint256 floorAssets = totalAssets.wMulUp(reserveFloor);
        if (remainingAssets < floorAssets) revert ReserveBelowFloor(remainingAssets, floorAssets);
        delete _pending;
        IERC20(lpToken).safeTransfer(w.receiver, shares);
        emit WithdrawalExecuted(w.receiver, shares, remaining);
    }

    /* PARAMETERS */

    /// @inheritdoc IReserveFund
    function setReserveFloor(uint256 newFloor) external onlyOwner {
        _setReserveFloor(newFloor);
    }

    /// @inheritdoc IReserveFund
    function setBuyDiscount(uint256 newDiscount) external onlyOwner {
        _setBuyDiscount(newDiscount);
    }

    function _setReserveFloor(uint256 newFloor) internal {
        if (newFloor < ConstantsLib.MIN_RESERVE_FLOOR || newFloor > ConstantsLib.WAD) {
            revert ParameterOutOfBounds("reserveFloor", newFloor);
        }
        emit ParameterSet("reserveFloor", reserveFloor, newFloor);
        reserveFloor = newFloor;
    }

    function _setBuyDiscount(uint256 newDiscount) internal {
        if (newDiscount > ConstantsLib.MAX_BUY_DISCOUNT) revert ParameterOutOfBounds("buyDiscount", newDiscount);
        emit ParameterSet("buyDiscount", buyDiscount, newDiscount);
        buyDiscount = newDiscount;
    }
}
