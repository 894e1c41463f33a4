"""`make mutants`: named mutations of contracts/ that the fuzzer must kill.

Each mutant is one exact text replacement in a copy of the project; the `ci` fuzz profile then runs
against it. A mutant that survives (the fuzzer passes) fails the whole run: the fuzzer would not have
noticed that bug.

Run: python -m shortfall.fuzz.mutants [NAME ...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str


MUTANTS = [
    Mutant(
        "socialization-skips-reserve",
        "contracts/libraries/LossMathLib.sol",
        "uint256 sharesForLoss = loss.toSharesUp(totalAssets, totalShares);",
        "uint256 sharesForLoss = loss.toSharesUp(totalAssets, totalShares);\n        reserveShares = 0;",
    ),
    Mutant(
        "redeem-rounds-up",
        "contracts/LPToken.sol",
        "assets = shares.toAssetsDown(totalAssets_, totalShares);",
        "assets = shares.toAssetsUp(totalAssets_, totalShares);",
    ),
    Mutant(
        "no-accrual-before-socialization",
        "contracts/LendingPool.sol",
        "if (s.balance == 0) revert InsufficientCollateralBalance(borrower, collateral, 0, 1);\n        _accrue();",
        "if (s.balance == 0) revert InsufficientCollateralBalance(borrower, collateral, 0, 1);",
    ),
    Mutant(
        "reserve-burns-beyond-loss",
        "contracts/libraries/LossMathLib.sol",
        "if (reserveShares >= sharesForLoss) return (sharesForLoss, loss, 0);",
        "if (reserveShares >= sharesForLoss) return (reserveShares, loss, 0);",
    ),
    Mutant(
        "staleness-check-dropped",
        "contracts/LendingPool.sol",
        "if (updatedAt + source.heartbeat < block.timestamp) revert StalePrice(feed, updatedAt);",
        "",
    ),
    Mutant(
        "dust-left-after-liquidation",
        "contracts/LendingPool.sol",
        "if (debtValue < risk.minBorrowValue) revert DustLeft(debtValue, risk.minBorrowValue);",
        "",
    ),
    Mutant(
        "realize-takes-collateral-without-paying",
        "contracts/LendingPool.sol",
        "_burnReserveShares(paidShares);",
        "",
    ),
]


def prepare(mutant: Mutant, workdir: Path) -> None:
    """A copy of the tracked project with the mutation applied (exactly one occurrence)."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if mutant is BASELINE:
        return
    path = workdir / mutant.path
    text = path.read_text()
    if text.count(mutant.original) != 1:
        raise SystemExit(f"mutant {mutant.name}: expected exactly one occurrence of its pattern in {mutant.path}")
    path.write_text(text.replace(mutant.original, mutant.mutated))


BASELINE = Mutant("baseline (no mutation)", "contracts/LendingPool.sol", "", "")


def run(mutant: Mutant) -> tuple[bool, float, str]:
    """(killed, seconds, last lines of output)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as tmp:
        workdir = Path(tmp)
        prepare(mutant, workdir)
        env = os.environ | {
            "SHORTFALL_FUZZ_NO_SHRINK": "1",
            "SHORTFALL_FUZZ_REPORT": str(workdir / "fuzz.json"),
            "PYTHONPATH": str(workdir),
        }
        result = subprocess.run(
            ["ape", "test", "tests/stateful", "-q", "-x", "-p", "no:cacheprovider"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    output = (result.stdout + result.stderr).strip().splitlines()
    reason = next((line.strip() for line in output if line.strip().startswith("E ")), output[-1] if output else "")
    return result.returncode != 0, time.monotonic() - start, reason[:200]


def main() -> int:
    wanted = set(sys.argv[1:])
    mutants = [m for m in MUTANTS if not wanted or m.name in wanted]
    # A kill means something only if the unmutated contracts pass the same run.
    failed, seconds, reason = run(BASELINE)
    print(f"{'FAILED  ' if failed else 'passed  '} {BASELINE.name:<42} {seconds:6.1f} s  {reason}", flush=True)
    if failed:
        print("the fuzzer fails on the unmutated contracts: fix that first")
        return 1
    survivors = []
    for mutant in mutants:
        killed, seconds, reason = run(mutant)
        print(f"{'killed  ' if killed else 'SURVIVED'} {mutant.name:<42} {seconds:6.1f} s  {reason}", flush=True)
        if not killed:
            survivors.append(mutant.name)
    print(f"{len(mutants) - len(survivors)} of {len(mutants)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
