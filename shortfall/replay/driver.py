"""The walk: one driver for both engines, so that they differ only in where the state lives.

Step 0 (setup, two blocks): every feed publishes; a setup account mints and deposits each LP's assets
for the LP, funds the reserve, and supplies each borrower's collateral on the borrower's behalf; the
keeper gets loan asset and approves the pool; then each borrower borrows (one block, in population
order). Then, for each step k ≥ 1 at t = k x step:

1. one block at t: the feeds the oracle model publishes (`setAnswer`), then `accrueInterest()`;
2. one read of the whole state (the chain engine's lens call);
3. keepers: unless in the outage window, every position with HF < 1 for at least the reaction delay
   is tried, largest debt first, on a fork of the state: liquidated (`maxRepay` = all the close factor
   allows) if the seized collateral, sold at the market price less slippage, beats the repayment at
   the market price plus gas (gas x gas price x the native token's price) by `min_profit`; otherwise, if
   its collateral is worth less than its debt at the feed's prices and the fork says it would succeed,
   its bad debt is realized. At most `liquidations_per_block` per block, in blocks `block_time` apart
   inside the step; the rest wait for the next step.

Each step's row holds the state read in (2) and the sums of what the keepers' blocks did in (3).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shortfall.constants import FEED_DECIMALS, MAX_UINT256, WAD
from shortfall.model import Model, Revert, to_assets_down, w_div_down
from shortfall.replay.engines import KEEPER, ORACLE, RESERVE, SETUP, Engine, Op, OpResult
from shortfall.replay.market import Tick, timeline
from shortfall.replay.population import Population, generate
from shortfall.replay.scenario import Scenario

HF_BUCKETS = ((0.0, 1.0), (1.0, 1.1), (1.1, 1.25), (1.25, 1.5), (1.5, 2.0), (2.0, math.inf))
HF_COLUMNS = tuple(f"hf_{lo:g}_{hi:g}".replace("inf", "up") for lo, hi in HF_BUCKETS)
# Float HF and collateral/debt estimates have a relative error around 1e-15: positions this close to 1
# are valued exactly, in integers, as the pool values them.
BORDER = 1e-6
ACTION_FIELDS = ("repaid", "seized", "badDebt", "loss", "coveredByReserve", "lpLoss", "collateralValueAssets")


@dataclass
class ReplayResult:
    scenario: Scenario
    engine: str
    population: Population
    rows: list[dict[str, Any]]
    lp_shares: dict[str, int]
    wall_s: float
    transactions: int
    blocks: int
    timing: dict[str, float] = field(default_factory=dict)
    borrows_refused: int = 0


def setup_ops(scenario: Scenario, population: Population, answers: dict[str, int]) -> tuple[list[Op], list[Op]]:
    """The two setup blocks: feeds, deposits, reserve, collateral and the keeper's float; then borrows."""
    loan = scenario.loan.symbol
    first = [Op("set_price", ORACLE, (symbol, answers[symbol])) for symbol in scenario.assets]
    total = sum(lp.assets for lp in population.lps) + population.reserve
    first += [
        Op("mint", SETUP, (loan, SETUP, total)),
        Op("approve", SETUP, (loan, "lp_token", MAX_UINT256)),
        Op("approve", SETUP, (loan, "reserve", MAX_UINT256)),
    ]
    first += [Op("deposit", SETUP, (lp.assets, lp.name)) for lp in population.lps]
    if population.reserve:
        first.append(Op("fund_reserve", SETUP, (population.reserve,)))
    for symbol in scenario.collaterals:
        amount = sum(b.amount for b in population.borrowers if b.collateral == symbol)
        if amount:
            first += [Op("mint", SETUP, (symbol, SETUP, amount)), Op("approve", SETUP, (symbol, "pool", MAX_UINT256))]
    first += [Op("supply", SETUP, (b.collateral, b.amount, b.name)) for b in population.borrowers]
    float_assets = 10 ** (scenario.loan.decimals + 15)
    first += [Op("mint", KEEPER, (loan, KEEPER, float_assets)), Op("approve", KEEPER, (loan, "pool", MAX_UINT256))]
    second = [Op("borrow", b.name, (b.borrow,)) for b in population.borrowers]
    return first, second


