"""The two churn models and what they share: scores, calibrated risk, contributions.

``logistic`` is the baseline: signed log of every input, median imputation with
missing-value indicators, standardisation and an L2-regularised logistic regression.
``lightgbm`` is a small, regularised, deterministic gradient-boosted tree model. Both give
per-feature contributions to the log-odds of churn: LightGBM's SHAP values
(``pred_contrib``) and, for the logistic model, coefficient times standardised value.
``blend`` averages the two models' standardised scores: the trees find thresholds and
interactions, the linear model keeps every sign it has seen a little weight, and each
makes up for the other's misses. Its contributions are the two models' pushes, each
divided by its model's score spread, averaged and put back on the models' mean spread
(log-odds), so they are proportional to the blended score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from lightgbm import LGBMClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from keepwell.insight.churn.calibration import Calibrator

ModelName = Literal["logistic", "lightgbm", "blend"]
MODELS: tuple[ModelName, ...] = ("logistic", "lightgbm")
"""The models fitted on their own; ``blend`` averages their standardised scores."""
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
MIN_CHILD_SAMPLES = 40
"""The most examples a leaf must hold (fewer on small data sets)."""
LOGISTIC_C = 0.01
"""The logistic model's inverse L2 strength: strong, for 67 inputs (and their missing-value
indicators) learnt from recency-weighted examples, of which a two-year-old one weighs a
few hundredths. Chosen by the time-based backtest on the demo company: from C = 0.1 to
0.01 the logistic model's pooled ROC AUC rose by 0.02-0.04 on every seed (docs/churn.md)."""
THREADS = 1
"""LightGBM threads. These data sets are small: on a busy two-core machine two OpenMP
threads spin-waiting for each other made a fit about eight times slower than one."""


def signed_log1p(x: Floats) -> Floats:
    """``sign(x) * log(1 + |x|)``: tames counts, amounts and ratios, keeps order and NaN."""
    values = np.asarray(x, dtype=np.float64)
    return np.asarray(np.sign(values) * np.log1p(np.abs(values)), dtype=np.float64)


def logistic_pipeline(c: float = LOGISTIC_C) -> Pipeline:
    """The baseline: log, impute (with indicators), standardise, L2 logistic regression."""
    return Pipeline(
        [
            ("log", FunctionTransformer(signed_log1p)),
            (
                "impute",
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            ),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=c, max_iter=2000)),
        ]
    )


RISK_RISES_WITH: frozenset[str] = frozenset(
    {
        "days_since_last_order",
        "gap_ratio",
        "complaints_90d",
        "complaints_365d",
        "repeat_complaints_90d",
        "recurring_problems_90d",
        "oldest_open_ticket_days",
        "quote_turnaround_days_365d",
        "broken_promises_365d",
        "overdue_invoices",
        "contacts_left_180d",
        "team_departures_180d",
        "days_since_last_interaction",
        "late_deliveries_180d",
        "late_delivery_share_365d",
        "late_share_vs_everyone_365d",
        "unanswered_detractors_180d",
        "late_share_vs_everyone_180d",
        "quote_turnaround_vs_usual",
        "warning_notes_180d",
    }
)
"""Features whose higher values can only raise the risk (a monotone constraint)."""
RISK_FALLS_WITH: frozenset[str] = frozenset(
    {
        "last_nps",
        "last_csat",
        "nps_change",
        "csat_change",
        "quote_win_rate_365d",
        "orders_90d_vs_last_year",
        "revenue_90d_vs_last_year",
        "orders_365d_vs_prior_year",
        "revenue_365d_vs_prior_year",
        "spare_parts_365d_vs_prior_year",
        "orders_180d_vs_usual",
        "orders_90d_vs_usual",
        "revenue_180d_vs_usual",
        "interactions_90d_vs_usual",
        "engaged_contacts_180d",
        "usage_trend",
        "usage_30d_vs_usual",
        "usage_vs_everyone",
    }
)
"""Features whose higher values can only lower the risk."""


def monotone_constraints(features: Sequence[str]) -> list[int]:
    """LightGBM's constraint per feature: 1 (risk rises with it), -1 (falls), 0 (free).

    Where common sense knows the direction (more complaints, later deliveries, a lower
    NPS never make a customer safer), the trees may not learn the opposite from a few
    accidents of the training data; that keeps the ranking sound on new customers.
    """
    return [1 if f in RISK_RISES_WITH else -1 if f in RISK_FALLS_WITH else 0 for f in features]


