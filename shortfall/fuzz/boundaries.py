"""The boundary table: every comparison of the spec and every rounding that decides whether a call is allowed,
each with an ID, the exact side the boundary belongs to, and the code that implements it.

The README's boundary table is this table (tests/checks/test_docs.py), every `snippet` occurs exactly once in
its contract (tests/checks/test_boundaries_table.py), and `make mutants` derives one mutant per row by flipping
the row's operator in its snippet: `<` with `<=`, `>` with `>=` for a comparison, `Down` with `Up` for a
rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

POOL = "contracts/LendingPool.sol"
RESERVE = "contracts/ReserveFund.sol"
CONFIG = "contracts/Configurator.sol"
LOSS = "contracts/libraries/LossMathLib.sol"


@dataclass(frozen=True)
class Boundary:
    """One boundary of the spec. `operator` is the exact text in `snippet` that a mutant flips."""

    id: str
    rule: str
    side: str
    path: str
    snippet: str
    operator: str
    kind: str = "comparison"  # or "rounding"

    def flipped(self) -> str:
        """The snippet with the operator flipped: the row's mutant."""
        return self.snippet.replace(self.operator, FLIPS[self.operator], 1)


FLIPS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
for _name in ("wDiv", "wMul", "mulDiv", "toShares", "toAssets", "_value", "_amount"):
    FLIPS[f"{_name}Down"] = f"{_name}Up"
    FLIPS[f"{_name}Up"] = f"{_name}Down"

