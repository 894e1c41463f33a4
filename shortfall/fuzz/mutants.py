"""`make mutants`: mutations of contracts/ that the tests must kill.

Two sources of mutants, each one exact text replacement in one contract:

- the named mutants below (`NAMED`), bugs written by hand (socialization skips the reserve, ...);
- one mutant per row of the boundary table (`shortfall/fuzz/boundaries.py`), derived mechanically: the
  row's snippet with its operator flipped (`<` with `<=`, `>` with `>=`, `...Down` with `...Up`), named
  after the row (`BND-01 flip >=`).

Every pattern must occur exactly once in its contract, or nothing runs. Each mutant is applied to a copy of
the tracked tree, compiled, and tested until the first failure (`-x`): a boundary mutant first meets its
own row's example tests alone (`tests/contracts/test_boundaries.py -k test_BND_07__`, when that file has
them); then every run goes through the fuzzer's regression sequences, the fuzzer under the `ci` profile
(`tests/stateful`) and the boundary example tests (when the file exists), cheapest first. A mutant is
killed when a test fails (pytest exit 1 naming a failing test; a signal, a timeout or a pytest error is
not a kill, and a run ended by a signal from outside is run once more). One that survives fails the
whole run, and so does a baseline (the same run, unmutated) that does not pass: a kill means something
only if the unmutated code passes the same tests on the same build.

Cost, and what was done about it (measured on this 2-core machine while other engineers' test runs kept
the load average at 3-5; the README has a whole run's numbers):

- The contracts compile with `via_ir: true`: with the wasm solc, a full compile takes about 80 s (75 s of
  CPU), most of it the LendingPool; 33 mutants and a baseline at that price, each followed by a test run,
  do not fit in 30 minutes on 2 cores. Mutants are compiled on the legacy pipeline instead (`via_ir: false`
  in the copy's ape-config.yaml): about 27 s for everything (25 s CPU), 15-20 s for the LendingPool alone.
  The comparisons and rounding calls the mutants flip mean the same on both pipelines (only gas and code
  size differ; the LendingPool is 18.4 kB on legacy, under EIP-170), and the baseline runs on the same
  legacy build, so a kill is the mutation's and not the pipeline's.
- The legacy build of the unmutated tree is made once (the base copy) and copied into each mutant's copy;
  only the mutated file and the files that import it, transitively, are recompiled (`ape compile --force`;
  LossMathLib is inlined into the LendingPool). ape's cache decides by source checksum alone: it would
  neither recompile an importer of a changed file nor notice a settings change. Hence the base is built
  from scratch on legacy, importers are forced, and a mutant whose build leaves every contract's
  bytecode as in the base is an error, never a survivor.
- `--jobs` (default 2) runs side by side, the baseline among the first two (a failing baseline stops the
  rest). Each run has its own copy (its own `.build`, `contracts/.cache`, hypothesis and report files)
  and its own Anvil on a random port (ape-foundry `host: auto`); none of these tests uses a fixed port.
  APE_FOUNDRY_HOST is dropped from the runs' environment (it would point them all at one node). Python
  bytecode, pytest's rewritten modules included, is cached under the run's temp dir
  (PYTHONPYCACHEPREFIX, shared by the runs of one invocation and nowhere else), even where
  PYTHONDONTWRITEBYTECODE is set: without it every ape start pays ~4 s of CPU more.
- Runs start slowest first, by the times of the last report, so that the two jobs end together.

Run: python -m shortfall.fuzz.mutants [NAME | ROW-ID ...] [--jobs N] [--list] [--keep]
Writes reports/mutants.md, reports/mutants.json and each run's output to reports/mutants/<mutant>.log;
exits non-zero if the baseline fails or any mutant is not killed.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from shortfall.fuzz.boundaries import BOUNDARIES

ROOT = Path(__file__).resolve().parents[2]
BOUNDARY_TESTS = "tests/contracts/test_boundaries.py"
STATEFUL = "tests/stateful"
CONFIG = "ape-config.yaml"
TIMEOUT = 900  # seconds per run (compile and tests)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    row: str | None = None  # the boundary row a derived mutant flips


NAMED = [
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


def boundary_mutants() -> list[Mutant]:
    """One mutant per boundary row: the row's snippet with its operator flipped."""
    return [Mutant(f"{b.id} flip {b.operator}", b.path, b.snippet, b.flipped(), b.id) for b in BOUNDARIES]


