"""Deployments a user can find again, check and repeat safely.

`deploy_network` deploys the whole system (on a local network with mock tokens and settable feeds,
elsewhere from `deploy/<network>.yaml`), makes a seed deposit whose shares go to a dead address, and
writes `deployments/<network>.json`. Run again against a chain where that deployment still exists
(code at every recorded address and the same genesis hash: every fresh Anvil has chain id 31337, so the
chain id alone decides nothing), it says so and changes nothing unless `redeploy` is set.

`verify_record` re-reads everything recorded over plain JSON-RPC and lists every mismatch.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eth_abi import decode
from eth_utils import to_checksum_address

from shortfall.chain.deploy import deploy_core, deploy_feed, deploy_mock_token
from shortfall.chain.network import NetworkConfig, TokenConfig, load_network_config
from shortfall.chain.params import CollateralParams, FeedConfig, PoolParams
from shortfall.chain.rpc import Rpc, encode_call, provider_url
from shortfall.constants import DEAD_ADDRESS, DECIMALS_OFFSET, MAX_UINT256

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
SEED_DEPOSIT_GAS = 500_000
LOCAL_COLLATERALS = {"WETH": (18, 2_000.0), "WBTC": (8, 60_000.0)}


class DeploymentError(RuntimeError):
    """A deployment cannot proceed; the message says what is wrong and where."""


@dataclass
class DeploymentRecord:
    """Everything needed to find, check and repeat a deployment."""

    network: str
    chain_id: int
    genesis_hash: str
    deployer: str
    owner: str
    block: int
    git_commit: str
    compiler: dict
    contracts: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    mocks: list[str] = field(default_factory=list)
    seed_deposit: dict = field(default_factory=dict)
    transactions: list[str] = field(default_factory=list)
    created_at: str = ""

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> DeploymentRecord:
        try:
            return cls(**json.loads(path.read_text()))
        except (json.JSONDecodeError, TypeError) as err:
            raise DeploymentError(f"{path}: not a deployment record: {err}") from err

    def address(self, name: str) -> str:
        return self.contracts[name]["address"]


def record_path(out_dir: Path, network_name: str) -> Path:
    return out_dir / f"{network_name}.json"


def git_commit() -> str:
    """HEAD, with '-dirty' when the work tree has uncommitted changes to tracked files."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
        return head + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def genesis_hash(rpc: Rpc) -> str:
    return rpc.call("eth_getBlockByNumber", "0x0", False)["hash"]


def still_deployed(record: DeploymentRecord, rpc: Rpc) -> bool:
    """True when the chain behind `rpc` is the recorded one and every recorded contract has code."""
    if genesis_hash(rpc) != record.genesis_hash:
        return False
    codes = rpc.batch([("eth_getCode", [c["address"], "latest"]) for c in record.contracts.values()])
    return all(code not in ("0x", "0x0", None) for code in codes)


# ---------------------------------------------------------------- deploying


@dataclass
class Plan:
    """What to deploy: tokens and feeds (existing or mock), parameters, owner, seed deposit."""

    asset: TokenConfig
    collaterals: list[TokenConfig]
    params: PoolParams
    owner: str | None
    seed_deposit: float
    mocks: list[str]


def local_plan(project: Any, deployer: Any, accounts: list[Any], log: Callable[[str], None]) -> Plan:
    """Mock loan asset ($1, 6 decimals), WETH and WBTC with settable feeds; test accounts funded."""
    asset = deploy_mock_token(project, deployer, "USDC", 6)
    asset_feed = deploy_feed(project, deployer, 1)
    mocks = [asset.address, asset_feed.address]
    collaterals = []
    for symbol, (decimals, price) in LOCAL_COLLATERALS.items():
        token = deploy_mock_token(project, deployer, symbol, decimals)
        feed = deploy_feed(project, deployer, price)
        mocks += [token.address, feed.address]
        collaterals.append(
            TokenConfig(symbol, token.address, decimals, feed.address, 86_400, 0, 10**20, CollateralParams())
        )
    for account in accounts:
        asset.mint(account, 10_000_000 * 10**6, sender=deployer)
        for c in collaterals:
            project.ERC20Mock.at(c.address).mint(account, 1_000 * 10**c.decimals, sender=deployer)
    log(f"mock tokens and feeds deployed; {len(accounts)} test accounts funded")
    asset_config = TokenConfig("USDC", asset.address, 6, asset_feed.address, 86_400, 0, 10**20)
    return Plan(asset_config, collaterals, PoolParams(), None, 1.0, mocks)