BOUNDARIES: list[Boundary] = [
    Boundary(
        "BND-01",
        "A position is liquidatable only below a health factor of 1.",
        "`HF < 1` liquidatable; `HF = 1` is not (`HealthyPosition`)",
        POOL,
        "if (health >= ConstantsLib.WAD) revert HealthyPosition(borrower, health);",
        ">=",
    ),
    Boundary(
        "BND-02",
        "A price is stale once its heartbeat has passed.",
        "`updatedAt + heartbeat < now` stale (`StalePrice`); `updatedAt + heartbeat = now` accepted",
        POOL,
        "if (updatedAt + source.heartbeat < block.timestamp) revert StalePrice(feed, updatedAt);",
        "<",
    ),
    Boundary(
        "BND-03",
        "A non-positive answer is no price.",
        "`answer ≤ 0` refused (`InvalidPrice`); `answer = 1` passes this check",
        POOL,
        "if (answer <= 0) revert InvalidPrice(feed, answer);",
        "<=",
    ),
    Boundary(
        "BND-04",
        "An answer at its floor is a clamped feed, not a price.",
        "`answer ≤ minAnswer` refused (`PriceOutOfBounds`); `minAnswer + 1` accepted",
        POOL,
        "answer <= source.minAnswer ||",
        "<=",
    ),
    Boundary(
        "BND-05",
        "An answer at its ceiling is a clamped feed, not a price.",
        "`answer ≥ maxAnswer` refused (`PriceOutOfBounds`); `maxAnswer - 1` accepted",
        POOL,
        "|| answer >= source.maxAnswer",
        ">=",
    ),
    Boundary(
        "BND-06",
        "After a liquidation, debt left beside collateral worth at most dustValue is bad debt, written off.",
        "`value ≤ dustValue` written off; `dustValue + 1` keeps its debt",
        POOL,
        "if (remainingValue <= risk.dustValue) {",
        "<=",
    ),
    Boundary(
        "BND-07",
        "A liquidation may not leave a debt worth less than minBorrowValue beside collateral.",
        "`debtValue < minBorrowValue` refused (`DustLeft`); `= minBorrowValue` allowed",
        POOL,
        "if (debtValue < risk.minBorrowValue) revert DustLeft(debtValue, risk.minBorrowValue);",
        "<",
    ),
    Boundary(
        "BND-08",
        "No borrow may leave a debt worth less than minBorrowValue.",
        "`debtValue < minBorrowValue` refused (`BorrowTooSmall`); `= minBorrowValue` allowed",
        POOL,
        "if (debtValue < _risk.minBorrowValue) revert BorrowTooSmall(debtValue, _risk.minBorrowValue);",
        "<",
    ),
    Boundary(
        "BND-09",
        "A borrow is allowed up to the max-LTV-weighted collateral value.",
        "`debtValue > maxDebtValue` refused (`InsufficientCollateral`); `=` allowed",
        POOL,
        "if (debtValue > maxDebtValue) revert InsufficientCollateral(msg.sender, maxDebtValue, debtValue);\n\n        asset",
        ">",
    ),
    Boundary(
        "BND-10",
        "A collateral withdrawal with debt must stay within max LTV.",
        "`debtValue > maxDebtValue` refused (`InsufficientCollateral`); `=` allowed",
        POOL,
        "if (debtValue > maxDebtValue) revert InsufficientCollateral(msg.sender, maxDebtValue, debtValue);\n        }",
        ">",
    ),
    Boundary(
        "BND-11",
        "Below the full-close health factor the whole debt may be repaid.",
        "`HF < fullCloseHealthFactor` close factor 100%; `HF = fullCloseHealthFactor` the close factor",
        POOL,
        "(health < risk.fullCloseHealthFactor ||",
        "<",
    ),
    Boundary(
        "BND-12",
        "A debt worth less than smallDebtValue may be repaid whole.",
        "`debtValue < smallDebtValue` close factor 100%; `= smallDebtValue` the close factor",
        POOL,
        "s.debtValue < risk.smallDebtValue)",
        "<",
    ),
    Boundary(
        "BND-13",
        "A seizure that reaches the collateral balance takes it all and reprices the repay.",
        "`seized ≥ balance` all seized, `repaid = value(balance)/(1 + bonus)`; `seized = balance - 1` as computed",
        POOL,
        "if (seized < s.balance) return (repaid, seized);",
        "<",
    ),
    Boundary(
        "BND-14",
        "Only a position whose collateral is worth less than its debt can be realized.",
        "`C < D` realizable; `C = D` refused (`NotInsolvent`)",
        POOL,
        "if (collateralValue >= debtValue) revert NotInsolvent(borrower, collateralValue, debtValue);",
        ">=",
    ),
    Boundary(
        "BND-15",
        "Collateral worth at most dustValue goes to the realizer as a bounty.",
        "`C ≤ dustValue` bounty; `dustValue + 1` bought by the reserve",
        POOL,
        "bool bounty = collateralValue <= _risk.dustValue;",
        "<=",
    ),
    Boundary(
        "BND-16",
        "The reserve pays for realized collateral only if it holds its value.",
        "`R < V` refused (`ReserveInsufficient`); `R = V` paid",
        POOL,
        "if (reserveAssets < value) revert ReserveInsufficient(reserveAssets, value);",
        "<",
    ),
    Boundary(
        "BND-17",
        "A collateral's supply cap may be reached, not exceeded.",
        "`supplied > cap` refused (`SupplyCapExceeded`); `= cap` allowed",
        POOL,
        "if (supplied > collateral.supplyCap) revert SupplyCapExceeded(token, collateral.supplyCap);",
        ">",
    ),
    Boundary(
        "BND-18",
        "Total borrows may reach the borrow cap, not exceed it.",
        "`borrows + assets > cap` refused (`BorrowCapExceeded`); `= cap` allowed",
        POOL,
        "if (borrows + assets > _risk.borrowCap) revert BorrowCapExceeded(_risk.borrowCap);",
        ">",
    ),
    Boundary(
        "BND-19",
        "The reserve covers a loss in full only when it holds the shares the loss is worth.",
        "`reserveShares ≥ toSharesUp(L)` covered in full; one share fewer: partly (at equality both branches "
        "split alike, so the row's mutant flips the rounding that places the boundary)",
        LOSS,
        "uint256 sharesForLoss = loss.toSharesUp(totalAssets, totalShares);",
        "toSharesUp",
        "rounding",
    ),
    Boundary(
        "BND-20",
        "A reserve withdrawal must leave at least the floor.",
        "`left < floor` refused (`ReserveBelowFloor`); `left = floor` allowed",
        RESERVE,
        "if (remainingAssets < floorAssets) revert ReserveBelowFloor(remainingAssets, floorAssets);",
        "<",
    ),
    Boundary(
        "BND-21",
        "A reserve withdrawal executes from its ready time on.",
        "`now < readyAt` refused (`WithdrawalNotReady`); `now = readyAt` allowed",
        RESERVE,
        "if (block.timestamp < w.readyAt) revert WithdrawalNotReady(w.readyAt);",
        "<",
    ),
    Boundary(
        "BND-22",
        "A liquidation-threshold decrease applies from its ready time on.",
        "`now < readyAt` refused (`LtDecreaseNotReady`); `now = readyAt` allowed",
        CONFIG,
        "if (block.timestamp < pending.readyAt) revert LtDecreaseNotReady(token, pending.readyAt);",
        "<",
    ),
    Boundary(
        "BND-23",
        "The health factor rounds down (against the borrower).",
        "`HF = ⌊liquidationValue * WAD / debtValue⌋`: a position a rounding unit short of 1 is liquidatable",
        POOL,
        "return liquidationValue.wDivDown(s.debtValue);",
        "wDivDown",
        "rounding",
    ),
    Boundary(
        "BND-24",
        "A borrower's debt is valued rounded up in every check.",
        "`debtValue = ⌈debt * answer * WAD / scale⌉`: a debt a unit above max LTV is refused",
        POOL,
        "return amount.mulDivUp(p.answer * ConstantsLib.WAD, p.scale);",
        "mulDivUp",
        "rounding",
    ),
    Boundary(
        "BND-25",
        "Collateral is valued rounded down in every check.",
        "`value = ⌊amount * answer * WAD / scale⌋`: collateral a unit short of the bound counts short",
        POOL,
        "return amount.mulDivDown(p.answer * ConstantsLib.WAD, p.scale);",
        "mulDivDown",
        "rounding",
    ),
    Boundary(
        "BND-26",
        "The reserve left at a withdrawal is valued down, the floor rounded up (against governance).",
        "`floor = ⌈totalAssets * reserveFloor⌉`",
        RESERVE,
        "uint256 floorAssets = totalAssets.wMulUp(reserveFloor);",
        "wMulUp",
        "rounding",
    ),
]


def _source(root: Path, path: str) -> str:
    return (root / path).read_text()


def check_against_code(root: Path) -> list[str]:
    """Problems of the table against the contracts: a snippet absent or not unique, an operator not in it."""
    problems = []
    seen = set()
    for b in BOUNDARIES:
        if b.id in seen:
            problems.append(f"{b.id}: duplicate ID")
        seen.add(b.id)
        count = _source(root, b.path).count(b.snippet)
        if count != 1:
            problems.append(f"{b.id}: snippet occurs {count} times in {b.path}")
        if b.operator not in b.snippet or b.operator not in FLIPS:
            problems.append(f"{b.id}: operator {b.operator!r} not in its snippet or not flippable")
        if b.kind == "comparison" and not re.search(r"[<>]", b.operator):
            problems.append(f"{b.id}: a comparison row flips a comparison operator")
    return problems


def readme_rows() -> list[str]:
    """The README's boundary table rows, exactly."""
    return [f"| {b.id} | {b.rule} | {b.side} | `{b.path.split('/')[-1]}` |" for b in BOUNDARIES]
