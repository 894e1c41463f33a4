"""Crash scenarios: the YAML format of `scenarios/*.yaml` and its validation.

Everything is checked before anything is deployed; an error names the file, the line and the field
(`scenarios/luna.yaml:12: collaterals.LUNA.liquidation_threshold: expected a percentage like '80%'`).
The format is documented in scenarios/README.md; this module is its single implementation.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from shortfall.constants import WAD

SOURCE_CODES = {
    "D": "documented (a candle or daily OHLC from a published data set)",
    "D*": "documented value, time within the day not verified",
    "Dd": "derived from documented values (a ratio of two closes)",
    "A": "approximate (a dated news report; the exact hour is not verified)",
    "I": "interpolated by the data gatherer; no source",
    "S": "synthetic (a designed scenario, not history)",
}
DURATION_UNITS = {"s": 1, "sec": 1, "min": 60, "h": 3600, "d": 86_400}


def to_wad(value: float) -> int:
    """A number from a scenario (a fraction, or a quote value) as WAD, exactly as written in decimal."""
    return int(Decimal(str(value)) * WAD)


class ScenarioError(ValueError):
    """A malformed scenario: the message names the file, the line and the field."""


@dataclass(frozen=True)
class PricePoint:
    hours: float
    price: float
    src: str
    note: str
    line: int


@dataclass(frozen=True)
class PricePath:
    """A price in quote units over time: points (hours from start) and how to fill between them."""

    points: tuple[PricePoint, ...]
    interpolation: str  # "step" or "linear"
    origin: str  # the CSV file, "inline" or "constant"
    offset_hours: float = 0.0  # the scenario's t = 0 is this point of the path

    def at(self, hours: float) -> tuple[float, str]:
        """The price at `hours` and its source code: a point's own code when `hours` is a point, else "I"
        (interpolated by the replay; before the first point or after the last, the end value, also "I")."""
        hours += self.offset_hours
        points = self.points
        if len(points) == 1:
            return points[0].price, points[0].src
        if hours <= points[0].hours:
            return points[0].price, points[0].src if hours == points[0].hours else "I"
        if hours >= points[-1].hours:
            return points[-1].price, points[-1].src if hours == points[-1].hours else "I"
        lo, hi = 0, len(points) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if points[mid].hours <= hours:
                lo = mid
            else:
                hi = mid
        a, b = points[lo], points[hi]
        if hours == a.hours:
            return a.price, a.src
        if self.interpolation == "step":
            return a.price, "I"
        weight = (hours - a.hours) / (b.hours - a.hours)
        return a.price + (b.price - a.price) * weight, "I"


@dataclass(frozen=True)
class Asset:
    symbol: str
    decimals: int
    price: PricePath
    # collateral only (WAD fractions; cap in whole tokens, None = unlimited)
    max_ltv: int = 0
    liquidation_threshold: int = 0
    liquidation_bonus: int = 0
    supply_cap: float | None = None
    # the pool's accepted answer range (quote units), set at listing
    min_price: float = 0.0
    max_price: float = 1e12


@dataclass(frozen=True)
class Window:
    start: int  # seconds from the scenario start
    end: int

    def contains(self, t: int) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class PoolSpec:
    close_factor: int
    full_close_health_factor: int
    reserve_factor: int
    initial_reserve: float  # whole loan-asset units
    min_borrow_value: float  # quote units
    small_debt_value: float
    dust_value: float
    base_apr: int
    slope1_apr: int
    slope2_apr: int
    kink: int
    reserve_floor: int
    buy_discount: int


@dataclass(frozen=True)
class Lognormal:
    median: float
    sigma: float


@dataclass(frozen=True)
class Whale:
    name: str
    role: str  # "borrower" or "lp"
    amount: float  # borrower: collateral value (quote); lp: deposit (loan asset)
    collateral: str | None = None
    health_factor: float | None = None


@dataclass(frozen=True)
class PopulationSpec:
    seed: int
    lp_count: int
    lp_deposit: Lognormal
    borrower_count: int
    collateral_mix: dict[str, float]
    collateral_value: Lognormal
    health_factor_min: float
    health_factor_max: float
    whales: tuple[Whale, ...] = ()


@dataclass(frozen=True)
class KeeperSpec:
    reaction_delay: int  # seconds
    liquidations_per_block: int
    gas_per_liquidation: int
    gas_price_gwei: PricePath
    native_price: str | float  # a symbol of the scenario or a quote price
    slippage: int  # WAD
    min_profit: float  # quote units
    outage: Window | None = None


@dataclass(frozen=True)
class OracleSpec:
    heartbeat: int  # seconds: the feed updates at least this often
    deviation: int  # WAD: or when the market moved this much from the last answer
    clamp: dict[str, tuple[float, float]] = field(default_factory=dict)  # symbol -> (min, max) answers
    freeze: Window | None = None
    freeze_assets: tuple[str, ...] = ()
    pool_heartbeat: int = 86_400  # what the pool accepts before StalePrice


@dataclass(frozen=True)
class Scenario:
    path: Path
    name: str
    title: str
    description: str
    modelled_on: str
    sources: tuple[str, ...]
    start_utc: str
    duration: int  # seconds
    step: int  # seconds
    block_time: int  # seconds
    loan: Asset
    collaterals: dict[str, Asset]
    pool: PoolSpec
    population: PopulationSpec
    keepers: KeeperSpec
    oracle: OracleSpec

    @property
    def assets(self) -> dict[str, Asset]:
        return {self.loan.symbol: self.loan, **self.collaterals}

    @property
    def steps(self) -> int:
        return self.duration // self.step


# ---------------------------------------------------------------- YAML with line numbers


class _Doc:
    """The parsed YAML and the line of every key, so that errors can point at the source."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise ScenarioError(f"{path}:{line}: not valid YAML: {getattr(err, 'problem', err)}") from None
        if node is None:
            raise ScenarioError(f"{path}:1: the file is empty")
        self._scalars = yaml.constructor.SafeConstructor()
        self.data = self._convert(node, ())

    def _convert(self, node: yaml.Node, where: tuple[str, ...]) -> Any:
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key, value in node.value:
                name = str(key.value)
                self.lines[(*where, name)] = key.start_mark.line + 1
                out[name] = self._convert(value, (*where, name))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(item, (*where, str(i))) for i, item in enumerate(node.value)]
        return self._scalars.construct_object(node)

    def line(self, where: tuple[str, ...]) -> int:
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)

    def fail(self, where: tuple[str, ...], message: str) -> ScenarioError:
        return ScenarioError(f"{self.path}:{self.line(where)}: {'.'.join(where) or '(top)'}: {message}")


