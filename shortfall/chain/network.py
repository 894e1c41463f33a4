"""Per-network deployment configuration: `deploy/<network>.yaml`, validated before anything is deployed.

Every error names the file and the field. Fractions are decimals (0.8 = 80%), APRs are yearly
decimals, values are in quote currency (USD), amounts in whole tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from eth_utils import is_address, to_checksum_address

from shortfall.chain.params import CollateralParams, PoolParams, RateModel, ReserveParams, RiskParams
from shortfall.constants import WAD, apr_to_per_second


class ConfigError(ValueError):
    """A deployment config is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class TokenConfig:
    symbol: str
    address: str
    decimals: int
    feed: str
    heartbeat: int
    min_answer: int
    max_answer: int
    params: CollateralParams | None = None


@dataclass(frozen=True)
class NetworkConfig:
    path: Path
    asset: TokenConfig
    collaterals: list[TokenConfig]
    params: PoolParams
    owner: str | None
    seed_deposit: float


class _Reader:
    def __init__(self, path: Path, data: Any) -> None:
        self.path = path
        self.data = data

    def fail(self, field: str, why: str) -> ConfigError:
        return ConfigError(f"{self.path}: {field}: {why}")

    def section(self, obj: Any, field: str) -> dict:
        if not isinstance(obj, dict):
            raise self.fail(field, "expected a mapping")
        return obj

    def get(self, obj: dict, key: str, field: str, default: Any = ...) -> Any:
        if key not in obj:
            if default is ...:
                raise self.fail(f"{field}.{key}" if field else key, "missing")
            return default
        return obj[key]

    def address(self, obj: dict, key: str, field: str) -> str:
        value = self.get(obj, key, field)
        if not isinstance(value, str) or not is_address(value):
            raise self.fail(f"{field}.{key}", f"not an address: {value!r}")
        return to_checksum_address(value)

    def number(self, obj: dict, key: str, field: str, low: float, high: float, default: Any = ...) -> float:
        value = self.get(obj, key, field, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{field}.{key}", f"not a number: {value!r}")
        if not low <= value <= high:
            raise self.fail(f"{field}.{key}", f"{value} is outside [{low}, {high}]")
        return value


def _wad(x: float) -> int:
    return round(x * WAD)


def _token(r: _Reader, obj: Any, field: str, collateral: bool) -> TokenConfig:
    obj = r.section(obj, field)
    feed_decimals_answer = lambda key, default: int(r.number(obj, key, field, 0, 10**30, default))  # noqa: E731
    params = None
    if collateral:
        params = CollateralParams(
            max_ltv=_wad(r.number(obj, "max_ltv", field, 0, 1)),
            liquidation_threshold=_wad(r.number(obj, "liquidation_threshold", field, 0, 1)),
            liquidation_bonus=_wad(r.number(obj, "liquidation_bonus", field, 0, 0.15)),
            supply_cap=int(r.number(obj, "supply_cap", field, 0, 2**128 - 1) * 10 ** int(obj.get("decimals", 0))),
        )
    return TokenConfig(
        symbol=str(r.get(obj, "symbol", field)),
        address=r.address(obj, "address", field),
        decimals=int(r.number(obj, "decimals", field, 0, 36)),
        feed=r.address(obj, "feed", field),
        heartbeat=int(r.number(obj, "heartbeat", field, 1, 7 * 86_400)),
        min_answer=feed_decimals_answer("min_answer", 0),
        max_answer=feed_decimals_answer("max_answer", 10**30),
        params=params,
    )


def load_network_config(path: Path) -> NetworkConfig:
    """Reads and validates `path`; raises ConfigError naming the file and field."""
    if not path.exists():
        raise ConfigError(f"{path}: no such deployment config (copy deploy/example.yaml)")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from err
    r = _Reader(path, data)
    root = r.section(data, "(top level)")
    asset = _token(r, r.get(root, "asset", ""), "asset", collateral=False)
    collaterals_raw = r.get(root, "collaterals", "")
    if not isinstance(collaterals_raw, list) or not collaterals_raw:
        raise r.fail("collaterals", "expected a non-empty list")
    collaterals = [_token(r, c, f"collaterals[{i}]", collateral=True) for i, c in enumerate(collaterals_raw)]
    rates = r.section(r.get(root, "rate_model", ""), "rate_model")
    risk = r.section(r.get(root, "risk", ""), "risk")
    reserve = r.section(root.get("reserve", {}), "reserve")
    usd = lambda key: _wad(r.number(risk, key, "risk", 0, 10**12))  # noqa: E731
    params = PoolParams(
        rate_model=RateModel(
            base_rate=apr_to_per_second(_wad(r.number(rates, "base_apr", "rate_model", 0, 10))),
            slope1=apr_to_per_second(_wad(r.number(rates, "slope1_apr", "rate_model", 0, 10))),
            slope2=apr_to_per_second(_wad(r.number(rates, "slope2_apr", "rate_model", 0, 10))),
            kink=_wad(r.number(rates, "kink", "rate_model", 0.01, 0.99)),
        ),
        risk=RiskParams(
            close_factor=_wad(r.number(risk, "close_factor", "risk", 0.01, 1)),
            full_close_health_factor=_wad(r.number(risk, "full_close_health_factor", "risk", 0, 1)),
            reserve_factor=_wad(r.number(risk, "reserve_factor", "risk", 0, 0.5)),
            borrow_cap=int(r.number(risk, "borrow_cap", "risk", 0, 10**15) * 10**asset.decimals),
            min_borrow_value=usd("min_borrow_value"),
            small_debt_value=usd("small_debt_value"),
            dust_value=usd("dust_value"),
        ),
        reserve=ReserveParams(
            floor=_wad(r.number(reserve, "floor", "reserve", 0.01, 1, 0.05)),
            buy_discount=_wad(r.number(reserve, "buy_discount", "reserve", 0, 0.1, 0.05)),
        ),
        loan_heartbeat=asset.heartbeat,
    )
    owner = root.get("owner")
    if owner is not None and not is_address(owner):
        raise r.fail("owner", f"not an address: {owner!r}")
    seed = r.number(root, "seed_deposit", "", 0, 10**9, 1)
    return NetworkConfig(path, asset, collaterals, params, to_checksum_address(owner) if owner else None, seed)