def lightgbm_classifier(
    n_examples: int, seed: int = 0, features: Sequence[str] = ()
) -> LGBMClassifier:
    """Shallow trees, strong regularisation, bagging, one thread, reproducible; monotone in
    the features whose direction is known (see :func:`monotone_constraints`)."""
    constraints = monotone_constraints(features) if any(monotone_constraints(features)) else None
    return LGBMClassifier(
        monotone_constraints=constraints,
        n_estimators=250,
        learning_rate=0.03,
        num_leaves=7,
        max_depth=3,
        min_child_samples=max(5, min(MIN_CHILD_SAMPLES, n_examples // 50)),
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.7,
        reg_lambda=5.0,
        deterministic=True,
        force_row_wise=True,
        num_threads=THREADS,
        random_state=seed,
        verbose=-1,
    )


class ChurnModel:
    """One model over named features; calibrated after fitting with :meth:`calibrate`."""

    def __init__(self, kind: ModelName, features: Sequence[str], seed: int = 0) -> None:
        self.kind = kind
        self.features = features
        self.seed = seed

    def fit(self, x: Floats, y: Ints, weights: Floats | None = None) -> ChurnModel:
        """Fit the model to ``x`` (one column per feature) and labels ``y``, each example
        weighing ``weights`` (default: all the same)."""
        if x.shape[1] != len(self.features):
            raise ValueError(f"expected {len(self.features)} feature columns, got {x.shape[1]}")
        if len(np.unique(y)) < 2:
            raise ValueError("training needs churned and retained examples")
        estimator: Any = (
            logistic_pipeline()
            if self.kind == "logistic"
            else lightgbm_classifier(len(y), self.seed, self.features)
        )
        if weights is None:
            self.estimator_ = estimator.fit(x, y)
        elif self.kind == "logistic":
            self.estimator_ = estimator.fit(x, y, model__sample_weight=weights)
        else:
            self.estimator_ = estimator.fit(x, y, sample_weight=weights)
        raw = self.raw_score(x)
        self.score_center_ = float(np.mean(raw))
        self.score_scale_ = float(np.std(raw)) or 1.0
        self.calibrator_: Calibrator | None = None
        return self

    def calibrate(self, calibrator: Calibrator) -> ChurnModel:
        """Use ``calibrator``, fitted on :meth:`score` of later examples it was not fitted on."""
        self.calibrator_ = calibrator
        return self

    def score(self, x: Floats) -> Floats:
        """The raw score standardised against the model's own training examples.

        A calibrator learnt on one model's standardised scores carries over to the same
        kind of model refitted on more examples, whose raw scores spread wider.
        """
        return (self.raw_score(x) - self.score_center_) / self.score_scale_

    def raw_score(self, x: Floats) -> Floats:
        """The log-odds of churn before calibration."""
        if self.kind == "logistic":
            return np.asarray(self.estimator_.decision_function(x), dtype=np.float64)
        return np.asarray(self.estimator_.predict(x, raw_score=True), dtype=np.float64)

    def predict_proba(self, x: Floats) -> Floats:
        """The calibrated churn probability (the model's own when not calibrated)."""
        if self.calibrator_ is None:
            return np.asarray(1.0 / (1.0 + np.exp(-self.raw_score(x))), dtype=np.float64)
        return self.calibrator_.predict(self.score(x))

    def contributions(self, x: Floats) -> Floats:
        """Each feature's push on the log-odds of churn, one row per example."""
        if self.kind == "lightgbm":
            contrib = self.estimator_.predict(x, pred_contrib=True)
            return np.asarray(contrib, dtype=np.float64)[:, :-1]
        return self._linear_contributions(x)

    def _linear_contributions(self, x: Floats) -> Floats:
        pipeline: Pipeline = self.estimator_
        z = pipeline[:-1].transform(x)
        terms = z * pipeline["model"].coef_[0]
        width = x.shape[1]
        contrib = np.array(terms[:, :width], dtype=np.float64)
        indicator = pipeline["impute"].indicator_
        if indicator is not None:
            for offset, column in enumerate(indicator.features_):
                contrib[:, column] += terms[:, width + offset]
        return contrib


class BlendModel(ChurnModel):
    """The mean of fitted models' standardised scores, calibrated like any model."""

    def __init__(self, parts: Sequence[ChurnModel]) -> None:
        super().__init__("blend", parts[0].features, parts[0].seed)
        self.parts = list(parts)
        self.score_center_, self.score_scale_ = 0.0, 1.0
        self.calibrator_ = None

    def fit(self, x: Floats, y: Ints, weights: Floats | None = None) -> ChurnModel:
        """Fit every part."""
        for part in self.parts:
            part.fit(x, y, weights)
        return self

    def raw_score(self, x: Floats) -> Floats:
        """The mean of the parts' standardised scores."""
        return np.asarray(np.mean([part.score(x) for part in self.parts], axis=0))

    def score(self, x: Floats) -> Floats:
        """The blended score, already on the parts' standardised scale."""
        return self.raw_score(x)

    def contributions(self, x: Floats) -> Floats:
        """Each part's pushes over its score spread, averaged over the parts, back on the
        parts' mean log-odds scale (so a reason's threshold means what it means for them)."""
        pushes = [part.contributions(x) / part.score_scale_ for part in self.parts]
        spread = float(np.mean([part.score_scale_ for part in self.parts]))
        return np.asarray(np.mean(pushes, axis=0) * spread, dtype=np.float64)
