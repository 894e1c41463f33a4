"""The boundary table points at real code: each row's snippet occurs exactly once in its contract, with an
operator the mutant generator can flip."""

from pathlib import Path

from shortfall.fuzz.boundaries import Boundary, check_against_code

ROOT = Path(__file__).resolve().parents[2]


def test_boundary_table__every_snippet__unique_in_its_contract():
    assert check_against_code(ROOT) == []


def test_boundary_table__a_wrong_row__is_reported(tmp_path):
    contract = tmp_path / "contracts" / "X.sol"
    contract.parent.mkdir()
    contract.write_text("if (a < b) revert E();\nif (a < b) revert E();\n")
    import shortfall.fuzz.boundaries as table

    rows = [
        Boundary("BND-X", "r", "s", "contracts/X.sol", "if (a < b) revert E();", "<"),
        Boundary("BND-Y", "r", "s", "contracts/X.sol", "if (c > d)", ">"),
    ]
    saved = table.BOUNDARIES[:]
    table.BOUNDARIES[:] = rows
    try:
        problems = check_against_code(tmp_path)
    finally:
        table.BOUNDARIES[:] = saved
    assert problems == [
        "BND-X: snippet occurs 2 times in contracts/X.sol",
        "BND-Y: snippet occurs 0 times in contracts/X.sol",
    ]
