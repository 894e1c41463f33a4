"""Scenario files: the library loads, and a malformed file fails naming its file, line and field."""

import re
import shutil
from pathlib import Path

import pytest

from shortfall.replay.market import timeline
from shortfall.replay.population import generate
from shortfall.replay.scenario import ScenarioError, load_scenario

LIBRARY = sorted(Path("scenarios").glob("*.yaml"))
TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_library__loads_with_sources_and_population(path):
    scenario = load_scenario(path)
    assert scenario.sources and scenario.modelled_on
    population = generate(scenario, timeline(scenario)[0].answer)
    names = [b.name for b in population.borrowers] + [lp.name for lp in population.lps]
    assert len(names) == len(set(names))
    assert population.borrowers and population.lps


def test_library__has_every_event_of_the_issue():
    names = {load_scenario(p).name for p in LIBRARY}
    assert {
        "black-thursday", "luna-ust", "crv-squeeze", "ftt", "mngo", "usdc-depeg", "steth-discount",
        "crash-2025-10-10", "gap-down-60", "slow-bleed", "oracle-freeze",
    } <= names  # fmt: skip


def test_population__same_seed_same_population():
    scenario = load_scenario(TINY)
    answers = timeline(scenario)[0].answer
    assert generate(scenario, answers) == generate(scenario, answers)


def _variant(tmp_path: Path, old: str, new: str, name: str = "bad.yaml") -> Path:
    text = TINY.read_text()
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _fails(path: Path, pattern: str) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert re.search(pattern, message), message
    return message


def test_missing_field__names_file_line_and_field(tmp_path):
    path = _variant(tmp_path, "  close_factor: 50%\n", "")
    line = _line_of(path, "pool:")
    _fails(path, rf"^{re.escape(str(path))}:{line}: pool\.close_factor: missing field$")


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("step: 5 min", "step: 5", "step", "bad units"),
        (
            "liquidation_threshold: 80%",
            "liquidation_threshold: 0.8",
            r"collaterals\.WETH\.liquidation_threshold",
            "bad units",
        ),
        ("gas_price: 30 gwei", "gas_price: 30", r"keepers\.gas_price", "bad units"),
        ("reaction_delay: 1 min", "reaction_delay: 1 minute", r"keepers\.reaction_delay", "bad units"),
        ("reserve_factor: 10%", "reserve_factor: 10 %%", r"pool\.reserve_factor", "bad units"),
    ],
)
def test_bad_units__named(tmp_path, old, new, field, words):
    path = _variant(tmp_path, old, new)
    line = _line_of(path, new)
    _fails(path, rf"{re.escape(str(path))}:{line}: {field}: {words}")


def test_unknown_asset__named(tmp_path):
    path = _variant(tmp_path, "collateral: {WETH: 70%, WBTC: 30%}", "collateral: {WETH: 70%, DOGE: 30%}")
    line = _line_of(path, "DOGE")
    _fails(path, rf":{line}: population\.borrowers\.collateral\.DOGE: unknown asset")


def test_unknown_field__named(tmp_path):
    path = _variant(tmp_path, "  close_factor: 50%\n", "  close_factor: 50%\n  closefactor: 40%\n")
    _fails(path, r"pool\.closefactor: unknown field")


def _csv_scenario(tmp_path: Path, rows: str) -> Path:
    (tmp_path / "prices.csv").write_text("hours,price,src,note\n" + rows)
    return _variant(
        tmp_path,
        "price: {points: [[0, 2000], [1, 2000], [2, 900], [3, 950]], interpolation: linear}",
        "price: {csv: prices.csv, interpolation: linear}",
    )


def test_unsorted_prices__name_the_csv_line(tmp_path):
    path = _csv_scenario(tmp_path, "0,2000,D,a\n2,1500,A,b\n1,1800,I,c\n")
    _fails(path, rf"{re.escape(str(tmp_path / 'prices.csv'))}:4: hours: not sorted")


def test_negative_price__names_the_csv_line(tmp_path):
    path = _csv_scenario(tmp_path, "0,2000,D,a\n1,-5,A,b\n")
    _fails(path, r"prices\.csv:3: price: must be positive")


def test_unknown_source_code__named(tmp_path):
    path = _csv_scenario(tmp_path, "0,2000,D,a\n1,1500,X,b\n")
    _fails(path, r"prices\.csv:3: src: unknown source code 'X'")


def test_inline_points_unsorted__named(tmp_path):
    path = _variant(tmp_path, "[[0, 50000], [1.5, 40000], [4, 41000]]", "[[0, 50000], [4, 40000], [1.5, 41000]]")
    _fails(path, r"collaterals\.WBTC\.price\.points\.2: hours not sorted")


def test_library_data_files_are_in_the_project():
    for path in LIBRARY:
        scenario = load_scenario(path)
        for asset in scenario.assets.values():
            if asset.price.origin not in ("inline", "constant"):
                assert Path(asset.price.origin).resolve().is_relative_to(Path("scenarios").resolve())


def test_copy_of_tiny_loads_anywhere(tmp_path):
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    assert load_scenario(tmp_path / "tiny.yaml").name == "tiny"
