"""report.md and the charts of a run folder. Every chart is drawn from named steps.csv columns (or
lps.csv), read back from the files, and its caption names them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shortfall.replay.driver import HF_COLUMNS, ReplayResult
from shortfall.replay.scenario import SOURCE_CODES
from shortfall.replay.summary import read_csv

CHARTS = {
    "prices.png": "Market prices (`<asset>_market`, each divided by its first value) against the LP share "
    "price (`share_price`) and the reserve (`reserve_assets`), over `hours`.",
    "bad_debt.png": "Bad debt build-up: `bad_debt_total` (debt written off), `covered_by_reserve_total` and "
    "`reserve_paid_total` (what the reserve burnt), `lp_loss_total` (what LPs bore), and the unrealized "
    "shortfall at market prices (`shortfall_market`), over `hours`.",
    "lp_losses.png": "Each LP's result at the end: final assets (lps.csv `shares` valued at the last row's "
    "`total_assets` / `total_shares`) minus lps.csv `deposit`.",
    "health_factors.png": "Positions with debt by health factor bucket (`"
    + "`, `".join(HF_COLUMNS)
    + "`), over `hours`.",
}


def units(value: int, decimals: int) -> float:
    return value / 10**decimals


def write_report(result: ReplayResult, summary: dict[str, Any], out: Path, charts: bool = True) -> Path:
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if charts:
        draw_charts(out, summary)
    path = out / "report.md"
    path.write_text(render_markdown(result, summary, charts))
    return path


def draw_charts(out: Path, summary: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = read_csv(out / "steps.csv")
    lps = read_csv(out / "lps.csv")
    decimals = summary["loan_decimals"]
    symbol = summary["loan_asset"]
    hours = [float(r["hours"]) for r in steps]
    assets = list(summary["price_sources"])

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for asset in assets:
        series = [float(r[f"{asset}_market"]) for r in steps]
        top.plot(hours, [v / series[0] for v in series], label=f"{asset} market (/ start)")
    top.set_ylabel("price / first value")
    top.legend(loc="best", fontsize=8)
    top.grid(alpha=0.3)
    share = [units(int(r["share_price"]), decimals) for r in steps]
    bottom.plot(hours, share, color="tab:blue", label=f"LP share price ({symbol} per share)")
    bottom.set_ylabel("share price")
    twin = bottom.twinx()
    twin.plot(hours, [units(int(r["reserve_assets"]), decimals) for r in steps], color="tab:orange", label="reserve")
    twin.set_ylabel(f"reserve ({symbol})")
    bottom.set_xlabel("hours from start")
    bottom.legend(loc="lower left", fontsize=8)
    twin.legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{summary['scenario']}: prices, share price and reserve")
    fig.tight_layout()
    fig.savefig(out / "prices.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 5))
    for key, label in (
        ("bad_debt_total", "bad debt (debt written off)"),
        ("covered_by_reserve_total", "reserve: covered losses"),
        ("reserve_paid_total", "reserve: paid for collateral"),
        ("lp_loss_total", "borne by LPs"),
    ):
        ax.plot(hours, [units(int(r[key]), decimals) for r in steps], label=label)
    ax.plot(hours, [float(r["shortfall_market"]) for r in steps], linestyle="--", label="unrealized shortfall (market)")
    ax.set_xlabel("hours from start")
    ax.set_ylabel(f"{symbol} (shortfall in quote units)")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title(f"{summary['scenario']}: bad debt build-up")
    fig.tight_layout()
    fig.savefig(out / "bad_debt.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 5))
    per_lp = summary["per_lp"]
    ax.bar([p["name"] for p in per_lp], [units(p["change"], decimals) for p in per_lp], color="tab:red")
    ax.set_ylabel(f"final assets - deposit ({symbol})")
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax.set_title(f"{summary['scenario']}: each LP's result ({len(lps)} LPs)")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(out / "lp_losses.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 5))
    ax.stackplot(hours, [[int(r[c]) for r in steps] for c in HF_COLUMNS], labels=HF_COLUMNS)
    ax.set_xlabel("hours from start")
    ax.set_ylabel("positions with debt")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{summary['scenario']}: health factors over time")
    fig.tight_layout()
    fig.savefig(out / "health_factors.png", dpi=110)
    plt.close(fig)


def _amount(value: int, decimals: int, symbol: str) -> str:
    return f"{units(value, decimals):,.2f} {symbol}"


def render_summary(summary: dict[str, Any], out: Path) -> str:
    d, s = summary["loan_decimals"], summary["loan_asset"]
    lines = [
        f"{summary['scenario']}: {summary['steps']} steps over {summary['hours']:g} h",
        f"  bad debt            {_amount(summary['bad_debt'], d, s)}"
        f"  (initial reserve {_amount(summary['initial_reserve'], d, s)};"
        f" exceeds it: {'yes' if summary['bad_debt_exceeds_initial_reserve'] else 'no'})",
        f"  reserve burned      {_amount(summary['reserve_burned'], d, s)}"
        f"  (covered losses {_amount(summary['covered_by_reserve'], d, s)},"
        f" paid for collateral {_amount(summary['reserve_paid_for_collateral'], d, s)})",
        f"  borne by LPs        {_amount(summary['lp_loss'], d, s)}  (haircut {summary['lp_haircut_ppm'] / 1e4:.4f}%)",
        f"  unrealized shortfall at market prices at the end: {summary['final_unrealized_shortfall_market']:,.2f}",
        f"  liquidations {summary['liquidations']}, realizations {summary['realizations']},"
        f" first bad debt at {_hours(summary['first_bad_debt_hours'])}, LPs first pay at {_hours(summary['first_lp_loss_hours'])}",
    ]
    measures = summary.get("run", {}).get("measures", {})
    run = summary.get("run", {})
    lines.append(f"  engine {run.get('engine')}: {run.get('wall_s')} s, {run.get('transactions')} transactions")
    if "efficiency" in measures:
        lines.append(
            f"  resend of the same {measures['resend']['transactions']} transactions pre-signed: "
            f"{measures['resend']['resend_s']:.2f} s; efficiency {measures['efficiency']:.2f} (target ≥ 0.5)"
        )
    if "model_speedup" in measures:
        lines.append(
            f"  model engine {measures['model_wall_s']:.2f} s: {measures['model_speedup']:.0f}x faster (target ≥ 50);"
            f" engines agree: {'yes' if measures.get('engines_agree') else 'NO'}"
        )
    charts = ", charts" if (out / "prices.png").exists() else ""
    lines.append(f"  written: {out}/report.md, steps.csv, lps.csv, summary.json{charts}")
    return "\n".join(lines)


def _hours(value: float | None) -> str:
    return "never" if value is None else f"{value:g} h"


def render_markdown(result: ReplayResult, summary: dict[str, Any], charts: bool) -> str:
    scenario = result.scenario
    d, s = summary["loan_decimals"], summary["loan_asset"]
    run = summary.get("run", {})
    measures = run.get("measures", {})
    out = [
        f"# {scenario.title}",
        "",
        scenario.description,
        "",
        f"**Modelled on:** {scenario.modelled_on}",
        "",
        f"Scenario file `{scenario.path}`; start {scenario.start_utc}; {summary['steps']} steps of "
        f"{scenario.step} s; {len(result.population.borrowers)} borrowers, {len(result.population.lps)} LPs; "
        f"engine `{run.get('engine')}`.",
        "",
        "## Summary",
        "",
        "| | |",
        "|---|---:|",
        f"| bad debt (debt written off) | {_amount(summary['bad_debt'], d, s)} |",
        f"| of which socialized (liquidation remainders, realizations net of collateral) | "
        f"{_amount(summary['socialized_loss'], d, s)} |",
        f"| initial reserve | {_amount(summary['initial_reserve'], d, s)} |",
        f"| bad debt > initial reserve | {'yes' if summary['bad_debt_exceeds_initial_reserve'] else 'no'} |",
        f"| covered by the reserve (burnt for socialized losses) | {_amount(summary['covered_by_reserve'], d, s)} |",
        f"| borne by LPs | {_amount(summary['lp_loss'], d, s)} |",
        f"| LP haircut (LP loss / LP assets at the start) | {summary['lp_haircut_ppm'] / 1e4:.4f}% |",
        f"| reserve paid for collateral (realizeBadDebt) | {_amount(summary['reserve_paid_for_collateral'], d, s)} |",
        f"| reserve burned (cover + paid) | {_amount(summary['reserve_burned'], d, s)} "
        f"({summary['reserve_share_of_bad_debt_ppm'] / 1e4:.2f}% of the bad debt; the rest fell on LPs) |",
        f"| share price, start → end | {units(summary['initial_share_price'], d):.6f} → "
        f"{units(summary['final_share_price'], d):.6f} |",
        f"| reserve at the end | {_amount(summary['final_reserve'], d, s)} |",
        f"| liquidations / realizations / failed keeper transactions | {summary['liquidations']} / "
        f"{summary['realizations']} / {summary['failed_actions']} |",
        f"| first bad debt / LPs first pay (time to insolvency) | {_hours(summary['first_bad_debt_hours'])} / "
        f"{_hours(summary['first_lp_loss_hours'])} |",
        f"| most positions liquidatable at once | {summary['max_liquidatable']} |",
        f"| unrealized shortfall at market prices at the end | {summary['final_unrealized_shortfall_market']:,.2f} |",
        f"| borrowers refused at setup | {result.borrows_refused} |",
        "",
        "## Who bore it",
        "",
        "Every LP holds its shares from the start, so every LP bears the same fraction of the LP loss; "
        "the change below is net of the interest earned.",
        "",
        "| LP | deposit | final assets | change | change % |",
        "|---|---:|---:|---:|---:|",
    ]
    for lp in summary["per_lp"]:
        out.append(
            f"| {lp['name']} | {units(lp['deposit'], d):,.2f} | {units(lp['final_assets'], d):,.2f} | "
            f"{units(lp['change'], d):,.2f} | {lp['change_ppm'] / 1e4:.4f}% |"
        )
    out += ["", "## Price data and interpolation", ""]
    out.append(
        "Source codes: " + "; ".join(f"`{code}` {text}" for code, text in SOURCE_CODES.items()) + ". A step "
        "between two data points is interpolated by the replay (`I`)."
    )
    out += [
        "",
        "| asset | path | steps by source code | interpolated steps | data points marked I |",
        "|---|---|---|---:|---|",
    ]
    for symbol, asset in scenario.assets.items():
        info = summary["price_sources"][symbol]
        marked = [f"{p.hours:g} h" for p in asset.price.points if p.src == "I"]
        codes = ", ".join(f"{k}: {v}" for k, v in info["steps_by_source"].items())
        out.append(
            f"| {symbol} | {asset.price.origin} ({asset.price.interpolation}) | {codes} | "
            f"{info['interpolated_steps']} | {', '.join(marked) or 'none'} |"
        )
    out += ["", "Sources:", ""] + [f"- {source}" for source in scenario.sources]
    out += ["", "## Run", ""]
    out.append(
        f"- engine `{run.get('engine')}`: {run.get('wall_s')} s for {run.get('transactions')} transactions "
        f"in {run.get('blocks')} blocks (setup and walk; deployment excluded)"
    )
    if run.get("timing_s"):
        out.append("- chain engine time by phase (s): " + ", ".join(f"{k} {v}" for k, v in run["timing_s"].items()))
    if "efficiency" in measures:
        resend = measures["resend"]
        out.append(
            f"- engine efficiency: the same {resend['transactions']} transactions, pre-signed and re-sent raw block by "
            f"block from the same starting state, took {resend['resend_s']:.2f} s; "
            f"{resend['resend_s']:.2f} / {run.get('wall_s')} = **{measures['efficiency']:.2f}** (target ≥ 0.5)"
        )
    if "model_speedup" in measures:
        out.append(
            f"- model engine on the same scenario: {measures['model_wall_s']:.3f} s, "
            f"**{measures['model_speedup']:.0f}x** faster (target ≥ 50); summaries equal: "
            f"**{'yes' if measures.get('engines_agree') else 'NO'}** (model run in `model-engine/`)"
        )
    if charts:
        out += ["", "## Charts", ""]
        for name, caption in CHARTS.items():
            out += [f"![{name}]({name})", "", f"*{caption}*", ""]
    return "\n".join(out) + "\n"
