"""Nothing imports upward. Layers, top to bottom (STYLE.md, "The layout we grow into"):

    scripts -> keeper, replay, fuzz, bench -> model, chain -> constants, checks

A module may import its own package or a package of a strictly lower layer: model and chain, on the same
layer, may not import each other. Every import statement counts, including those inside functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = {
    "shortfall": 0,  # shortfall/__init__.py and names defined there
    "constants": 0,
    "checks": 0,
    "model": 1,
    "chain": 1,
    "keeper": 2,
    "replay": 2,
    "fuzz": 2,
    "bench": 2,
    "scripts": 3,
    "tests": 4,
}
FIRST_PARTY = ("shortfall", "scripts", "tests")


def unit_of_path(path: str) -> str:
    """The package a file under shortfall/ or scripts/ belongs to: `shortfall/replay/cli.py` -> replay."""
    parts = Path(path).with_suffix("").parts
    if parts[0] != "shortfall":
        return parts[0]
    return parts[1] if len(parts) > 1 and parts[1] != "__init__" else "shortfall"


def unit_of_module(name: str) -> str | None:
    """The package a dotted name imports from (None for third-party code)."""
    parts = name.split(".")
    if parts[0] not in FIRST_PARTY:
        return None
    if parts[0] != "shortfall" or len(parts) == 1:
        return parts[0]
    sub = parts[1]
    if sub in LAYER or (ROOT / "shortfall" / sub).is_dir() or (ROOT / "shortfall" / f"{sub}.py").is_file():
        return sub
    return "shortfall"  # a name defined in shortfall/__init__.py


def imports(path: str, source: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in `source`, relative imports resolved; `from a import b`
    gives a.b, so that `from shortfall import replay` counts as an import of replay."""
    parts = list(Path(path).with_suffix("").parts)
    package = parts[:-1]
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}" if alias.name != "*" else module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def violations(path: str, source: str) -> list[str]:
    """One line per import of `source` (the file at `path`) that goes sideways or up."""
    importer = unit_of_path(path)
    found = []
    for line, name in imports(path, source):
        target = unit_of_module(name)
        if target is None or target == importer:
            continue
        if importer not in LAYER or target not in LAYER:
            unknown = importer if importer not in LAYER else target
            found.append(f"{path}:{line}: imports {name}: package {unknown!r} has no layer (add it to LAYER)")
        elif LAYER[target] >= LAYER[importer]:
            found.append(
                f"{path}:{line}: {importer} (layer {LAYER[importer]}) imports {name} "
                f"({target}, layer {LAYER[target]}): only its own package or a lower layer"
            )
    return found


def modules() -> list[Path]:
    return sorted(
        p
        for top in ("shortfall", "scripts")
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts and ".venv" not in p.parts
    )


def test_layers__every_module_of_shortfall_and_scripts__imports_nothing_above_its_layer():
    files = modules()
    assert len(files) > 30, [str(p) for p in files]  # the scan sees the tree
    found = [v for p in files for v in violations(str(p.relative_to(ROOT)), p.read_text())]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("path", "source", "allowed"),
    [
        pytest.param(
            "shortfall/replay/driver.py",
            "from shortfall.model import Model\nfrom shortfall.chain.rpc import Rpc",
            True,
            id="replay-imports-model-and-chain",
        ),
        pytest.param(
            "shortfall/replay/cli.py",
            "from shortfall.replay.scenario import Scenario",
            True,
            id="replay-imports-itself",
        ),
        pytest.param(
            "shortfall/fuzz/harness.py",
            "from shortfall.checks.abi_coverage import selector_of",
            True,
            id="fuzz-imports-checks",
        ),
        pytest.param(
            "scripts/replay.py",
            "from scripts._common import is_local\nfrom shortfall.replay.cli import x",
            True,
            id="scripts-import-scripts-and-replay",
        ),
        pytest.param(
            "shortfall/chain/params.py",
            "import json\nfrom eth_utils import keccak\nimport shortfall.constants",
            True,
            id="chain-imports-constants-and-third-party",
        ),
        pytest.param(
            "shortfall/chain/deploy.py",
            "from shortfall.replay.scenario import Scenario",
            False,
            id="chain-imports-replay",
        ),
        pytest.param(
            "shortfall/chain/deploy.py",
            "def f():\n    from shortfall.fuzz import harness\n",
            False,
            id="lazy-import-in-a-function",
        ),
        pytest.param(
            "shortfall/chain/deploy.py", "from shortfall import replay", False, id="from-shortfall-import-replay"
        ),
        pytest.param("shortfall/chain/deploy.py", "from ..replay import scenario", False, id="relative-import-upward"),
        pytest.param(
            "shortfall/chain/deploy.py",
            "import importlib\nimportlib.import_module('shortfall.bench.gas')",
            False,
            id="import-module-by-name",
        ),
        pytest.param(
            "shortfall/model/pool.py", "from shortfall.chain.params import PoolParams", False, id="model-imports-chain"
        ),
        pytest.param("shortfall/chain/deployment.py", "import shortfall.model", False, id="chain-imports-model"),
        pytest.param(
            "shortfall/constants.py", "from shortfall.checks.lint import main", False, id="constants-imports-checks"
        ),
        pytest.param("shortfall/checks/lint.py", "from shortfall.model import Model", False, id="checks-imports-model"),
        pytest.param(
            "shortfall/replay/engines.py",
            "from shortfall.fuzz.harness import FuzzChain",
            False,
            id="replay-imports-fuzz",
        ),
        pytest.param(
            "shortfall/bench/gas.py", "from scripts._common import is_local", False, id="bench-imports-scripts"
        ),
        pytest.param("scripts/deploy.py", "from tests.conftest import wad", False, id="scripts-import-tests"),
        pytest.param(
            "shortfall/newthing/x.py", "from shortfall.constants import WAD", False, id="package-with-no-layer"
        ),
    ],
)
def test_layers__synthetic_imports__upward_and_sideways_refused(path, source, allowed):
    found = violations(path, source)
    assert (found == []) == allowed, found
    if not allowed:
        assert found[0].startswith(f"{path}:") and "imports" in found[0]
