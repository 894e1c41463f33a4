"""The seeded population of a replay: LPs and borrowers, drawn once and used by both engines.

- LP deposits: lognormal with the scenario's median and sigma (loan-asset units), plus named LP whales.
- Borrowers: each picks one collateral by the mix, a collateral value (lognormal, quote units) and a
  starting health factor (uniform in [min, max]); named borrower whales add theirs. The debt is
  `collateral value x LT / HF` at the step-0 feed answers, capped at 99.9% of `maxLtv x
  collateral value` (the pool refuses more), and lifted to 1% above `minBorrowValue` when it is
  smaller. Token amounts are rounded down to token units.
Draws use Python's `random.Random(seed)`, so a seed gives the same population on every run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from shortfall.constants import FEED_DECIMALS, WAD
from shortfall.replay.scenario import Scenario, ScenarioError

MAX_UTILIZATION = 0.9


@dataclass(frozen=True)
class Lp:
    name: str
    assets: int  # loan-asset units deposited at the start


@dataclass(frozen=True)
class Borrower:
    name: str
    collateral: str  # symbol
    amount: int  # collateral token units
    borrow: int  # loan-asset units
    target_hf: float


@dataclass(frozen=True)
class Population:
    lps: tuple[Lp, ...]
    borrowers: tuple[Borrower, ...]
    reserve: int  # loan-asset units funded at the start


def generate(scenario: Scenario, answers: dict[str, int]) -> Population:
    """The population of `scenario`, priced at the step-0 feed `answers`."""
    spec = scenario.population
    rng = random.Random(spec.seed)
    loan = scenario.loan
    loan_price = answers[loan.symbol] / 10**FEED_DECIMALS

    def lognormal(median: float, sigma: float) -> float:
        return rng.lognormvariate(math.log(median), sigma) if sigma > 0 else median

    lps = [
        Lp(f"lp-{i + 1:02d}", int(lognormal(spec.lp_deposit.median, spec.lp_deposit.sigma) * 10**loan.decimals))
        for i in range(spec.lp_count)
    ]
    symbols = list(spec.collateral_mix)
    weights = [spec.collateral_mix[s] for s in symbols]
    draws = []
    for i in range(spec.borrower_count):
        symbol = rng.choices(symbols, weights)[0] if len(symbols) > 1 else symbols[0]
        value = lognormal(spec.collateral_value.median, spec.collateral_value.sigma)
        hf = rng.uniform(spec.health_factor_min, spec.health_factor_max)
        draws.append((f"b-{i + 1:03d}", symbol, value, hf))
    for whale in spec.whales:
        if whale.role == "lp":
            lps.append(Lp(whale.name, int(whale.amount * 10**loan.decimals)))
        else:
            draws.append((whale.name, whale.collateral, whale.amount, whale.health_factor))

    borrowers = []
    for name, symbol, value, hf in draws:
        asset = scenario.collaterals[symbol]
        price = answers[symbol] / 10**FEED_DECIMALS
        amount = int(value / price * 10**asset.decimals)
        value_exact = amount / 10**asset.decimals * price
        debt_value = min(
            value_exact * asset.liquidation_threshold / WAD / hf, 0.999 * value_exact * asset.max_ltv / WAD
        )
        debt_value = max(debt_value, 1.01 * scenario.pool.min_borrow_value)
        if debt_value > 0.999 * value_exact * asset.max_ltv / WAD:
            continue  # too small to borrow the minimum: the borrower is left out
        borrowers.append(Borrower(name, symbol, amount, int(debt_value / loan_price * 10**loan.decimals), hf))

    deposits = sum(lp.assets for lp in lps)
    borrows = sum(b.borrow for b in borrowers)
    if borrows > MAX_UTILIZATION * deposits:
        raise ScenarioError(
            f"{scenario.path}: population: borrowers would borrow {borrows / 10**loan.decimals:,.0f} {loan.symbol} "
            f"but LPs deposit {deposits / 10**loan.decimals:,.0f} (utilization above {MAX_UTILIZATION:.0%}); "
            "raise population.lps.deposit or lower population.borrowers.collateral_value"
        )
    reserve = int(scenario.pool.initial_reserve * 10**loan.decimals)
    return Population(tuple(lps), tuple(borrowers), reserve)
