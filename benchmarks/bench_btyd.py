"""Benchmark: BG/NBD and Pareto/NBD fit times, Keepwell vs ``lifetimes`` 0.11.3.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_btyd.py                 # CDNOW, 100k and 1M customers
    .venv/bin/python benchmarks/bench_btyd.py --sizes 100000  # smaller run
    .venv/bin/python benchmarks/bench_btyd.py --no-lifetimes  # Keepwell only

Data sets: the CDNOW sample (calibration to 1997-09-30, weeks; from ``../shared/data``) and
synthetic cohorts drawn from the BG/NBD generative process with the CDNOW estimates
(r=0.243, alpha=4.414 weeks, a=0.793, b=2.426), seeded: first purchases spread over a 12-week
acquisition window, 39 weeks of calibration, purchase times recorded to the day (as a real
transaction log is) and expressed in weeks.

``lifetimes`` 0.11.3 does not import with numpy 2 / pandas 2.3 (the project's versions), so it
runs in a separate virtual environment, as a subprocess that receives the same arrays through
an ``.npz`` file. One-off set-up::

    .venv/bin/uv venv .venv-bench --python 3.11
    .venv/bin/uv pip install --python .venv-bench/bin/python lifetimes==0.11.3 \\
        numpy==1.26.4 pandas==2.0.3 scipy==1.11.4 autograd "setuptools<70"

(``setuptools`` supplies ``pkg_resources``, which ``lifetimes`` imports.) Point
``--lifetimes-python`` or ``KEEPWELL_LIFETIMES_PYTHON`` at another interpreter if needed.
Without a working ``lifetimes`` the script says so and prints the Keepwell columns only.

Timings are whole ``fit()`` calls, best of ``--repeats`` runs (validation, collapsing and the
final log-likelihood included for Keepwell; ``lifetimes``' fit also computes its Hessian for
standard errors, which is part of what its users pay). ``lifetimes``' Pareto/NBD uses
gradient-free Nelder-Mead and takes tens of seconds at 100k customers, so above
``--lifetimes-pareto-max`` customers it is not run and the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from keepwell.insight.btyd import (
    BGNBDModel,
    ParetoNBDModel,
    calibration_holdout_summary,
    simulate_bgnbd,
)

REPO = Path(__file__).resolve().parents[1]
CDNOW = REPO.parent / "shared" / "data" / "cdnow" / "CDNOW_sample.txt"
DEFAULT_LIFETIMES_PYTHON = REPO / ".venv-bench" / "bin" / "python"
CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # weeks

WORKER = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
import lifetimes
from lifetimes import BetaGeoFitter, ParetoNBDFitter
path, model, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = np.load(path)
cls = BetaGeoFitter if model == "bgnbd" else ParetoNBDFitter
times = []
for _ in range(repeats):
    start = time.perf_counter()
    fitted = cls().fit(data["frequency"], data["recency"], data["T"])
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times), "version": lifetimes.__version__,
                  "params": {k: float(v) for k, v in fitted.params_.items()}}))
"""


@dataclass
class Dataset:
    name: str
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray


@dataclass
class Row:
    dataset: str
    customers: int
    unique_rows: int
    model: str
    keepwell_s: float
    keepwell_ll: float
    lifetimes_s: float | None = None
    max_rel_diff: float | None = None
    note: str = ""