class _Section:
    """A mapping in the document, read field by field with units checked."""

    def __init__(self, doc: _Doc, where: tuple[str, ...], data: Any, allowed: set[str] | None = None) -> None:
        if not isinstance(data, dict):
            raise doc.fail(where, f"expected a mapping, got {type(data).__name__}")
        self.doc, self.where, self.data = doc, where, data
        if allowed is not None:
            for key in data:
                if key not in allowed:
                    raise doc.fail((*where, key), f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def fail(self, key: str, message: str) -> ScenarioError:
        return self.doc.fail((*self.where, key), message)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.doc.fail((*self.where, key), "missing field")
            return default
        return self.data[key]

    def section(self, key: str, allowed: set[str] | None = None, default: Any = ...) -> _Section:
        return _Section(self.doc, (*self.where, key), self.raw(key, default), allowed)

    def text(self, key: str, default: Any = ...) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected text, got {value!r}")
        return value.strip()

    def number(self, key: str, default: Any = ..., minimum: float = 0.0, strict: bool = False) -> float:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a plain number (no units), got {value!r}")
        if value < minimum or (strict and value == minimum):
            raise self.fail(key, f"must be {'>' if strict else '≥'} {minimum}, got {value}")
        return float(value)

    def integer(self, key: str, default: Any = ..., minimum: int = 0) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be ≥ {minimum}, got {value}")
        return value

    def percent(self, key: str, default: Any = ..., maximum: float = 100.0) -> int:
        """'80%' as a WAD fraction (exact)."""
        value = self.raw(key, default)
        match = re.fullmatch(r"\s*(-?[0-9]+(?:\.[0-9]+)?)\s*%\s*", str(value)) if isinstance(value, str) else None
        if not match:
            raise self.fail(key, f"bad units: expected a percentage like '80%', got {value!r}")
        amount = Decimal(match.group(1))
        if amount < 0 or amount > Decimal(str(maximum)):
            raise self.fail(key, f"must be between 0% and {maximum}%, got {value}")
        return int(amount * WAD / 100)

    def duration(self, key: str, default: Any = ..., positive: bool = True) -> int:
        """'5 min', '12 s', '1.5 h', '2 d' as whole seconds."""
        value = self.raw(key, default)
        units = "|".join(DURATION_UNITS)
        match = (
            re.fullmatch(rf"\s*([0-9]+(?:\.[0-9]+)?)\s*({units})\s*", str(value)) if isinstance(value, str) else None
        )
        if not match:
            raise self.fail(key, f"bad units: expected a duration like '5 min', '12 s', '1 h' or '2 d', got {value!r}")
        seconds = Decimal(match.group(1)) * DURATION_UNITS[match.group(2)]
        if seconds != int(seconds):
            raise self.fail(key, f"must be a whole number of seconds, got {value}")
        if positive and seconds <= 0:
            raise self.fail(key, f"must be positive, got {value}")
        return int(seconds)

    def window(self, key: str) -> Window | None:
        if key not in self.data or self.data[key] is None:
            return None
        section = self.section(key, {"from", "to", "assets"})
        start, end = section.duration("from", positive=False), section.duration("to")
        if end <= start:
            raise section.fail("to", f"must be after 'from' ({end} s ≤ {start} s)")
        return Window(start, end)


# ---------------------------------------------------------------- price paths


def _read_csv_path(doc: _Doc, where: tuple[str, ...], file: Path, interpolation: str) -> PricePath:
    if not file.is_file():
        raise doc.fail(where, f"price file not found: {file}")
    points: list[PricePoint] = []
    with file.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        expected = ["hours", "price", "src", "note"]
        if header is None or [h.strip() for h in header[:3]] != expected[:3]:
            raise ScenarioError(f"{file}:1: header: expected columns {','.join(expected)}, got {header}")
        for number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 3:
                raise ScenarioError(f"{file}:{number}: row: expected hours,price,src[,note], got {row}")
            try:
                hours, price = float(row[0]), float(row[1])
            except ValueError:
                raise ScenarioError(f"{file}:{number}: hours/price: not numbers: {row[0]!r}, {row[1]!r}") from None
            src = row[2].strip()
            if src not in SOURCE_CODES:
                raise ScenarioError(f"{file}:{number}: src: unknown source code {src!r} (one of {list(SOURCE_CODES)})")
            if price <= 0:
                raise ScenarioError(f"{file}:{number}: price: must be positive, got {price}")
            if points and hours <= points[-1].hours:
                raise ScenarioError(
                    f"{file}:{number}: hours: not sorted: {hours} comes after {points[-1].hours} (line {points[-1].line})"
                )
            points.append(PricePoint(hours, price, src, row[3].strip() if len(row) > 3 else "", number))
    if not points:
        raise ScenarioError(f"{file}:2: no price points")
    return PricePath(tuple(points), interpolation, str(file))


def _price_path(parent: _Section, key: str, base: Path) -> PricePath:
    """`key: 1.0` (constant), `{csv: data/x.csv, interpolation: linear}` or `{points: [[h, p], ...], ...}`."""
    value = parent.raw(key)
    where = (*parent.where, key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value <= 0:
            raise parent.fail(key, f"must be positive, got {value}")
        return PricePath((PricePoint(0.0, float(value), "S", "constant", parent.doc.line(where)),), "step", "constant")
    section = parent.section(key, {"csv", "points", "interpolation", "offset"})
    interpolation = section.text("interpolation", "linear")
    offset = section.duration("offset", "0 s", positive=False) / 3600
    if interpolation not in ("step", "linear"):
        raise section.fail("interpolation", f"expected 'step' or 'linear', got {interpolation!r}")
    if section.has("csv") == section.has("points"):
        raise parent.fail(key, "give exactly one of 'csv' (a file) or 'points' (inline [hours, price] pairs)")
    if section.has("csv"):
        path = _read_csv_path(parent.doc, (*where, "csv"), base / section.text("csv"), interpolation)
        return PricePath(path.points, interpolation, path.origin, offset)
    raw = section.raw("points")
    if not isinstance(raw, list) or not raw:
        raise section.fail("points", "expected a list of [hours, price] pairs")
    points: list[PricePoint] = []
    for i, item in enumerate(raw):
        item_where = (*where, "points", str(i))
        ok = isinstance(item, list) and len(item) == 2 and all(isinstance(v, int | float) for v in item)
        if not ok:
            raise parent.doc.fail(item_where, f"expected [hours, price], got {item!r}")
        hours, price = float(item[0]), float(item[1])
        if price <= 0:
            raise parent.doc.fail(item_where, f"price must be positive, got {price}")
        if points and hours <= points[-1].hours:
            raise parent.doc.fail(item_where, f"hours not sorted: {hours} after {points[-1].hours}")
        points.append(PricePoint(hours, price, "S", "inline", parent.doc.line(item_where)))
    return PricePath(tuple(points), interpolation, "inline", offset)


# ---------------------------------------------------------------- the scenario


TOP = {
    "name", "title", "description", "modelled_on", "sources", "start_utc", "duration", "step", "block_time",
    "loan_asset", "collaterals", "pool", "population", "keepers", "oracle",
}  # fmt: skip


def load_scenario(path: str | Path, overrides: dict[str, float] | None = None) -> Scenario:
    """Reads and validates `path`; `overrides` (sweep parameters) replace fields after validation."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    doc = _Doc(path, path.read_text())
    top = _Section(doc, (), doc.data, TOP)
    base = path.parent
    sources = top.raw("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise top.fail("sources", "expected a non-empty list of sources (text)")

    loan_section = top.section("loan_asset", {"symbol", "decimals", "price"})
    loan = Asset(
        symbol=loan_section.text("symbol"),
        decimals=_decimals(loan_section),
        price=_price_path(loan_section, "price", base),
    )
    collaterals = _collaterals(top, base, loan.symbol)
    duration, step = top.duration("duration"), top.duration("step")
    if duration % step:
        raise top.fail("step", f"must divide the duration ({duration} s is not a multiple of {step} s)")
    block_time = top.duration("block_time", "12 s")
    if block_time > step:
        raise top.fail("block_time", f"must not exceed the step ({block_time} s > {step} s)")
    scenario = Scenario(
        path=path,
        name=top.text("name"),
        title=top.text("title"),
        description=top.text("description"),
        modelled_on=top.text("modelled_on"),
        sources=tuple(sources),
        start_utc=top.text("start_utc"),
        duration=duration,
        step=step,
        block_time=block_time,
        loan=loan,
        collaterals=collaterals,
        pool=_pool(top),
        population=_population(top, collaterals),
        keepers=_keepers(top, base, {loan.symbol, *collaterals}),
        oracle=_oracle(top, {loan.symbol, *collaterals}),
    )
    return apply_overrides(scenario, overrides or {})


def _decimals(section: _Section) -> int:
    decimals = section.integer("decimals")
    if decimals > 36:
        raise section.fail("decimals", f"must be at most 36, got {decimals}")
    return decimals


COLLATERAL_FIELDS = {
    "decimals", "price", "max_ltv", "liquidation_threshold", "liquidation_bonus", "supply_cap", "min_price",
    "max_price",
}  # fmt: skip


def _collaterals(top: _Section, base: Path, loan_symbol: str) -> dict[str, Asset]:
    section = top.section("collaterals")
    if not section.data:
        raise top.fail("collaterals", "at least one collateral is needed")
    out = {}
    for symbol in section.data:
        if symbol == loan_symbol:
            raise section.fail(symbol, "a collateral cannot be the loan asset")
        c = section.section(symbol, COLLATERAL_FIELDS)
        ltv, lt, bonus = c.percent("max_ltv"), c.percent("liquidation_threshold"), c.percent("liquidation_bonus")
        if ltv > lt:
            raise c.fail("max_ltv", "must not exceed the liquidation threshold")
        if lt * (WAD + bonus) >= WAD * WAD:
            raise c.fail("liquidation_bonus", "LT x (1 + bonus) must stay below 100% (README: Liquidation)")
        cap = c.raw("supply_cap", None)
        if cap is not None:
            cap = c.number("supply_cap", strict=True)
        out[symbol] = Asset(
            symbol=symbol,
            decimals=_decimals(c),
            price=_price_path(c, "price", base),
            max_ltv=ltv,
            liquidation_threshold=lt,
            liquidation_bonus=bonus,
            supply_cap=cap,
            min_price=c.number("min_price", 0.0),
            max_price=c.number("max_price", 1e12, strict=True),
        )
    return out


POOL_FIELDS = {
    "close_factor", "full_close_health_factor", "reserve_factor", "initial_reserve", "min_borrow_value",
    "small_debt_value", "dust_value", "interest", "reserve_floor", "buy_discount",
}  # fmt: skip


def _pool(top: _Section) -> PoolSpec:
    p = top.section("pool", POOL_FIELDS)
    interest = p.section("interest", {"base", "slope1", "slope2", "kink"})
    spec = PoolSpec(
        close_factor=p.percent("close_factor"),
        full_close_health_factor=p.percent("full_close_health_factor", "95%"),
        reserve_factor=p.percent("reserve_factor"),
        initial_reserve=p.number("initial_reserve"),
        min_borrow_value=p.number("min_borrow_value", 100),
        small_debt_value=p.number("small_debt_value", 1_000),
        dust_value=p.number("dust_value", 10),
        base_apr=interest.percent("base", maximum=1000),
        slope1_apr=interest.percent("slope1", maximum=1000),
        slope2_apr=interest.percent("slope2", maximum=1000),
        kink=interest.percent("kink"),
        reserve_floor=p.percent("reserve_floor", "5%"),
        buy_discount=p.percent("buy_discount", "5%", maximum=10),
    )
    if spec.small_debt_value < 2 * spec.min_borrow_value:
        raise p.fail("small_debt_value", "must be at least twice min_borrow_value (README: Liquidation)")
    if spec.dust_value >= spec.min_borrow_value:
        raise p.fail("dust_value", "must be below min_borrow_value (README: Liquidation)")
    if not 0 < spec.kink < WAD:
        raise interest.fail("kink", "must be strictly between 0% and 100%")
    return spec


def _lognormal(parent: _Section, key: str) -> Lognormal:
    s = parent.section(key, {"median", "sigma"})
    return Lognormal(s.number("median", strict=True), s.number("sigma", 0.0))


def _population(top: _Section, collaterals: dict[str, Asset]) -> PopulationSpec:
    p = top.section("population", {"seed", "lps", "borrowers", "whales"})
    lps = p.section("lps", {"count", "deposit"})
    borrowers = p.section("borrowers", {"count", "collateral", "collateral_value", "health_factor"})
    mix_section = borrowers.section("collateral")
    mix = {}
    for symbol in mix_section.data:
        if symbol not in collaterals:
            raise mix_section.fail(symbol, f"unknown asset (collaterals: {', '.join(collaterals)})")
        mix[symbol] = mix_section.percent(symbol) / WAD
    if abs(sum(mix.values()) - 1) > 1e-9:
        raise borrowers.fail("collateral", f"shares must add up to 100%, got {sum(mix.values()) * 100:g}%")
    hf = borrowers.section("health_factor", {"min", "max"})
    hf_min, hf_max = hf.number("min", strict=True, minimum=1.0), hf.number("max", minimum=1.0)
    if hf_max < hf_min:
        raise hf.fail("max", f"must be at least min ({hf_max} < {hf_min})")
    whales = []
    for i, raw in enumerate(p.raw("whales", []) or []):
        w = _Section(
            p.doc, (*p.where, "whales", str(i)), raw, {"name", "role", "collateral", "amount", "health_factor"}
        )
        role = w.text("role")
        if role not in ("borrower", "lp"):
            raise w.fail("role", f"expected 'borrower' or 'lp', got {role!r}")
        collateral = health = None
        if role == "borrower":
            collateral = w.text("collateral")
            if collateral not in collaterals:
                raise w.fail("collateral", f"unknown asset {collateral!r} (collaterals: {', '.join(collaterals)})")
            health = w.number("health_factor", strict=True, minimum=1.0)
        whales.append(Whale(w.text("name"), role, w.number("amount", strict=True), collateral, health))
    return PopulationSpec(
        seed=p.integer("seed"),
        lp_count=lps.integer("count", minimum=1),
        lp_deposit=_lognormal(lps, "deposit"),
        borrower_count=borrowers.integer("count"),
        collateral_mix=mix,
        collateral_value=_lognormal(borrowers, "collateral_value"),
        health_factor_min=hf_min,
        health_factor_max=hf_max,
        whales=tuple(whales),
    )


KEEPER_FIELDS = {
    "reaction_delay", "liquidations_per_block", "gas_per_liquidation", "gas_price", "native_price", "slippage",
    "min_profit", "outage",
}  # fmt: skip


def _keepers(top: _Section, base: Path, symbols: set[str]) -> KeeperSpec:
    k = top.section("keepers", KEEPER_FIELDS)
    gas = k.raw("gas_price")
    if isinstance(gas, str):  # "50 gwei"
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*gwei\s*", gas)
        if not match:
            raise k.fail("gas_price", f"bad units: expected a gas price like '50 gwei' or a path, got {gas!r}")
        line = k.doc.line((*k.where, "gas_price"))
        gas_path = PricePath((PricePoint(0.0, float(match.group(1)), "S", "constant", line),), "step", "constant")
    elif isinstance(gas, dict):
        gas_path = _price_path(k, "gas_price", base)  # a path of gwei values
    else:
        raise k.fail("gas_price", f"bad units: expected '50 gwei' or a path of gwei values, got {gas!r}")
    native = k.raw("native_price")
    if isinstance(native, str):
        if native not in symbols:
            raise k.fail("native_price", f"unknown asset {native!r} (one of {', '.join(sorted(symbols))}, or a price)")
    else:
        native = k.number("native_price", strict=True)
    return KeeperSpec(
        reaction_delay=k.duration("reaction_delay", positive=False),
        liquidations_per_block=k.integer("liquidations_per_block", minimum=1),
        gas_per_liquidation=k.integer("gas_per_liquidation", 300_000, minimum=1),
        gas_price_gwei=gas_path,
        native_price=native,
        slippage=k.percent("slippage"),
        min_profit=k.number("min_profit"),
        outage=k.window("outage"),
    )


def _oracle(top: _Section, symbols: set[str]) -> OracleSpec:
    o = top.section("oracle", {"heartbeat", "deviation", "clamp", "freeze", "pool_heartbeat"})
    clamp = {}
    if o.has("clamp"):
        c = o.section("clamp")
        for symbol in c.data:
            if symbol not in symbols:
                raise c.fail(symbol, f"unknown asset (one of {', '.join(sorted(symbols))})")
            bounds = c.section(symbol, {"min", "max"})
            low, high = bounds.number("min", 0.0), bounds.number("max", 1e12, strict=True)
            if high <= low:
                raise bounds.fail("max", f"must be above min ({high} ≤ {low})")
            clamp[symbol] = (low, high)
    freeze = o.window("freeze")
    freeze_assets: tuple[str, ...] = ()
    if freeze is not None:
        f = o.section("freeze")
        assets = f.raw("assets", sorted(symbols))
        if not isinstance(assets, list) or any(a not in symbols for a in assets):
            raise f.fail("assets", f"expected a list of assets among {', '.join(sorted(symbols))}, got {assets!r}")
        freeze_assets = tuple(assets)
    heartbeat = o.duration("heartbeat")
    pool_heartbeat = o.duration("pool_heartbeat", "1 d")
    if pool_heartbeat < heartbeat:
        raise o.fail("pool_heartbeat", "must be at least the feed heartbeat, or every price would be stale")
    return OracleSpec(heartbeat, o.percent("deviation"), clamp, freeze, freeze_assets, pool_heartbeat)


# ---------------------------------------------------------------- sweep overrides

OVERRIDABLE = {
    "liquidation_threshold": "every collateral's LT (fraction, e.g. 0.8)",
    "max_ltv": "every collateral's max LTV (fraction)",
    "liquidation_bonus": "every collateral's bonus (fraction)",
    "close_factor": "pool close factor (fraction)",
    "reserve_factor": "pool reserve factor (fraction)",
    "initial_reserve": "initial reserve (whole loan-asset units)",
    "slippage": "keepers' slippage (fraction)",
    "reaction_delay": "keepers' reaction delay (seconds)",
    "deviation": "oracle deviation threshold (fraction)",
    "seed": "population seed (a whole number: sweep it to see how much the outcome owes to the draw)",
}


def apply_overrides(scenario: Scenario, overrides: dict[str, float]) -> Scenario:
    """The scenario with sweep parameters replaced; fractions are given as numbers (0.8 = 80%)."""
    from dataclasses import replace

    for name, value in overrides.items():
        if name not in OVERRIDABLE:
            raise ScenarioError(f"--param {name}: unknown parameter (one of: {', '.join(OVERRIDABLE)})")
        wad = to_wad(value)
        if name in ("liquidation_threshold", "max_ltv", "liquidation_bonus"):
            collaterals = {s: replace(a, **{name: wad}) for s, a in scenario.collaterals.items()}
            for symbol, asset in collaterals.items():
                if asset.max_ltv > asset.liquidation_threshold:
                    raise ScenarioError(f"--param {name}={value}: {symbol}'s max LTV would exceed its LT")
                if asset.liquidation_threshold * (WAD + asset.liquidation_bonus) >= WAD * WAD:
                    raise ScenarioError(f"--param {name}={value}: {symbol}'s LT x (1 + bonus) would reach 100%")
            scenario = replace(scenario, collaterals=collaterals)
        elif name in ("close_factor", "reserve_factor"):
            scenario = replace(scenario, pool=replace(scenario.pool, **{name: wad}))
        elif name == "initial_reserve":
            scenario = replace(scenario, pool=replace(scenario.pool, initial_reserve=float(value)))
        elif name == "slippage":
            scenario = replace(scenario, keepers=replace(scenario.keepers, slippage=wad))
        elif name == "reaction_delay":
            scenario = replace(scenario, keepers=replace(scenario.keepers, reaction_delay=int(value)))
        elif name == "seed":
            if value != int(value) or value < 0:
                raise ScenarioError(f"--param seed={value}: a seed is a whole number ≥ 0")
            scenario = replace(scenario, population=replace(scenario.population, seed=int(value)))
        else:
            scenario = replace(scenario, oracle=replace(scenario.oracle, deviation=wad))
    return scenario