MUTANTS = NAMED + boundary_mutants()


def problems(mutants: list[Mutant], root: Path | None = None) -> list[str]:
    """Why these mutants cannot run against the contracts under `root` (empty: they can)."""
    root = root or ROOT
    found = []
    names = [m.name for m in mutants]
    found += [f"duplicate mutant name {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    for m in mutants:
        count = (root / m.path).read_text().count(m.original) if (root / m.path).is_file() else 0
        if count != 1:
            found.append(f"mutant {m.name}: its pattern occurs {count} times in {m.path}, not once")
        if m.mutated == m.original:
            found.append(f"mutant {m.name}: changes nothing")
    return found


def select(wanted: list[str]) -> list[Mutant]:
    """The mutants named (by name or boundary row ID), in table order; all of them if none is named."""
    if not wanted:
        return list(MUTANTS)
    unknown = [w for w in wanted if not any(w in (m.name, m.row) for m in MUTANTS)]
    if unknown:
        raise SystemExit(f"unknown mutant(s): {', '.join(unknown)} (python -m shortfall.fuzz.mutants --list)")
    return [m for m in MUTANTS if m.name in wanted or m.row in wanted]


# ---------------------------------------------------------------- the copies


def tracked_files(root: Path | None = None) -> list[str]:
    root = root or ROOT
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name and (root / name).is_file()]


def legacy_config(text: str) -> str:
    """ape-config.yaml on the legacy pipeline."""
    if len(re.findall(r"^(\s*)via_ir: true\s*$", text, flags=re.M)) != 1:
        raise SystemExit(f"{CONFIG}: expected exactly one `via_ir: true` line to turn off for the mutants")
    return re.sub(r"^(\s*)via_ir: true\s*$", r"\1via_ir: false", text, flags=re.M)


IMPORT = re.compile(r"""\bimport\s[^;]*?["']([^"']+)["']\s*;""", re.S)


def importers(root: Path, path: str) -> list[str]:
    """`path` and every contract that imports it, directly or not (relative imports under contracts/)."""
    sources = [p for p in (root / "contracts").rglob("*.sol") if ".cache" not in p.parts]
    imports = {}
    for source in sources:
        rel = source.relative_to(root).as_posix()
        imports[rel] = {
            os.path.normpath(os.path.join(os.path.dirname(rel), target)).replace(os.sep, "/")
            for target in IMPORT.findall(source.read_text())
            if target.startswith(".")
        }
    found, frontier = {path}, [path]
    while frontier:
        current = frontier.pop()
        for rel, targets in imports.items():
            if current in targets and rel not in found:
                found.add(rel)
                frontier.append(rel)
    return sorted(found)


def bytecodes(workdir: Path) -> dict[str, str]:
    """A digest of each compiled contract's runtime code."""
    manifest = json.loads((workdir / ".build" / "__local__.json").read_text())
    return {
        name: hashlib.sha256(((ct.get("runtimeBytecode") or {}).get("bytecode") or "").encode()).hexdigest()
        for name, ct in (manifest.get("contractTypes") or {}).items()
    }


def suite_targets(workdir: Path) -> list[str]:
    """What every run tests, until the first failure, cheapest first: the fuzzer's regression sequences,
    the fuzzer itself (`ci` profile), then the boundary example tests (when present)."""
    stateful = sorted(
        (p.relative_to(workdir).as_posix() for p in (workdir / STATEFUL).glob("test_*.py")),
        key=lambda p: (p.endswith("test_pool_machine.py"), p),
    )
    return stateful + ([BOUNDARY_TESTS] if (workdir / BOUNDARY_TESTS).is_file() else [])


def row_tests(workdir: Path, row: str | None) -> str | None:
    """The `-k` expression selecting a boundary row's own example tests (`test_BND_07__...`), if it has any."""
    path = workdir / BOUNDARY_TESTS
    if not row or not path.is_file():
        return None
    prefix = f"test_{row.replace('-', '_')}__"
    return prefix if re.search(rf"^\s*def {prefix}", path.read_text(), flags=re.M) else None


# ---------------------------------------------------------------- running


def ape() -> str:
    beside = Path(sys.executable).parent / "ape"
    return str(beside) if beside.exists() else "ape"