def run_replay(scenario: Scenario, engine: Engine, progress: bool = False) -> ReplayResult:
    """Walks `scenario` on `engine` (a ModelEngine, or a ChainEngine already deployed)."""
    ticks = timeline(scenario)
    population = generate(scenario, ticks[0].answer)
    engine.prepare(population)
    walker = _Walker(scenario, engine, population)
    started = time.perf_counter()
    first, second = setup_ops(scenario, population, ticks[0].answer)
    failed = [op for op, r in zip(first, engine.block(0, first), strict=True) if not r.ok]
    if failed:
        raise RuntimeError(f"setup failed on {engine.name}: {failed[:3]}")
    borrowed = engine.block(1, second)
    walker.blocks += 2
    walker.transactions += len(first) + len(second)
    rows = [walker.record(ticks[0], engine.read(1), [], engine.t0 + 1, keepers_on=False)]
    for tick in _progress(ticks[1:], progress, f"{scenario.name} on {engine.name}"):
        rows.append(walker.step(tick))
    wall = time.perf_counter() - started
    final = engine.read(ticks[-1].t)
    lp_shares = {lp.name: final.balances.get(lp.name, 0) for lp in population.lps}
    timing = engine.finish()
    refused = sum(not r.ok for r in borrowed)
    return ReplayResult(
        scenario, engine.name, population, rows, lp_shares, wall, walker.transactions, walker.blocks, timing, refused
    )


def _progress(ticks: list[Tick], show: bool, label: str) -> Iterator[Tick]:
    if not show:
        yield from ticks
        return
    from tqdm import tqdm

    yield from tqdm(ticks, desc=label, unit="step", leave=False, disable=None)  # no bar when not a terminal


