"""The reference model: Shortfall's accounting in exact integers, written from the README's design
section ("Design: the spec"). Each operation's docstring names the README rule it implements.

An operation either changes the state and returns what the contract would return, or raises `Revert`
with the custom error the contract must revert with, leaving the state untouched (callers work on a
copy, see `Model.apply`). Checks run in the order the interfaces document them; the fuzzer
(tests/stateful) holds the contracts to this model after every step.

Rounding helpers carry their direction in their names, as MathLib and SharesMathLib do.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shortfall.constants import (
    LT_DECREASE_DELAY,
    MAX_COLLATERALS,
    MAX_LIQUIDATION_BONUS,
    MAX_LT_DECREASE_STEP,
    MAX_RESERVE_FACTOR,
    MAX_UINT256,
    VIRTUAL_ASSETS,
    VIRTUAL_SHARES,
    WAD,
)

ZERO = "0x0000000000000000000000000000000000000000"
U128 = 2**128


class Revert(Exception):
    """The model predicts that the call reverts with custom error `name`."""

    def __init__(self, name: str, *args: Any) -> None:
        super().__init__(f"{name}{args}")
        self.name = name
        self.args_ = args


# ---------------------------------------------------------------- rounding helpers (README: Rounding)


def mul_div_down(x: int, y: int, d: int) -> int:
    return x * y // d


def mul_div_up(x: int, y: int, d: int) -> int:
    return -(-(x * y) // d)


def w_mul_down(x: int, y: int) -> int:
    return x * y // WAD


def w_mul_up(x: int, y: int) -> int:
    return mul_div_up(x, y, WAD)


def w_div_down(x: int, y: int) -> int:
    return x * WAD // y


def w_div_up(x: int, y: int) -> int:
    return mul_div_up(x, WAD, y)


def to_shares_down(assets: int, total_assets: int, total_shares: int) -> int:
    return mul_div_down(assets, total_shares + VIRTUAL_SHARES, total_assets + VIRTUAL_ASSETS)


def to_shares_up(assets: int, total_assets: int, total_shares: int) -> int:
    return mul_div_up(assets, total_shares + VIRTUAL_SHARES, total_assets + VIRTUAL_ASSETS)


def to_assets_down(shares: int, total_assets: int, total_shares: int) -> int:
    return mul_div_down(shares, total_assets + VIRTUAL_ASSETS, total_shares + VIRTUAL_SHARES)


def to_assets_up(shares: int, total_assets: int, total_shares: int) -> int:
    return mul_div_up(shares, total_assets + VIRTUAL_ASSETS, total_shares + VIRTUAL_SHARES)


def taylor_compounded_down(rate: int, elapsed: int) -> int:
    """README, Interest: x + x²/2 + x³/6 with x = rate * Δt, each term rounded down."""
    first = rate * elapsed
    second = mul_div_down(first, first, 2 * WAD)
    third = mul_div_down(second, first, 3 * WAD)
    return first + second + third


def split_loss(loss: int, reserve_shares: int, total_assets: int, total_shares: int) -> tuple[int, int, int]:
    """README, Socializing a loss L: b = min(reserveShares, toSharesUp(L)); coveredByReserve = L when
    the reserve had enough, else min(L, toAssetsDown(b)); lpLoss = L - coveredByReserve."""
    needed = to_shares_up(loss, total_assets, total_shares)
    if reserve_shares >= needed:
        return needed, loss, 0
    covered = min(to_assets_down(reserve_shares, total_assets, total_shares), loss)
    return reserve_shares, covered, loss - covered


# ---------------------------------------------------------------- state


IMMUTABLE = (int, str, bool, bytes, float, type(None))


def clone(value: Any) -> Any:
    """A deep copy of model state (numbers, strings, and tuples, lists, dicts and dataclass instances of
    them), built directly rather than through `copy.deepcopy`'s generic machinery; any other type is
    handed to `copy.deepcopy`. Dict keys are hashable, hence immutable here, and kept. Unlike deepcopy it
    does not preserve aliasing between fields (the model has none)."""
    kind = type(value)
    if kind in IMMUTABLE:
        return value
    if kind is dict:
        return {k: clone(v) for k, v in value.items()}
    if kind is list:
        return [clone(v) for v in value]
    if kind is tuple:
        return tuple(clone(v) for v in value)
    if dataclasses.is_dataclass(kind) and hasattr(value, "__dict__"):
        new = object.__new__(kind)
        new.__dict__.update({k: clone(v) for k, v in value.__dict__.items()})
        return new
    return copy.deepcopy(value)


@dataclass
class Feed:
    answer: int
    updated_at: int


@dataclass
class Source:
    feed: str
    feed_decimals: int
    token_decimals: int
    heartbeat: int
    min_answer: int
    max_answer: int


@dataclass
class Collateral:
    max_ltv: int
    lt: int
    bonus: int
    supply_cap: int
    total_supplied: int = 0


@dataclass
class Event:
    name: str
    fields: dict[str, int]


@dataclass
class Model:
    """Pool, LP share ledger and ReserveFund, as the README specifies them."""

    asset: str
    reserve: str
    cash: int = 0
    total_borrow_assets: int = 0
    total_borrow_shares: int = 0
    last_update: int = 0
    paused: bool = False
    rates: dict[str, int] = field(default_factory=dict)  # base, slope1, slope2, kink, reserve_factor
    risk: dict[str, int] = field(
        default_factory=dict
    )  # close_factor, full_close_hf, small_debt, dust, min_borrow, borrow_cap
    sources: dict[str, Source] = field(default_factory=dict)
    feeds: dict[str, Feed] = field(default_factory=dict)
    collaterals: dict[str, Collateral] = field(default_factory=dict)
    borrow_shares: dict[str, int] = field(default_factory=dict)
    enabled: dict[str, list[str]] = field(default_factory=dict)
    collateral_of: dict[tuple[str, str], int] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)
    allowances: dict[tuple[str, str], int] = field(default_factory=dict)
    total_supply: int = 0
    reserve_floor: int = 0
    buy_discount: int = 0
    pending_withdrawal: tuple[int, str, int] | None = None  # shares, receiver, ready_at
    reserve_collateral: dict[str, int] = field(default_factory=dict)
    pending_lt: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # the Configurator's: token -> (new LT, ready_at)
    events: list[Event] = field(default_factory=list)

    # ------------------------------------------------------------ running operations

    def __deepcopy__(self, memo: dict) -> Model:
        """An independent copy of every field, as `copy.deepcopy` would make it, several times faster
        (the fuzzer copies the model before every step): see `clone`."""
        return clone(self)

    def apply(self, operation: Callable[..., Any], *args: Any) -> tuple[Model, Any]:
        """Runs `operation(model_copy, *args)`; returns (new model, result) or raises Revert, leaving
        `self` unchanged either way."""
        new = copy.deepcopy(self)
        new.events = []
        result = operation(new, *args)
        return new, result

    def fork(self) -> Model:
        """A copy for trying one operation: every container an operation mutates is copied (much cheaper
        than `apply`'s deep copy when there are hundreds of positions). Used by the replay engine."""
        new = copy.copy(self)
        new.rates, new.risk = dict(self.rates), dict(self.risk)
        new.feeds = {k: Feed(f.answer, f.updated_at) for k, f in self.feeds.items()}
        new.collaterals = {k: dataclasses.replace(c) for k, c in self.collaterals.items()}
        new.borrow_shares = dict(self.borrow_shares)
        new.enabled = dict(self.enabled)  # the lists are never changed in place
        new.collateral_of = dict(self.collateral_of)
        new.balances = dict(self.balances)
        new.allowances = dict(self.allowances)
        new.reserve_collateral = dict(self.reserve_collateral)
        new.pending_lt = dict(self.pending_lt)
        new.events = []
        return new

    def emit(self, name: str, **fields: int) -> None:
        self.events.append(Event(name, fields))

    # ------------------------------------------------------------ views

    def total_assets(self) -> int:
        return self.cash + self.total_borrow_assets

    def share_price(self, unit: int) -> int:
        return to_assets_down(unit, self.total_assets(), self.total_supply)

    def debt_of(self, borrower: str) -> int:
        return min(
            to_assets_up(self.borrow_shares.get(borrower, 0), self.total_borrow_assets, self.total_borrow_shares),
            self.total_borrow_assets,
        )

    # ------------------------------------------------------------ prices (README: Prices)

    def price(self, token: str, now: int) -> tuple[int, int]:
        """The answer and 10^(tokenDecimals + feedDecimals); refused when ≤ 0, stale or at/beyond bounds."""
        source = self.sources[token]
        feed = self.feeds[source.feed]
        if feed.answer <= 0:
            raise Revert("InvalidPrice", source.feed, feed.answer)
        if feed.updated_at + source.heartbeat < now:
            raise Revert("StalePrice", source.feed, feed.updated_at)
        if feed.answer <= source.min_answer or feed.answer >= source.max_answer:
            raise Revert("PriceOutOfBounds", source.feed, feed.answer)
        return feed.answer, 10 ** (source.token_decimals + source.feed_decimals)

    @staticmethod
    def value_down(amount: int, price: tuple[int, int]) -> int:
        return mul_div_down(amount, price[0] * WAD, price[1])

    @staticmethod
    def value_up(amount: int, price: tuple[int, int]) -> int:
        return mul_div_up(amount, price[0] * WAD, price[1])

    @staticmethod
    def amount_down(value: int, price: tuple[int, int]) -> int:
        return mul_div_down(value, price[1], price[0] * WAD)

    @staticmethod
    def amount_up(value: int, price: tuple[int, int]) -> int:
        return mul_div_up(value, price[1], price[0] * WAD)

    def collateral_values(self, borrower: str, now: int, target: str | None = None) -> tuple[int, int, int, Any]:
        """Collateral value, LT-weighted and max-LTV-weighted values, all rounded down, in the
        borrower's collateral order; and the price of `target`."""
        value_sum = liquidation = max_debt = 0
        target_price = None
        for token in self.enabled.get(borrower, []):
            price = self.price(token, now)
            if token == target:
                target_price = price
            value = self.value_down(self.collateral_of.get((borrower, token), 0), price)
            value_sum += value
            liquidation += w_mul_down(value, self.collaterals[token].lt)
            max_debt += w_mul_down(value, self.collaterals[token].max_ltv)
        return value_sum, liquidation, max_debt, target_price

    # ------------------------------------------------------------ interest (README: Interest)

    def borrow_rate(self, utilization: int) -> int:
        r = self.rates
        if utilization <= r["kink"]:
            return r["base"] + mul_div_down(utilization, r["slope1"], r["kink"])
        return r["base"] + r["slope1"] + mul_div_down(utilization - r["kink"], r["slope2"], WAD - r["kink"])

    def accrue(self, now: int) -> None:
        """Borrows grow by borrows * taylor(rate, Δt) rounded down; reserveFactor of it is minted to the
        ReserveFund as shares priced after the interest, without the reserve's own cut."""
        elapsed = now - self.last_update
        if elapsed == 0:
            return
        self.last_update = now
        borrows = self.total_borrow_assets
        if borrows == 0:
            return
        rate = self.borrow_rate(w_div_down(borrows, self.cash + borrows))
        interest = w_mul_down(borrows, taylor_compounded_down(rate, elapsed))
        if interest == 0:
            return
        reserve_interest = w_mul_down(interest, self.rates["reserve_factor"])
        borrows += interest
        self.total_borrow_assets = borrows
        reserve_shares = 0
        if reserve_interest > 0:
            reserve_shares = to_shares_down(reserve_interest, self.cash + borrows - reserve_interest, self.total_supply)
            if reserve_shares > 0:
                self._mint(self.reserve, reserve_shares)
        self.emit("AccrueInterest", interest=interest, reserveInterest=reserve_interest, reserveShares=reserve_shares)

    # ------------------------------------------------------------ share ledger

    def _mint(self, account: str, shares: int) -> None:
        self.balances[account] = self.balances.get(account, 0) + shares
        self.total_supply += shares

    def _burn(self, account: str, shares: int) -> None:
        balance = self.balances.get(account, 0)
        if balance < shares:
            raise Revert("ERC20InsufficientBalance", account, balance, shares)
        self.balances[account] = balance - shares
        self.total_supply -= shares

    def transfer(self, sender: str, to: str, shares: int) -> bool:
        """ERC-20 transfer of LP shares (no accrual)."""
        if to == ZERO:
            raise Revert("ERC20InvalidReceiver", to)
        self._burn(sender, shares)
        self.balances[to] = self.balances.get(to, 0) + shares
        self.total_supply += shares
        return True

    def _spend_allowance(self, owner: str, spender: str, shares: int) -> None:
        allowed = self.allowances.get((owner, spender), 0)
        if allowed == MAX_UINT256:
            return
        if allowed < shares:
            raise Revert("ERC20InsufficientAllowance", spender, allowed, shares)
        self.allowances[(owner, spender)] = allowed - shares

    def _credit_cash(self, assets: int) -> None:
        if self.cash + assets >= U128:
            raise Revert("SafeCastOverflowedUintDowncast", 128, self.cash + assets)
        self.cash += assets

    # ------------------------------------------------------------ lenders (README: LPToken)

    def deposit(self, caller: str, assets: int, receiver: str, now: int) -> int:
        """ERC-4626 deposit: accrue; shares = toSharesDown(assets); refused while paused (maxDeposit 0)."""
        self.accrue(now)
        if self.paused and assets > 0:
            raise Revert("ERC4626ExceededMaxDeposit", receiver, assets, 0)
        shares = to_shares_down(assets, self.total_assets(), self.total_supply)
        if shares == 0:
            raise Revert("ZeroAmount")
        self._credit_cash(assets)
        self._mint(receiver, shares)
        return shares

    def mint(self, caller: str, shares: int, receiver: str, now: int) -> int:
        """ERC-4626 mint: accrue; assets = toAssetsUp(shares)."""
        self.accrue(now)
        if self.paused and shares > 0:
            raise Revert("ERC4626ExceededMaxMint", receiver, shares, 0)
        assets = to_assets_up(shares, self.total_assets(), self.total_supply)
        if shares == 0 or assets == 0:
            raise Revert("ZeroAmount")
        self._credit_cash(assets)
        self._mint(receiver, shares)
        return assets

    def withdraw(self, caller: str, assets: int, receiver: str, owner: str, now: int) -> int:
        """ERC-4626 withdraw, capped by cash: shares = toSharesUp(assets)."""
        self.accrue(now)
        ta, ts = self.total_assets(), self.total_supply
        max_assets = min(to_assets_down(self.balances.get(owner, 0), ta, ts), self.cash)
        if assets > max_assets:
            raise Revert("ERC4626ExceededMaxWithdraw", owner, assets, max_assets)
        if assets == 0:
            raise Revert("ZeroAmount")
        shares = to_shares_up(assets, ta, ts)
        self._exit(caller, owner, assets, shares)
        return shares

    def redeem(self, caller: str, shares: int, receiver: str, owner: str, now: int) -> int:
        """ERC-4626 redeem, capped by cash: assets = toAssetsDown(shares)."""
        self.accrue(now)
        ta, ts = self.total_assets(), self.total_supply
        max_shares = min(self.balances.get(owner, 0), to_shares_down(self.cash, ta, ts))
        if shares > max_shares:
            raise Revert("ERC4626ExceededMaxRedeem", owner, shares, max_shares)
        assets = to_assets_down(shares, ta, ts)
        if assets == 0:
            raise Revert("ZeroAmount")
        self._exit(caller, owner, assets, shares)
        return assets

    def _exit(self, caller: str, owner: str, assets: int, shares: int) -> None:
        if caller != owner:
            self._spend_allowance(owner, caller, shares)
        self._burn(owner, shares)
        if assets > self.cash:
            raise Revert("InsufficientCash", self.cash, assets)
        self.cash -= assets

    # ------------------------------------------------------------ borrowers (README: Markets, Liquidation)

    def supply_collateral(self, caller: str, token: str, amount: int, on_behalf: str, now: int) -> None:
        """Paused while paused; at most MAX_COLLATERALS per borrower; supply cap; no accrual, no price."""
        if self.paused:
            raise Revert("EnforcedPause")
        if amount == 0:
            raise Revert("ZeroAmount")
        if on_behalf == ZERO:
            raise Revert("ZeroAddress")
        collateral = self.collaterals.get(token)
        if collateral is None:
            raise Revert("UnknownCollateral", token)
        if collateral.total_supplied + amount > collateral.supply_cap:
            raise Revert("SupplyCapExceeded", token, collateral.supply_cap)
        balance = self.collateral_of.get((on_behalf, token), 0)
        if balance == 0:
            tokens = self.enabled.get(on_behalf, [])
            if len(tokens) == MAX_COLLATERALS:
                raise Revert("TooManyCollaterals", on_behalf)
            self.enabled[on_behalf] = [*tokens, token]  # a new list: forks share the old one
        self.collateral_of[(on_behalf, token)] = balance + amount
        collateral.total_supplied += amount

    def _disable(self, borrower: str, token: str) -> None:
        tokens = list(self.enabled[borrower])  # a new list: forks share the old one
        index = tokens.index(token)
        tokens[index] = tokens[-1]
        tokens.pop()
        self.enabled[borrower] = tokens

    def withdraw_collateral(self, caller: str, token: str, amount: int, receiver: str, now: int) -> int:
        """Never paused; with debt the position must stay within max LTV at fresh prices."""
        if amount == 0:
            raise Revert("ZeroAmount")
        if receiver == ZERO:
            raise Revert("ZeroAddress")
        balance = self.collateral_of.get((caller, token), 0)
        if amount == MAX_UINT256:
            amount = balance
        if amount > balance or balance == 0:
            raise Revert("InsufficientCollateralBalance", caller, token, balance, amount)
        self.accrue(now)
        self.collateral_of[(caller, token)] = balance - amount
        self.collaterals[token].total_supplied -= amount
        if balance == amount:
            self._disable(caller, token)
        shares = self.borrow_shares.get(caller, 0)
        if shares > 0:
            debt_value = self.value_up(
                to_assets_up(shares, self.total_borrow_assets, self.total_borrow_shares), self.price(self.asset, now)
            )
            _, _, max_debt, _ = self.collateral_values(caller, now)
            if debt_value > max_debt:
                raise Revert("InsufficientCollateral", caller, max_debt, debt_value)
        return amount

    def borrow(self, caller: str, assets: int, receiver: str, now: int) -> int:
        """Debt shares round up; the debt must be worth at least minBorrowValue and at most the max-LTV value."""
        if self.paused:
            raise Revert("EnforcedPause")
        if assets == 0:
            raise Revert("ZeroAmount")
        if receiver == ZERO:
            raise Revert("ZeroAddress")
        self.accrue(now)
        if assets > self.cash:
            raise Revert("InsufficientCash", self.cash, assets)
        borrows, bshares = self.total_borrow_assets, self.total_borrow_shares
        if borrows + assets > self.risk["borrow_cap"]:
            raise Revert("BorrowCapExceeded", self.risk["borrow_cap"])
        shares = to_shares_up(assets, borrows, bshares)
        position = self.borrow_shares.get(caller, 0) + shares
        borrows += assets
        bshares += shares
        self.borrow_shares[caller] = position
        self.total_borrow_shares = bshares
        self.total_borrow_assets = borrows
        self.cash -= assets
        debt_value = self.value_up(to_assets_up(position, borrows, bshares), self.price(self.asset, now))
        if debt_value < self.risk["min_borrow"]:
            raise Revert("BorrowTooSmall", debt_value, self.risk["min_borrow"])
        _, _, max_debt, _ = self.collateral_values(caller, now)
        if debt_value > max_debt:
            raise Revert("InsufficientCollateral", caller, max_debt, debt_value)
        return shares

    def repay(self, caller: str, assets: int, on_behalf: str, now: int) -> tuple[int, int]:
        """Reads no price; a partial repay burns shares rounded down; max repays everything."""
        if assets == 0:
            raise Revert("ZeroAmount")
        self.accrue(now)
        position = self.borrow_shares.get(on_behalf, 0)
        if position == 0:
            raise Revert("NoDebt", on_behalf)
        borrows, bshares = self.total_borrow_assets, self.total_borrow_shares
        debt = min(to_assets_up(position, borrows, bshares), borrows)
        repaid, shares = (debt, position) if assets >= debt else (assets, to_shares_down(assets, borrows, bshares))
        if shares == 0:
            raise Revert("ZeroAmount")
        self.borrow_shares[on_behalf] = position - shares
        self.total_borrow_shares = bshares - shares
        self.total_borrow_assets = borrows - repaid
        self._credit_cash(repaid)
        return repaid, shares

    def liquidate(
        self, caller: str, borrower: str, token: str, max_repay: int, min_seized: int, receiver: str, now: int
    ) -> tuple[int, int, int]:
        """README, Liquidation: HF < 1; close factor 100% below fullCloseHealthFactor or under
        smallDebtValue; seized = repaid * (1 + bonus) at oracle prices, rounded down; all collateral and
        value / (1 + bonus) rounded up when it cannot cover that; no dust left; debt left with collateral
        worth at most dustValue is socialized in the same call."""
        if max_repay == 0:
            raise Revert("ZeroAmount")
        if receiver == ZERO:
            raise Revert("ZeroAddress")
        balance = self.collateral_of.get((borrower, token), 0)
        if balance == 0:
            raise Revert("InsufficientCollateralBalance", borrower, token, 0, 1)
        self.accrue(now)
        position = self.borrow_shares.get(borrower, 0)
        if position == 0:
            raise Revert("NoDebt", borrower)
        borrows, bshares = self.total_borrow_assets, self.total_borrow_shares
        debt = min(to_assets_up(position, borrows, bshares), borrows)
        loan_price = self.price(self.asset, now)
        debt_value = self.value_up(debt, loan_price)
        collateral_value, liquidation_value, _, price = self.collateral_values(borrower, now, token)
        health = w_div_down(liquidation_value, debt_value)
        if health >= WAD:
            raise Revert("HealthyPosition", borrower, health)
        risk = self.risk
        full = health < risk["full_close_hf"] or debt_value < risk["small_debt"]
        repaid = min(debt if full else w_mul_down(debt, risk["close_factor"]), max_repay)
        if repaid == 0:
            raise Revert("ZeroAmount")
        bonus_factor = WAD + self.collaterals[token].bonus
        balance_value = self.value_down(balance, price)
        seized = self.amount_down(w_mul_down(self.value_down(repaid, loan_price), bonus_factor), price)
        if seized >= balance:
            seized = balance
            repaid = min(self.amount_up(w_div_up(balance_value, bonus_factor), loan_price), repaid)
        if seized < min_seized:
            raise Revert("SlippageExceeded", seized, min_seized)

        repaid_shares = position if repaid == debt else to_shares_down(repaid, borrows, bshares)
        position -= repaid_shares
        bshares -= repaid_shares
        borrows -= repaid
        balance -= seized
        self.borrow_shares[borrower] = position
        self.collateral_of[(borrower, token)] = balance
        self.collaterals[token].total_supplied -= seized
        if balance == 0:
            self._disable(borrower, token)
        self._credit_cash(repaid)
        bad_debt = 0
        if position > 0:
            remaining_value = collateral_value - balance_value + self.value_down(balance, price)
            if remaining_value <= risk["dust"]:
                bad_debt = min(to_assets_up(position, borrows, bshares), borrows)
                self.borrow_shares[borrower] = 0
                bshares -= position
                self._socialize(borrower, bad_debt, self.cash + borrows, self.total_supply)
                borrows -= bad_debt
            elif balance > 0:
                left_value = self.value_up(to_assets_up(position, borrows, bshares), loan_price)
                if left_value < risk["min_borrow"]:
                    raise Revert("DustLeft", left_value, risk["min_borrow"])
        self.total_borrow_assets = borrows
        self.total_borrow_shares = bshares
        self.emit("Liquidate", repaid=repaid, seized=seized, badDebt=bad_debt)
        return repaid, seized, bad_debt

    def realize_bad_debt(self, caller: str, borrower: str, now: int) -> int:
        """README, realizeBadDebt: the whole debt D is written off; the ReserveFund buys the collateral at
        its oracle value V (rounded up) out of the reserve, then D - V is socialized; with collateral worth
        at most dustValue it goes to the caller and the loss is D."""
        self.accrue(now)
        position = self.borrow_shares.get(borrower, 0)
        if position == 0:
            raise Revert("NoDebt", borrower)
        borrows = self.total_borrow_assets
        debt = min(to_assets_up(position, borrows, self.total_borrow_shares), borrows)
        loan_price = self.price(self.asset, now)
        debt_value = self.value_up(debt, loan_price)
        collateral_value, _, _, _ = self.collateral_values(borrower, now)
        if collateral_value >= debt_value:
            raise Revert("NotInsolvent", borrower, collateral_value, debt_value)
        self.borrow_shares[borrower] = 0
        self.total_borrow_shares -= position
        ta, ts = self.cash + borrows, self.total_supply
        self.total_borrow_assets = borrows - debt
        bounty = collateral_value <= self.risk["dust"]
        value = 0 if bounty else min(self.amount_up(collateral_value, loan_price), debt)
        paid = 0
        if not bounty:
            reserve_shares = self.balances.get(self.reserve, 0)
            reserve_assets = to_assets_down(reserve_shares, ta, ts)
            if reserve_assets < value:
                raise Revert("ReserveInsufficient", reserve_assets, value)
            paid = to_shares_up(value, ta, ts)
            self._burn(self.reserve, paid)
            ta -= value
            ts -= paid
        loss = debt - value
        if loss > 0:
            self._socialize(borrower, loss, ta, ts)
        for token in list(self.enabled.get(borrower, [])):
            amount = self.collateral_of.get((borrower, token), 0)
            self.collateral_of[(borrower, token)] = 0
            self.collaterals[token].total_supplied -= amount
            if not bounty:
                self.reserve_collateral[token] = self.reserve_collateral.get(token, 0) + amount
        self.enabled[borrower] = []
        self.emit("RealizeBadDebt", debtWrittenOff=debt, collateralValueAssets=value, reserveSharesPaid=paid)
        return loss

    def _socialize(self, borrower: str, loss: int, total_assets: int, total_shares: int) -> None:
        """README, Socializing a loss L: the reserve's shares first, then every share through the price."""
        burned, covered, lp_loss = split_loss(loss, self.balances.get(self.reserve, 0), total_assets, total_shares)
        if burned > 0:
            self._burn(self.reserve, burned)
        self.emit(
            "BadDebtSocialized",
            loss=loss,
            coveredByReserve=covered,
            lpLoss=lp_loss,
            reserveSharesBurned=burned,
            totalAssetsBefore=total_assets,
            totalSharesBefore=total_shares,
        )

    # ------------------------------------------------------------ the ReserveFund (README: The reserve)

    def fund_reserve(self, caller: str, assets: int, now: int) -> int:
        """Anyone adds assets; they are deposited as LP shares held by the ReserveFund."""
        if assets == 0:
            raise Revert("ZeroAmount")
        return self.deposit(self.reserve, assets, self.reserve, now)

    def collateral_to_assets_up(self, token: str, amount: int, now: int) -> int:
        if token not in self.collaterals:
            raise Revert("UnknownCollateral", token)
        collateral_price = self.price(token, now)
        return self.amount_up(self.value_up(amount, collateral_price), self.price(self.asset, now))

    def buy_collateral(self, caller: str, token: str, amount: int, max_payment: int, receiver: str, now: int) -> int:
        """At oracle value * (1 - buyDiscount), rounded up; proceeds back into the reserve as shares."""
        if amount == 0:
            raise Revert("ZeroAmount")
        if receiver == ZERO:
            raise Revert("ZeroAddress")
        held = self.reserve_collateral.get(token, 0)
        if amount > held:
            raise Revert("InsufficientCollateralHeld", token, held, amount)
        payment = w_mul_up(self.collateral_to_assets_up(token, amount, now), WAD - self.buy_discount)
        if payment == 0:
            raise Revert("ZeroAmount")
        if payment > max_payment:
            raise Revert("PaymentExceedsMax", payment, max_payment)
        self.deposit(self.reserve, payment, self.reserve, now)
        self.reserve_collateral[token] = held - amount
        return payment

    def request_withdrawal(self, shares: int, receiver: str, now: int, delay: int) -> None:
        if shares == 0:
            raise Revert("ZeroAmount")
        if receiver == ZERO:
            raise Revert("ZeroAddress")
        if self.pending_withdrawal is not None:
            raise Revert("WithdrawalPending")
        self.pending_withdrawal = (shares, receiver, now + delay)

    def execute_withdrawal(self, now: int) -> int:
        """Sends min(requested, held) shares if the reserve left is worth at least floor * totalAssets."""
        if self.pending_withdrawal is None:
            raise Revert("NoPendingWithdrawal")
        requested, receiver, ready_at = self.pending_withdrawal
        if now < ready_at:
            raise Revert("WithdrawalNotReady", ready_at)
        self.accrue(now)
        ta, ts = self.total_assets(), self.total_supply
        held = self.balances.get(self.reserve, 0)
        shares = min(requested, held)
        remaining = held - shares
        remaining_assets = mul_div_down(remaining, ta + VIRTUAL_ASSETS, ts + VIRTUAL_SHARES)
        floor_assets = w_mul_up(ta, self.reserve_floor)
        if remaining_assets < floor_assets:
            raise Revert("ReserveBelowFloor", remaining_assets, floor_assets)
        self.pending_withdrawal = None
        self.balances[self.reserve] = remaining
        self.balances[receiver] = self.balances.get(receiver, 0) + shares
        return shares

    # ------------------------------------------------------------ governance and oracles

    def set_answer(self, feed: str, answer: int, updated_at: int) -> None:
        self.feeds[feed] = Feed(answer, updated_at)

    def set_paused(self, paused: bool) -> None:
        if paused and self.paused:
            raise Revert("EnforcedPause")
        if not paused and not self.paused:
            raise Revert("ExpectedPause")
        self.paused = paused

    # ------------------------------------------------------------ the Configurator (README: Governance)

    @staticmethod
    def check_collateral_params(max_ltv: int, lt: int, bonus: int) -> None:
        """Configurator.checkCollateralParams: bonus ≤ MAX_LIQUIDATION_BONUS, 0 < maxLtv < LT,
        LT * (1 + bonus) < 1 (rounded up), in that order."""
        if bonus > MAX_LIQUIDATION_BONUS:
            raise Revert("ParameterOutOfBounds", "liquidationBonus", bonus)
        if max_ltv == 0 or max_ltv >= lt:
            raise Revert("ParameterOutOfBounds", "maxLtv", max_ltv)
        if w_mul_up(lt, WAD + bonus) >= WAD:
            raise Revert("ParameterOutOfBounds", "liquidationThreshold", lt)

    def set_collateral_params(self, token: str, max_ltv: int, lt: int, bonus: int, supply_cap: int, now: int) -> None:
        """Configurator.setCollateralParams: a listed collateral; its LT is never lowered here (only through
        requestLtDecrease / applyLtDecrease), raised at once; within the bounds. The pool only stores: no
        accrual (`now` is unused), a pending LT decrease stays pending. A cap below what is supplied
        already is allowed: it refuses further supplies only."""
        collateral = self.collaterals.get(token)
        if collateral is None:
            raise Revert("UnknownCollateral", token)
        if lt < collateral.lt:
            raise Revert("ParameterOutOfBounds", "liquidationThreshold", lt)
        self.check_collateral_params(max_ltv, lt, bonus)
        collateral.max_ltv, collateral.lt, collateral.bonus, collateral.supply_cap = max_ltv, lt, bonus, supply_cap

    def request_lt_decrease(self, token: str, new_lt: int, now: int) -> None:
        """Configurator.requestLtDecrease: a listed collateral; current - MAX_LT_DECREASE_STEP ≤ newLt < current
        and newLt > maxLtv; ready LT_DECREASE_DELAY from now. Replaces a pending request of the token."""
        collateral = self.collaterals.get(token)
        if collateral is None:
            raise Revert("UnknownCollateral", token)
        current = collateral.lt
        if new_lt >= current or current - new_lt > MAX_LT_DECREASE_STEP or new_lt <= collateral.max_ltv:
            raise Revert("ParameterOutOfBounds", "liquidationThreshold", new_lt)
        self.pending_lt[token] = (new_lt, now + LT_DECREASE_DELAY)

    def apply_lt_decrease(self, token: str, now: int) -> None:
        """Configurator.applyLtDecrease, by anyone: from readyAt on (BND-22), if the new LT is still above
        max LTV (which may have been raised since the request). No accrual: valuations read the new LT from
        the next call on."""
        pending = self.pending_lt.get(token)
        if pending is None:
            raise Revert("NoPendingLtDecrease", token)
        new_lt, ready_at = pending
        if now < ready_at:
            raise Revert("LtDecreaseNotReady", token, ready_at)
        collateral = self.collaterals[token]
        if new_lt <= collateral.max_ltv:
            raise Revert("ParameterOutOfBounds", "liquidationThreshold", new_lt)
        del self.pending_lt[token]
        collateral.lt = new_lt

    def set_risk_params(self, params: dict[str, int], now: int) -> None:
        """Configurator.setRiskParams with `params` keyed as `risk` plus `reserve_factor`: within the
        bounds (checkRiskParams, in its order), then the pool accrues at the old values and stores them."""
        if params["close_factor"] == 0 or params["close_factor"] > WAD:
            raise Revert("ParameterOutOfBounds", "closeFactor", params["close_factor"])
        if params["full_close_hf"] > WAD:
            raise Revert("ParameterOutOfBounds", "fullCloseHealthFactor", params["full_close_hf"])
        if params["reserve_factor"] > MAX_RESERVE_FACTOR:
            raise Revert("ParameterOutOfBounds", "reserveFactor", params["reserve_factor"])
        if params["small_debt"] < 2 * params["min_borrow"]:
            raise Revert("ParameterOutOfBounds", "smallDebtValue", params["small_debt"])
        if params["dust"] != 0 and params["dust"] >= params["min_borrow"]:
            raise Revert("ParameterOutOfBounds", "dustValue", params["dust"])
        self.accrue(now)
        self.rates["reserve_factor"] = params["reserve_factor"]
        keys = ("close_factor", "full_close_hf", "small_debt", "dust", "min_borrow", "borrow_cap")
        self.risk = {key: params[key] for key in keys}


def configure(model: Model, params: Any) -> None:
    """Sets the model's rate model, risk parameters, reserve floor and buy discount from a
    `shortfall.chain.params.PoolParams`, as the contracts are deployed with it."""
    rate, risk = params.rate_model, params.risk
    model.rates = {
        "base": rate.base_rate,
        "slope1": rate.slope1,
        "slope2": rate.slope2,
        "kink": rate.kink,
        "reserve_factor": risk.reserve_factor,
    }
    model.risk = {
        "close_factor": risk.close_factor,
        "full_close_hf": risk.full_close_health_factor,
        "small_debt": risk.small_debt_value,
        "dust": risk.dust_value,
        "min_borrow": risk.min_borrow_value,
        "borrow_cap": risk.borrow_cap,
    }
    model.reserve_floor, model.buy_discount = params.reserve.floor, params.reserve.buy_discount
