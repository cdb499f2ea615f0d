"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While active, a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; after each repeat
purchase they drop out for good with probability ``p ~ Beta(a, b)``. For a customer with ``x``
repeat purchases, the last at ``t_x``, observed for ``T``::

    L = B(a, b + x) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + T)^(r + x))
        + [x > 0] B(a + 1, b + x - 1) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + t_x)^(r + x))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, expit, gammaln, hyp2f1

from keepwell.insight.btyd.base import (
    FloatArray,
    IntArray,
    TransactionModel,
    broadcast_rft,
    check_horizon,
    unique_inverse,
    wdot,
)


@dataclass(frozen=True)
class _BGNBDData:
    n: float  # total weight (number of customers)
    ux: FloatArray  # distinct frequencies
    wx: FloatArray  # total weight per distinct frequency
    # customers without repeat purchases: only their age matters
    T0: FloatArray
    w0: FloatArray
    # repeat customers
    xp: FloatArray
    wp: FloatArray
    x_code: IntArray  # index into ux
    uT: FloatArray  # distinct ages of repeat customers, and each row's index into it
    T_code: IntArray
    ut: FloatArray  # distinct recencies, and each row's index into it
    t_code: IntArray


class BGNBDModel(TransactionModel):
    """Beta-geometric/NBD model with parameters ``r, alpha, a, b``."""

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    default_initial: ClassVar[dict[str, float]] = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}

    # ------------------------------------------------------------------ likelihood

    def _prepare(self, x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> _BGNBDData:
        ux, x_inv = unique_inverse(x)
        wx = np.asarray(np.bincount(x_inv, weights=w, minlength=len(ux)), dtype=np.float64)
        zero = x == 0
        pos = ~zero
        uT, T_code = unique_inverse(T[pos])
        ut, t_code = unique_inverse(t_x[pos])
        return _BGNBDData(
            n=float(w.sum()),
            ux=ux,
            wx=wx,
            T0=T[zero],
            w0=w[zero],
            xp=x[pos],
            wp=w[pos],
            x_code=x_inv[pos],
            uT=uT,
            T_code=T_code,
            ut=ut,
            t_code=t_code,
        )

    def _objective(self, log_params: FloatArray, data: _BGNBDData) -> tuple[float, FloatArray]:
        r, alpha, a, b = np.exp(log_params)
        ux, wx, n = data.ux, data.wx, data.n
        log_alpha = np.log(alpha)

        # Terms that depend on the frequency only: evaluated once per distinct frequency.
        ll = (
            wdot(
                wx,
                gammaln(r + ux)
                - gammaln(r)
                + gammaln(a + b)
                + gammaln(b + ux)
                - gammaln(b)
                - gammaln(a + b + ux),
            )
            + n * r * log_alpha
        )
        dpsi_ab = digamma(a + b) - digamma(a + b + ux)
        g_r = wdot(wx, digamma(r + ux) - digamma(r)) + n * log_alpha
        g_alpha = n * r / alpha
        g_a = wdot(wx, dpsi_ab)
        g_b = wdot(wx, dpsi_ab + digamma(b + ux) - digamma(b))

        # x = 0:  log L = ... - r log(alpha + T)
        if data.T0.size:
            log_T0 = np.log(alpha + data.T0)
            s0 = wdot(data.w0, log_T0)
            ll -= r * s0
            g_r -= s0
            g_alpha -= r * wdot(data.w0, 1.0 / (alpha + data.T0))

        # x > 0:  log L = ... + B3 + log(1 + exp(B4 - B3)),
        #   B3 = -(r + x) log(alpha + T),
        #   B4 = log a - log(b + x - 1) - (r + x) log(alpha + t_x).
        if data.xp.size:
            xp, wp = data.xp, data.wp
            log_T = np.log(alpha + data.uT)[data.T_code]
            log_t = np.log(alpha + data.ut)[data.t_code]
            inv_T = (1.0 / (alpha + data.uT))[data.T_code]
            inv_t = (1.0 / (alpha + data.ut))[data.t_code]
            with np.errstate(divide="ignore"):  # b + x - 1 > 0 whenever x >= 1
                bx = b + ux - 1.0
                log_bx = np.where(ux > 0, np.log(np.where(ux > 0, bx, 1.0)), 0.0)[data.x_code]
                inv_bx = np.where(ux > 0, 1.0 / np.where(ux > 0, bx, 1.0), 0.0)[data.x_code]
            rx = r + xp
            gap = log_T - log_t  # >= 0
            d = np.log(a) - log_bx + rx * gap  # B4 - B3
            e = np.exp(-np.abs(d))
            softplus = np.maximum(d, 0.0) + np.log1p(e)
            share4 = np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))  # weight of the B4 branch
            ws4 = wp * share4
            ll += wdot(wp, softplus - rx * log_T)
            g_r += wdot(ws4, gap) - wdot(wp, log_T)
            g_alpha += wdot(ws4, rx * (inv_T - inv_t)) - wdot(wp, rx * inv_T)
            g_a += float(ws4.sum()) / a
            g_b -= wdot(ws4, inv_bx)

        grad = -np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b]) / n
        return -ll / n, grad

    def _log_likelihood_rows(
        self, params: tuple[float, ...], x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, a, b = params
        a1 = (
            gammaln(r + x)
            - gammaln(r)
            + r * np.log(alpha)
            + gammaln(a + b)
            + gammaln(b + x)
            - gammaln(b)
            - gammaln(a + b + x)
        )
        b3 = -(r + x) * np.log(alpha + T)
        b4 = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) - (r + x) * np.log(alpha + t_x)
        return np.asarray(a1 + np.where(x > 0, np.logaddexp(b3, b4), b3), dtype=np.float64)

    # ------------------------------------------------------------------ predictions

    def conditional_probability_alive(
        self, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """P(alive at T | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
        r, alpha, a, b = self._param_values()
        x, t_x, age, shape = broadcast_rft(frequency, recency, T)
        log_odds_dead = (
            np.log(a)
            - np.log(b + np.maximum(x, 1.0) - 1.0)
            + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
        )
        p = np.where(x > 0, expit(-log_odds_dead), 1.0)
        return np.asarray(p, dtype=np.float64).reshape(shape)

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T] (FHL 2005, eq. 10).

        The bracket ``1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)`` is evaluated through Euler's
        transformation as ``1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``: the same number,
        but without the ``x``-sized exponents that overflow for heavy buyers.
        """
        r, alpha, a, b = self._param_values()
        t = check_horizon(t)
        x, _, age, shape = broadcast_rft(frequency, recency, T)
        p_alive = self.conditional_probability_alive(frequency, recency, T).ravel()
        z = t / (alpha + age + t)
        log_one_minus_z = np.log(alpha + age) - np.log(alpha + age + t)
        bracket = 1.0 - np.exp((a - 1.0) * log_one_minus_z) * hyp2f1(
            a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z
        )
        out = (a + b + x - 1.0) / (a - 1.0) * bracket * p_alive
        return np.asarray(out, dtype=np.float64).reshape(shape)

    def expected_number_of_purchases_up_to_time(self, t: npt.ArrayLike) -> FloatArray:
        """E[X(t)] for a customer just acquired (FHL 2005, eq. 7)."""
        r, alpha, a, b = self._param_values()
        tt = np.asarray(t, dtype=np.float64)
        if np.isnan(tt).any() or (tt < 0).any():
            raise ValueError("t must be non-negative and not NaN")
        z = tt / (alpha + tt)
        lead = np.exp(r * (np.log(alpha) - np.log(alpha + tt)))
        out = (a + b - 1.0) / (a - 1.0) * (1.0 - lead * hyp2f1(r, b, a + b - 1.0, z))
        return np.asarray(out, dtype=np.float64)


def simulate_bgnbd(
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: npt.ArrayLike,
    *,
    seed: int | np.random.Generator | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Draw ``(frequency, recency)`` from the BG/NBD generative process for ages ``T``.

    Exact in continuous time: ``N(T) ~ Poisson(lambda T)`` purchases happen if the customer
    stays; they drop out after repeat purchase ``J ~ Geometric(p)``; ``x = min(N, J)`` and the
    time of the x-th of N uniform purchase times is ``T * Beta(x, N - x + 1)``.
    """
    rng = np.random.default_rng(seed)
    age = np.asarray(T, dtype=np.float64).ravel()
    if (age < 0).any() or np.isnan(age).any():
        raise ValueError("T must be non-negative")
    n = len(age)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    n_arrivals = rng.poisson(lam * age)
    dropout_at = rng.geometric(np.clip(p, 1e-300, 1.0))
    x = np.minimum(n_arrivals, dropout_at)
    recency = np.zeros(n)
    has = x > 0
    recency[has] = age[has] * rng.beta(x[has], n_arrivals[has] - x[has] + 1)
    return x.astype(np.float64), recency
