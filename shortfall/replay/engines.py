"""Two engines behind one interface, so that one driver walks a scenario on either:

- `ModelEngine`: the reference model (shortfall.model) alone. An operation runs on a fork of the model
  and is kept only if it does not revert, as a reverted transaction changes nothing on chain.
- `ChainEngine`: the contracts on a local Anvil, driven over plain JSON-RPC: every operation is
  pre-encoded calldata with an explicit nonce and gas limit, a block's transactions are sent in one
  batch, the block is mined at its timestamp with `evm_mine`, its receipts come back in one
  `eth_getBlockReceipts`, and the whole state is read with one `ShortfallLens.snapshot` call.

Both return the state as a `Model` (the chain engine fills one from the lens words), so everything the
driver decides and records is computed by the same code from the same integers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from eth_abi import decode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from shortfall.chain.deploy import deploy_core, deploy_mock_token, list_collateral
from shortfall.chain.params import CollateralParams, FeedConfig, PoolParams, RateModel, ReserveParams, RiskParams
from shortfall.chain.rpc import Rpc, encode_call
from shortfall.constants import FEED_DECIMALS, MAX_UINT256, apr_to_per_second
from shortfall.model import Collateral, Model, Revert, Source, configure
from shortfall.replay.population import Population
from shortfall.replay.scenario import Scenario, to_wad

RESERVE = "reserve"
SETUP, ORACLE, KEEPER = "setup", "oracle", "keeper"
TX_GAS = 3_000_000
GAS_PRICE = 10**11
MODEL_T0 = 1_700_000_000  # the model engine's start time; only differences of times matter


@dataclass(frozen=True)
class Op:
    """One transaction of the replay: `kind` and its arguments, by role and symbol names."""

    kind: str  # mint, approve, deposit, fund_reserve, supply, borrow, set_price, accrue, liquidate, realize
    sender: str
    args: tuple = ()


@dataclass
class OpResult:
    ok: bool
    fields: dict[str, int] = field(default_factory=dict)


class Engine(Protocol):
    """What the driver needs of an engine: where time starts, blocks of operations, and the state."""

    name: str
    t0: int  # the absolute time of the scenario's t = 0

    def prepare(self, population: Population) -> None: ...

    def block(self, t: int, ops: list[Op]) -> list[OpResult]: ...

    def block_and_read(self, t: int, ops: list[Op]) -> tuple[list[OpResult], Model]: ...

    def read(self, t: int) -> Model: ...

    def finish(self) -> dict[str, float]: ...


RESULT_FIELDS = {
    "Liquidate": ("repaid", "seized", "badDebt"),
    "BadDebtSocialized": ("loss", "coveredByReserve", "lpLoss", "reserveSharesBurned"),
    "RealizeBadDebt": ("debtWrittenOff", "collateralValueAssets", "reserveSharesPaid"),
}


def pool_params(scenario: Scenario) -> PoolParams:
    """The deployment parameters a scenario describes, in contract units."""
    p = scenario.pool
    return PoolParams(
        rate_model=RateModel(
            apr_to_per_second(p.base_apr), apr_to_per_second(p.slope1_apr), apr_to_per_second(p.slope2_apr), p.kink
        ),
        risk=RiskParams(
            close_factor=p.close_factor,
            full_close_health_factor=p.full_close_health_factor,
            reserve_factor=p.reserve_factor,
            min_borrow_value=to_wad(p.min_borrow_value),
            small_debt_value=to_wad(p.small_debt_value),
            dust_value=to_wad(p.dust_value),
        ),
        reserve=ReserveParams(p.reserve_floor, p.buy_discount),
        loan_heartbeat=scenario.oracle.pool_heartbeat,
    )


def supply_cap_units(scenario: Scenario, symbol: str) -> int:
    asset = scenario.collaterals[symbol]
    return 2**128 - 1 if asset.supply_cap is None else int(Decimal(str(asset.supply_cap)) * 10**asset.decimals)


def answer_bounds(low: float, high: float) -> tuple[int, int]:
    return int(Decimal(str(low)) * 10**FEED_DECIMALS), int(Decimal(str(high)) * 10**FEED_DECIMALS)


def configured_model(scenario: Scenario) -> Model:
    """An empty model configured as `ChainEngine.deploy` configures the contracts."""
    params = pool_params(scenario)
    model = Model(asset=scenario.loan.symbol, reserve=RESERVE)
    configure(model, params)
    loan = scenario.loan
    loan_bounds = FeedConfig("")  # deploy_core lists the loan asset's feed with FeedConfig's default bounds
    model.sources[loan.symbol] = Source(
        f"feed:{loan.symbol}",
        FEED_DECIMALS,
        loan.decimals,
        params.loan_heartbeat,
        loan_bounds.min_answer,
        loan_bounds.max_answer,
    )
    for symbol, asset in scenario.collaterals.items():
        model.sources[symbol] = Source(
            f"feed:{symbol}",
            FEED_DECIMALS,
            asset.decimals,
            scenario.oracle.pool_heartbeat,
            *answer_bounds(asset.min_price, asset.max_price),
        )
        model.collaterals[symbol] = Collateral(
            asset.max_ltv, asset.liquidation_threshold, asset.liquidation_bonus, supply_cap_units(scenario, symbol)
        )
    return model


# ---------------------------------------------------------------- the model engine


class ModelEngine:
    """The reference model alone."""

    name = "model"

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.model = configured_model(scenario)
        self.t0 = MODEL_T0

    def prepare(self, population: Population) -> None:
        """Nothing to deploy or fund."""

    def block(self, t: int, ops: list[Op]) -> list[OpResult]:
        now = self.t0 + t
        return [self._run(op, now) for op in ops]

    def _run(self, op: Op, now: int) -> OpResult:
        if op.kind in ("mint", "approve"):
            return OpResult(True)  # the model does not track ERC-20 balances outside the pool
        if op.kind in ("set_price", "accrue"):  # cannot revert: no fork needed
            self.model.events = []
            apply_to_model(self.model, op, now)
            return OpResult(True, event_fields(self.model.events))
        fork = self.model.fork()
        try:
            apply_to_model(fork, op, now)
        except Revert:
            return OpResult(False)
        self.model = fork
        return OpResult(True, event_fields(fork.events))

    def block_and_read(self, t: int, ops: list[Op]) -> tuple[list[OpResult], Model]:
        return self.block(t, ops), self.model

    def read(self, t: int) -> Model:
        return self.model

    def finish(self) -> dict[str, float]:
        return {}


def apply_to_model(model: Model, op: Op, now: int) -> None:
    kind, sender, args = op.kind, op.sender, op.args
    if kind == "deposit":
        model.deposit(sender, args[0], args[1], now)
    elif kind == "fund_reserve":
        model.fund_reserve(sender, args[0], now)
    elif kind == "supply":
        model.supply_collateral(sender, args[0], args[1], args[2], now)
    elif kind == "borrow":
        model.borrow(sender, args[0], sender, now)
    elif kind == "set_price":
        model.set_answer(f"feed:{args[0]}", args[1], now)
    elif kind == "accrue":
        model.accrue(now)
    elif kind == "liquidate":
        model.liquidate(sender, args[0], args[1], MAX_UINT256, 0, sender, now)
    elif kind == "realize":
        model.realize_bad_debt(sender, args[0], now)
    else:
        raise ValueError(f"unknown operation {kind!r}")


def event_fields(events: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for event in events:
        for name in RESULT_FIELDS.get(event.name, ()):
            out[name] = out.get(name, 0) + int(event.fields[name])
    return out


# ---------------------------------------------------------------- the chain engine

EVENT_TOPICS = {
    "0x" + keccak(text="Liquidate(address,address,address,uint256,uint256,uint256)").hex(): (
        "Liquidate",
        ["uint256", "uint256", "uint256"],
    ),
    "0x" + keccak(text="BadDebtSocialized(address,uint256,uint256,uint256,uint256,uint256,uint256)").hex(): (
        "BadDebtSocialized",
        ["uint256", "uint256", "uint256", "uint256", "uint256", "uint256"],
    ),
    "0x" + keccak(text="RealizeBadDebt(address,address,uint256,uint256,uint256,bool)").hex(): (
        "RealizeBadDebt",
        ["uint256", "uint256", "uint256", "bool"],
    ),
}
EVENT_ORDER = {
    "Liquidate": ("repaid", "seized", "badDebt"),
    "BadDebtSocialized": ("loss", "coveredByReserve", "lpLoss", "reserveSharesBurned", "_before", "_after"),
    "RealizeBadDebt": ("debtWrittenOff", "collateralValueAssets", "reserveSharesPaid", "_bounty"),
}


def account_for(name: str) -> Any:
    """The replay's key for a role name: deterministic, so a run can be re-sent as signed transactions."""
    return Account.from_key(keccak(text=f"shortfall-replay:{name}"))


