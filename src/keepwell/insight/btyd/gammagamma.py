"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999).

A customer's transaction values are ``Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma)`` across
customers, independent of the purchase process. For a customer with ``x`` repeat purchases of
mean value ``m`` the likelihood of ``m`` is::

    G(p x + q) / (G(p x) G(q)) * gamma^q * x^(p x) * m^(p x - 1) / (gamma + x m)^(p x + q)

Fit it on customers with at least one repeat purchase, ``m`` being the mean of the *repeat*
purchases (the convention that reproduces the published CDNOW estimates).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln

from keepwell.insight.btyd.base import (
    FloatArray,
    MaximumLikelihoodModel,
    as_float_array,
    check_frequency,
    check_same_length,
    collapse_rows,
    maximize_log_likelihood,
    wdot,
)


@dataclass(frozen=True)
class _SpendData:
    x: FloatArray
    log_x: FloatArray
    m: FloatArray
    log_m: FloatArray
    w: FloatArray
    n: float


def _validate_spend(
    frequency: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    fitting: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x = as_float_array("frequency", frequency)
    m = as_float_array("monetary_value", monetary_value)
    if weights is None:
        check_same_length(frequency=x, monetary_value=m)
        w = np.ones_like(x)
    else:
        w = as_float_array("weights", weights)
        check_same_length(frequency=x, monetary_value=m, weights=w)
        if np.isnan(w).any() or not np.isfinite(w).all() or (w <= 0).any():
            raise ValueError("weights must be finite and strictly positive")
    if len(x) == 0:
        raise ValueError("need at least one customer")
    check_frequency(x)
    if np.isnan(m).any():
        bad = int(np.flatnonzero(np.isnan(m))[0])
        raise ValueError(f"monetary_value contains NaN at position {bad}")
    if not np.isfinite(m).all():
        raise ValueError("monetary_value contains infinite values")
    if fitting:
        if (x == 0).any():
            raise ValueError(
                "the Gamma-Gamma model is fitted on customers with at least one repeat purchase; "
                f"{int((x == 0).sum())} customer(s) have frequency 0"
            )
        if (m <= 0).any():
            bad = int(np.flatnonzero(m <= 0)[0])
            raise ValueError(f"monetary_value must be positive; position {bad} is {m[bad]}")
    elif (m < 0).any():
        bad = int(np.flatnonzero(m < 0)[0])
        raise ValueError(f"monetary_value must be non-negative; position {bad} is {m[bad]}")
    return x, m, w


class GammaGammaModel(MaximumLikelihoodModel):
    """Gamma-Gamma model of average transaction value with parameters ``p, q, gamma``."""

    param_names: ClassVar[tuple[str, ...]] = ("p", "q", "gamma")

    def fit(
        self,
        frequency: npt.ArrayLike,
        monetary_value: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        *,
        collapse: bool = True,
    ) -> Self:
        """Maximum-likelihood fit on repeat customers.

        Every customer needs ``frequency >= 1`` and ``monetary_value > 0``.
        """
        x, m, w = _validate_spend(frequency, monetary_value, weights, fitting=True)
        self.n_customers_ = round(float(w.sum()))
        if collapse:
            w, (x, m) = collapse_rows(w, x, m)
        self.n_unique_ = len(w)
        # Money in units of the mean spend keeps gamma near 1 (gamma scales with the currency).
        scale = 1.0 / float(np.average(m, weights=w))
        ms = m * scale
        data = _SpendData(x=x, log_x=np.log(x), m=ms, log_m=np.log(ms), w=w, n=float(w.sum()))
        x0 = self._initial_log_params({"p": 1.0, "q": 1.0, "gamma": 1.0}, None)
        outcome = maximize_log_likelihood(
            lambda th: self._objective(th, data), x0, tol=self.tol, max_iter=self.max_iter
        )
        p, q, gamma = np.exp(outcome.log_params)
        self.params_ = {"p": float(p), "q": float(q), "gamma": float(gamma / scale)}
        self._record(outcome)
        self.log_likelihood_ = self.log_likelihood(x, m, w)
        return self

    @staticmethod
    def _objective(log_params: FloatArray, d: _SpendData) -> tuple[float, FloatArray]:
        p, q, gamma = np.exp(log_params)
        px = p * d.x
        log_xm_g = np.log(d.x * d.m + gamma)
        psi_pxq = digamma(px + q)
        ll = wdot(
            d.w,
            gammaln(px + q)
            - gammaln(px)
            + (px - 1.0) * d.log_m
            + px * d.log_x
            - (px + q) * log_xm_g,
        ) + d.n * (q * np.log(gamma) - gammaln(q))
        g_p = wdot(d.w, d.x * (psi_pxq - digamma(px) + d.log_m + d.log_x - log_xm_g))
        g_q = wdot(d.w, psi_pxq - log_xm_g) + d.n * (np.log(gamma) - digamma(q))
        g_gamma = d.n * q / gamma - wdot(d.w, (px + q) / (d.x * d.m + gamma))
        grad = -np.array([g_p * p, g_q * q, g_gamma * gamma]) / d.n
        return -ll / d.n, grad

    def log_likelihood(
        self,
        frequency: npt.ArrayLike,
        monetary_value: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
    ) -> float:
        """Total log-likelihood (density of the mean spends) under the fitted parameters."""
        p, q, gamma = self._param_values()
        x, m, w = _validate_spend(frequency, monetary_value, weights, fitting=True)
        px = p * x
        rows = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(gamma)
            + (px - 1.0) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(x * m + gamma)
        )
        return wdot(w, rows)

    def conditional_expected_average_profit(
        self, frequency: npt.ArrayLike | None = None, monetary_value: npt.ArrayLike | None = None
    ) -> FloatArray:
        """E[average transaction value | x, m] = (gamma + m x) p / (p x + q - 1).

        A weighted mean of the population mean ``p gamma / (q - 1)`` and the customer's own
        mean ``m``; customers with ``frequency`` 0 get the population mean. Without arguments,
        returns the population mean.
        """
        p, q, gamma = self._param_values()
        if frequency is None and monetary_value is None:
            return np.asarray(p * gamma / (q - 1.0))
        if frequency is None or monetary_value is None:
            raise ValueError("give both frequency and monetary_value, or neither")
        xb, mb = np.broadcast_arrays(
            np.asarray(frequency, dtype=np.float64), np.asarray(monetary_value, dtype=np.float64)
        )
        x, m, _ = _validate_spend(xb.ravel(), mb.ravel(), fitting=False)
        out = (gamma + m * x) * p / (p * x + q - 1.0)
        return np.asarray(out, dtype=np.float64).reshape(xb.shape)
