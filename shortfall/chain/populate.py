"""Many LPs and borrowers at once, over batched JSON-RPC on Anvil."""

from __future__ import annotations

from typing import Any

from shortfall.chain.rpc import Rpc, derived_address, encode_call, provider_url, tx
from shortfall.constants import MAX_UINT256


def rpc_for(provider: Any) -> Rpc:
    """A batched JSON-RPC client on the node behind an ape provider."""
    return Rpc(provider_url(provider))


def add_lps(rpc: Rpc, system: Any, count: int, assets_each: int, label: str = "lp") -> list[str]:
    """`count` LPs each depositing `assets_each` loan-asset units; returns their addresses."""
    lps = [derived_address(label, i) for i in range(count)]
    rpc.impersonate_all()
    rpc.set_balances(lps)
    asset, lp_token = system.asset.address, system.lp_token.address
    txs = []
    for lp in lps:
        txs.append(tx(lp, asset, encode_call("mint(address,uint256)", lp, assets_each)))
        txs.append(tx(lp, asset, encode_call("approve(address,uint256)", lp_token, MAX_UINT256)))
        txs.append(tx(lp, lp_token, encode_call("deposit(uint256,address)", assets_each, lp)))
    rpc.send_transactions(txs)
    return lps


def add_borrowers(
    rpc: Rpc, system: Any, token: Any, count: int, collateral_each: int, borrow_each: int, label: str = "borrower"
) -> list[str]:
    """`count` borrowers each supplying `collateral_each` of `token` and borrowing `borrow_each`."""
    borrowers = [derived_address(label, i) for i in range(count)]
    rpc.impersonate_all()
    rpc.set_balances(borrowers)
    pool = system.pool.address
    txs = []
    for b in borrowers:
        txs.append(tx(b, token.address, encode_call("mint(address,uint256)", b, collateral_each)))
        txs.append(tx(b, token.address, encode_call("approve(address,uint256)", pool, MAX_UINT256)))
        txs.append(
            tx(b, pool, encode_call("supplyCollateral(address,uint256,address)", token.address, collateral_each, b))
        )
        txs.append(tx(b, pool, encode_call("borrow(uint256,address)", borrow_each, b)))
    rpc.send_transactions(txs)
    return borrowers
