"""`make lint`'s Slither gate: run Slither through forge, and fail on any high or medium finding that has
no line in audit/slither-triage.md (detector, file:symbol, reason). Findings are keyed by the function
(or contract, or function.variable) Slither points at, not by line, so edits elsewhere in a file do not
invalidate the triage. No detector is excluded globally; only
node_modules (OpenZeppelin) is filtered out.

Run: python -m shortfall.checks.lint
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TRIAGE = Path("audit/slither-triage.md")
GATED_IMPACTS = ("High", "Medium")


@dataclass(frozen=True)
class Finding:
    impact: str
    detector: str
    location: str
    description: str


def run_slither(root: Path = Path(".")) -> list[Finding]:
    """All Slither findings on the project, compiled with forge."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "slither.json"
        subprocess.run(
            ["slither", str(root), "--foundry-compile-all", "--filter-paths", "node_modules", "--json", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if not out.exists():
            raise SystemExit("slither produced no report: is forge on PATH (make bootstrap)?")
        report = json.loads(out.read_text())
    if not report.get("success"):
        raise SystemExit(f"slither failed: {report.get('error')}")
    findings = []
    for result in report["results"].get("detectors", []):
        element = result["elements"][0] if result.get("elements") else {}
        mapping = element.get("source_mapping", {})
        location = f"{mapping.get('filename_relative', '?')}:{symbol(element)}"
        findings.append(Finding(result["impact"], result["check"], location, result["description"].split("\n")[0]))
    return findings


def symbol(element: dict) -> str:
    """The name a finding is keyed by: `function`, `Contract`, or `function.variable` for a local."""
    name = element.get("name", "?")
    parent = element.get("type_specific_fields", {}).get("parent", {})
    if element.get("type") == "variable" and parent.get("type") == "function":
        return f"{parent.get('name')}.{name}"
    return name


def read_triage(path: Path = TRIAGE) -> dict[tuple[str, str], str]:
    """(detector, file:symbol) -> reason, from the Markdown table in `path`."""
    triaged = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("detector", "") or set(cells[0]) <= {"-", ":"}:
            continue
        if not cells[2]:
            raise SystemExit(f"{path}:{number}: triage line for {cells[0]} at {cells[1]} has no reason")
        triaged[(cells[0], cells[1])] = cells[2]
    return triaged


def main() -> int:
    findings = run_slither()
    triaged = read_triage()
    gated = [f for f in findings if f.impact in GATED_IMPACTS]
    untriaged = [f for f in gated if (f.detector, f.location) not in triaged]
    stale = set(triaged) - {(f.detector, f.location) for f in gated}
    counts = {
        impact: sum(f.impact == impact for f in findings)
        for impact in ("High", "Medium", "Low", "Informational", "Optimization")
    }
    print("slither findings by impact: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"high/medium: {len(gated)}, triaged in {TRIAGE}: {len(gated) - len(untriaged)}")
    for detector, location in sorted(stale):
        print(f"warning: triage line no longer matches a finding: {detector} {location}")
    if untriaged:
        print("Untriaged high/medium findings (fix them, or add a line with the reason):")
        for f in untriaged:
            print(f"| {f.detector} | {f.location} | <reason> |   ({f.impact}) {f.description}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
