"""The three-LP story (the first release's demo) on the test chain: three LPs enter at three share prices,
governance tops up the reserve, three borrowers borrow, WETH gaps down 37.5% in one price update, and a
keeper liquidates and realizes what is left. The loss exceeds the reserve: the reserve pays first, and
every LP then loses the same fraction whatever share price it entered at.

Everything asserted is read from chain state and from the `BadDebtSocialized` events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shortfall.chain.deploy import to_answer
from shortfall.chain.deployment import deploy_network
from shortfall.constants import DAY, MAX_UINT256

LPS = {"alice": 500_000, "bob": 300_000, "carol": 100_000}
RESERVE_TOP_UP = 5_000
BORROWERS = {  # name: (collateral symbol, amount, borrow)
    "dave": ("WETH", 150, 225_000),
    "erin": ("WETH", 60, 80_000),
    "frank": ("WBTC", 2, 60_000),
}
CRASH = ("WETH", 2_000, 1_250)  # symbol, from, to: a 37.5% gap in one price update


class Story:
    """The story step by step, on a fresh local deployment (mock tokens, settable feeds, accounts funded)."""

    def __init__(self, project: Any, chain: Any, accounts: list[Any], out_dir: Path) -> None:
        record, _ = deploy_network(
            project, chain, accounts[0], "local", out_dir, True, accounts[:10], redeploy=True, log=lambda m: None
        )
        self.project, self.chain, self.record = project, chain, record
        self.gov, self.keeper = accounts[0], accounts[7]
        self.lps = dict(zip(LPS, accounts[1:4], strict=True))
        self.borrowers = dict(zip(BORROWERS, accounts[4:7], strict=True))
        self.pool = project.LendingPool.at(record.address("LendingPool"))
        self.lp_token = project.LPToken.at(record.address("LPToken"))
        self.reserve = project.ReserveFund.at(record.address("ReserveFund"))
        self.asset = project.ERC20Mock.at(record.tokens["asset"]["address"])
        self.unit = 10 ** record.tokens["asset"]["decimals"]
        self.entry_price: dict[str, int] = {}
        self.events: list[Any] = []
        self.liquidations = 0

    def play(self) -> None:
        self.deposit("alice")
        self.fund_reserve()
        for name in BORROWERS:
            self.borrow(name)
        self.pass_time(120)
        self.deposit("bob")
        self.pass_time(60)
        self.deposit("carol")
        self.pass_time(30)
        self.snapshot_before()
        self.set_price(CRASH[0], CRASH[2])
        self.keep()

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
        self.entry_price[name] = self.lp_token.sharePrice()
        self.lp_token.deposit(LPS[name] * self.unit, lp, sender=lp)

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

    def lp_assets(self) -> dict[str, int]:
        return {n: self.lp_token.convertToAssets(self.lp_token.balanceOf(a)) for n, a in self.lps.items()}

    def snapshot_before(self) -> None:
        self.reserve_before = self.reserve.reserveAssets()
        self.lp_assets_before = self.lp_assets()

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


def test_three_lps__weth_gaps_down__reserve_first_then_every_lp_alike(project, chain, accounts, tmp_path):
    story = Story(project, chain, list(accounts)[:10], tmp_path)
    story.play()
    assert len(set(story.entry_price.values())) == 3, story.entry_price  # three different entry share prices
    assert story.liquidations > 0 and story.events

    loss = sum(e.loss for e in story.events)
    covered_by_reserve = sum(e.coveredByReserve for e in story.events)
    lp_loss = sum(e.lpLoss for e in story.events)
    assert loss == covered_by_reserve + lp_loss, (loss, covered_by_reserve, lp_loss)

    # The loss exceeds the reserve; the reserve pays first and is used up before the LPs pay the rest.
    reserve_after = story.reserve.reserveAssets()
    assert loss > story.reserve_before, (loss, story.reserve_before)
    assert covered_by_reserve > 0 and lp_loss > 0
    assert reserve_after < story.unit, reserve_after

    # Every LP loses the same fraction, whatever share price it entered at.
    after = story.lp_assets()
    fractions = {n: (before - after[n]) / before for n, before in story.lp_assets_before.items()}
    assert min(fractions.values()) > 0, fractions
    assert max(fractions.values()) - min(fractions.values()) <= 1e-6, fractions
