"""Deploying twice against a running node, verifying a record, and catching a tampered one."""

import json

import pytest

from shortfall.chain.deployment import DeploymentError, DeploymentRecord, deploy_network, network_plan, verify_record
from shortfall.chain.network import NetworkConfig, TokenConfig
from shortfall.chain.params import CollateralParams, PoolParams
from shortfall.chain.populate import rpc_for


@pytest.fixture
def deployed(project, chain, gov, tmp_path):
    record, created = deploy_network(project, chain, gov, "local", tmp_path, True, [], log=lambda m: None)
    assert created
    return record, tmp_path / "local.json"


def test_deploy__twice_on_running_node__second_changes_nothing(project, chain, gov, deployed, tmp_path):
    record, path = deployed
    nonce, head, text = gov.nonce, chain.blocks.head.number, path.read_text()
    again, created = deploy_network(project, chain, gov, "local", tmp_path, True, [], log=lambda m: None)
    assert not created and again == record
    assert gov.nonce == nonce and chain.blocks.head.number == head and path.read_text() == text


def test_deploy__redeploy__new_addresses(project, chain, gov, deployed, tmp_path):
    record, _ = deployed
    again, created = deploy_network(project, chain, gov, "local", tmp_path, True, [], redeploy=True, log=lambda m: None)
    assert created and again.address("LendingPool") != record.address("LendingPool")


def test_record__fields__complete(deployed, gov, chain):
    record, _ = deployed
    assert record.chain_id == chain.chain_id and record.genesis_hash.startswith("0x")
    assert set(record.contracts) == {"LendingPool", "LPToken", "ReserveFund", "Configurator"}
    assert all(c["tx"] and c["args"] for c in record.contracts.values())
    assert record.deployer == record.owner == gov.address
    assert record.compiler["solc"].startswith("0.8.28") and record.compiler["evm_version"] == "cancun"
    assert record.git_commit and record.seed_deposit["shares"] > 0 and len(record.mocks) == 6


def test_verify__fresh_record__no_mismatch(deployed, chain):
    record, _ = deployed
    assert verify_record(record, rpc_for(chain.provider)) == []


@pytest.mark.parametrize(
    "tamper, expected",
    [
        (lambda r: r["parameters"]["risk"].update(close_factor=1), "LendingPool.riskParams"),
        (lambda r: r["parameters"]["reserve"].update(floor=1), "ReserveFund.reserveFloor"),
        (lambda r: r.update(owner="0x000000000000000000000000000000000000dEaD"), "Configurator.owner"),
        (lambda r: r["contracts"]["LPToken"].update(address=r["tokens"]["asset"]["address"]), "LendingPool.lpToken"),
        (lambda r: r["tokens"]["WETH"].update(heartbeat=1), "priceSources(WETH).heartbeat"),
        (lambda r: r.update(genesis_hash="0x" + "11" * 32), "genesis hash"),
        (
            lambda r: r["contracts"]["ReserveFund"].update(address="0x000000000000000000000000000000000000bEEF"),
            "no code",
        ),
    ],
    ids=["risk", "floor", "owner", "wiring", "feed", "genesis", "no-code"],
)
def test_verify__tampered_record__names_the_mismatch(deployed, chain, tmp_path, tamper, expected):
    _, path = deployed
    data = json.loads(path.read_text())
    tamper(data)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    problems = verify_record(DeploymentRecord.load(tampered), rpc_for(chain.provider))
    assert any(expected in p for p in problems), problems


def test_network_plan__wrong_decimals_or_stale_feed__refused_before_deploying(project, chain, gov, system, tmp_path):
    asset, feed = system.asset, system.asset_feed
    weth, weth_feed = system.collaterals["WETH"], system.feeds["WETH"]

    def config(asset_decimals: int, weth_heartbeat: int) -> NetworkConfig:
        return NetworkConfig(
            tmp_path / "net.yaml",
            TokenConfig("USDC", asset.address, asset_decimals, feed.address, 86_400, 0, 10**20),
            [TokenConfig("WETH", weth.address, 18, weth_feed.address, weth_heartbeat, 0, 10**20, CollateralParams())],
            PoolParams(),
            None,
            1,
        )

    nonce = gov.nonce
    with pytest.raises(DeploymentError, match=r"asset \(USDC\): token has \d+ decimals, config says 3"):
        network_plan(project, config(3, 86_400), chain)
    chain.pending_timestamp += 7200
    chain.mine(1)
    with pytest.raises(DeploymentError, match=r"collaterals\[0\] \(WETH\): feed .* is stale"):
        network_plan(project, config(asset.decimals(), 3600), chain)
    assert gov.nonce == nonce