def network_plan(project: Any, config: NetworkConfig, chain: Any) -> Plan:
    """From a config file; checks each token's decimals and each feed's fresh answer first."""
    now = chain.pending_timestamp
    for field_name, token in [("asset", config.asset)] + [
        (f"collaterals[{i}]", c) for i, c in enumerate(config.collaterals)
    ]:
        where = f"{config.path}: {field_name} ({token.symbol})"
        try:
            decimals = project.ERC20Mock.at(token.address).decimals()
        except Exception as err:
            raise DeploymentError(f"{where}: {token.address} does not answer decimals(): {err}") from err
        if decimals != token.decimals:
            raise DeploymentError(f"{where}: token has {decimals} decimals, config says {token.decimals}")
        try:
            _, answer, _, updated_at, _ = project.SettableFeed.at(token.feed).latestRoundData()
        except Exception as err:
            raise DeploymentError(f"{where}: feed {token.feed} does not answer latestRoundData(): {err}") from err
        if answer <= 0:
            raise DeploymentError(f"{where}: feed {token.feed} answers {answer}")
        if updated_at + token.heartbeat < now:
            raise DeploymentError(
                f"{where}: feed {token.feed} is stale: updated {now - updated_at} s ago, heartbeat {token.heartbeat} s"
            )
        if not token.min_answer < answer < token.max_answer:
            raise DeploymentError(f"{where}: feed answer {answer} outside ({token.min_answer}, {token.max_answer})")
    return Plan(config.asset, config.collaterals, config.params, config.owner, config.seed_deposit, [])


