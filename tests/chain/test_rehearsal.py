"""A test-network rehearsal: `ape run deploy` to a second Anvil (chain id 4242, the custom network
`shortfall-rehearsal` of ape-config.yaml) with an ape account imported from a keyfile, then
`verify-deployment`, a re-run that changes nothing, and a tampered record that verification rejects.
Nothing here is a mock of the deployment: tokens and feeds exist on that chain before it, as they
would on a real network, and the deployment must not create any contract but its four."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from eth_abi import encode
from eth_account import Account

from shortfall.chain.deployment import DeploymentRecord
from shortfall.chain.rpc import Rpc, encode_call
from shortfall.constants import CORE_CONTRACTS

PORT, CHAIN_ID = 8547, 4242
NETWORK = "ethereum:shortfall-rehearsal:node"
ROOT = Path(__file__).resolve().parents[2]
ANVIL_FUNDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # Anvil's unlocked account 0 (public test key)


@pytest.fixture(scope="module")
def node():
    if shutil.which("anvil") is None:
        pytest.fail("anvil is not on PATH: run through `make test`")
    process = subprocess.Popen(
        ["anvil", "--port", str(PORT), "--chain-id", str(CHAIN_ID)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rpc = Rpc(f"http://127.0.0.1:{PORT}")
    for _ in range(100):
        try:
            assert int(rpc.call("eth_chainId"), 16) == CHAIN_ID
            break
        except Exception:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"anvil did not start on port {PORT}")
    yield rpc
    process.terminate()
    process.wait(10)


def _create(rpc: Rpc, project, name: str, *args) -> str:
    contract_type = getattr(project, name).contract_type
    types = [i.canonical_type for i in contract_type.constructor.inputs]
    data = contract_type.deployment_bytecode.bytecode + encode(types, list(args)).hex()
    receipt = rpc.send_transactions([{"from": ANVIL_FUNDER, "data": data, "gas": hex(5_000_000)}])[0]
    return receipt["contractAddress"]


@pytest.fixture(scope="module")
def infrastructure(node, project):
    """A loan asset, a collateral and their feeds, already on the chain (as on a real network)."""
    usdc = _create(node, project, "ERC20Mock", "USD Coin", "USDC", 6)
    usdc_feed = _create(node, project, "SettableFeed", 8, 10**8)
    weth = _create(node, project, "ERC20Mock", "Wrapped Ether", "WETH", 18)
    weth_feed = _create(node, project, "SettableFeed", 8, 2_000 * 10**8)
    return {"usdc": usdc, "usdc_feed": usdc_feed, "weth": weth, "weth_feed": weth_feed}


@pytest.fixture(scope="module")
def keyfile_account(node, infrastructure):
    """An ape account imported from a keyfile (a fresh key, never written to the repository)."""
    from ape import config

    alias = f"rehearsal{secrets.token_hex(4)}"
    passphrase = secrets.token_hex(16)
    account = Account.create()
    folder = Path(config.DATA_FOLDER) / "accounts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{alias}.json"
    path.write_text(json.dumps(Account.encrypt(account.key, passphrase)))
    node.call("anvil_setBalance", account.address, hex(10**20))
    node.send_transactions(
        [
            {
                "from": ANVIL_FUNDER,
                "to": infrastructure["usdc"],
                "data": encode_call("mint(address,uint256)", account.address, 10 * 10**6),
            }
        ]
    )
    yield alias, passphrase, account.address
    path.unlink(missing_ok=True)


def _config(infrastructure, path: Path) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "asset": {
                    "symbol": "USDC",
                    "address": infrastructure["usdc"],
                    "decimals": 6,
                    "feed": infrastructure["usdc_feed"],
                    "heartbeat": 86400,
                },
                "collaterals": [
                    {
                        "symbol": "WETH",
                        "address": infrastructure["weth"],
                        "decimals": 18,
                        "feed": infrastructure["weth_feed"],
                        "heartbeat": 3600,
                        "max_ltv": 0.75,
                        "liquidation_threshold": 0.8,
                        "liquidation_bonus": 0.05,
                        "supply_cap": 100000,
                    }
                ],
                "rate_model": {"base_apr": 0, "slope1_apr": 0.04, "slope2_apr": 3.0, "kink": 0.8},
                "risk": {
                    "close_factor": 0.5,
                    "full_close_health_factor": 0.95,
                    "reserve_factor": 0.1,
                    "borrow_cap": 10**9,
                    "min_borrow_value": 100,
                    "small_debt_value": 1000,
                    "dust_value": 10,
                },
                "reserve": {"floor": 0.05, "buy_discount": 0.05},
                "seed_deposit": 1,
            }
        )
    )
    return path


def _ape(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["ape", "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_rehearsal__deploy_verify_rerun__no_mocks(node, infrastructure, keyfile_account, tmp_path):
    alias, passphrase, address = keyfile_account
    env = os.environ | {f"APE_ACCOUNTS_{alias}_PASSPHRASE": passphrase}
    config = _config(infrastructure, tmp_path / "shortfall-rehearsal.yaml")
    out = tmp_path / "deployments"
    first_block = int(node.call("eth_blockNumber"), 16)
    deploy = [
        "deploy",
        "--network",
        NETWORK,
        "--account",
        alias,
        "--config",
        str(config),
        "--out-dir",
        str(out),
        "--autosign",
    ]

    result = _ape(*deploy, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    record = DeploymentRecord.load(out / "shortfall-rehearsal.json")
    assert record.chain_id == CHAIN_ID and record.deployer == address and record.mocks == []

    # The deployer created exactly the four core contracts; no mock was deployed.
    head = int(node.call("eth_blockNumber"), 16)
    blocks = node.batch([("eth_getBlockByNumber", [hex(n), True]) for n in range(first_block + 1, head + 1)])
    created = [
        tx
        for block in blocks
        for tx in block["transactions"]
        if tx["from"].lower() == address.lower() and tx["to"] is None
    ]
    assert len(created) == len(CORE_CONTRACTS) == 4
    codes = {name: node.call("eth_getCode", c["address"], "latest") for name, c in record.contracts.items()}
    assert all(code != "0x" for code in codes.values())

    result = _ape("verify-deployment", "--network", NETWORK, "--out-dir", str(out), env=env)
    assert result.returncode == 0 and "verified" in result.stdout, result.stdout + result.stderr

    nonce = node.call("eth_getTransactionCount", address, "latest")
    result = _ape(*deploy, env=env)
    assert result.returncode == 0 and "nothing changed" in result.stdout, result.stdout + result.stderr
    assert node.call("eth_getTransactionCount", address, "latest") == nonce

    data = json.loads((out / "shortfall-rehearsal.json").read_text())
    data["parameters"]["risk"]["dust_value"] += 1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    result = _ape("verify-deployment", "--network", NETWORK, "--file", str(tampered), env=env)
    assert result.returncode == 1 and "LendingPool.riskParams" in result.stderr, result.stdout + result.stderr


def test_rehearsal__no_account__refused(node, tmp_path):
    result = _ape("deploy", "--network", NETWORK, "--out-dir", str(tmp_path), env=dict(os.environ))
    assert result.returncode != 0 and "--account" in (result.stdout + result.stderr)
