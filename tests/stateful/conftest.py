"""Fixtures of the stateful fuzzer: one deployed system per market (machine.MARKETS: the feed decimals of
the loan asset, WETH and WBTC), each with its roles funded and its model read from the chain, and one
snapshot taken after all of them, which every run reverts to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from shortfall.chain.deploy import deploy_local_system
from shortfall.chain.params import PoolParams, default_max_answer
from shortfall.chain.populate import rpc_for
from shortfall.chain.rpc import encode_call
from shortfall.constants import MAX_UINT256
from shortfall.fuzz.harness import FuzzChain, error_names, model_from_chain
from tests.stateful.machine import MARKETS, MIN_PRICE, PRICES, Market, PoolMachine, Stats

STEPS_PER_RUN = int(os.environ.get("SHORTFALL_FUZZ_STEPS_PER_RUN", "40"))
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("SHORTFALL_FUZZ_RUNS", "25")),
    stateful_step_count=STEPS_PER_RUN,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([] if os.environ.get("SHORTFALL_FUZZ_NO_SHRINK") else [Phase.shrink]),
)
settings.register_profile(
    "fuzz",
    max_examples=max(1, int(os.environ.get("SHORTFALL_FUZZ_STEPS", "10000")) // STEPS_PER_RUN),
    stateful_step_count=STEPS_PER_RUN,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def bounds(feed_decimals: int) -> tuple[int, int]:
    """A fuzz feed's (min, max answer): refused at or below MIN_PRICE (BND-04), at or above the default ceiling."""
    return int(MIN_PRICE * 10**feed_decimals), default_max_answer(feed_decimals)


@pytest.fixture(scope="module")
def fuzz_chain(request, project, chain, accounts):
    params = PoolParams()
    gov = accounts[0]
    lps, borrowers, keeper = [a.address for a in accounts[1:4]], [a.address for a in accounts[4:7]], accounts[7].address
    rpc = rpc_for(chain.provider)
    errors = error_names(project)
    markets = []
    for name, (loan_feed, weth_feed, wbtc_feed) in MARKETS.items():
        system = deploy_local_system(
            project,
            gov,
            6,
            {"WETH": (18, PRICES[1], weth_feed), "WBTC": (8, PRICES[2], wbtc_feed)},
            params,
            asset_feed_decimals=loan_feed,
            loan_bounds=bounds(loan_feed),
            collateral_bounds={"WETH": bounds(weth_feed), "WBTC": bounds(wbtc_feed)},
        )
        fund(rpc, gov.address, system, [gov.address, *lps, *borrowers, keeper], borrowers)
        fuzz = FuzzChain(rpc, system, [*lps, *borrowers, keeper, gov.address], errors)
        fuzz.borrowers = borrowers
        base_model = model_from_chain(fuzz, params, params.reserve.floor, params.reserve.buy_discount)
        markets.append(Market(name, fuzz, base_model))
    PoolMachine.markets = markets
    PoolMachine.snapshot = [rpc.call("evm_snapshot")]
    PoolMachine.roles = {"lps": lps, "borrowers": borrowers, "keeper": keeper, "gov": gov.address}
    PoolMachine.stats = Stats(progress_every=int(os.environ.get("SHORTFALL_FUZZ_PROGRESS", "0")))
    yield PoolMachine
    if not request.module.__name__.endswith("test_pool_machine"):
        return
    stats = PoolMachine.stats.as_dict()
    out = Path(os.environ.get("SHORTFALL_FUZZ_REPORT", "reports/fuzz.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(stats, indent=2) + "\n")


def fund(rpc, gov: str, system, accounts: list[str], borrowers: list[str]) -> None:
    """Mints the loan asset to every account and approves the LP token, pool and reserve for it; mints every
    collateral to the borrowers and approves the pool for it."""
    lp, pool, reserve, asset = (
        system.lp_token.address,
        system.pool.address,
        system.reserve_fund.address,
        system.asset.address,
    )
    txs = []

    def mint(token: str, to: str, amount: int) -> dict:
        return {"from": gov, "to": token, "data": encode_call("mint(address,uint256)", to, amount)}

    def approve(owner: str, token: str, spender: str) -> dict:
        return {"from": owner, "to": token, "data": encode_call("approve(address,uint256)", spender, MAX_UINT256)}

    for account in accounts:
        txs.append(mint(asset, account, 10**24))
        txs += [approve(account, asset, spender) for spender in (lp, pool, reserve)]
    for borrower in borrowers:
        for token in system.collaterals.values():
            txs.append(mint(token.address, borrower, 10**30))
            txs.append(approve(borrower, token.address, pool))
    rpc.send_transactions([t | {"gas": hex(500_000)} for t in txs])
