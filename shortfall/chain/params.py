"""Pool parameters as typed values, in the units the contracts take (WAD fractions, 1e18 quote values)."""

from __future__ import annotations

from dataclasses import astuple, dataclass, field

from shortfall.constants import FEED_DECIMALS, WAD, apr_to_per_second

USD = WAD  # one unit of quote currency in contract values


def default_max_answer(feed_decimals: int = FEED_DECIMALS) -> int:
    """The default ceiling of a feed's answers: a price of 1e12 quote units, in the feed's decimals."""
    return 10**12 * 10**feed_decimals


@dataclass(frozen=True)
class FeedConfig:
    """How a token is priced: feed address, heartbeat (s) and the answers beyond which it is refused.
    The default bounds are for a feed of FEED_DECIMALS; `default_max_answer(d)` gives another's."""

    feed: str
    heartbeat: int = 86_400
    min_answer: int = 0
    max_answer: int = default_max_answer()

    def as_tuple(self) -> tuple:
        return astuple(self)


@dataclass(frozen=True)
class CollateralParams:
    """Risk parameters of one collateral (WAD fractions, cap in token units)."""

    max_ltv: int = 75 * WAD // 100
    liquidation_threshold: int = 80 * WAD // 100
    liquidation_bonus: int = 5 * WAD // 100
    supply_cap: int = 2**128 - 1

    def as_tuple(self) -> tuple:
        return astuple(self)


@dataclass(frozen=True)
class RateModel:
    """Kinked model; rates per second (WAD)."""

    base_rate: int = 0
    slope1: int = apr_to_per_second(4 * WAD // 100)
    slope2: int = apr_to_per_second(300 * WAD // 100)
    kink: int = 80 * WAD // 100

    def as_tuple(self) -> tuple:
        return astuple(self)


@dataclass(frozen=True)
class RiskParams:
    """Pool-wide risk parameters: fractions in WAD, values in 1e18 quote units, cap in loan-asset units."""

    close_factor: int = WAD // 2
    full_close_health_factor: int = 95 * WAD // 100
    reserve_factor: int = 10 * WAD // 100
    borrow_cap: int = 2**128 - 1
    min_borrow_value: int = 100 * USD
    small_debt_value: int = 1_000 * USD
    dust_value: int = 10 * USD

    def as_tuple(self) -> tuple:
        return astuple(self)


@dataclass(frozen=True)
class ReserveParams:
    """ReserveFund parameters (WAD)."""

    floor: int = 5 * WAD // 100
    buy_discount: int = 5 * WAD // 100


@dataclass(frozen=True)
class PoolParams:
    """Everything a deployment needs besides addresses."""

    rate_model: RateModel = field(default_factory=RateModel)
    risk: RiskParams = field(default_factory=RiskParams)
    reserve: ReserveParams = field(default_factory=ReserveParams)
    loan_heartbeat: int = 86_400
    lp_name: str = "Shortfall LP"
    lp_symbol: str = "sfLP"
