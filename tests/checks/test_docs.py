"""The README stays true: its invariant table is the one the fuzzer checks."""

from pathlib import Path

from shortfall.fuzz.boundaries import readme_rows
from shortfall.fuzz.invariants import INVARIANTS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme__invariant_table__matches_the_code():
    for invariant_id, text in INVARIANTS.items():
        assert f"| {invariant_id} | {text} |" in README, invariant_id


def test_readme__boundary_table__matches_the_code():
    for row in readme_rows():
        assert row in README, row
