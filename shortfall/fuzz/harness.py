"""The fuzzer's fast path to the chain: plain batched JSON-RPC, no ape on the hot path.

One step is at most three round trips: an `eth_call` at the step's block time (does it revert, and
with which error?), then, if not, `evm_setNextBlockTimestamp` + `eth_sendTransaction`, then the receipt
together with one batched read of the whole state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from shortfall.chain.rpc import Rpc, encode_call
from shortfall.checks.abi_coverage import selector_of
from shortfall.constants import CORE_CONTRACTS
from shortfall.fuzz.invariants import Snapshot
from shortfall.model import Collateral, Feed, Model, Source, configure

EVENT_SIGNATURES = {
    "BadDebtSocialized": (
        "BadDebtSocialized(address,uint256,uint256,uint256,uint256,uint256,uint256)",
        ["uint256"] * 6,
        ["loss", "coveredByReserve", "lpLoss", "reserveSharesBurned", "sharePriceBefore", "sharePriceAfter"],
    ),
    "Liquidate": (
        "Liquidate(address,address,address,uint256,uint256,uint256)",
        ["uint256"] * 3,
        ["repaid", "seized", "badDebt"],
    ),
    "AccrueInterest": (
        "AccrueInterest(uint256,uint256,uint256,uint256)",
        ["uint256"] * 4,
        ["ratePerSecond", "interest", "reserveInterest", "reserveShares"],
    ),
    "RealizeBadDebt": (
        "RealizeBadDebt(address,address,uint256,uint256,uint256,bool)",
        ["uint256", "uint256", "uint256", "bool"],
        ["debtWrittenOff", "collateralValueAssets", "reserveSharesPaid", "bounty"],
    ),
}
TOPICS = {"0x" + keccak(text=sig).hex(): (name, types, names) for name, (sig, types, names) in EVENT_SIGNATURES.items()}


def decode_result(types: list[str], raw: str) -> tuple:
    """An eth_call's result decoded as `types`. Most reads return one unsigned integer or bool, one
    32-byte word: those are read directly (eth_abi spends ~40 µs on each, and a state read has dozens)."""
    if len(types) == 1 and len(raw) == 66:
        kind, value = types[0], int(raw, 16)
        if kind == "bool" and value in (0, 1):
            return (value == 1,)
        if kind.startswith("uint") and value < 2 ** int(kind[4:] or 256):
            return (value,)
    return decode(types, bytes.fromhex(raw[2:]))  # and eth_abi's checks of anything out of range


@dataclass
class Outcome:
    """What the chain did with one step."""

    reverted: bool
    error: str | None = None
    events: list[tuple[str, dict]] = field(default_factory=list)
    logs: list[dict] = field(default_factory=list)


class FuzzChain:
    """A deployed system reached over JSON-RPC: send steps, read the whole state in one batch."""

    def __init__(self, rpc: Rpc, system: Any, actors: list[str], error_names: dict[str, str]) -> None:
        self.rpc = rpc
        self.system = system
        self.pool = system.pool.address
        self.lp = system.lp_token.address
        self.reserve = system.reserve_fund.address
        self.configurator = system.configurator.address
        self.asset = system.asset.address
        self.tokens = {symbol: token.address for symbol, token in system.collaterals.items()}
        self.feeds = {"asset": system.asset_feed.address} | {s: f.address for s, f in system.feeds.items()}
        self.actors = actors
        self.error_names = error_names
        self.holders = [*actors, self.reserve]
        self.borrowers = actors

    # ------------------------------------------------------------ steps

    def step(self, sender: str, to: str, data: str, now: int) -> Outcome:
        """Simulates at block time `now`; if it would revert, reports the error without sending."""
        tx = {"from": sender, "to": to, "data": data, "gas": hex(3_000_000)}
        simulated = self.rpc.batch_raw([("eth_call", [tx, "latest", {}, {"time": hex(now)}])])[0]
        if "error" in simulated:
            data = simulated["error"].get("data") or "0x"
            selector = data[:10]
            if selector == "0x4e487b71":  # Panic(uint256): keep the code, it says which check failed
                return Outcome(True, f"Panic(0x{int(data[10:], 16):x})")
            return Outcome(True, self.error_names.get(selector, selector))
        sent = self.rpc.batch_raw([("evm_setNextBlockTimestamp", [hex(now)]), ("eth_sendTransaction", [tx])])
        if "error" in sent[1]:
            raise RuntimeError(f"eth_sendTransaction failed after a clean eth_call: {sent[1]['error']}")
        receipt = self.rpc.receipts([sent[1]["result"]])[0]
        if receipt is None or int(receipt["status"], 16) != 1:
            raise RuntimeError(f"transaction to {to} reverted on chain although eth_call succeeded at the same time")
        return Outcome(False, None, self.decode_events(receipt["logs"]), receipt["logs"])

    def decode_events(self, logs: list[dict]) -> list[tuple[str, dict]]:
        events = []
        for log in logs:
            if log["address"].lower() != self.pool.lower() or not log["topics"]:
                continue
            known = TOPICS.get(log["topics"][0])
            if known:
                name, types, names = known
                values = decode(types, bytes.fromhex(log["data"][2:]))
                events.append((name, dict(zip(names, values, strict=True))))
        return events

    def send_plain(self, sender: str, to: str, data: str, now: int) -> None:
        """A step that must succeed (price moves, donations)."""
        outcome = self.step(sender, to, data, now)
        if outcome.reverted:
            raise RuntimeError(f"setup step to {to} reverted with {outcome.error}")

    # ------------------------------------------------------------ reading state

    def read(self) -> Snapshot:
        """The whole state in one batch of eth_calls."""
        calls: list[tuple[str, str, list[str]]] = [
            (self.pool, encode_call("cash()"), ["uint128"]),
            (self.pool, encode_call("totalBorrowAssets()"), ["uint128"]),
            (self.pool, encode_call("totalBorrowShares()"), ["uint128"]),
            (self.pool, encode_call("lastUpdate()"), ["uint64"]),
            (self.pool, encode_call("paused()"), ["bool"]),
            (self.lp, encode_call("totalSupply()"), ["uint256"]),
            (self.asset, encode_call("balanceOf(address)", self.pool), ["uint256"]),
        ]
        for holder in self.holders:
            calls.append((self.lp, encode_call("balanceOf(address)", holder), ["uint256"]))
        for borrower in self.borrowers:
            calls.append((self.pool, encode_call("borrowSharesOf(address)", borrower), ["uint256"]))
            calls.append((self.pool, encode_call("collateralsOf(address)", borrower), ["address[]"]))
            for token in self.tokens.values():
                calls.append((self.pool, encode_call("collateralOf(address,address)", borrower, token), ["uint256"]))
        for token in self.tokens.values():
            calls.append(
                (
                    self.pool,
                    encode_call("collaterals(address)", token),
                    ["(uint64,uint64,uint64,uint128)", "uint256", "bool"],
                )
            )
            calls.append((token, encode_call("balanceOf(address)", self.reserve), ["uint256"]))
        for feed in self.feeds.values():
            calls.append((feed, encode_call("latestRoundData()"), ["uint80", "int256", "uint256", "uint256", "uint80"]))
        batch = [("eth_call", [{"to": to, "data": data}, "latest"]) for to, data, _ in calls]
        batch.append(("eth_getBlockByNumber", ["latest", False]))
        results = self.rpc.batch(batch)
        values = [decode_result(types, r) for (_, _, types), r in zip(calls, results[:-1], strict=True)]
        it = iter(values)
        cash, tba, tbs, last, paused, supply, pool_balance = (next(it)[0] for _ in range(7))
        balances = {h: next(it)[0] for h in self.holders}
        borrow_shares, enabled, collateral_of = {}, {}, {}
        for borrower in self.borrowers:
            borrow_shares[borrower] = next(it)[0]
            enabled[borrower] = [to_checksum_address(a) for a in next(it)[0]]
            for token in self.tokens.values():
                collateral_of[(borrower, token)] = next(it)[0]
        total_supplied, reserve_collateral = {}, {}
        for token in self.tokens.values():
            total_supplied[token] = next(it)[1]
            reserve_collateral[token] = next(it)[0]
        feeds = {}
        for feed in self.feeds.values():
            _, answer, _, updated_at, _ = next(it)
            feeds[feed] = (answer, updated_at)
        return Snapshot(
            cash,
            tba,
            tbs,
            last,
            paused,
            supply,
            balances,
            borrow_shares,
            collateral_of,
            enabled,
            total_supplied,
            reserve_collateral,
            pool_balance,
            int(results[-1]["timestamp"], 16),
            feeds,
        )


def model_from_chain(chain: FuzzChain, params: Any, reserve_floor: int, buy_discount: int) -> Model:
    """The reference model of a freshly deployed system, configured as the chain is."""
    snapshot = chain.read()
    rpc = chain.rpc
    model = Model(asset=chain.asset, reserve=chain.reserve)
    model.last_update = snapshot.last_update
    model.cash, model.total_borrow_assets, model.total_borrow_shares = (
        snapshot.cash,
        snapshot.total_borrow_assets,
        snapshot.total_borrow_shares,
    )
    model.total_supply = snapshot.total_supply
    model.balances = {h: b for h, b in snapshot.balances.items() if b}
    configure(model, params)
    model.reserve_floor, model.buy_discount = reserve_floor, buy_discount
    for token in [chain.asset, *chain.tokens.values()]:
        raw = rpc.call("eth_call", {"to": chain.pool, "data": encode_call("priceSources(address)", token)}, "latest")
        feed, feed_decimals, token_decimals, heartbeat, low, high = decode(
            ["address", "uint8", "uint8", "uint32", "int128", "int128"], bytes.fromhex(raw[2:])
        )
        feed = to_checksum_address(feed)
        model.sources[token] = Source(feed, feed_decimals, token_decimals, heartbeat, low, high)
        raw = rpc.call("eth_call", {"to": feed, "data": encode_call("latestRoundData()")}, "latest")
        _, answer, _, updated_at, _ = decode(
            ["uint80", "int256", "uint256", "uint256", "uint80"], bytes.fromhex(raw[2:])
        )
        model.feeds[feed] = Feed(answer, updated_at)
        if token != chain.asset:
            raw = rpc.call("eth_call", {"to": chain.pool, "data": encode_call("collaterals(address)", token)}, "latest")
            (ltv, lt, bonus, cap), supplied, _ = decode(
                ["(uint64,uint64,uint64,uint128)", "uint256", "bool"], bytes.fromhex(raw[2:])
            )
            model.collaterals[token] = Collateral(ltv, lt, bonus, cap, supplied)
    return model


def error_names(project: Any) -> dict[str, str]:
    """4-byte selector -> custom error name, over the core contracts."""
    names = {}
    for contract in CORE_CONTRACTS:
        for abi in project.get_contract(contract).contract_type.abi:
            if abi.type == "error":
                names[selector_of(abi.selector)] = abi.name
    return names
