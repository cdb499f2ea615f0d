"""Does the risk ranking catch the demo company's early signs? Per seed and per cause.

Builds the demo company (300 accounts) with seeds 6, 7 and 11 at a fixed last day, each
into its own fresh SQLite file (``keepwell demo --no-serve``), scores it the day after
(:func:`keepwell.insight.scoring.run_scoring`) and compares the ranking with the ground
truth's ``at_risk`` accounts — customers whose signs of leaving have started but who have
not left yet:

- capture: the share of them in the riskiest fifth of the live (scored) accounts, by the
  churn model's calibrated probability and by the health score (lowest first);
- the pooled time-based backtest ROC AUC of the chosen churn model and of the health score.

Targets: capture >= 80 % and backtest ROC AUC >= 0.80 on every seed.

    .venv/bin/python benchmarks/bench_risk.py [--seeds 6,7,11] [--as-of 2026-11-30]
        [--builds DIR]

``--builds DIR`` keeps the built demo databases in DIR and reuses them on later runs
(each run scores a fresh copy), which saves the build when only the model changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

KEEPWELL = [str(Path(sys.executable).parent / "keepwell")]
TOP_SHARE = 0.2
TARGET_CAPTURE = 0.8
TARGET_AUC = 0.8


@dataclass
class SeedResult:
    """One seed's figures."""

    seed: int
    live: int
    model: str
    model_auc: float | None
    health_auc: float | None
    seconds: float
    at_risk: int
    """Live accounts in the at-risk band (what the lists show)."""
    band_times: float | None
    """How many times the base rate the at-risk band's backtest examples churned."""
    by_cause: dict[str, list[tuple[bool, bool]]] = field(default_factory=dict)
    """Per cause, for each at-risk account: (in the top fifth by model, by health)."""

    def capture(self, which: int, cause: str | None = None) -> tuple[int, int]:
        """(caught, total) by the model (``which`` 0) or health (1), of one cause or all."""
        hits = [
            pair[which]
            for name, pairs in self.by_cause.items()
            if cause is None or name == cause
            for pair in pairs
        ]
        return sum(hits), len(hits)


def build(seed: int, day: date, folder: Path, env: dict[str, str]) -> Path:
    """The demo company of ``seed`` in ``folder/demo.sqlite3`` (built unless already there)."""
    database = folder / "demo.sqlite3"
    if database.exists() and (folder / "out" / "ground_truth.json").exists():
        return database
    folder.mkdir(parents=True, exist_ok=True)
    args = [
        *KEEPWELL,
        "--database-url",
        f"sqlite:///{database}",
        "demo",
        "--no-serve",
        "--json",
        "--seed",
        str(seed),
        "--as-of",
        day.isoformat(),
        "--out",
        str(folder / "out"),
    ]
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"demo seed {seed} failed:\n{done.stderr}")
    return database


def score(seed: int, day: date, folder: Path, scratch: Path) -> SeedResult:
    """Score a copy of the built demo the day after its last day and rank it."""
    from keepwell.demo import load_ground_truth
    from keepwell.insight.models import AccountScore, ScoreRun
    from keepwell.insight.risk import risk_bands
    from keepwell.insight.scoring import run_scoring
    from keepwell.record.models import Account

    copy = scratch / f"seed-{seed}.sqlite3"
    shutil.copyfile(folder / "demo.sqlite3", copy)
    engine = create_engine(f"sqlite:///{copy}")
    started = time.perf_counter()
    result = run_scoring(engine, as_of=day + timedelta(days=1))
    seconds = time.perf_counter() - started
    rows = {row["model"]: row for row in result.churn.backtest_rows() if row["cutoff"] == "all"}
    with Session(engine) as session:
        run = session.get(ScoreRun, result.run_id)
        assert run is not None
        scores = session.execute(
            select(Account.external_id, AccountScore.churn_probability, AccountScore.health_score)
            .join(Account, Account.id == AccountScore.account_id)
            .where(AccountScore.run_id == run.id, Account.source == "crm")
        ).all()
    engine.dispose()
    top = max(1, round(len(scores) * TOP_SHARE))
    by_model = {crm for crm, _, _ in sorted(scores, key=lambda s: -s[1])[:top]}
    by_health = {crm for crm, _, _ in sorted(scores, key=lambda s: s[2])[:top]}
    truth = load_ground_truth(folder / "out")
    by_cause: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for account in truth.at_risk:
        caught = (account.account in by_model, account.account in by_health)
        by_cause[account.causes[0]].append(caught)
    health = rows.get("health", {})
    bands = result.churn.risk_bands() or {}
    threshold = risk_bands({"risk_bands": bands}).at_risk
    return SeedResult(
        seed,
        len(scores),
        result.churn.model_name,
        rows[result.churn.model_name]["roc_auc"],
        health.get("roc_auc"),
        seconds,
        sum(1 for _, p, _ in scores if p is not None and p >= threshold),
        (bands.get("bands") or [{}])[0].get("times_base_rate"),
        dict(sorted(by_cause.items())),
    )


def share(pair: tuple[int, int]) -> str:
    caught, total = pair
    return f"{caught}/{total} ({caught / total:.0%})" if total else "—"


def auc(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def times(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}× the base rate"


def report(results: list[SeedResult]) -> None:
    print()
    header = (
        "seed", "live", "model", "capture by risk", "capture by health",
        "backtest AUC model", "backtest AUC health", "at risk (live)",
        "at-risk band in the backtest", "score s",
    )  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        print(
            f"| {r.seed} | {r.live} | {r.model} | {share(r.capture(0))} | {share(r.capture(1))} "
            f"| {auc(r.model_auc)} | {auc(r.health_auc)} | {r.at_risk} "
            f"| {times(r.band_times)} | {r.seconds:.0f} |"
        )
    print()
    causes = sorted({c for r in results for c in r.by_cause})
    print("| cause | " + " | ".join(f"seed {r.seed} risk / health" for r in results) + " |")
    print("|" + "---|" * (len(results) + 1))
    for cause in causes:
        cells = [f"{share(r.capture(0, cause))} / {share(r.capture(1, cause))}" for r in results]
        print(f"| {cause} | " + " | ".join(cells) + " |")
    print()
    met = all(
        r.capture(0)[0] >= TARGET_CAPTURE * r.capture(0)[1] and (r.model_auc or 0) >= TARGET_AUC
        for r in results
    )
    print(f"Targets (capture >= {TARGET_CAPTURE:.0%}, ROC AUC >= {TARGET_AUC}): "
          f"{'met' if met else 'NOT met'} on every seed.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="6,7,11")
    parser.add_argument("--as-of", default="2026-11-30", type=date.fromisoformat)
    parser.add_argument("--builds", type=Path, default=None)
    options = parser.parse_args()
    results: list[SeedResult] = []
    with tempfile.TemporaryDirectory(prefix="bench-risk-") as tmp:
        scratch = Path(tmp)
        data_dir = scratch / "data"
        data_dir.mkdir()
        os.environ["KEEPWELL_DATA_DIR"] = str(data_dir)
        env = {**os.environ}
        builds = options.builds or scratch / "builds"
        for seed in (int(s) for s in options.seeds.split(",")):
            folder = builds / f"seed-{seed}-{options.as_of}"
            build(seed, options.as_of, folder, env)
            results.append(score(seed, options.as_of, folder, scratch))
            print(f"seed {seed} scored in {results[-1].seconds:.0f} s", file=sys.stderr)
    report(results)


if __name__ == "__main__":
    main()