class _Walker:
    def __init__(self, scenario: Scenario, engine: Engine, population: Population) -> None:
        self.scenario, self.engine, self.population = scenario, engine, population
        self.names = [b.name for b in population.borrowers]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.since: dict[str, int] = {}  # borrower -> time first seen with HF < 1
        self.totals = dict.fromkeys(ACTION_FIELDS, 0)
        self.transactions = 0
        self.blocks = 0
        keepers = scenario.keepers
        self.per_block = keepers.liquidations_per_block
        self.keeper_blocks = max(1, (scenario.step - 1) // scenario.block_time)

    # ------------------------------------------------------------ one step

    def step(self, tick: Tick) -> dict[str, Any]:
        ops = [Op("set_price", ORACLE, (s, tick.answer[s])) for s in self.scenario.assets if tick.updated[s]]
        ops.append(Op("accrue", ORACLE))
        _, model = self.engine.block_and_read(tick.t, ops)
        self.blocks += 1
        self.transactions += len(ops)
        now = self.engine.t0 + tick.t
        keepers = self.scenario.keepers
        keepers_on = keepers.outage is None or not keepers.outage.contains(tick.t)
        view = self.positions(model, now)
        actions = self.plan(model, tick, now, view) if keepers_on else []
        results: list[tuple[Op, OpResult]] = []
        for j in range(0, len(actions), self.per_block):
            block_ops = actions[j : j + self.per_block]
            at = tick.t + (j // self.per_block + 1) * self.scenario.block_time
            results += list(zip(block_ops, self.engine.block(at, block_ops), strict=True))
            self.blocks += 1
            self.transactions += len(block_ops)
        return self.record(tick, model, results, now, keepers_on, view)

    def positions(self, model: Model, now: int) -> dict[str, Any]:
        """Every position, in float arrays (HF, collateral and debt values at the feeds' answers), with
        the few whose HF or collateral/debt ratio is within BORDER of 1 valued exactly in integers as the
        pool values them, so that "liquidatable" and "insolvent" are exact. Positions holding a token
        whose price the pool refuses now (stale, out of bounds) are "unpriced": nobody can act on them."""
        scenario = self.scenario
        names = self.names
        loan = scenario.loan.symbol
        priced = {}
        for symbol in scenario.assets:
            try:
                model.price(symbol, now)
                priced[symbol] = True
            except Revert:
                priced[symbol] = False
        shares = np.array([model.borrow_shares.get(b, 0) for b in names], dtype=float)
        tba, tbs = model.total_borrow_assets, model.total_borrow_shares
        debt = shares * ((tba + 1) / (tbs + 10**6))
        with_debt = debt > 0
        loan_price = model.feeds[f"feed:{loan}"].answer / 10**FEED_DECIMALS
        debt_value = debt / 10**scenario.loan.decimals * loan_price
        weighted = np.zeros(len(names))
        value = np.zeros(len(names))
        unpriced = np.zeros(len(names), dtype=bool) | (with_debt & (not priced[loan]))
        collateral = {}
        for symbol, asset in scenario.collaterals.items():
            amounts = np.array([model.collateral_of.get((b, symbol), 0) for b in names], dtype=float)
            amounts /= 10**asset.decimals
            collateral[symbol] = amounts
            price = model.feeds[f"feed:{symbol}"].answer / 10**FEED_DECIMALS
            value += amounts * price
            weighted += amounts * price * (asset.liquidation_threshold / WAD)
            if not priced[symbol]:
                unpriced |= amounts > 0
        safe_debt = np.where(with_debt, debt_value, 1.0)
        hf = np.where(with_debt, weighted / safe_debt, np.inf)
        ratio = np.where(with_debt, value / safe_debt, np.inf)
        active = with_debt & ~unpriced
        liquidatable = active & (hf < 1)
        insolvent = active & (ratio < 1)
        border = active & ((np.abs(hf - 1) < BORDER) | (np.abs(ratio - 1) < BORDER))
        for index in np.nonzero(border)[0]:
            name = names[index]
            debt_exact = model.value_up(model.debt_of(name), model.price(loan, now))
            cv, lv, _, _ = model.collateral_values(name, now)
            hf_exact = w_div_down(lv, debt_exact)
            hf[index] = hf_exact / WAD
            liquidatable[index] = hf_exact < WAD
            insolvent[index] = cv < debt_exact
        return {
            "hf": hf,
            "debt": debt,
            "debt_value": debt_value,
            "with_debt": with_debt,
            "unpriced": unpriced & with_debt,
            "liquidatable": liquidatable,
            "insolvent": insolvent,
            "collateral": collateral,
            "collateral_value": value,
        }

    def plan(self, model: Model, tick: Tick, now: int, view: dict[str, Any]) -> list[Op]:
        scenario = self.scenario
        keepers = scenario.keepers
        loan = scenario.loan
        names = self.names
        liquidatable = [names[i] for i in np.nonzero(view["liquidatable"])[0]]
        current = set(liquidatable)
        for name in list(self.since):
            if name not in current:
                del self.since[name]
        for name in liquidatable:
            self.since.setdefault(name, tick.t)
        gas_cost = keepers.gas_per_liquidation * tick.gas_gwei * 1e-9 * tick.native_price
        total_assets = model.cash + model.total_borrow_assets
        reserve = to_assets_down(model.balances.get(RESERVE, 0), total_assets, model.total_supply)
        reserve_value = reserve / 10**loan.decimals * model.feeds[f"feed:{loan.symbol}"].answer / 10**FEED_DECIMALS
        value = view["collateral_value"]
        realizable = view["insolvent"] & (
            (value <= model.risk["dust"] / WAD * (1 + BORDER)) | (value <= reserve_value * (1 + BORDER))
        )
        worth_trying = ~self._hopeless(view, tick, gas_cost) | realizable
        ready = [
            n for n in liquidatable if tick.t - self.since[n] >= keepers.reaction_delay and worth_trying[self.index[n]]
        ]
        debt_value = view["debt_value"]
        ready.sort(key=lambda n: (-debt_value[self.index[n]], n))
        slots = self.keeper_blocks * self.per_block
        at = now + scenario.block_time
        actions = []
        for name in ready:
            if len(actions) == slots:
                break
            i = self.index[name]
            symbol = model.enabled[name][0]
            try:
                repaid, seized, _ = model.fork().liquidate(KEEPER, name, symbol, MAX_UINT256, 0, KEEPER, at)
                decimals = scenario.collaterals[symbol].decimals
                proceeds = seized / 10**decimals * tick.market[symbol] * (1 - keepers.slippage / WAD)
                cost = repaid / 10**loan.decimals * tick.market[loan.symbol] + gas_cost
                if proceeds - cost >= keepers.min_profit:
                    actions.append(Op("liquidate", KEEPER, (name, symbol)))
                    continue
            except Revert:
                pass
            if realizable[i]:
                try:
                    model.fork().realize_bad_debt(KEEPER, name, at)
                    actions.append(Op("realize", KEEPER, (name,)))
                except Revert:
                    pass
        return actions

    def _hopeless(self, view: dict[str, Any], tick: Tick, gas_cost: float) -> np.ndarray:
        """Positions a liquidation certainly cannot make `min_profit` on (a float bound, so that the
        exact fork is skipped only when its answer is known). Repaying value r (at the feeds' prices)
        seizes r x (1 + bonus) of collateral, so the profit is r x k - gas with k = (1 + bonus) x
        (1 - slippage) x market/feed of the collateral - market/feed of the loan asset, and r is at most
        min(debt, collateral / (1 + bonus)). Saves the forks when hundreds of positions are insolvent
        and nobody will touch them."""
        scenario = self.scenario
        keepers = scenario.keepers
        loan = scenario.loan.symbol
        loan_ratio = tick.market[loan] / (tick.answer[loan] / 10**FEED_DECIMALS)
        best = np.full(len(self.names), -np.inf)
        for symbol, asset in scenario.collaterals.items():
            bonus = asset.liquidation_bonus / WAD
            ratio = tick.market[symbol] / (tick.answer[symbol] / 10**FEED_DECIMALS)
            k = (1 + bonus) * (1 - keepers.slippage / WAD) * ratio - loan_ratio
            price = tick.answer[symbol] / 10**FEED_DECIMALS
            repay_bound = np.minimum(view["debt_value"], view["collateral"][symbol] * price / (1 + bonus))
            profit = max(k, 0.0) * repay_bound - gas_cost + BORDER * repay_bound
            best = np.where(view["collateral"][symbol] > 0, np.maximum(best, profit), best)
        return best < keepers.min_profit

    # ------------------------------------------------------------ one row

    def record(
        self,
        tick: Tick,
        model: Model,
        results: list[tuple[Op, OpResult]],
        now: int,
        keepers_on: bool,
        view: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        scenario = self.scenario
        loan = scenario.loan
        view = view or self.positions(model, now)
        row: dict[str, Any] = {"step": tick.step, "hours": round(tick.t / 3600, 6)}
        for symbol in scenario.assets:
            row[f"{symbol}_market"] = round(tick.market[symbol], 10)
            row[f"{symbol}_src"] = tick.src[symbol]
            row[f"{symbol}_oracle"] = tick.answer[symbol]
            row[f"{symbol}_published"] = int(tick.updated[symbol])
        row["keepers_on"] = int(keepers_on)
        total_assets = model.cash + model.total_borrow_assets
        reserve_shares = model.balances.get(RESERVE, 0)
        row["cash"] = model.cash
        row["total_debt"] = model.total_borrow_assets
        row["total_assets"] = total_assets
        row["total_shares"] = model.total_supply
        row["share_price"] = model.share_price(10 ** (loan.decimals + 6))
        row["reserve_shares"] = reserve_shares
        row["reserve_assets"] = to_assets_down(reserve_shares, total_assets, model.total_supply)
        collateral_oracle = 0
        collateral_market = 0.0
        for symbol, asset in scenario.collaterals.items():
            supplied = model.collaterals[symbol].total_supplied
            collateral_oracle += supplied * tick.answer[symbol] * WAD // 10 ** (asset.decimals + FEED_DECIMALS)
            collateral_market += supplied / 10**asset.decimals * tick.market[symbol]
        row["collateral_value_oracle"] = collateral_oracle
        row["collateral_value_market"] = round(collateral_market, 2)
        row["debt_value_market"] = round(model.total_borrow_assets / 10**loan.decimals * tick.market[loan.symbol], 2)
        with_debt = view["with_debt"]
        row["positions"] = int(with_debt.sum())
        row["liquidatable"] = int(view["liquidatable"].sum())
        row["insolvent"] = int(view["insolvent"].sum())
        row["unpriced"] = int(view["unpriced"].sum())
        values = view["hf"][with_debt]
        counts = [int(((values >= lo) & (values < hi)).sum()) for lo, hi in HF_BUCKETS]
        row.update(dict(zip(HF_COLUMNS, counts, strict=True)))
        row["shortfall_market"] = round(self._market_shortfall(model, tick, view), 2)
        step_totals = dict.fromkeys(ACTION_FIELDS, 0)
        liquidations = realizations = failed = 0
        for op, result in results:
            if not result.ok:
                failed += 1
                continue
            liquidations += op.kind == "liquidate"
            realizations += op.kind == "realize"
            for key in ACTION_FIELDS:
                step_totals[key] += result.fields.get(key, 0)
        row["liquidations"], row["realizations"], row["failed_actions"] = liquidations, realizations, failed
        row.update(step_totals)
        for key in ACTION_FIELDS:
            self.totals[key] += step_totals[key]
        row["bad_debt_total"] = self.totals["loss"] + self.totals["collateralValueAssets"]  # debt written off
        row["socialized_total"] = self.totals["loss"]
        row["covered_by_reserve_total"] = self.totals["coveredByReserve"]
        row["lp_loss_total"] = self.totals["lpLoss"]
        row["reserve_paid_total"] = self.totals["collateralValueAssets"]
        return row

    def _market_shortfall(self, model: Model, tick: Tick, view: dict[str, Any]) -> float:
        scenario = self.scenario
        loan = scenario.loan
        debt_value = view["debt"] / 10**loan.decimals * tick.market[loan.symbol]
        collateral = np.zeros(len(self.names))
        for symbol, amounts in view["collateral"].items():
            collateral += amounts * tick.market[symbol]
        return float(np.maximum(debt_value - collateral, 0).sum())
