"""The demo: LPs enter at different share prices, borrowers borrow, a collateral gaps down, keepers
liquidate, and the loss is absorbed by the reserve first, then by every LP alike.

Everything printed is read from chain state and from the `BadDebtSocialized` events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from shortfall.chain.deploy import to_answer
from shortfall.chain.deployment import DeploymentRecord, deploy_network
from shortfall.constants import DAY, MAX_UINT256

LPS = {"alice": 500_000, "bob": 300_000, "carol": 100_000}
RESERVE_TOP_UP = 5_000
BORROWERS = {  # name: (collateral symbol, amount, borrow)
    "dave": ("WETH", 150, 225_000),
    "erin": ("WETH", 60, 80_000),
    "frank": ("WBTC", 2, 60_000),
}
CRASH = ("WETH", 2_000, 1_250)  # symbol, from, to: a 37.5% gap in one price update


@dataclass
class LpRow:
    name: str
    entry_share_price: float
    assets_before: float
    assets_after: float

    @property
    def loss_pct(self) -> float:
        return 100 * (self.assets_before - self.assets_after) / self.assets_before


@dataclass
class DemoResult:
    network: str
    lending_pool: str
    reserve_before: float
    reserve_after: float
    share_price_before: float
    share_price_after: float
    total_bad_debt: float
    covered_by_reserve: float
    lp_loss: float
    socializations: int
    liquidations: int
    lps: list[LpRow] = field(default_factory=list)

    def checks(self) -> dict[str, bool]:
        losses = [lp.loss_pct for lp in self.lps]
        return {
            "loss exceeds the reserve": self.total_bad_debt > self.reserve_before,
            "every LP loses the same % (within 0.01 pp)": max(losses) - min(losses) <= 0.01,
            "loss == covered by reserve + LP loss": abs(self.total_bad_debt - self.covered_by_reserve - self.lp_loss)
            < 1e-9,
        }


class Demo:
    """Runs the story step by step on a deployed local system."""

    def __init__(self, project: Any, chain: Any, accounts: list[Any], record: DeploymentRecord) -> None:
        self.project, self.chain, self.record = project, chain, record
        self.gov, self.keeper = accounts[0], accounts[7]
        self.lps = dict(zip(LPS, accounts[1:4], strict=True))
        self.borrowers = dict(zip(BORROWERS, accounts[4:7], strict=True))
        self.pool = project.LendingPool.at(record.address("LendingPool"))
        self.lp_token = project.LPToken.at(record.address("LPToken"))
        self.reserve = project.ReserveFund.at(record.address("ReserveFund"))
        self.asset = project.ERC20Mock.at(record.tokens["asset"]["address"])
        self.unit = 10 ** record.tokens["asset"]["decimals"]
        self.entry_price: dict[str, float] = {}
        self.events: list[Any] = []
        self.liquidations = 0

    def money(self, raw: int) -> float:
        return raw / self.unit

    def token(self, symbol: str) -> Any:
        return self.project.ERC20Mock.at(self.record.tokens[symbol]["address"])

    def set_price(self, symbol: str, price: float) -> None:
        feed = self.record.tokens[symbol]["feed"]
        self.project.SettableFeed.at(feed).setAnswer(to_answer(price), sender=self.gov)

    def pass_time(self, days: int) -> None:
        self.chain.pending_timestamp += days * DAY
        self.chain.mine(1)
        self.set_price("asset", 1)
        for symbol, (_, price) in {"WETH": (18, 2_000), "WBTC": (8, 60_000)}.items():
            self.set_price(symbol, price)

    def deposit(self, name: str) -> None:
        lp = self.lps[name]
        self.asset.approve(self.lp_token, MAX_UINT256, sender=lp)
        self.entry_price[name] = self.money(self.lp_token.sharePrice())
        self.lp_token.deposit(LPS[name] * self.unit, lp, sender=lp)

    def steps(self) -> Iterator[tuple[str, Callable[[], None]]]:
        yield "alice deposits 500,000", lambda: self.deposit("alice")
        yield "governance funds the reserve with 5,000", self.fund_reserve
        for name in BORROWERS:
            yield f"{name} borrows", lambda name=name: self.borrow(name)
        yield "120 days of interest", lambda: self.pass_time(120)
        yield "bob deposits 300,000", lambda: self.deposit("bob")
        yield "60 days of interest", lambda: self.pass_time(60)
        yield "carol deposits 100,000", lambda: self.deposit("carol")
        yield "30 days of interest", lambda: self.pass_time(30)
        yield "snapshot before the crash", self.snapshot_before
        yield f"{CRASH[0]} gaps from {CRASH[1]:,} to {CRASH[2]:,}", lambda: self.set_price(CRASH[0], CRASH[2])
        yield "keeper liquidates and realizes bad debt", self.keep

    def fund_reserve(self) -> None:
        amount = RESERVE_TOP_UP * self.unit
        self.asset.approve(self.reserve, amount, sender=self.gov)
        self.reserve.fundReserve(amount, sender=self.gov)

    def borrow(self, name: str) -> None:
        symbol, amount, debt = BORROWERS[name]
        borrower, token = self.borrowers[name], self.token(symbol)
        raw = amount * 10 ** token.decimals()
        token.approve(self.pool, raw, sender=borrower)
        self.pool.supplyCollateral(token, raw, borrower, sender=borrower)
        self.pool.borrow(debt * self.unit, borrower, sender=borrower)

    def snapshot_before(self) -> None:
        self.before = {
            "reserve": self.money(self.reserve.reserveAssets()),
            "price": self.money(self.lp_token.sharePrice()),
            "lps": {
                n: self.money(self.lp_token.convertToAssets(self.lp_token.balanceOf(a))) for n, a in self.lps.items()
            },
        }

    def keep(self) -> None:
        """A keeper's round: liquidate every position below HF 1 (as much as allowed, on its first
        collateral), then realize whatever bad debt is left."""
        self.asset.approve(self.pool, MAX_UINT256, sender=self.keeper)
        for position in self.pool.positionsOf(list(self.borrowers.values())):
            if position.debt == 0 or position.healthFactor >= 10**18:
                continue
            collateral = self.pool.collateralsOf(position.borrower)[0]
            receipt = self.pool.liquidate(
                position.borrower, collateral, MAX_UINT256, 0, self.keeper, sender=self.keeper
            )
            self.liquidations += 1
            self.events += list(receipt.events.filter(self.pool.BadDebtSocialized))
            if self.pool.debtOf(position.borrower) and self.pool.pendingShortfall(position.borrower):
                receipt = self.pool.realizeBadDebt(position.borrower, sender=self.keeper)
                self.events += list(receipt.events.filter(self.pool.BadDebtSocialized))

    def result(self, network: str) -> DemoResult:
        lps = [
            LpRow(
                n,
                self.entry_price[n],
                self.before["lps"][n],
                self.money(self.lp_token.convertToAssets(self.lp_token.balanceOf(a))),
            )
            for n, a in self.lps.items()
        ]
        return DemoResult(
            network=network,
            lending_pool=self.pool.address,
            reserve_before=self.before["reserve"],
            reserve_after=self.money(self.reserve.reserveAssets()),
            share_price_before=self.before["price"],
            share_price_after=self.money(self.lp_token.sharePrice()),
            total_bad_debt=self.money(sum(e.loss for e in self.events)),
            covered_by_reserve=self.money(sum(e.coveredByReserve for e in self.events)),
            lp_loss=self.money(sum(e.lpLoss for e in self.events)),
            socializations=len(self.events),
            liquidations=self.liquidations,
            lps=lps,
        )


def run_demo(
    project: Any,
    chain: Any,
    accounts: list[Any],
    out_dir: Path,
    progress: Callable[[list[str]], Any] | None = None,
    log: Callable[[str], None] = print,
) -> DemoResult:
    """Deploys a fresh local system and plays the story. `progress(labels)` is a context manager that
    yields the labels (e.g. click.progressbar)."""
    record, _ = deploy_network(
        project, chain, accounts[0], "local", out_dir, True, accounts[:10], redeploy=True, log=log
    )
    demo = Demo(project, chain, accounts, record)
    steps = list(demo.steps())
    actions = dict(steps)
    labels = [label for label, _ in steps]
    if progress is None:
        for label in labels:
            actions[label]()
    else:
        with progress(labels) as bar:
            for label in bar:
                actions[label]()
    return demo.result("local")


def render(result: DemoResult) -> str:
    """The before/after table as text (also valid Markdown)."""
    f = lambda x: f"{x:,.2f}"  # noqa: E731
    lines = [
        f"Shortfall demo on {result.network}: LendingPool {result.lending_pool}",
        f"{CRASH[0]} gapped from {CRASH[1]:,} to {CRASH[2]:,}; {result.liquidations} liquidations, {result.socializations} socializations.",
        "",
        "| | before | after |",
        "|---|---:|---:|",
        f"| reserve (R, loan asset) | {f(result.reserve_before)} | {f(result.reserve_after)} |",
        f"| LP share price | {result.share_price_before:.6f} | {result.share_price_after:.6f} |",
        "",
        "| LP | entered at share price | assets before | assets after | loss % |",
        "|---|---:|---:|---:|---:|",
    ]
    for lp in result.lps:
        lines.append(
            f"| {lp.name} | {lp.entry_share_price:.6f} | {f(lp.assets_before)} | {f(lp.assets_after)} | {lp.loss_pct:.4f}% |"
        )
    lines += [
        "",
        "| from BadDebtSocialized events | loan asset |",
        "|---|---:|",
        f"| total bad debt (loss) | {f(result.total_bad_debt)} |",
        f"| covered by reserve | {f(result.covered_by_reserve)} |",
        f"| LP loss | {f(result.lp_loss)} |",
        "",
    ]
    lines += [f"- [{'x' if ok else ' '}] {name}" for name, ok in result.checks().items()]
    return "\n".join(lines) + "\n"


def write(result: DemoResult, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = asdict(result) | {
        "checks": result.checks(),
        "lps": [asdict(lp) | {"loss_pct": lp.loss_pct} for lp in result.lps],
    }
    (out_dir / "demo.json").write_text(json.dumps(payload, indent=2) + "\n")
    path = out_dir / "demo.md"
    path.write_text(render(result))
    return path
