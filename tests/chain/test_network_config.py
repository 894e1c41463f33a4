"""Deployment configs are validated before anything is deployed; errors name the file and the field."""

import pytest

from shortfall.chain.network import ConfigError, load_network_config

VALID = """
asset: {symbol: USDC, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", decimals: 6,
        feed: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", heartbeat: 86400}
collaterals:
  - {symbol: WETH, address: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", decimals: 18,
     feed: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", heartbeat: 3600,
     max_ltv: 0.75, liquidation_threshold: 0.8, liquidation_bonus: 0.05, supply_cap: 10000}
rate_model: {base_apr: 0, slope1_apr: 0.04, slope2_apr: 3.0, kink: 0.8}
risk: {close_factor: 0.5, full_close_health_factor: 0.95, reserve_factor: 0.1, borrow_cap: 1000000000,
       min_borrow_value: 100, small_debt_value: 1000, dust_value: 10}
reserve: {floor: 0.05, buy_discount: 0.05}
seed_deposit: 1
"""


def write(tmp_path, text):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    return path


def test_load__valid__typed_values(tmp_path):
    config = load_network_config(write(tmp_path, VALID))
    assert config.asset.decimals == 6 and config.collaterals[0].params.max_ltv == 75 * 10**16
    assert config.collaterals[0].params.supply_cap == 10_000 * 10**18
    assert config.params.risk.min_borrow_value == 100 * 10**18


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("decimals: 6,", "", "asset.decimals: missing"),
        ('address: "0x5FbDB2315678afecb367f032d93F642f64180aa3"', 'address: "0x1234"', "asset.address: not an address"),
        ("liquidation_bonus: 0.05", "liquidation_bonus: 0.2", "collaterals[0].liquidation_bonus"),
        ("kink: 0.8", "kink: 1.5", "rate_model.kink"),
        ("reserve_factor: 0.1", "reserve_factor: high", "risk.reserve_factor: not a number"),
        ("collaterals:", "collateral:", "collaterals: missing"),
    ],
)
def test_load__malformed__names_file_and_field(tmp_path, old, new, field):
    path = write(tmp_path, VALID.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_network_config(path)
    assert str(path) in str(info.value) and field in str(info.value)


def test_load__missing_file__says_so(tmp_path):
    with pytest.raises(ConfigError, match="no such deployment config"):
        load_network_config(tmp_path / "nope.yaml")


def test_example_config__shipped__is_valid():
    from pathlib import Path

    config = load_network_config(Path(__file__).resolve().parents[2] / "deploy" / "example.yaml")
    assert config.asset.symbol == "USDC" and config.collaterals[0].symbol == "WETH"
