"""The mutant generator of `make mutants` (shortfall/fuzz/mutants.py), without a chain: one mutant per boundary
row that changes its contract in exactly the row's operator, every pattern found once, names unique, and the
runner's reading of a test run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shortfall.fuzz.boundaries import BOUNDARIES, FLIPS
from shortfall.fuzz.mutants import (
    MUTANTS,
    NAMED,
    Mutant,
    boundary_mutants,
    importers,
    legacy_config,
    outcome,
    problems,
    row_tests,
    select,
    slug,
    suite_targets,
)

ROOT = Path(__file__).resolve().parents[2]
# A whole operator token: a comparison (the longer spellings first) or a rounding helper's name.
TOKEN = re.compile(r"<<=|>>=|<=|>=|==|!=|<<|>>|<|>|\b\w+(?:Down|Up)\b")


def test_mutants__every_boundary_row__one_mutant_differing_in_exactly_its_operator():
    derived = boundary_mutants()
    assert [m.row for m in derived] == [b.id for b in BOUNDARIES]
    for b, m in zip(BOUNDARIES, derived, strict=True):
        assert (m.path, m.original) == (b.path, b.snippet), b.id
        at = [t for t in TOKEN.finditer(b.snippet) if t.group() == b.operator]
        assert len(at) == 1, f"{b.id}: the operator {b.operator!r} is one token of its snippet"
        text = (ROOT / b.path).read_text()
        where = text.index(b.snippet) + at[0].start()
        mutated = text.replace(m.original, m.mutated, 1)
        assert mutated == text[:where] + FLIPS[b.operator] + text[where + len(b.operator) :], b.id
        assert TOKEN.match(mutated, where).group() == FLIPS[b.operator], b.id
        assert FLIPS[FLIPS[b.operator]] == b.operator


def test_mutants__names_and_their_copies__unique():
    names = [m.name for m in MUTANTS]
    assert len(set(names)) == len(names) == len(NAMED) + len(BOUNDARIES)
    assert len({slug(m) for m in MUTANTS} | {slug(None)}) == len(MUTANTS) + 1


def test_mutants__every_pattern__occurs_once_in_its_contract():
    assert problems(MUTANTS) == []


def test_mutants__a_pattern_absent_or_repeated__is_refused(tmp_path):
    contract = tmp_path / "contracts" / "X.sol"
    contract.parent.mkdir()
    contract.write_text("if (a < b) revert E();\nif (a < b) revert E();\n")
    mutants = [
        Mutant("twice", "contracts/X.sol", "if (a < b) revert E();", ""),
        Mutant("never", "contracts/X.sol", "if (c > d)", "if (c >= d)"),
        Mutant("never", "contracts/Y.sol", "x", "x"),
    ]
    assert problems(mutants, tmp_path) == [
        "duplicate mutant name 'never'",
        "mutant twice: its pattern occurs 2 times in contracts/X.sol, not once",
        "mutant never: its pattern occurs 0 times in contracts/X.sol, not once",
        "mutant never: its pattern occurs 0 times in contracts/Y.sol, not once",
        "mutant never: changes nothing",
    ]


def test_mutants__selected_by_name_or_row_id():
    assert [m.name for m in select(["BND-07", "redeem-rounds-up"])] == ["redeem-rounds-up", "BND-07 flip <"]
    assert select([]) == MUTANTS
    with pytest.raises(SystemExit):
        select(["BND-99"])


def test_mutants__copies_compile_on_the_legacy_pipeline():
    text = (ROOT / "ape-config.yaml").read_text()
    legacy = legacy_config(text)
    changed = [(a, b) for a, b in zip(text.splitlines(), legacy.splitlines(), strict=True) if a != b]
    assert [(a.strip(), b.strip()) for a, b in changed] == [("via_ir: true", "via_ir: false")]


def test_mutants__a_library_mutant__recompiles_the_contracts_it_is_inlined_into():
    # ape's cache recompiles a changed file only, never its importers: the runner forces them.
    assert importers(ROOT, "contracts/libraries/LossMathLib.sol") == [
        "contracts/LendingPool.sol",
        "contracts/libraries/LossMathLib.sol",
    ]
    assert "contracts/LPToken.sol" in importers(ROOT, "contracts/libraries/SharesMathLib.sol")
    assert importers(ROOT, "contracts/ReserveFund.sol") == ["contracts/ReserveFund.sol"]


def test_mutants__tests_run__cheapest_first_and_a_row_meets_its_own_tests_first(tmp_path):
    for name in ("tests/stateful/test_pool_machine.py", "tests/stateful/test_regressions.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert suite_targets(tmp_path) == ["tests/stateful/test_regressions.py", "tests/stateful/test_pool_machine.py"]
    assert row_tests(tmp_path, "BND-07") is None  # no boundary example tests yet: the suite alone

    boundaries = tmp_path / "tests" / "contracts" / "test_boundaries.py"
    boundaries.parent.mkdir(parents=True)
    boundaries.write_text("def test_BND_07__exactly_min_borrow__allowed(base):\n    pass\n")
    assert suite_targets(tmp_path)[-1] == "tests/contracts/test_boundaries.py"
    assert row_tests(tmp_path, "BND-07") == "test_BND_07__"
    assert row_tests(tmp_path, "BND-08") is None
    assert row_tests(tmp_path, None) is None


FAILED_RUN = """\
..F
=================================== FAILURES ===================================
____________________ test_BND_01__health_factor_exactly_one ____________________
tests/contracts/test_boundaries.py:300: in test_BND_01__health_factor_exactly_one
    assert pool.healthFactor(dave) == WAD
E   AssertionError: assert 999999999999999999 == 1000000000000000000
=========================== short test summary info ============================
FAILED tests/contracts/test_boundaries.py::test_BND_01__health_factor_exactly_one[asset6] - AssertionError: assert 9...
!!!!!!!!!!!!!!!!!!!!!!!!!! stopping after 1 failures !!!!!!!!!!!!!!!!!!!!!!!!!!!
1 failed, 2 passed in 30.1s
"""


def test_mutants__a_run_is_read__killed_only_by_a_failing_test():
    assert outcome(1, FAILED_RUN) == (
        "failed",
        "tests/contracts/test_boundaries.py::test_BND_01__health_factor_exactly_one[asset6]",
        "AssertionError: assert 999999999999999999 == 1000000000000000000",
    )
    assert outcome(0, "2 passed in 80.9s\n") == ("passed", "", "")
    assert outcome(5, "2/108 tests collected (106 deselected)\n") == ("passed", "", "")
    signalled = "FAILED tests/stateful/test_regressions.py::test_regressions - SystemExit: 143\n"
    assert outcome(1, signalled)[0] == "interrupted"
    assert outcome(-15, "")[0] == "interrupted"
    assert outcome(4, "ERROR: file or directory not found: tests/nope\n")[0] == "error"
    assert outcome(None, "...\ntimed out after 900 s")[0] == "error"