def environment(workdir: Path, pycache: Path) -> dict[str, str]:
    """A run's environment: its copy first on the path, the `ci` profile, no node of anyone else's, and
    bytecode caches (pytest's rewritten modules included) kept in `pycache`, shared by the runs of one
    invocation and nowhere else."""
    drop = ("APE_FOUNDRY_HOST", "SHORTFALL_ABI_GATE", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return env | {
        "PYTHONPATH": str(workdir),
        "PYTHONPYCACHEPREFIX": str(pycache),
        "SHORTFALL_FUZZ_PROFILE": "ci",
        "SHORTFALL_FUZZ_NO_SHRINK": "1",
        "SHORTFALL_FUZZ_REPORT": str(workdir / "reports" / "fuzz.json"),
    }


class Runner:
    """Runs commands in their own process group, so that a timeout or an abort also ends their Anvil."""

    def __init__(self, pycache: Path) -> None:
        self.pycache = pycache
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen] = set()
        self.aborted = False

    def __call__(self, cmd: list[str], workdir: Path, timeout: float) -> tuple[int | None, str]:
        with self.lock:
            if self.aborted:
                return None, "aborted"
            proc = subprocess.Popen(
                cmd,
                cwd=workdir,
                env=environment(workdir, self.pycache),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            self.live.add(proc)
        try:
            out, _ = proc.communicate(timeout=max(timeout, 1))
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            self._end(proc)
            out, _ = proc.communicate()
            return None, out + f"\ntimed out after {timeout:.0f} s"
        finally:
            with self.lock:
                self.live.discard(proc)

    @staticmethod
    def _end(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

    def abort(self) -> None:
        with self.lock:
            self.aborted = True
            live = list(self.live)
        for proc in live:
            self._end(proc)


@dataclass
class Result:
    name: str
    row: str | None
    status: str  # "killed", "survived" or "error" (a mutant); "passed" or "failed" (the baseline)
    killed_by: str  # the first failing test id
    detail: str  # its error line, or what went wrong
    seconds: float
    compile_seconds: float = 0.0
    test_seconds: float = 0.0


FAILED_LINE = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")


def first_failure(output: str) -> tuple[str, str]:
    """(first failing test id, its error line) from pytest's output (`-rfE` summary, `E` lines)."""
    lines = output.splitlines()
    test_id, message = "", ""
    for line in lines:
        match = FAILED_LINE.match(line.strip())
        if match:
            test_id, message = match.group(2), (match.group(3) or "").strip()
            break
    error = next((line.strip()[1:].strip() for line in lines if re.match(r"^E\s", line)), "")
    error = error or message or next((line.strip() for line in reversed(lines) if line.strip()), "")
    return test_id, error[:240]


def outcome(code: int | None, output: str) -> tuple[str, str, str]:
    """("passed" | "failed" | "interrupted" | "error", first failing test id, its error line) of a test run.
    Only a test failing (pytest's exit status 1 with a failing test named) is a failure: a signal, a
    timeout or a pytest usage/internal error is not a kill."""
    test_id, error = first_failure(output) if code else ("", "")
    if code is None:
        return "error", "", output.strip().splitlines()[-1] if output.strip() else "timed out"
    if code in (0, 5):  # 5: no test selected (a row without example tests yet)
        return "passed", "", ""
    if code < 0 or code in (130, 137, 143) or re.search(r"SystemExit: (130|143)\b", output):
        return "interrupted", "", f"ended by a signal (exit {code}), not by a test"
    if code == 1 and test_id:
        return "failed", test_id, error
    return "error", test_id, f"pytest exit {code}: {error}"


def build_base(tmp: Path, runner: Runner) -> tuple[Path, float]:
    """The tracked tree on the legacy pipeline, compiled in full once."""
    start = time.monotonic()
    base = tmp / "base"
    for name in tracked_files():
        target = base / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (base / CONFIG).write_text(legacy_config((base / CONFIG).read_text()))
    code, out = runner([ape(), "compile"], base, TIMEOUT)
    if code != 0:
        raise SystemExit(f"the unmutated contracts do not compile on the legacy pipeline:\n{out[-2000:]}")
    return base, time.monotonic() - start


def slug(mutant: Mutant | None) -> str:
    name = mutant.name if mutant else "baseline"
    for operator, word in (("<=", "le"), (">=", "ge"), ("<", "lt"), (">", "gt")):
        name = name.replace(operator, word)
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def run(mutant: Mutant | None, base: Path, tmp: Path, runner: Runner, keep: bool, logs: Path) -> Result:
    """One run: a copy of the base, the mutation applied and compiled, the tests until the first failure.
    The compile and test output goes to `logs/<slug>.log`."""
    start = time.monotonic()
    name = mutant.name if mutant else "baseline (no mutation)"
    workdir = tmp / slug(mutant)
    shutil.copytree(base, workdir, symlinks=True)
    log = logs / f"{slug(mutant)}.log"
    log.write_text(f"# {name}\n")

    def logged(cmd: list[str], timeout: float) -> tuple[int | None, str]:
        code, out = runner(cmd, workdir, timeout)
        with log.open("a") as f:
            f.write(f"\n$ {' '.join(cmd[1:] if cmd[0] == ape() else cmd)}  (exit {code})\n{out}")
        return code, out

    def result(status: str, killed_by: str = "", detail: str = "", compiled: float = 0.0, tested: float = 0.0):
        seconds = time.monotonic() - start
        return Result(name, mutant.row if mutant else None, status, killed_by, detail, seconds, compiled, tested)

    try:
        compiled = 0.0
        if mutant:
            path = workdir / mutant.path
            path.write_text(path.read_text().replace(mutant.original, mutant.mutated, 1))
            before = bytecodes(workdir)
            code, out = logged([ape(), "compile", "--force", *importers(workdir, mutant.path)], TIMEOUT)
            compiled = time.monotonic() - start
            if code != 0:
                return result("error", detail="does not compile: " + first_failure(out)[1], compiled=compiled)
            if bytecodes(workdir) == before:
                return result("error", detail="the build is the base's: mutation not compiled", compiled=compiled)
        # A boundary mutant meets its own row's example tests first, alone (seconds, where the whole suite
        # takes minutes); then every run goes through the whole suite until the first failure.
        options = ["-q", "-x", "-rfE", "--tb=short", "-p", "no:cacheprovider"]
        stages = [[ape(), "test", *suite_targets(workdir), *options]]
        if own := row_tests(workdir, mutant.row if mutant else None):
            stages.insert(0, [ape(), "test", BOUNDARY_TESTS, "-k", own, *options])
        tests_start = time.monotonic()
        for cmd in stages:
            for _attempt in range(2):  # once more if a signal from outside ended the run
                code, out = logged(cmd, TIMEOUT - (time.monotonic() - start))
                kind, test_id, error = outcome(code, out)
                if kind != "interrupted" or runner.aborted:
                    break
            if kind != "passed":
                break
        tested = time.monotonic() - tests_start
        if kind in ("error", "interrupted"):
            return result("error", test_id, error, compiled, tested)
        if mutant:
            return result("killed" if kind == "failed" else "survived", test_id, error, compiled, tested)
        return result(kind, test_id, error, compiled, tested)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- report


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def table(results: list[Result]) -> list[str]:
    rows = ["| mutant | killed? | killed by | seconds |", "|---|---|---|---|"]
    for r in results:
        verdict = {"killed": "yes", "survived": "**SURVIVED**", "error": "**ERROR**"}.get(r.status, r.status)
        by = (f"`{r.killed_by}`: {r.detail}" if r.killed_by else r.detail).replace("|", "\\|")
        rows.append(f"| {r.name} | {verdict} | {by} | {r.seconds:.0f} |")
    return rows


def write_reports(meta: dict, baseline: Result | None, results: list[Result], out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    survivors = [r.name for r in results if r.status != "killed"]
    lines = [
        "# Mutants",
        "",
        f"{meta['started']}, commit {meta['commit']}: {meta['killed']} of {len(results)} mutants killed; "
        f"{meta['wall_seconds']:.0f} s wall with {meta['jobs']} jobs (base compile {meta['base_compile_seconds']:.0f} s), "
        f"load average {meta['load_start']} at the start, {meta['load_end']} at the end.",
        "",
        f"Pipeline: {meta['pipeline']}. Tests per mutant: {' '.join(meta['targets'])} (`-x`, `ci` profile).",
        "",
    ]
    if baseline:
        lines += [
            f"Baseline: {baseline.status} in {baseline.seconds:.0f} s. {baseline.killed_by} {baseline.detail}",
            "",
        ]
    lines += table(results)
    lines += ["", f"Not killed: {', '.join(survivors)}" if survivors else "Every mutant killed."]
    text = "\n".join(lines) + "\n"
    (out / "mutants.md").write_text(text)
    payload = meta | {"baseline": asdict(baseline) if baseline else None, "mutants": [asdict(r) for r in results]}
    (out / "mutants.json").write_text(json.dumps(payload, indent=2) + "\n")
    return text


def seconds_of(report: Path) -> dict[str, float]:
    """Each mutant's time in a previous report (none if there is none)."""
    try:
        return {r["name"]: r["seconds"] for r in json.loads(report.read_text())["mutants"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def longest_first(mutants: list[Mutant], previous: dict[str, float]) -> list[Mutant]:
    """The order to start them in: the slowest of the last run first (new ones before all), so that the
    jobs finish together rather than one long mutant running alone at the end."""
    return sorted(mutants, key=lambda m: -previous.get(m.name, float("inf")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shortfall.fuzz.mutants", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="mutant names or boundary row IDs (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run side by side (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--keep", action="store_true", help="keep each run's copy (its path is printed)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="where mutants.md/.json go")
    args = parser.parse_args(argv)

    mutants = select(args.names)
    found = problems(mutants)
    if found:
        print("\n".join(found), file=sys.stderr)
        return 1
    if args.list:
        for m in mutants:
            print(f"{m.name}  ({m.path})")
            diff = difflib.unified_diff(m.original.splitlines(), m.mutated.splitlines(), n=0, lineterm="")
            for line in list(diff)[2:]:
                if not line.startswith("@@"):
                    print(f"    {line[0]} {line[1:].strip()}")
        return 0

    started, load_start, wall = time.strftime("%Y-%m-%d %H:%M:%S"), load(), time.monotonic()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    previous = seconds_of(args.out / "mutants.json")
    tmp = Path(tempfile.mkdtemp(prefix="shortfall-mutants-"))
    runner = Runner(tmp / "pycache")
    logs = args.out / "mutants"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    baseline: Result | None = None
    results: dict[str, Result] = {}
    try:
        base, base_seconds = build_base(tmp, runner)
        targets = suite_targets(base)
        print(
            f"{len(mutants)} mutants, {args.jobs} at a time, legacy pipeline (base compiled in {base_seconds:.0f} s); "
            f"tests: {' '.join(targets)}",
            flush=True,
        )
        pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
        try:
            futures = {pool.submit(run, None, base, tmp, runner, args.keep, logs): None}
            futures |= {
                pool.submit(run, m, base, tmp, runner, args.keep, logs): m for m in longest_first(mutants, previous)
            }
            for future in as_completed(futures):
                mutant = futures[future]
                try:
                    r = future.result()
                except Exception as err:  # a broken copy or log: that run is an error, the others go on
                    name = mutant.name if mutant else "baseline (no mutation)"
                    r = Result(name, mutant.row if mutant else None, "error", "", repr(err), 0.0)
                if mutant is None:
                    baseline = r
                    print(f"[baseline] {r.status:<8} {r.seconds:6.1f} s  {r.killed_by} {r.detail}".rstrip(), flush=True)
                    if r.status != "passed":
                        print("the tests fail on the unmutated contracts: fix that first", flush=True)
                        break
                    continue
                results[r.name] = r
                by = f"{r.killed_by}: {r.detail}" if r.killed_by else r.detail
                print(
                    f"[{len(results):2}/{len(mutants)}] {r.status:<8} {r.name:<40} {r.seconds:6.1f} s  {by[:160]}",
                    flush=True,
                )
        finally:
            # Normally nothing is left; after a failed baseline or a Ctrl-C, end the runs still going.
            if len(results) < len(mutants):
                runner.abort()
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if args.keep:
            print(f"copies kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    ordered = [results[m.name] for m in mutants if m.name in results]
    killed = sum(r.status == "killed" for r in ordered)
    meta = {
        "started": started,
        "commit": commit.strip(),
        "jobs": args.jobs,
        "pipeline": "legacy (via_ir: false) for the baseline and every mutant",
        "targets": targets,
        "base_compile_seconds": round(base_seconds, 1),
        "wall_seconds": round(time.monotonic() - wall, 1),
        "load_start": load_start,
        "load_end": load(),
        "killed": killed,
    }
    print()
    print(write_reports(meta, baseline, ordered, args.out), end="")
    if baseline is None or baseline.status != "passed":
        return 1
    return 0 if killed == len(mutants) and len(ordered) == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
