"""Socialization costs the same gas whatever the number of LPs or borrowers (O(1): no loops)."""

import pytest

from shortfall.constants import WAD
from shortfall.bench.gas import bad_debt_liquidation_gas, build_bench
from shortfall.chain.populate import add_borrowers, add_lps, rpc_for

COUNT = 200


@pytest.fixture(scope="module")
def gas_with(project, chain, accounts):
    """gas_with(lps=..., borrowers=...): the bad-debt liquidation's gasUsed on a fresh steady state in
    which `lps` LPs share the same total deposit and `borrowers - 1` other healthy borrowers exist."""

    def gas_with(lps: int = 1, borrowers: int = 1) -> int:
        snapshot = chain.snapshot()
        total_lp = 2_000_000

        def populate(system):
            rpc = rpc_for(chain.provider)
            add_lps(rpc, system, lps, total_lp * 10**6 // lps)
            if borrowers > 1:
                add_borrowers(rpc, system, system.collaterals["WETH"], borrowers - 1, 10 * WAD, 5_000 * 10**6)

        bench = build_bench(project, chain, accounts, 6, populate=populate, lp_deposit=1_000)
        gas = bad_debt_liquidation_gas(bench)
        chain.restore(snapshot)
        return gas

    return gas_with


def test_socialization_gas__1_vs_200_lps__within_2_percent(gas_with):
    one, many = gas_with(lps=1), gas_with(lps=COUNT)
    print(f"bad-debt liquidation gasUsed: 1 LP {one:,}, {COUNT} LPs {many:,}")
    assert abs(many - one) <= one * 0.02, (one, many)


def test_socialization_gas__1_vs_200_borrowers__within_2_percent(gas_with):
    one, many = gas_with(borrowers=1), gas_with(borrowers=COUNT)
    print(f"bad-debt liquidation gasUsed: 1 borrower {one:,}, {COUNT} borrowers {many:,}")
    assert abs(many - one) <= one * 0.02, (one, many)
