"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

While active, a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; their unobserved
lifetime is exponential with rate ``mu ~ Gamma(s, beta)``. The likelihood is eq. (22) of Fader &
Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005)::

    L = G(r+x) alpha^r beta^s / G(r) * { 1 / ((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0 }

    alpha >= beta:  A0 = F(r+s+x, s+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^(r+s+x)
                       - F(r+s+x, s+1; (alpha-beta)/(alpha+T))   / (alpha+T)^(r+s+x)
    alpha <  beta:  A0 = F(r+s+x, r+x; (beta-alpha)/(beta+t_x))  / (beta+t_x)^(r+s+x)
                       - F(r+s+x, r+x; (beta-alpha)/(beta+T))    / (beta+T)^(r+s+x)

with ``F(a, b; z) = 2F1(a, b; a+1; z)``. Choosing the branch by the sign of ``alpha - beta``
keeps the argument ``z`` in ``[0, 1)``, where the hypergeometric series converges.

For the fit, ``F`` is evaluated through Euler's transformation
``2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z)``: the new series has terms
``(c1)_k / (c2)_k z^k`` with ``c1 < c2`` — positive, decreasing, bounded by ``z^k``, so it never
overflows whatever ``x`` — and its derivatives with respect to ``c1``, ``c2`` and ``z`` are
summed term by term alongside it. That gives the exact (analytic) gradient of the
log-likelihood, which :func:`scipy.special.hyp2f1` alone cannot. The reported log-likelihood
uses :func:`scipy.special.hyp2f1` directly, as in the note; the tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln, hyp2f1

from keepwell.insight.btyd.base import (
    FloatArray,
    IntArray,
    TransactionModel,
    broadcast_rft,
    check_horizon,
    group_rows,
    unique_inverse,
    wdot,
)

_SERIES_RTOL = 1e-15
_SERIES_MAX_TERMS = 1 << 17


def hyp2f1_1_series(
    c1: FloatArray, c2: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``G = 2F1(1, c1; c2; z) = sum_k (c1)_k / (c2)_k z^k`` and its partial derivatives.

    Requires ``0 < c1 < c2`` and ``0 <= z < 1`` (elementwise). Returns ``(G, dG/dc1, dG/dc2,
    dG/dz)``. The terms are summed in vectorised blocks; rows leave the computation as soon as a
    bound on the remaining tail (every further term ratio is below ``z``) is under ``1e-15 G``.
    """
    n = len(z)
    g = np.ones(n)
    g_c1 = np.zeros(n)
    g_c2 = np.zeros(n)
    g_z = np.where(z == 0, c1 / c2, 0.0)
    active = np.flatnonzero(z > 0)
    term = np.ones(len(active))  # the k0-th term
    h1 = np.zeros(len(active))  # sum_{j<k0} 1/(c1+j): d log(term)/d c1
    h2 = np.zeros(len(active))  # sum_{j<k0} 1/(c2+j): -d log(term)/d c2
    k0 = 0
    block = 8
    while active.size and k0 < _SERIES_MAX_TERMS:
        za = z[active]
        j = k0 + np.arange(block, dtype=np.float64)
        a1 = c1[active, None] + j
        a2 = c2[active, None] + j
        terms = term[:, None] * np.cumprod(a1 / a2 * za[:, None], axis=1)  # k0+1 .. k0+block
        s1 = h1[:, None] + np.cumsum(1.0 / a1, axis=1)
        s2 = h2[:, None] + np.cumsum(1.0 / a2, axis=1)
        g[active] += terms.sum(axis=1)
        g_c1[active] += (terms * s1).sum(axis=1)
        g_c2[active] -= (terms * s2).sum(axis=1)
        g_z[active] += (terms @ (j + 1.0)) / za
        term, h1, h2 = terms[:, -1], s1[:, -1], s2[:, -1]
        k0 += block
        # Tail bound: later terms shrink at least geometrically with ratio z; the derivative
        # series carry extra factors growing at most linearly in the index.
        q = za / (1.0 - za)
        spread = np.maximum.reduce(
            [np.ones_like(za), k0 + 1.0 / (1.0 - za), h1 + 1.0 / ((1.0 - za) * c1[active]), h2]
        )
        keep = term * q * spread > _SERIES_RTOL * g[active]
        active, term, h1, h2 = active[keep], term[keep], h1[keep], h2[keep]
        block = min(2 * block, 256)
    return g, g_c1, g_c2, g_z


@dataclass(frozen=True)
class _ParetoData:
    n: float
    ux: FloatArray  # distinct frequencies, total weight of each
    wx: FloatArray
    x: FloatArray  # collapsed customers
    w: FloatArray
    # the distinct (frequency, time) pairs met at the two ends t_x and T of all customers,
    # and each customer's index into them
    px: FloatArray
    pt: FloatArray
    tx_code: IntArray
    T_code: IntArray


def _pair_terms(
    r: float, alpha: float, s: float, beta: float, px: FloatArray, pt: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """``l = log F(z_t) - (r+s+x) log(max(alpha,beta)+t)`` per (x, t) pair, with its partials.

    Via Euler's transformation (see the module docstring) this is, for ``alpha >= beta``,
    ``l = -s log(beta+t) - (r+x) log(alpha+t) + log G(r+x, r+s+x+1; (alpha-beta)/(alpha+t))``
    and for ``alpha < beta``
    ``l = (1-r-x) log(alpha+t) - (s+1) log(beta+t) + log G(s+1, r+s+x+1; (beta-alpha)/(beta+t))``.
    Returns ``(l, dl/dr, dl/dalpha, dl/ds, dl/dbeta)``.
    """
    la = np.log(alpha + pt)
    lb = np.log(beta + pt)
    ia = 1.0 / (alpha + pt)
    ib = 1.0 / (beta + pt)
    rx = r + px
    c2 = rx + s + 1.0
    if alpha >= beta:
        z = (alpha - beta) * ia
        g, g_c1, g_c2, g_z = hyp2f1_1_series(rx, c2, z)
        l_val = np.log(g) - s * lb - rx * la
        dl_r = -la + (g_c1 + g_c2) / g
        dl_s = -lb + g_c2 / g
        dl_alpha = -rx * ia + (g_z / g) * (beta + pt) * ia * ia
        dl_beta = -s * ib - (g_z / g) * ia
    else:
        z = (beta - alpha) * ib
        g, g_c1, g_c2, g_z = hyp2f1_1_series(np.full_like(px, s + 1.0), c2, z)
        l_val = np.log(g) + (1.0 - rx) * la - (s + 1.0) * lb
        dl_r = -la + g_c2 / g
        dl_s = -lb + (g_c1 + g_c2) / g
        dl_alpha = (1.0 - rx) * ia - (g_z / g) * ib
        dl_beta = -(s + 1.0) * ib + (g_z / g) * (alpha + pt) * ib * ib
    return l_val, dl_r, dl_alpha, dl_s, dl_beta


def _log_a0_hyp2f1(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t: FloatArray
) -> FloatArray:
    """``log[2F1(...; z_t) / (max(alpha,beta)+t)^(r+s+x)]`` with scipy's ``hyp2f1`` (the note)."""
    a = r + s + x
    if alpha >= beta:
        f = hyp2f1(a, s + 1.0, a + 1.0, (alpha - beta) / (alpha + t))
        return np.asarray(np.log(f) - a * np.log(alpha + t), dtype=np.float64)
    f = hyp2f1(a, r + x, a + 1.0, (beta - alpha) / (beta + t))
    return np.asarray(np.log(f) - a * np.log(beta + t), dtype=np.float64)


def _log_e_and_a0_terms(
    params: tuple[float, ...], x: FloatArray, t_x: FloatArray, T: FloatArray, *, exact: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(log E, l(t_x), l(T))`` per customer, ``E = (alpha+T)^-(r+x) (beta+T)^-s``.

    ``exact=True`` uses scipy's ``hyp2f1`` as in the note (falling back to the series where it
    overflows); otherwise the Euler-transformed series.
    """
    r, alpha, s, beta = params
    log_e = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    if exact:
        with np.errstate(all="ignore"):
            l1 = _log_a0_hyp2f1(r, alpha, s, beta, x, t_x)
            l2 = _log_a0_hyp2f1(r, alpha, s, beta, x, T)
        bad = ~(np.isfinite(l1) & np.isfinite(l2))
        if not bad.any():
            return log_e, l1, l2
        s1 = _pair_terms(r, alpha, s, beta, x[bad], t_x[bad])[0]
        s2 = _pair_terms(r, alpha, s, beta, x[bad], T[bad])[0]
        l1[bad], l2[bad] = s1, s2
        return log_e, l1, l2
    l1 = _pair_terms(r, alpha, s, beta, x, t_x)[0]
    l2 = _pair_terms(r, alpha, s, beta, x, T)[0]
    return log_e, l1, l2


def _log_bracket(
    s: float, x: FloatArray, r: float, log_e: FloatArray, l1: FloatArray, l2: FloatArray
) -> FloatArray:
    """``log(E + s/(r+s+x) (exp(l1) - exp(l2)))``, computed without overflow."""
    m = np.maximum(log_e, l1)
    diff = np.maximum(np.exp(l1 - m) - np.exp(l2 - m), 0.0)
    return np.asarray(m + np.log(np.exp(log_e - m) + s / (r + s + x) * diff), dtype=np.float64)


def _one_minus_power_over(eps: float, log_q: FloatArray) -> FloatArray:
    """``(1 - q^eps) / eps`` for ``q <= 1``, continuous at ``eps = 0`` (where it is ``-log q``)."""
    if abs(eps) < 1e-12:
        return np.asarray(-log_q, dtype=np.float64)
    return np.asarray(-np.expm1(eps * log_q) / eps, dtype=np.float64)


class ParetoNBDModel(TransactionModel):
    """Pareto/NBD model with parameters ``r, alpha, s, beta``."""

    param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    time_params: ClassVar[tuple[str, ...]] = ("alpha", "beta")
    default_initial: ClassVar[dict[str, float]] = {"r": 1.0, "alpha": 1.0, "s": 1.0, "beta": 1.0}

    # ------------------------------------------------------------------ likelihood

    def _prepare(self, x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> _ParetoData:
        ux, x_inv = unique_inverse(x)
        wx = np.asarray(np.bincount(x_inv, weights=w, minlength=len(ux)), dtype=np.float64)
        n = len(x)
        both_x = np.concatenate([x, x])
        both_t = np.concatenate([t_x, T])
        codes, n_pairs = group_rows(both_x, both_t)
        px, pt = _first_of_groups(codes, n_pairs, both_x, both_t)
        return _ParetoData(
            n=float(w.sum()),
            ux=ux,
            wx=wx,
            x=x,
            w=w,
            px=px,
            pt=pt,
            tx_code=codes[:n],
            T_code=codes[n:],
        )

    def _objective(self, log_params: FloatArray, data: _ParetoData) -> tuple[float, FloatArray]:
        r, alpha, s, beta = np.exp(log_params)
        ux, wx, n = data.ux, data.wx, data.n
        x, w = data.x, data.w
        log_alpha, log_beta = np.log(alpha), np.log(beta)

        # log[G(r+x) alpha^r beta^s / G(r)]: per distinct frequency.
        ll = wdot(wx, gammaln(r + ux) - gammaln(r)) + n * (r * log_alpha + s * log_beta)
        g_r = wdot(wx, digamma(r + ux) - digamma(r)) + n * log_alpha
        g_alpha = n * r / alpha
        g_s = n * log_beta
        g_beta = n * s / beta

        # The hypergeometric parts: per distinct (x, t) pair.
        l_val, dl_r, dl_alpha, dl_s, dl_beta = _pair_terms(r, alpha, s, beta, data.px, data.pt)
        c1, c2 = data.tx_code, data.T_code
        la_T = np.log(alpha + data.pt)[c2]
        lb_T = np.log(beta + data.pt)[c2]
        rx = r + x
        log_e = -rx * la_T - s * lb_T
        l1, l2 = l_val[c1], l_val[c2]
        m = np.maximum(log_e, l1)
        e_e = np.exp(log_e - m)
        e_1 = np.exp(l1 - m)
        e_2 = np.exp(l2 - m)
        a = rx + s
        k = s / a
        raw = e_1 - e_2
        pos = raw > 0
        diff = np.where(pos, raw, 0.0)
        e_1 = np.where(pos, e_1, 0.0)
        e_2 = np.where(pos, e_2, 0.0)
        bracket = e_e + k * diff
        ll += wdot(w, m + np.log(bracket))

        u = w / bracket  # d(weighted log bracket) = u * d(bracket)
        ue, ku = u * e_e, u * k
        k1, k2 = ku * e_1, ku * e_2
        g_r += wdot(ue, -la_T) + wdot(k1, dl_r[c1]) - wdot(k2, dl_r[c2]) - wdot(u, diff * k / a)
        g_s += (
            wdot(ue, -lb_T) + wdot(k1, dl_s[c1]) - wdot(k2, dl_s[c2]) + wdot(u, diff * rx / (a * a))
        )
        g_alpha += (
            wdot(ue, -rx * (1.0 / (alpha + data.pt))[c2])
            + wdot(k1, dl_alpha[c1])
            - wdot(k2, dl_alpha[c2])
        )
        g_beta += (
            -s * wdot(ue, (1.0 / (beta + data.pt))[c2])
            + wdot(k1, dl_beta[c1])
            - wdot(k2, dl_beta[c2])
        )
        grad = -np.array([g_r * r, g_alpha * alpha, g_s * s, g_beta * beta]) / n
        return -ll / n, grad

    def _log_likelihood_rows(
        self, params: tuple[float, ...], x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = params
        log_e, l1, l2 = _log_e_and_a0_terms(params, x, t_x, T, exact=True)
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return np.asarray(head + _log_bracket(s, x, r, log_e, l1, l2), dtype=np.float64)

    # ------------------------------------------------------------------ predictions

    def conditional_probability_alive(
        self, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """P(alive at T | x, t_x, T) = E / (E + s/(r+s+x) A0) (Fader & Hardie 2005, eq. 18)."""
        params = self._param_values()
        r, _, s, _ = params
        x, t_x, age, shape = broadcast_rft(frequency, recency, T)
        log_e, l1, l2 = _log_e_and_a0_terms(params, x, t_x, age, exact=False)
        p = np.exp(log_e - _log_bracket(s, x, r, log_e, l1, l2))
        return np.asarray(np.minimum(p, 1.0), dtype=np.float64).reshape(shape)

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        times P(alive)."""
        r, alpha, s, beta = self._param_values()
        t = check_horizon(t)
        x, _, age, shape = broadcast_rft(frequency, recency, T)
        p_alive = self.conditional_probability_alive(frequency, recency, T).ravel()
        log_q = np.log(beta + age) - np.log(beta + age + t)
        out = (r + x) * (beta + age) / (alpha + age) * _one_minus_power_over(s - 1.0, log_q)
        return np.asarray(out * p_alive, dtype=np.float64).reshape(shape)

    def expected_number_of_purchases_up_to_time(self, t: npt.ArrayLike) -> FloatArray:
        """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]."""
        r, alpha, s, beta = self._param_values()
        tt = np.asarray(t, dtype=np.float64)
        if np.isnan(tt).any() or (tt < 0).any():
            raise ValueError("t must be non-negative and not NaN")
        log_q = np.log(beta) - np.log(beta + tt)
        return np.asarray(r * beta / alpha * _one_minus_power_over(s - 1.0, log_q))


def _first_of_groups(
    codes: IntArray, n_groups: int, *columns: FloatArray
) -> tuple[FloatArray, ...]:
    """One value of each column per group (groups hold identical rows)."""
    out = []
    for col in columns:
        u = np.empty(n_groups, dtype=np.float64)
        u[codes] = col
        out.append(u)
    return tuple(out)
