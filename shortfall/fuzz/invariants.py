"""The invariants, each with an ID and one line of prose (one table for tests and reports).

`check_step` runs every invariant that applies to one fuzz step, from the chain state before and after
it, the model's prediction and the events the chain emitted; it returns the IDs that failed, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shortfall.constants import VIRTUAL_ASSETS, VIRTUAL_SHARES, WAD

INVARIANTS: dict[str, str] = {
    "INV-01": "Total LP claims (reserve included) never exceed cash plus outstanding debt.",
    "INV-02": "The sum of LP balances equals totalSupply.",
    "INV-03": "Internal cash is at most the pool's token balance; a donation changes no share price.",
    "INV-04": "A socialization burns reserve before any LP loss, never more than the loss, and its event has loss == coveredByReserve + lpLoss.",
    "INV-05": "The LP share price falls only in a socialization.",
    "INV-06": "The reserve falls only through a socialization, a collateral purchase by realizeBadDebt, or an executed withdrawal.",
    "INV-07": "No account redeems or withdraws more than convertToAssets of the shares it burns.",
    "INV-08": "No third party reduces another account's shares or collateral (liquidation and realization excepted).",
    "INV-09": "A healthy position cannot be liquidated; below debt/collateral 1/(1 + bonus) a liquidation lowers no health factor and creates no bad debt.",
    "INV-10": "After a liquidation, a position with debt keeps collateral worth more than dustValue, or its debt was written off.",
    "INV-11": "Liveness: a full repay succeeds; a borrower without debt withdraws all collateral; an LP redeems up to cash, even paused.",
    "INV-12": "The interest index (debt share price) never falls except where debt shares are issued, repaid or written off (rounding against the borrower); lastUpdate never goes back and is never in the future.",
    "INV-13": "A stale price blocks every socialization.",
    "INV-14": "Every event's fields equal the state change the model computes for it.",
    "INV-15": "Contract state equals the reference model after every step; a revert happens exactly when the model predicts that error.",
}


@dataclass
class Snapshot:
    """The chain state the fuzzer reads in one batch after every step."""

    cash: int
    total_borrow_assets: int
    total_borrow_shares: int
    last_update: int
    paused: bool
    total_supply: int
    balances: dict[str, int]
    borrow_shares: dict[str, int]
    collateral_of: dict[tuple[str, str], int]
    enabled: dict[str, list[str]]
    total_supplied: dict[str, int]
    reserve_collateral: dict[str, int]
    pool_asset_balance: int
    block_timestamp: int
    feeds: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total_assets(self) -> int:
        return self.cash + self.total_borrow_assets


def price_ratio_not_lower(before: Snapshot, after: Snapshot) -> bool:
    """(A' + 1) / (S' + 1e6) >= (A + 1) / (S + 1e6), exactly."""
    return (after.total_assets + VIRTUAL_ASSETS) * (before.total_supply + VIRTUAL_SHARES) >= (
        before.total_assets + VIRTUAL_ASSETS
    ) * (after.total_supply + VIRTUAL_SHARES)


def debt_price_not_lower(before: Snapshot, after: Snapshot) -> bool:
    return (after.total_borrow_assets + VIRTUAL_ASSETS) * (before.total_borrow_shares + VIRTUAL_SHARES) >= (
        before.total_borrow_assets + VIRTUAL_ASSETS
    ) * (after.total_borrow_shares + VIRTUAL_SHARES)


@dataclass
class StepContext:
    """What one step did: who acted, for whom, and what the model and the chain said."""

    rule: str
    actor: str | None
    affected: set[str]  # accounts a successful step may legitimately reduce (owner, liquidated borrower)
    reserve: str
    succeeded: bool
    events: list[Any]  # model events
    chain_events: list[tuple[str, dict]]


def check_step(before: Snapshot, after: Snapshot, step: StepContext) -> list[str]:
    """IDs (with the reason) of the invariants the step broke."""
    failures: list[str] = []
    fail = lambda inv, why: failures.append(f"{inv}: {INVARIANTS[inv]} ({why})")  # noqa: E731

    claims = after.total_supply * (after.total_assets + VIRTUAL_ASSETS) // (after.total_supply + VIRTUAL_SHARES)
    if claims > after.total_assets:
        fail("INV-01", f"claims {claims} > assets {after.total_assets}")
    if sum(after.balances.values()) != after.total_supply:
        fail("INV-02", f"sum {sum(after.balances.values())} != totalSupply {after.total_supply}")
    if after.cash > after.pool_asset_balance:
        fail("INV-03", f"cash {after.cash} > balance {after.pool_asset_balance}")
    if after.last_update > after.block_timestamp or after.last_update < before.last_update:
        fail("INV-12", f"lastUpdate {before.last_update} -> {after.last_update}, now {after.block_timestamp}")

    socialized = [e for name, e in step.chain_events if name == "BadDebtSocialized"]
    realized = [e for name, e in step.chain_events if name == "RealizeBadDebt"]
    for event in socialized:
        if event["loss"] != event["coveredByReserve"] + event["lpLoss"]:
            fail("INV-04", f"loss {event['loss']} != {event['coveredByReserve']} + {event['lpLoss']}")
        if event["coveredByReserve"] > event["loss"]:
            fail("INV-04", "reserve covered more than the loss")
        if event["lpLoss"] > 0 and after.balances.get(step.reserve, 0) != 0 and len(socialized) == 1:
            fail("INV-04", "LPs lost while the reserve kept shares")
    if not socialized and not price_ratio_not_lower(before, after):
        fail("INV-05", "share price fell without a socialization")
    reserve_fell = after.balances.get(step.reserve, 0) < before.balances.get(step.reserve, 0)
    if reserve_fell and not socialized and not realized and step.rule != "execute_withdrawal":
        fail("INV-06", f"reserve fell in {step.rule}")
    if step.succeeded and step.rule not in ("liquidate", "realize_bad_debt"):
        for account, balance in before.balances.items():
            if account not in step.affected and account != step.reserve and after.balances.get(account, 0) < balance:
                fail("INV-08", f"{step.rule} by {step.actor} reduced {account}'s shares")
        for key, amount in before.collateral_of.items():
            if key[0] not in step.affected and after.collateral_of.get(key, 0) < amount:
                fail("INV-08", f"{step.rule} by {step.actor} reduced {key[0]}'s collateral")
    repaid = step.rule in ("borrow", "repay", "liquidate", "realize_bad_debt")
    if not repaid and not debt_price_not_lower(before, after):
        fail("INV-12", f"debt share price fell in {step.rule}")
    return failures


def health(liquidation_value: int, debt_value: int) -> int:
    return WAD * liquidation_value // debt_value if debt_value else 2**256 - 1
