"""Shared fixtures: named roles, the deployed system per loan-asset decimals, and closure factories.

Every test runs on Anvil through ape-foundry, isolated by ape's snapshots: a session fixture deploys
once, and each test starts from that state.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import ape
import pytest

from shortfall.chain.deploy import Deployment, deploy_local_system, to_answer
from shortfall.chain.params import PoolParams
from shortfall.checks.abi_coverage import AbiCoverage
from shortfall.constants import CORE_CONTRACTS, MAX_UINT256, WAD

COVERAGE = AbiCoverage()
COVERAGE.install()

# The loan asset's decimals: 6 (USDC-like) and 18 (DAI-like) unless SHORTFALL_DECIMALS narrows it.
DECIMALS = [int(d) for d in os.environ.get("SHORTFALL_DECIMALS", "6,18").split(",")]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Forget the nodes ape still lists as running whose process is gone. ape records each node it starts
    in its data folder (processes/nodes.json) and removes the entry when it stops the node, so every
    killed session leaves one behind; on disconnect it compares each entry with its provider, rebuilding
    the provider's settings every time: with the 180 stale entries found on this machine, 8 s of CPU at
    the end of every `ape test` and `ape run`."""
    nodes = ape.networks.running_nodes
    gone = [pid for pid in nodes.process_ids if not _alive(pid)]
    if gone:
        nodes.remove_processes(*gone)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The ABI coverage gate: with SHORTFALL_ABI_GATE=1, fail if any function, custom error or event of
    LendingPool, LPToken, ReserveFund or Configurator was never exercised."""
    if os.environ.get("SHORTFALL_ABI_GATE") != "1" or exitstatus != 0:
        return
    missing = {}
    for name in CORE_CONTRACTS:
        gaps = COVERAGE.missing(ape.project.get_contract(name).contract_type)
        if gaps:
            missing[name] = gaps
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing:
        lines = [f"  {name}: {gap}" for name, gaps in missing.items() for gap in gaps]
        reporter.write_line("ABI coverage gate FAILED: never exercised:\n" + "\n".join(lines), red=True)
        session.exitstatus = 1
    else:
        reporter.write_line(
            f"ABI coverage gate: every function, error and event of the {len(CORE_CONTRACTS)} contracts exercised"
        )


@ape.fixture(scope="session", autouse=True, chain_isolation=False)
def _no_revert_traces():
    """ape-foundry prints the call trace of every reverted transaction, and labelling its addresses derives
    ape's test accounts again each time: about 1.5 s a revert on this machine, for a suite that checks
    hundreds of reverts. The revert itself and its custom error are decoded as before; only the printout
    goes."""
    from ape_ethereum.trace import Trace

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Trace, "show", lambda self, *args, **kwargs: None)
        yield


@ape.fixture(scope="session", autouse=True, chain_isolation=False)
def _lean_ape():
    """ape spends about 75 ms of CPU on a transaction and 20 ms on a call to Anvil, most of it not on
    the chain; four costs go, none of which a test observes:

    - after every transaction, a `trace_transaction` to print the contracts' `console.log` output (none
      of ours logs anything);
    - the default transaction type, worked out again from the whole network configuration (new
      pydantic models every time) for every transaction and call: computed once per network;
    - `requests` on every JSON-RPC request to the local Anvil (it reads the proxy settings from the
      environment each time): a kept-alive `http.client` connection instead (shortfall/chain/rpc.py's
      `LoopbackHttp`, also behind the project's own batched client). Requests elsewhere are unchanged;
    - signing every transaction with ape's pure-Python secp256k1, then recovering the signer from it
      to check: the test accounts are Anvil's own (ape-foundry starts it with the same mnemonic), so
      ape sends them unsigned (`eth_sendTransaction`, ape's path for unlocked accounts) and Anvil signs
      them with the same keys. Nonce, gas, fees, data and value are still set by ape as before. The
      hash Anvil returns is kept with the transaction object, for ape to find the trace of a reverted
      one by (it decodes a custom error raised by a contract the transaction called through it: an
      OpenZeppelin SafeCast error inside the LendingPool from `LPToken.deposit`).

    Together: about 20 ms a transaction and 4 ms a call. Transactions and calls, their reverts, decoded
    errors, events and return values are unchanged.
    """
    import ape_ethereum.provider
    from ape_ethereum.ecosystem import Ethereum
    from ape_ethereum.transactions import BaseTransaction
    from ape_test.accounts import TestAccount
    from hexbytes import HexBytes
    from web3._utils.http_session_manager import HTTPSessionManager

    from shortfall.chain.rpc import LoopbackHttp

    tx_types: dict = {}
    default_transaction_type = Ethereum.default_transaction_type.fget

    def cached_transaction_type(self):
        provider = self.network_manager.active_provider
        key = (id(self), provider.network.name if provider else None)
        if key not in tx_types:
            tx_types[key] = default_transaction_type(self)
        return tx_types[key]

    nodes: dict[str, LoopbackHttp] = {}
    make_post_request = HTTPSessionManager.make_post_request

    def post(self, endpoint_uri, data, **kwargs):
        if not isinstance(data, bytes) or kwargs.get("stream") or not LoopbackHttp.serves(endpoint_uri):
            return make_post_request(self, endpoint_uri, data, **kwargs)
        node = nodes.get(endpoint_uri) or nodes.setdefault(endpoint_uri, LoopbackHttp(endpoint_uri))
        return node.post(data, kwargs.get("timeout", 30))

    send = TestAccount.call

    def send_unsigned(self, txn, send_everything=False, private=False, sign=True, **signer_options):
        return send(self, txn, send_everything=send_everything, private=private, sign=False, **signer_options)

    sent: dict[int, tuple] = {}  # id(transaction) -> (transaction, the hash Anvil gave it); the last few
    send_to_node = ape_ethereum.provider.Web3Provider._send_transaction
    txn_hash = BaseTransaction.txn_hash.fget

    def send_and_keep_hash(self, txn):
        sent_hash = send_to_node(self, txn)
        if txn.signature is None:
            sent[id(txn)] = (txn, sent_hash)
            while len(sent) > 64:
                del sent[next(iter(sent))]
        return sent_hash

    def unsigned_txn_hash(self):
        if self.signature is None and (known := sent.get(id(self))) and known[0] is self:
            return HexBytes(known[1])
        return txn_hash(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ape_ethereum.provider, "_post_send_transaction", lambda txn, receipt: None)
        patch.setattr(TestAccount, "call", send_unsigned)
        patch.setattr(ape_ethereum.provider.Web3Provider, "_send_transaction", send_and_keep_hash)
        patch.setattr(BaseTransaction, "txn_hash", property(unsigned_txn_hash))
        patch.setattr(Ethereum, "default_transaction_type", property(cached_transaction_type))
        patch.setattr(HTTPSessionManager, "make_post_request", post)
        yield


# ---------------------------------------------------------------- roles


@pytest.fixture(scope="session")
def gov(accounts):
    """Deployer and owner of every contract."""
    return accounts[0]


@pytest.fixture(scope="session")
def alice(accounts):
    """An LP."""
    return accounts[1]


@pytest.fixture(scope="session")
def bob(accounts):
    """A second LP."""
    return accounts[2]


@pytest.fixture(scope="session")
def carol(accounts):
    """A third LP."""
    return accounts[3]


@pytest.fixture(scope="session")
def dave(accounts):
    """A borrower."""
    return accounts[4]


@pytest.fixture(scope="session")
def erin(accounts):
    """A second borrower."""
    return accounts[5]


@pytest.fixture(scope="session")
def liquidator(accounts):
    """A keeper that liquidates."""
    return accounts[6]


@pytest.fixture(scope="session")
def keeper(accounts):
    """A keeper that realizes bad debt and buys collateral."""
    return accounts[7]


@pytest.fixture(scope="session")
def stranger(accounts):
    """Anyone: no role, no funds in the pool."""
    return accounts[8]


# ---------------------------------------------------------------- system


@ape.fixture(scope="session", chain_isolation=False, params=DECIMALS, ids=lambda d: f"asset{d}")
def asset_decimals(request) -> int:
    """The loan asset's decimals. It holds no chain state (`chain_isolation=False`): otherwise, while it
    iterates, ape takes it for a new stateful fixture at every test and reverts the chain and sets up again
    every module-scoped fixture (tests/contracts/test_boundaries.py's markets) before each test."""
    return request.param


@pytest.fixture(scope="session")
def system(project, gov, asset_decimals) -> Deployment:
    """LendingPool, LPToken, ReserveFund; a mock loan asset ($1) and WETH ($2,000, 18 decimals)."""
    return deploy_local_system(project, gov, asset_decimals, {"WETH": (18, 2_000), "WBTC": (8, 50_000)}, PoolParams())


@pytest.fixture(scope="session")
def pool(system):
    return system.pool


@pytest.fixture(scope="session")
def lp_token(system):
    return system.lp_token


@pytest.fixture(scope="session")
def reserve(system):
    return system.reserve_fund


@pytest.fixture(scope="session")
def configurator(system):
    """The pool's governance: every owner setter lives here."""
    return system.configurator


@pytest.fixture(scope="session")
def asset(system):
    return system.asset


@pytest.fixture(scope="session")
def weth(system):
    return system.collaterals["WETH"]


@pytest.fixture(scope="session")
def wbtc(system):
    return system.collaterals["WBTC"]


@pytest.fixture(scope="session")
def units(asset_decimals) -> Callable[[float], int]:
    """Whole loan-asset amounts in token units."""
    return lambda amount: round(amount * 10**asset_decimals)


# ---------------------------------------------------------------- factories


@pytest.fixture(scope="session")
def deposit(system, units):
    """deposit(lp, amount): mints loan asset to `lp` and deposits it through the LPToken."""

    def deposit(lp, amount: float):
        assets = units(amount)
        system.asset.mint(lp, assets, sender=lp)
        system.asset.approve(system.lp_token, assets, sender=lp)
        return system.lp_token.deposit(assets, lp, sender=lp)

    return deposit


@pytest.fixture(scope="session")
def fund_reserve(system, units, gov):
    """fund_reserve(amount): governance tops up the reserve."""

    def fund(amount: float):
        assets = units(amount)
        system.asset.mint(gov, assets, sender=gov)
        system.asset.approve(system.reserve_fund, assets, sender=gov)
        return system.reserve_fund.fundReserve(assets, sender=gov)

    return fund


@pytest.fixture(scope="session")
def supply(system):
    """supply(borrower, symbol, amount): mints and supplies collateral, `amount` in whole tokens."""

    def supply(borrower, symbol: str, amount: float):
        token = system.collaterals[symbol]
        raw = round(amount * 10 ** token.decimals())
        token.mint(borrower, raw, sender=borrower)
        token.approve(system.pool, raw, sender=borrower)
        return system.pool.supplyCollateral(token, raw, borrower, sender=borrower)

    return supply


@pytest.fixture(scope="session")
def open_position(supply, system, units):
    """open_position(borrower, weth, borrow): supplies `weth` WETH and borrows `borrow` loan asset."""

    def open_position(borrower, weth: float, borrow: float, symbol: str = "WETH"):
        supply(borrower, symbol, weth)
        return system.pool.borrow(units(borrow), borrower, sender=borrower)

    return open_position


@pytest.fixture(scope="session")
def set_price(system, gov):
    """set_price(symbol, price): moves a collateral feed ('LOAN' for the loan asset)."""

    def set_price(symbol: str, price: float):
        feed = system.asset_feed if symbol == "LOAN" else system.feeds[symbol]
        return feed.setAnswer(to_answer(price), sender=gov)

    return set_price


@pytest.fixture(scope="session")
def approve_liquidator(system, liquidator, units):
    """Gives the liquidator plenty of loan asset, approved to the pool."""

    def approve(amount: float = 10_000_000):
        system.asset.mint(liquidator, units(amount), sender=liquidator)
        system.asset.approve(system.pool, MAX_UINT256, sender=liquidator)

    return approve


@pytest.fixture
def zero_rates(configurator, pool, gov):
    """No interest, so that amounts in a test can be computed exactly by hand."""
    from shortfall.chain.params import RateModel

    configurator.setRateModel(RateModel(0, 0, 0, wad(0.8)).as_tuple(), sender=gov)


@pytest.fixture
def snapshot_state(system):
    """snapshot_state(*accounts): the state a failed call must leave unchanged."""

    def snap(*accounts):
        pool, lp = system.pool, system.lp_token
        state = {
            "cash": pool.cash(),
            "totalBorrowAssets": pool.totalBorrowAssets(),
            "totalBorrowShares": pool.totalBorrowShares(),
            "lastUpdate": pool.lastUpdate(),
            "totalSupply": lp.totalSupply(),
            "reserveShares": lp.balanceOf(system.reserve_fund),
        }
        for account in accounts:
            state[f"shares:{account.address}"] = lp.balanceOf(account)
            state[f"debtShares:{account.address}"] = pool.borrowSharesOf(account)
            state[f"asset:{account.address}"] = system.asset.balanceOf(account)
            for symbol, token in system.collaterals.items():
                state[f"{symbol}:{account.address}"] = pool.collateralOf(account, token)
        return state

    return snap


@pytest.fixture(scope="session")
def creation_revert(chain):
    """creation_revert(container, *args, sender): the 4-byte error selector a deployment reverts with.

    ape 0.8 fails to decode custom errors raised by a constructor in tests, so the creation is simulated
    with eth_call and the selector read from the revert data (and recorded for the ABI gate)."""
    from eth_abi import encode
    from web3.exceptions import ContractCustomError

    def creation_revert(container, *args, sender) -> str | None:
        contract_type = container.contract_type
        types = [item.canonical_type for item in contract_type.constructor.inputs]
        values = [getattr(a, "address", a) for a in args]
        data = contract_type.deployment_bytecode.bytecode + encode(types, values).hex()
        try:
            chain.provider.web3.eth.call({"from": sender.address, "data": data})
        except ContractCustomError as err:
            selector = str(err.data)[:10]
            COVERAGE.record_raw(error=selector)
            return selector
        return None

    return creation_revert


@pytest.fixture(scope="session")
def view_at(chain):
    """view_at(contract, method, when, *args): a uint256 view as it reads at block time `when`
    (eth_call with a block-time override), to compare views with the state a transaction at `when`
    leaves."""
    from eth_abi import decode

    from shortfall.chain.populate import rpc_for

    def view_at(contract, method: str, when: int, *args) -> int:
        data = getattr(contract, method).encode_input(*args)
        call = {"to": contract.address, "data": data if isinstance(data, str) else "0x" + bytes(data).hex()}
        raw = rpc_for(chain.provider).call("eth_call", call, "latest", {}, {"time": hex(when)})
        return decode(["uint256"], bytes.fromhex(raw[2:]))[0]

    return view_at


def wad(x: float) -> int:
    """A fraction or a quote value as WAD."""
    return round(x * WAD)