def cdnow_dataset() -> Dataset | None:
    if not CDNOW.exists():
        print(f"(CDNOW sample not found at {CDNOW}; skipping it)")
        return None
    tx = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["customer", "sample_id", "date", "cds", "amount"],
        dtype={"customer": str, "date": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    s = calibration_holdout_summary(
        tx,
        customer_col="customer",
        date_col="date",
        amount_col="amount",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    return Dataset("CDNOW", *(s[c].to_numpy() for c in ("frequency_cal", "recency_cal", "T_cal")))


def synthetic_dataset(n: int, seed: int = 20050101) -> Dataset:
    """A CDNOW-like cohort from the BG/NBD process, purchase days recorded to the day."""
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, 84, n)  # acquired over 12 weeks
    age_days = (273 - 1 - first_day).astype(float)  # calibration ends on day 272
    p = CDNOW_PARAMS
    x, t_x = simulate_bgnbd(p["r"], p["alpha"] * 7.0, p["a"], p["b"], age_days, seed=rng)
    recency_days = np.minimum(np.ceil(t_x), age_days)
    return Dataset(f"synthetic {n:,}", x, recency_days / 7.0, age_days / 7.0)


def time_keepwell(model_cls: type[BGNBDModel | ParetoNBDModel], d: Dataset, repeats: int) -> Any:
    best = float("inf")
    model = model_cls()
    for _ in range(repeats):
        model = model_cls()
        start = time.perf_counter()
        model.fit(d.frequency, d.recency, d.T)
        best = min(best, time.perf_counter() - start)
    return model, best


def lifetimes_available(python: Path) -> tuple[bool, str]:
    if not python.exists():
        return False, f"no interpreter at {python}"
    probe = subprocess.run(
        [str(python), "-c", "import lifetimes; print(lifetimes.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        return False, f"`import lifetimes` failed in {python}: {last}"
    return True, probe.stdout.strip()


def time_lifetimes(python: Path, d: Dataset, model: str, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        np.savez(path, frequency=d.frequency, recency=d.recency, T=d.T)
        out = subprocess.run(
            [str(python), "-c", WORKER, str(path), model, str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr else "failed")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def max_rel_diff(ours: dict[str, float], theirs: dict[str, float]) -> float:
    return max(abs(ours[k] - theirs[k]) / abs(theirs[k]) for k in ours)


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def print_table(rows: list[Row]) -> None:
    header = (
        "| data | customers | unique rows | model | Keepwell fit | lifetimes fit | speed-up "
        "| max rel. param diff | Keepwell LL |"
    )
    print(header)
    print("|" + "|".join(["---"] * 9) + "|")
    for r in rows:
        speedup = f"{r.lifetimes_s / r.keepwell_s:.0f}x" if r.lifetimes_s else "-"
        diff = f"{r.max_rel_diff:.1e}" if r.max_rel_diff is not None else "-"
        lt = fmt_s(r.lifetimes_s) if r.lifetimes_s is not None else (r.note or "-")
        print(
            f"| {r.dataset} | {r.customers:,} | {r.unique_rows:,} | {r.model} "
            f"| {fmt_s(r.keepwell_s)} | {lt} | {speedup} | {diff} | {r.keepwell_ll:,.1f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3, help="best of N fits (both sides)")
    parser.add_argument(
        "--lifetimes-python",
        type=Path,
        default=Path(os.environ.get("KEEPWELL_LIFETIMES_PYTHON", DEFAULT_LIFETIMES_PYTHON)),
    )
    parser.add_argument("--no-lifetimes", action="store_true")
    parser.add_argument(
        "--lifetimes-pareto-max",
        type=int,
        default=100_000,
        help="largest data set on which to run lifetimes' (slow) Pareto/NBD, once",
    )
    args = parser.parse_args()

    use_lifetimes, info = (False, "disabled (--no-lifetimes)")
    if not args.no_lifetimes:
        use_lifetimes, info = lifetimes_available(args.lifetimes_python)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; numpy {np.__version__}"
    )
    if use_lifetimes:
        print(f"lifetimes {info} via {args.lifetimes_python}")
    else:
        print(f"lifetimes unavailable: {info}")
        print("  -> see this script's docstring to set up .venv-bench; Keepwell columns only.")
    print()

    datasets = [d for d in [cdnow_dataset()] if d is not None]
    datasets += [synthetic_dataset(n) for n in args.sizes]
    rows: list[Row] = []
    for d in datasets:
        for label, cls, key in (
            ("BG/NBD", BGNBDModel, "bgnbd"),
            ("Pareto/NBD", ParetoNBDModel, "paretonbd"),
        ):
            model, seconds = time_keepwell(cls, d, args.repeats)
            row = Row(
                d.name, len(d.frequency), model.n_unique_, label, seconds, model.log_likelihood_
            )
            if not use_lifetimes:
                row.note = "not available"
            elif key == "paretonbd" and len(d.frequency) > args.lifetimes_pareto_max:
                row.note = "not run (too slow: Nelder-Mead)"
            else:
                repeats = 1 if key == "paretonbd" and len(d.frequency) > 10_000 else args.repeats
                try:
                    res = time_lifetimes(args.lifetimes_python, d, key, repeats)
                except RuntimeError as exc:
                    row.note = f"failed: {exc}"
                else:
                    row.lifetimes_s = float(res["seconds"])
                    row.max_rel_diff = max_rel_diff(model.params_, res["params"])
            rows.append(row)
            print(f"  done: {d.name} {label}", file=sys.stderr)
    print_table(rows)
    print()
    print(
        "Keepwell: best of", args.repeats, "fits. lifetimes: best of", args.repeats,
        "for BG/NBD; a single run for Pareto/NBD above 10,000 customers.",
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