def deploy_network(
    project: Any,
    chain: Any,
    deployer: Any,
    network_name: str,
    out_dir: Path,
    is_local: bool,
    accounts: list[Any] | None = None,
    config_path: Path | None = None,
    redeploy: bool = False,
    log: Callable[[str], None] = print,
) -> tuple[DeploymentRecord, bool]:
    """Deploys the system unless the recorded deployment still exists. Returns (record, created)."""
    path = record_path(out_dir, network_name)
    rpc = Rpc(provider_url(chain.provider))
    if path.exists() and not redeploy:
        existing = DeploymentRecord.load(path)
        if still_deployed(existing, rpc):
            log(
                f"{path}: deployment exists on this chain (genesis {existing.genesis_hash[:10]}...); nothing changed. Use --redeploy to deploy anew."
            )
            return existing, False
        log(f"{path}: recorded deployment is not on this chain; deploying anew")
    config = None if is_local else load_network_config(config_path or Path("deploy") / f"{network_name}.yaml")
    plan = local_plan(project, deployer, accounts or [], log) if is_local else network_plan(project, config, chain)

    start_block = chain.blocks.head.number
    asset = project.ERC20Mock.at(plan.asset.address)
    asset_feed = project.SettableFeed.at(plan.asset.feed)
    pool, lp_token, reserve, configurator = deploy_core(project, deployer, asset, asset_feed, plan.params, plan.owner)
    _check_loan_feed_bounds(pool, plan.asset)
    log(
        f"LendingPool {pool.address}, LPToken {lp_token.address}, ReserveFund {reserve.address}, "
        f"Configurator {configurator.address}"
    )
    txs = [c.txn_hash for c in (reserve, lp_token, configurator, pool)]
    owner_is_deployer = plan.owner in (None, deployer.address)
    for c in plan.collaterals:
        if owner_is_deployer:
            receipt = configurator.listCollateral(
                c.address,
                FeedConfig(c.feed, c.heartbeat, c.min_answer, c.max_answer).as_tuple(),
                c.params.as_tuple(),
                sender=deployer,
            )
            txs.append(receipt.txn_hash)
    seed = round(plan.seed_deposit * 10**plan.asset.decimals)
    seed_shares = 0
    if seed:
        if is_local:
            asset.mint(deployer, seed, sender=deployer)
        balance = asset.balanceOf(deployer)
        if balance < seed:
            raise DeploymentError(
                f"deployer {deployer.address} holds {balance} of the loan asset; the seed deposit needs {seed}"
            )
        txs.append(asset.approve(lp_token, seed, sender=deployer).txn_hash)
        # A fixed gas limit: the deposit accrues first, and whether that writes lastUpdate depends on
        # whether it lands in the pool's deployment second, which a gas estimate cannot know.
        receipt = lp_token.deposit(seed, DEAD_ADDRESS, sender=deployer, gas=SEED_DEPOSIT_GAS)
        txs.append(receipt.txn_hash)
        seed_shares = lp_token.balanceOf(DEAD_ADDRESS)
    record = DeploymentRecord(
        network=network_name,
        chain_id=chain.chain_id,
        genesis_hash=genesis_hash(rpc),
        deployer=deployer.address,
        owner=plan.owner or deployer.address,
        block=start_block + 1,
        git_commit=git_commit(),
        compiler=_compiler(project),
        contracts={
            "ReserveFund": {
                "address": reserve.address,
                "tx": reserve.txn_hash,
                "args": [
                    plan.owner or deployer.address,
                    pool.address,
                    lp_token.address,
                    plan.asset.address,
                    plan.params.reserve.floor,
                    plan.params.reserve.buy_discount,
                ],
            },
            "LPToken": {
                "address": lp_token.address,
                "tx": lp_token.txn_hash,
                "args": [plan.asset.address, pool.address, reserve.address, plan.params.lp_name, plan.params.lp_symbol],
            },
            "Configurator": {
                "address": configurator.address,
                "tx": configurator.txn_hash,
                "args": [plan.owner or deployer.address, pool.address, plan.asset.address],
            },
            "LendingPool": {
                "address": pool.address,
                "tx": pool.txn_hash,
                "args": [
                    plan.asset.address,
                    lp_token.address,
                    reserve.address,
                    configurator.address,
                    list(FeedConfig(plan.asset.feed, plan.asset.heartbeat).as_tuple()),
                    list(plan.params.rate_model.as_tuple()),
                    list(plan.params.risk.as_tuple()),
                ],
            },
        },
        tokens={"asset": asdict(plan.asset)} | {c.symbol: asdict(c) for c in plan.collaterals if owner_is_deployer},
        parameters={
            "rate_model": asdict(plan.params.rate_model),
            "risk": asdict(plan.params.risk),
            "reserve": asdict(plan.params.reserve),
        },
        mocks=plan.mocks,
        seed_deposit={"assets": seed, "shares": seed_shares, "receiver": DEAD_ADDRESS},
        transactions=[str(t) for t in txs],
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    record.save(path)
    log(f"recorded {path}")
    return record, True


def _check_loan_feed_bounds(pool: Any, asset: TokenConfig) -> None:
    """The loan feed's bounds are fixed at construction (defaults); a config may narrow them only there."""
    source = pool.priceSources(asset.address)
    if source.feed != asset.feed:
        raise DeploymentError(f"LendingPool prices the loan asset with {source.feed}, expected {asset.feed}")


def _compiler(project: Any) -> dict:
    cfg = project.config.get_config("solidity")
    return {
        "solc": str(cfg.version),
        "evm_version": cfg.evm_version,
        "optimizer_runs": cfg.optimization_runs,
        "via_ir": bool(cfg.via_ir),
    }


# ---------------------------------------------------------------- verifying


class CallFailed(tuple):
    """The result of a view call that reverted or returned nothing decodable: compares unequal to any
    expected value and says why."""

    def __new__(cls, why: str) -> CallFailed:
        obj = super().__new__(cls, (f"<call failed: {why}>",) * 8)
        return obj


def _call(rpc: Rpc, to: str, signature: str, output: list[str], *args: Any) -> tuple:
    try:
        result = rpc.call("eth_call", {"to": to, "data": encode_call(signature, *args)}, "latest")
        return decode(output, bytes.fromhex(result[2:]))
    except Exception as err:  # a revert, or empty data from a contract without that function
        return CallFailed(f"{signature} on {to}: {err}")


def _call_arg(rpc: Rpc, to: str, signature: str, arg: Any, output: list[str]) -> tuple:
    return _call(rpc, to, signature, output, arg)


def _checksum(value: Any) -> Any:
    return to_checksum_address(value) if isinstance(value, str) and value.startswith("0x") else value


def verify_record(record: DeploymentRecord, rpc: Rpc) -> list[str]:
    """Every difference between `record` and the chain behind `rpc`; empty when all matches."""
    problems: list[str] = []

    def expect(label: str, actual: Any, expected: Any) -> None:
        if isinstance(actual, str) and isinstance(expected, str) and actual.startswith("0x"):
            actual, expected = actual.lower(), expected.lower()
        if actual != expected:
            problems.append(f"{label}: chain has {actual!r}, record says {expected!r}")

    expect("chain id", int(rpc.call("eth_chainId"), 16), record.chain_id)
    expect("genesis hash", genesis_hash(rpc), record.genesis_hash)
    for name, info in record.contracts.items():
        if rpc.call("eth_getCode", info["address"], "latest") in ("0x", "0x0"):
            problems.append(f"{name}: no code at {info['address']}")
    if problems:
        return problems
    pool, lp, reserve, configurator = (
        record.address(n) for n in ("LendingPool", "LPToken", "ReserveFund", "Configurator")
    )
    asset = record.tokens["asset"]["address"]
    addr = lambda to, sig: _checksum(_call(rpc, to, sig, ["address"])[0])  # noqa: E731
    uint = lambda to, sig: _call(rpc, to, sig, ["uint256"])[0]  # noqa: E731

    # Ownership and wiring.
    for name, contract in (("Configurator", configurator), ("ReserveFund", reserve)):
        expect(f"{name}.owner", addr(contract, "owner()"), record.owner)
        expect(f"{name}.pendingOwner", addr(contract, "pendingOwner()"), ZERO_ADDRESS)
    expect("LendingPool.asset", addr(pool, "asset()"), asset)
    expect("LendingPool.configurator", addr(pool, "configurator()"), configurator)
    expect("Configurator.pool", addr(configurator, "pool()"), pool)
    expect("Configurator.asset", addr(configurator, "asset()"), asset)
    expect("LendingPool.lpToken", addr(pool, "lpToken()"), lp)
    expect("LendingPool.reserveFund", addr(pool, "reserveFund()"), reserve)
    expect("LPToken.pool", addr(lp, "pool()"), pool)
    expect("LPToken.reserveFund", addr(lp, "reserveFund()"), reserve)
    expect("LPToken.asset", addr(lp, "asset()"), asset)
    expect("LPToken.decimals", uint(lp, "decimals()"), record.tokens["asset"]["decimals"] + DECIMALS_OFFSET)
    expect("ReserveFund.pool", addr(reserve, "pool()"), pool)
    expect("ReserveFund.lpToken", addr(reserve, "lpToken()"), lp)

    # Parameters.
    params = record.parameters
    rate = _call(rpc, pool, "rateModel()", ["(uint64,uint64,uint64,uint64)"])[0]
    expect("LendingPool.rateModel", list(rate), list(params["rate_model"].values()))
    risk = _call(rpc, pool, "riskParams()", ["(uint64,uint64,uint64,uint128,uint128,uint128,uint128)"])[0]
    expect("LendingPool.riskParams", list(risk), list(params["risk"].values()))
    expect("ReserveFund.reserveFloor", uint(reserve, "reserveFloor()"), params["reserve"]["floor"])
    expect("ReserveFund.buyDiscount", uint(reserve, "buyDiscount()"), params["reserve"]["buy_discount"])
    source_types = ["address", "uint8", "uint8", "uint32", "int128", "int128"]
    for symbol, token in record.tokens.items():
        source = _call_arg(rpc, pool, "priceSources(address)", token["address"], source_types)
        expect(f"priceSources({symbol}).feed", _checksum(source[0]), token["feed"])
        expect(f"priceSources({symbol}).tokenDecimals", source[2], token["decimals"])
        expect(f"priceSources({symbol}).heartbeat", source[3], token["heartbeat"])
        if symbol == "asset":
            continue
        expect(f"priceSources({symbol}).bounds", [source[4], source[5]], [token["min_answer"], token["max_answer"]])
        listed = _call_arg(
            rpc, pool, "collaterals(address)", token["address"], ["(uint64,uint64,uint64,uint128)", "uint256", "bool"]
        )
        expect(f"collaterals({symbol}).listed", listed[2], True)
        expect(f"collaterals({symbol}).params", list(listed[0]), list(token["params"].values()))
    if record.seed_deposit.get("assets"):
        shares = _call_arg(rpc, lp, "balanceOf(address)", record.seed_deposit["receiver"], ["uint256"])[0]
        if shares < record.seed_deposit["shares"]:
            problems.append(
                f"seed deposit: {record.seed_deposit['receiver']} holds {shares} shares, record says {record.seed_deposit['shares']}"
            )
    return problems


__all__ = ["MAX_UINT256", "DeploymentError", "DeploymentRecord", "deploy_network", "verify_record"]
