"""Buy-till-you-die customer-lifetime models: BG/NBD, Pareto/NBD, Gamma-Gamma and CLV.

Fast maximum-likelihood fits (vectorised log-likelihoods with analytic gradients, identical
customers collapsed into weights), validated against the published CDNOW estimates. See
``docs/clv.md``.
"""

from keepwell.insight.btyd.base import ConvergenceWarning, TransactionModel
from keepwell.insight.btyd.bgnbd import BGNBDModel, simulate_bgnbd
from keepwell.insight.btyd.clv import (
    customer_lifetime_value,
    expected_spend,
    periods_per_month,
)
from keepwell.insight.btyd.gammagamma import GammaGammaModel
from keepwell.insight.btyd.paretonbd import ParetoNBDModel
from keepwell.insight.btyd.summary import calibration_holdout_summary, rfm_summary

__all__ = [
    "BGNBDModel",
    "ConvergenceWarning",
    "GammaGammaModel",
    "ParetoNBDModel",
    "TransactionModel",
    "calibration_holdout_summary",
    "customer_lifetime_value",
    "expected_spend",
    "periods_per_month",
    "rfm_summary",
    "simulate_bgnbd",
]
