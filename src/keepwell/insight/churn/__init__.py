"""Churn risk: a churn definition a business can state, labels, a backtested and
calibrated model, and the reasons for every account's risk in plain language.

:func:`train_and_score` is the one call: it labels the history with the company's
:class:`ChurnDefinition`, trains and backtests both models, keeps the better one and
scores the live accounts, each with its :class:`Reason` list.
"""

from keepwell.insight.churn.attributes import AttributeData, encode, load_accounts
from keepwell.insight.churn.backtest import (
    Backtest,
    FoldResult,
    TrainingOptions,
    backtest,
    fit_calibrated,
    purged,
)
from keepwell.insight.churn.calibration import (
    CalibrationBin,
    CalibrationMethod,
    Calibrator,
    brier,
    calibration_table,
)
from keepwell.insight.churn.definition import (
    ChurnDefinition,
    ChurnEvent,
    churn_dates,
    churn_events,
    labels,
    load_definition,
)
from keepwell.insight.churn.examples import (
    FEATURE_NAMES,
    ChurnDataError,
    Examples,
    build_examples,
    monthly_cutoffs,
    training_cutoffs,
)
from keepwell.insight.churn.extra import EXTRA_BLOCKS, EXTRA_FEATURES
from keepwell.insight.churn.history import AccountHistory, load_histories, record_span
from keepwell.insight.churn.metrics import Metrics, evaluate, top_decile_lift
from keepwell.insight.churn.model import MODELS, ChurnModel, ModelName
from keepwell.insight.churn.reasons import (
    AccountScore,
    FeatureChange,
    Reason,
    RiskChange,
    explain,
    what_changed,
)
from keepwell.insight.churn.sentences import GROUPS, ReasonGroup
from keepwell.insight.churn.service import (
    ChurnRun,
    Method,
    churn_features,
    score_frame,
    train_and_score,
)

__all__ = [
    "EXTRA_BLOCKS",
    "EXTRA_FEATURES",
    "FEATURE_NAMES",
    "GROUPS",
    "MODELS",
    "AccountHistory",
    "AccountScore",
    "AttributeData",
    "Backtest",
    "CalibrationBin",
    "CalibrationMethod",
    "Calibrator",
    "ChurnDataError",
    "ChurnDefinition",
    "ChurnEvent",
    "ChurnModel",
    "ChurnRun",
    "Examples",
    "FeatureChange",
    "FoldResult",
    "Method",
    "Metrics",
    "ModelName",
    "Reason",
    "ReasonGroup",
    "RiskChange",
    "TrainingOptions",
    "backtest",
    "brier",
    "build_examples",
    "calibration_table",
    "churn_dates",
    "churn_events",
    "churn_features",
    "encode",
    "evaluate",
    "explain",
    "fit_calibrated",
    "labels",
    "load_accounts",
    "load_definition",
    "load_histories",
    "monthly_cutoffs",
    "purged",
    "record_span",
    "score_frame",
    "top_decile_lift",
    "train_and_score",
    "training_cutoffs",
    "what_changed",
]
