"""The snapshot-only path: which accounts look like the ones already lost.

When the record holds no usable history (only accounts with attributes and a lost or
active status), the models learn ``status is lost`` from what the accounts are: segment,
region, tier, industry, country (one column per common value), contract value and the
custom attributes (numbers as numbers, other values one column per common value). They
are judged by stratified cross-validation; each training fold calibrates its model on
out-of-fold scores of an inner cross-validation, never on the fold it is judged on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from sqlalchemy import Engine, select

from keepwell.insight.churn.backtest import Backtest, FoldResult, TrainingOptions, summarise
from keepwell.insight.churn.calibration import Calibrator
from keepwell.insight.churn.examples import ChurnDataError
from keepwell.insight.churn.metrics import evaluate
from keepwell.insight.churn.model import MODELS, ChurnModel, ModelName
from keepwell.insight.churn.sentences import ReasonGroup, Values
from keepwell.record.models import Account

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
CATEGORIES = ("segment", "region", "tier", "industry", "country")
MIN_PER_CLASS = 6


def load_accounts(engine: Engine) -> pd.DataFrame:
    """Every account's status, categories, contract value and custom attributes."""
    columns = (Account.id, Account.status, *(getattr(Account, c) for c in CATEGORIES))
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, Account.contract_value, Account.attributes)).all()
    records: list[dict[str, Any]] = []
    for row in rows:
        record = dict(row._mapping)
        custom = record.pop("attributes") or {}
        record.update({f"attribute:{key}": value for key, value in custom.items()})
        records.append(record)
    return pd.DataFrame.from_records(records, columns=None if records else ["id", "status"])


@dataclass(frozen=True)
class AttributeData:
    """Accounts encoded as model inputs, their lost flag, and a reason group per attribute."""

    account_ids: list[int]
    x: Floats
    y: Ints
    features: tuple[str, ...]
    groups: tuple[ReasonGroup, ...]

    def values(self, row: int) -> dict[str, float | None]:
        """One account's encoded values by feature name (NaN as None)."""
        return {
            name: None if math.isnan(value) else float(value)
            for name, value in zip(self.features, self.x[row], strict=True)
        }


def encode(accounts: pd.DataFrame, lost_statuses: Sequence[str]) -> AttributeData:
    """Numbers as they are, other values one-hot for values held by enough accounts."""
    y = accounts["status"].isin(list(lost_statuses)).to_numpy(dtype=np.int64)
    common = max(3, math.ceil(0.02 * len(accounts)))
    columns: dict[str, pd.Series] = {}
    groups: list[ReasonGroup] = []
    sources = [c for c in accounts.columns if c not in ("id", "status")]
    for source in sources:
        raw = accounts[source]
        label = source.removeprefix("attribute:").replace("_", " ")
        numbers = pd.to_numeric(raw, errors="coerce")
        if source == "contract_value" or _mostly_numeric(raw, numbers):
            columns[source] = numbers.astype("float64")
            groups.append(_numeric_group(source, label, numbers, y))
            continue
        text = raw.map(lambda v: None if v is None or v == "" else str(v))
        counts = text.value_counts()
        names = [f"{source}={value}" for value in counts[counts >= common].index]
        for name in names:
            columns[name] = (text == name.split("=", 1)[1]).astype("float64")
        if names:
            groups.append(_category_group(source, label, names, text, y))
    frame = pd.DataFrame(columns, index=accounts.index)
    return AttributeData(
        accounts["id"].astype("int64").tolist(),
        frame.to_numpy(dtype=np.float64),
        y,
        tuple(frame.columns),
        tuple(groups),
    )


def _mostly_numeric(raw: pd.Series, numbers: pd.Series) -> bool:
    present = raw.notna() & (raw.astype(str) != "")
    return bool(present.sum()) and bool(numbers[present].notna().mean() >= 0.9)


def _numeric_group(source: str, label: str, numbers: pd.Series, y: Ints) -> ReasonGroup:
    lost = _median(numbers[y == 1])
    kept = _median(numbers[y == 0])

    def template(values: Values) -> str | None:
        value = values.get(source)
        if value is None or pd.isna(lost) or pd.isna(kept):
            return None
        return (
            f"{label} {value:,.0f} (median of lost accounts {lost:,.0f}, of the others {kept:,.0f})"
        )

    return ReasonGroup(source, (source,), template)


def _median(values: pd.Series) -> float:
    """The median of the known values; NaN when none is known (no warning)."""
    known = values.dropna()
    return float(known.median()) if len(known) else float("nan")


def _category_group(
    source: str, label: str, names: list[str], text: pd.Series, y: Ints
) -> ReasonGroup:
    overall = float(np.mean(y))
    rates = {name: float(np.mean(y[(text == name.split("=", 1)[1]).to_numpy()])) for name in names}

    def template(values: Values) -> str | None:
        for name in names:
            if values.get(name) == 1.0 and rates[name] > overall:
                return (
                    f"{label} {name.split('=', 1)[1]}: {rates[name]:.0%} of those accounts "
                    f"were lost, against {overall:.0%} of all"
                )
        return None

    return ReasonGroup(source, tuple(names), template)


def folds_for(y: Ints, wanted: int = 5) -> int:
    """How many stratified folds the labels allow (at least 3), or an error."""
    smaller = int(min(np.sum(y), len(y) - np.sum(y)))
    if smaller < MIN_PER_CLASS:
        raise ChurnDataError(
            f"not enough accounts to learn from: {smaller} in the smaller of lost and "
            f"retained, {MIN_PER_CLASS} needed"
        )
    return max(3, min(wanted, smaller // 2))


def fit_cv_calibrated(
    kind: ModelName, data: AttributeData, rows: Ints, options: TrainingOptions
) -> ChurnModel:
    """A model fitted on ``rows``, calibrated on out-of-fold scores of an inner CV."""
    x, y = data.x[rows], data.y[rows]
    scores = np.zeros(len(rows), dtype=np.float64)
    inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=options.seed)
    for fit_rows, held_rows in inner.split(x, y):
        part = ChurnModel(kind, data.features, options.seed).fit(x[fit_rows], y[fit_rows])
        scores[held_rows] = part.score(x[held_rows])
    calibrator = Calibrator(options.calibration).fit(scores, y)
    return ChurnModel(kind, data.features, options.seed).fit(x, y).calibrate(calibrator)


def cross_validate(data: AttributeData, options: TrainingOptions) -> Backtest:
    """Both models by stratified cross-validation, pooled over the folds."""
    outer = StratifiedKFold(n_splits=folds_for(data.y), shuffle=True, random_state=options.seed)
    folds: list[FoldResult] = []
    predictions: dict[ModelName, tuple[list[Ints], list[Floats]]] = {m: ([], []) for m in MODELS}
    for number, (train, test) in enumerate(outer.split(data.x, data.y), start=1):
        for kind in MODELS:
            model = fit_cv_calibrated(kind, data, train, options)
            p = model.predict_proba(data.x[test])
            folds.append(FoldResult(kind, None, number, len(train), evaluate(data.y[test], p)))
            predictions[kind][0].append(data.y[test])
            predictions[kind][1].append(p)
    return summarise(folds, predictions, [])