class ChainEngine:
    """The contracts on a local Anvil, over plain JSON-RPC."""

    name = "chain"

    def __init__(self, scenario: Scenario, project: Any, deployer: Any, url: str) -> None:
        self.scenario = scenario
        self.project, self.deployer = project, deployer
        self.rpc = Rpc(url)
        self.template = configured_model(scenario)
        self.sent: list[tuple[int, list[dict]]] = []  # (timestamp, transactions) per block, for the resend
        self.timing = {"send": 0.0, "mine": 0.0, "receipts+read": 0.0}
        self.result: Any = None  # the ReplayResult, once run (shortfall.replay.cli.run_chain)

    # ------------------------------------------------------------ deployment

    def deploy(self, answers: dict[str, int]) -> None:
        """Tokens, feeds, the four core contracts and the lens, with ape (not timed as part of the replay)."""
        s, project, deployer = self.scenario, self.project, self.deployer
        params = pool_params(s)
        loan = deploy_mock_token(project, deployer, s.loan.symbol, s.loan.decimals)
        loan_feed = deployer.deploy(project.SettableFeed, FEED_DECIMALS, answers[s.loan.symbol])
        pool, lp_token, reserve, configurator = deploy_core(project, deployer, loan, loan_feed, params)
        self.tokens = {s.loan.symbol: loan.address}
        self.feeds = {s.loan.symbol: loan_feed.address}
        for symbol, asset in s.collaterals.items():
            token = deploy_mock_token(project, deployer, symbol, asset.decimals)
            feed = deployer.deploy(project.SettableFeed, FEED_DECIMALS, answers[symbol])
            collateral = CollateralParams(
                asset.max_ltv, asset.liquidation_threshold, asset.liquidation_bonus, supply_cap_units(s, symbol)
            )
            bounds = answer_bounds(asset.min_price, asset.max_price)
            list_collateral(configurator, token, feed, collateral, deployer, s.oracle.pool_heartbeat, bounds)
            self.tokens[symbol], self.feeds[symbol] = token.address, feed.address
        self.pool, self.lp_token, self.reserve = pool.address, lp_token.address, reserve.address
        self.lens = deployer.deploy(project.ShortfallLens).address
        self.chain_id = int(self.rpc.call("eth_chainId"), 16)

    def prepare(self, population: Population) -> None:
        """Keys and balances for every role; manual mining from here on."""
        names = [SETUP, ORACLE, KEEPER, *(lp.name for lp in population.lps), *(b.name for b in population.borrowers)]
        self.accounts = {name: account_for(name) for name in names}
        self.address = {name: account.address for name, account in self.accounts.items()}
        self.address[RESERVE] = self.reserve
        self.name_of = {a: n for n, a in self.address.items()}
        counts = self.rpc.batch([("eth_getTransactionCount", [self.address[n], "pending"]) for n in names])
        self.nonce = {n: int(c, 16) for n, c in zip(names, counts, strict=True)}  # a node may hold earlier runs
        self.borrowers = [b.name for b in population.borrowers]
        self.holders = [lp.name for lp in population.lps]
        self.collateral_symbols = list(self.scenario.collaterals)
        self.feed_symbols = list(self.scenario.assets)
        self.snapshot_id = self.rpc.call("evm_snapshot")
        self._node_setup()
        latest = self.rpc.call("eth_getBlockByNumber", "latest", False)
        self.t0 = int(latest["timestamp"], 16) + 3_600

    def _node_setup(self) -> None:
        """Manual mining, a block gas limit no replay block reaches, and gas money for every role."""
        rpc = self.rpc
        rpc.call("anvil_autoImpersonateAccount", True)
        rpc.call("evm_setAutomine", False)
        rpc.call("evm_setBlockGasLimit", hex(2_000_000_000))
        rpc.batch([("anvil_setBalance", [a.address, hex(10**30)]) for a in self.accounts.values()])

    # ------------------------------------------------------------ blocks

    def _tx(self, op: Op) -> dict:
        kind, args = op.kind, op.args
        address = self.address
        if kind == "mint":
            to, data = self.tokens[args[0]], encode_call("mint(address,uint256)", address[args[1]], args[2])
        elif kind == "approve":
            to, data = self.tokens[args[0]], encode_call("approve(address,uint256)", self._contract(args[1]), args[2])
        elif kind == "deposit":
            to, data = self.lp_token, encode_call("deposit(uint256,address)", args[0], address[args[1]])
        elif kind == "fund_reserve":
            to, data = self.reserve, encode_call("fundReserve(uint256)", args[0])
        elif kind == "supply":
            to = self.pool
            data = encode_call(
                "supplyCollateral(address,uint256,address)", self.tokens[args[0]], args[1], address[args[2]]
            )
        elif kind == "borrow":
            to, data = self.pool, encode_call("borrow(uint256,address)", args[0], address[op.sender])
        elif kind == "set_price":
            to, data = self.feeds[args[0]], encode_call("setAnswer(int256)", args[1])
        elif kind == "accrue":
            to, data = self.pool, encode_call("accrueInterest()")
        elif kind == "liquidate":
            keeper = address[op.sender]
            to = self.pool
            data = encode_call(
                "liquidate(address,address,uint256,uint256,address)",
                address[args[0]],
                self.tokens[args[1]],
                MAX_UINT256,
                0,
                keeper,
            )
        elif kind == "realize":
            to, data = self.pool, encode_call("realizeBadDebt(address)", address[args[0]])
        else:
            raise ValueError(f"unknown operation {kind!r}")
        sender = op.sender
        nonce = self.nonce[sender]
        self.nonce[sender] = nonce + 1
        return {
            "from": address[sender],
            "to": to,
            "data": data,
            "gas": hex(TX_GAS),
            "gasPrice": hex(GAS_PRICE),
            "nonce": hex(nonce),
        }

    def _contract(self, name: str) -> str:
        return {"pool": self.pool, "lp_token": self.lp_token, "reserve": self.reserve}[name]

    def block(self, t: int, ops: list[Op]) -> list[OpResult]:
        """Sends `ops` as one block mined at start + `t`; their results from the block's receipts."""
        results, _ = self._block(t, ops, read=False)
        return results

    def block_and_read(self, t: int, ops: list[Op]) -> tuple[list[OpResult], Model]:
        """`block`, then the state: the receipts and the lens call travel in one batch after the mine."""
        results, model = self._block(t, ops, read=True)
        assert model is not None
        return results, model

    def _block(self, t: int, ops: list[Op], read: bool) -> tuple[list[OpResult], Model | None]:
        rpc = self.rpc
        txs = [self._tx(op) for op in ops]
        started = time.perf_counter()
        hashes = send_in_order(rpc, "eth_sendTransaction", txs)
        sent = time.perf_counter()
        rpc.call("evm_mine", self.t0 + t)
        mined = time.perf_counter()
        self.sent.append((self.t0 + t, txs))
        if read and all(op.kind in ("set_price", "accrue") for op in ops):
            # A step block: no receipts needed. The lens read shows whether each feed holds its new answer
            # and whether the pool accrued at this block, which is all these transactions do.
            model = self._model(self.snapshot_words())
            self._time(started, sent, mined)
            for op in ops:
                feed = model.feeds[f"feed:{op.args[0]}"] if op.kind == "set_price" else None
                done = model.last_update == self.t0 + t if feed is None else feed.answer == op.args[1]
                if not done:
                    raise RuntimeError(f"{op.kind} {op.args} did not take effect in the block at t={t}")
            return [OpResult(True) for _ in ops], model
        calls: list[tuple[str, list]] = [("eth_getBlockReceipts", ["latest"])]
        if read:
            calls.append(("eth_call", [{"to": self.lens, "data": self._snapshot_call()}, "latest"]))
        answers = rpc.batch(calls)
        self._time(started, sent, mined)
        by_hash = {r["transactionHash"]: r for r in answers[0]}
        results = []
        for op, tx_hash in zip(ops, hashes, strict=True):
            receipt = by_hash.get(tx_hash)
            if receipt is None:
                raise RuntimeError(f"{op.kind} from {op.sender} was not mined in the block at t={t}")
            ok = int(receipt["status"], 16) == 1
            results.append(OpResult(ok, self._fields(receipt) if ok else {}))
        model = self._model(decode_words(answers[-1])) if read else None
        return results, model

    def _time(self, started: float, sent: float, mined: float) -> None:
        self.timing["send"] += sent - started
        self.timing["mine"] += mined - sent
        self.timing["receipts+read"] += time.perf_counter() - mined

    def _fields(self, receipt: dict) -> dict[str, int]:
        out: dict[str, int] = {}
        for log in receipt["logs"]:
            if log["address"].lower() != self.pool.lower() or not log["topics"]:
                continue
            known = EVENT_TOPICS.get(log["topics"][0])
            if known is None:
                continue
            name, types = known
            values = decode(types, bytes.fromhex(log["data"][2:]))
            for key, value in zip(EVENT_ORDER[name], values, strict=True):
                if not key.startswith("_"):
                    out[key] = out.get(key, 0) + int(value)
        return out

    # ------------------------------------------------------------ reading

    def _snapshot_call(self) -> str:
        return encode_call(
            "snapshot(address,address[],address[],address[],address[])",
            self.pool,
            [self.feeds[s] for s in self.feed_symbols],
            [self.tokens[s] for s in self.collateral_symbols],
            [self.address[b] for b in self.borrowers],
            [self.address[h] for h in self.holders],
        )

    def snapshot_words(self) -> list[int]:
        """The lens's one call: the whole stored state as uint256 words."""
        return decode_words(self.rpc.call("eth_call", {"to": self.lens, "data": self._snapshot_call()}, "latest"))

    def read(self, t: int) -> Model:
        started = time.perf_counter()
        model = self._model(self.snapshot_words())
        self.timing["receipts+read"] += time.perf_counter() - started
        return model

    def _model(self, words: list[int]) -> Model:
        """A model holding the chain's state, from the lens words."""
        model = self.template.fork()
        model.cash, model.total_borrow_assets, model.total_borrow_shares, model.last_update = words[:4]
        model.total_supply = words[4]
        model.balances = {RESERVE: words[5]} if words[5] else {}
        symbols = self.collateral_symbols
        n = len(symbols)
        i = 6
        for symbol in self.feed_symbols:
            answer = words[i] - 2**256 if words[i] >= 2**255 else words[i]
            model.set_answer(f"feed:{symbol}", answer, words[i + 1])
            i += 2
        for symbol in symbols:
            if words[i]:
                model.reserve_collateral[symbol] = words[i]
            i += 1
        totals = dict.fromkeys(symbols, 0)
        for borrower in self.borrowers:
            if words[i]:
                model.borrow_shares[borrower] = words[i]
            enabled = []
            for k, symbol in enumerate(symbols):
                amount = words[i + 1 + k]
                if amount:
                    model.collateral_of[(borrower, symbol)] = amount
                    enabled.append(symbol)
                    totals[symbol] += amount
            if enabled:
                model.enabled[borrower] = enabled
            i += 1 + n
        for holder in self.holders:
            if words[i]:
                model.balances[holder] = words[i]
            i += 1
        for symbol in symbols:
            model.collaterals[symbol].total_supplied = totals[symbol]
        return model

    # ------------------------------------------------------------ the resend baseline

    def resend_baseline(self) -> dict[str, float]:
        """Reverts to the state before the replay's first transaction, signs every transaction the
        engine sent (not timed), then times sending them again as raw transactions, block by block at
        the same timestamps; checks that the state it ends with equals the engine's."""
        rpc = self.rpc
        final = self.snapshot_words()
        rpc.call("evm_revert", self.snapshot_id)
        self._node_setup()
        signed = []
        for timestamp, txs in self.sent:
            raws = []
            for tx in txs:
                account = self.accounts[self.name_of[tx["from"]]]
                raw = account.sign_transaction(
                    {
                        "to": to_checksum_address(tx["to"]),
                        "data": tx["data"],
                        "gas": TX_GAS,
                        "gasPrice": GAS_PRICE,
                        "nonce": int(tx["nonce"], 16),
                        "chainId": self.chain_id,
                        "value": 0,
                    }
                )
                raws.append({"from": tx["from"], "raw": "0x" + raw.raw_transaction.hex().removeprefix("0x")})
            signed.append((timestamp, raws))
        started = time.perf_counter()
        for timestamp, raws in signed:
            send_in_order(rpc, "eth_sendRawTransaction", raws)
            rpc.call("evm_mine", timestamp)
        elapsed = time.perf_counter() - started
        rpc.call("evm_setAutomine", True)
        if self.snapshot_words() != final:
            raise RuntimeError("the raw resend did not reproduce the replay's final state")
        return {"resend_s": elapsed, "transactions": sum(len(t) for _, t in self.sent), "blocks": len(self.sent)}

    def finish(self) -> dict[str, float]:
        self.rpc.call("evm_setAutomine", True)
        return dict(self.timing)


def decode_words(raw_hex: str) -> list[int]:
    """A returned `uint256[]`, without eth_abi's per-word overhead."""
    raw = bytes.fromhex(raw_hex[2:])
    count = int.from_bytes(raw[32:64], "big")
    return [int.from_bytes(raw[64 + 32 * i : 96 + 32 * i], "big") for i in range(count)]


def send_in_order(rpc: Rpc, method: str, txs: list[dict]) -> list[str]:
    """Sends a block's transactions so that the node orders them as listed: each run of consecutive
    transactions from one sender goes in one batch (their nonces order them), runs one after another
    (Anvil handles a batch's requests concurrently, and a block keeps arrival order among senders)."""
    hashes: list[str] = []
    start = 0
    while start < len(txs):
        end = start + 1
        while end < len(txs) and txs[end]["from"] == txs[start]["from"]:
            end += 1
        run = txs[start:end]
        payload = [t["raw"] if method == "eth_sendRawTransaction" else t for t in run]
        hashes += rpc.batch([(method, [p]) for p in payload])
        start = end
    return hashes
