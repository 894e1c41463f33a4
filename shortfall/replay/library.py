"""One table over the run folders `make replays` wrote: every scenario's outcome and its engine figures.

Run: python -m shortfall.replay.library RUNS_DIR OUT.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def table(runs: Path) -> str:
    head = (
        "| scenario | steps | borrowers/LPs | chain s | txs | efficiency | model x | engines agree | bad debt | "
        "initial reserve | > reserve | reserve burned | LP loss | LP haircut % | liquidations | realizations |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for path in sorted(runs.glob("*/summary.json")):
        s = json.loads(path.read_text())
        run = s.get("run", {})
        m = run.get("measures", {})
        d = 10 ** s["loan_decimals"]
        unit = s["loan_asset"]
        lines.append(
            f"| {s['scenario']} | {s['steps']} | {run.get('borrowers')}/{run.get('lps')} | {run.get('wall_s')} | "
            f"{run.get('transactions')} | {m.get('efficiency', float('nan')):.2f} | "
            f"{m.get('model_speedup', float('nan')):.0f} | {'yes' if m.get('engines_agree') else 'NO'} | "
            f"{s['bad_debt'] / d:,.0f} {unit} | {s['initial_reserve'] / d:,.0f} | "
            f"{'yes' if s['bad_debt_exceeds_initial_reserve'] else 'no'} | {s['reserve_burned'] / d:,.0f} | "
            f"{s['lp_loss'] / d:,.0f} | {s['lp_haircut_ppm'] / 1e4:.4f} | {s['liquidations']} | {s['realizations']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    runs, out = Path(argv[0]), Path(argv[1])
    text = "# Replays of the scenario library\n\n" + table(runs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
