"""Shared machinery for the buy-till-you-die models.

* Input validation with clear ``ValueError`` messages.
* Collapsing customers with identical ``(frequency, recency, T)`` into one weighted row: the
  log-likelihood is a sum over customers, so equal rows only need to be evaluated once.
* A maximum-likelihood base class: parameters are optimised on the log scale (so they stay
  positive without bounds tricks) by :func:`scipy.optimize.minimize` with the analytic gradient of
  the vectorised log-likelihood passed as ``jac``.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

#: Log-parameters are kept in this box during optimisation: ``exp(±30)`` is far beyond any
#: sensible estimate on the rescaled time axis, and it keeps ``exp`` from overflowing.
LOG_PARAM_BOUND = 30.0


class ConvergenceWarning(RuntimeWarning):
    """The optimiser stopped without meeting its convergence criterion."""


# --------------------------------------------------------------------------- validation


def as_float_array(name: str, values: npt.ArrayLike) -> FloatArray:
    """``values`` as a 1-D float64 array (scalars become length-1 arrays)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_finite_nonnegative(name: str, arr: FloatArray) -> None:
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN at position {int(np.flatnonzero(np.isnan(arr))[0])}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains infinite values")
    if (arr < 0).any():
        bad = int(np.flatnonzero(arr < 0)[0])
        raise ValueError(f"{name} must be non-negative; position {bad} is {arr[bad]}")


def check_same_length(**arrays: FloatArray) -> int:
    """Raise unless all arrays have the same length; return that length."""
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise ValueError(f"inputs must have the same length, got {detail}")
    return next(iter(lengths.values()))


def check_frequency(frequency: FloatArray, name: str = "frequency") -> None:
    """Non-negative, finite, integer-valued."""
    _check_finite_nonnegative(name, frequency)
    if (frequency != np.round(frequency)).any():
        bad = int(np.flatnonzero(frequency != np.round(frequency))[0])
        raise ValueError(
            f"{name} counts repeat purchases and must be whole numbers; "
            f"position {bad} is {frequency[bad]}"
        )


def validate_rft(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Validate per-customer ``(frequency, recency, T)`` (and optional weights).

    Returns float64 arrays; weights default to ones.
    """
    f = as_float_array("frequency", frequency)
    r = as_float_array("recency", recency)
    t = as_float_array("T", T)
    if weights is None:
        w = np.ones_like(f)
        check_same_length(frequency=f, recency=r, T=t)
    else:
        w = as_float_array("weights", weights)
        check_same_length(frequency=f, recency=r, T=t, weights=w)
        _check_finite_nonnegative("weights", w)
        if (w == 0).any():
            raise ValueError("weights must be strictly positive (drop customers instead)")
    if len(f) == 0:
        raise ValueError("need at least one customer")
    check_frequency(f)
    _check_finite_nonnegative("recency", r)
    _check_finite_nonnegative("T", t)
    if (r > t).any():
        bad = int(np.flatnonzero(r > t)[0])
        raise ValueError(
            f"recency must not exceed T (the customer's age); position {bad} has "
            f"recency={r[bad]} > T={t[bad]}"
        )
    if ((f == 0) & (r > 0)).any():
        bad = int(np.flatnonzero((f == 0) & (r > 0))[0])
        raise ValueError(
            "recency must be 0 for customers with frequency 0 (no repeat purchase); "
            f"position {bad} has recency={r[bad]}"
        )
    return f, r, t, w


def broadcast_rft(
    frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[int, ...]]:
    """Validate prediction inputs; scalars broadcast against arrays.

    Returns flattened float arrays and the broadcast shape to restore.
    """
    try:
        f0, r0, t0 = np.broadcast_arrays(
            np.asarray(frequency, dtype=np.float64),
            np.asarray(recency, dtype=np.float64),
            np.asarray(T, dtype=np.float64),
        )
    except ValueError as exc:
        raise ValueError(f"frequency, recency and T have mismatched lengths: {exc}") from exc
    shape = f0.shape
    f, r, t, _ = validate_rft(f0.ravel(), r0.ravel(), t0.ravel())
    return f, r, t, shape


def check_horizon(t: float, name: str = "t") -> float:
    value = float(t)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite non-negative number, got {t!r}")
    return value


# --------------------------------------------------------------------------- arithmetic


def wdot(weights: FloatArray, values: FloatArray) -> float:
    """Weighted sum ``sum(weights * values)``.

    ``einsum`` rather than ``@``: a BLAS dot product wakes OpenBLAS worker threads, which then
    spin and starve the optimiser's own (separately linked) BLAS between evaluations — on a
    two-core machine that made fits several times slower.
    """
    return float(np.einsum("i,i->", weights, values))


# --------------------------------------------------------------------------- collapsing


def _factorize_columns(columns: tuple[FloatArray, ...]) -> tuple[list[IntArray], list[FloatArray]]:
    """Per column: a code for each row and the values the codes stand for.

    Small whole numbers (frequencies) are their own codes; other values are hashed through
    their bit patterns, which is faster than hashing floats (``+ 0.0`` maps -0.0 to 0.0).
    """
    codes: list[IntArray] = []
    uniques: list[FloatArray] = []
    for col in columns:
        if len(col) and col.min() >= 0 and col.max() < 4 * len(col):
            as_int = col.astype(np.intp)  # in range, so the cast is exact where integral
            if (as_int == col).all():
                codes.append(as_int)
                uniques.append(np.arange(int(col.max()) + 1, dtype=np.float64))
                continue
        c, u = pd.factorize(np.ascontiguousarray(col + 0.0).view(np.int64))
        codes.append(np.asarray(c, dtype=np.intp))
        uniques.append(np.asarray(u, dtype=np.int64).view(np.float64))
    return codes, uniques


def _dense_key(codes: list[IntArray], sizes: list[int]) -> npt.NDArray[np.int64]:
    key = codes[0].astype(np.int64)
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        key = key * size + c
    return key


def _is_dense(sizes: list[int], n: int) -> bool:
    return math.prod(sizes) <= max(4 * n, 1 << 20)


def group_rows(*columns: FloatArray) -> tuple[IntArray, int]:
    """Group identical rows: ``codes`` (row -> group index) and the number of groups.

    Uses hashing (``pandas.factorize``, O(n)) rather than sorting.
    """
    n = len(columns[0])
    codes, uniques = _factorize_columns(columns)
    sizes = [len(u) for u in uniques]
    if _is_dense(sizes, n):
        key = _dense_key(codes, sizes)
        present = np.bincount(key, minlength=math.prod(sizes)) > 0
        lookup = np.cumsum(present) - 1
        return np.asarray(lookup[key], dtype=np.intp), int(present.sum())
    group, n_groups = codes[0], sizes[0]
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        # group < n and c < n, so the combined key stays far below 2**63 for n < 3e9.
        g, u = pd.factorize(group.astype(np.int64) * size + c)
        group, n_groups = np.asarray(g, dtype=np.intp), len(u)
    return group, n_groups


def collapse_rows(
    weights: FloatArray, *columns: FloatArray
) -> tuple[FloatArray, tuple[FloatArray, ...]]:
    """Collapse identical rows of ``columns`` into one row each, summing ``weights``.

    Each column is factorised by hashing (O(n)). When the product of the columns' numbers of
    distinct values is small — the usual case: whole-number frequencies and times recorded to
    the day — the combined code is dense and one ``bincount`` does the grouping; otherwise the
    codes are combined by further hashing. ``weights`` must be positive.
    """
    n = len(weights)
    codes, uniques = _factorize_columns(columns)
    sizes = [len(u) for u in uniques]
    if _is_dense(sizes, n):
        key = _dense_key(codes, sizes)
        summed = np.asarray(
            np.bincount(key, weights=weights, minlength=math.prod(sizes)), dtype=np.float64
        )
        present = np.flatnonzero(summed > 0)
        if len(present) == n:
            return weights, columns
        out: list[FloatArray] = []
        rest = present
        for size, u in zip(reversed(sizes), reversed(uniques), strict=True):
            out.append(u[rest % size])
            rest = rest // size
        out.reverse()
        return np.asarray(summed[present], dtype=np.float64), tuple(out)

    group, n_groups = group_rows(*columns)
    if n_groups == n:
        return weights, columns
    w = np.asarray(np.bincount(group, weights=weights, minlength=n_groups), dtype=np.float64)
    collapsed = []
    for col in columns:
        u = np.empty(n_groups, dtype=np.float64)
        u[group] = col  # identical values within a group, so any write order is fine
        collapsed.append(u)
    return w, tuple(collapsed)


def unique_inverse(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """Sorted unique values and the index of each element into them."""
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, np.asarray(inverse, dtype=np.intp).ravel()


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class OptimizeOutcome:
    """What the optimiser returned, kept on the fitted model for inspection."""

    log_params: FloatArray
    neg_mean_log_likelihood: float
    n_iter: int
    n_evaluations: int
    converged: bool
    message: str


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Run with one BLAS thread: the optimiser's BLAS calls are on vectors of 2-4 numbers, and
    waking (or waiting on) worker threads costs far more than the arithmetic — badly so when the
    machine's cores are busy."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


Objective: TypeAlias = Callable[[FloatArray], tuple[float, FloatArray]]


def _newton_polish(
    fun: Objective, x: FloatArray, value: float, grad: FloatArray, *, max_steps: int = 3
) -> tuple[FloatArray, float, FloatArray]:
    """Newton steps on the analytic gradient from the quasi-Newton solution.

    L-BFGS-B's stop on relative reduction of the objective cannot resolve flat directions (the
    objective changes by less than its rounding error while the parameters still move in the
    7th digit). Newton's method drives the *gradient* to zero instead; the Hessian comes from
    forward differences of the analytic gradient (one gradient per parameter). A step is kept
    only if it shrinks the gradient without raising the objective beyond rounding.
    """
    if not (np.isfinite(x).all() and np.isfinite(grad).all()):
        return x, value, grad
    k = len(x)
    for _ in range(max_steps):
        if float(np.max(np.abs(grad))) < 1e-12:  # at the rounding-noise floor
            break
        h = 1e-6
        hess = np.empty((k, k))
        for i in range(k):
            xi = x.copy()
            xi[i] += h
            hess[:, i] = (fun(xi)[1] - grad) / h
        hess = 0.5 * (hess + hess.T)
        try:
            if float(np.linalg.eigvalsh(hess).min()) <= 0:
                break  # not in a locally convex region: leave it to the quasi-Newton result
            step = np.linalg.solve(hess, -grad)
        except np.linalg.LinAlgError:
            break
        if float(np.max(np.abs(step))) > 0.1:
            break
        x_new = np.clip(x + step, -LOG_PARAM_BOUND, LOG_PARAM_BOUND)
        value_new, grad_new = fun(x_new)
        if not (
            float(np.max(np.abs(grad_new))) < float(np.max(np.abs(grad)))
            and value_new <= value + 1e-12 * max(1.0, abs(value))
        ):
            break
        x, value, grad = x_new, value_new, grad_new
    return x, value, grad


def maximize_log_likelihood(
    objective: Objective, x0: FloatArray, *, tol: float, max_iter: int
) -> OptimizeOutcome:
    """Minimise a negative mean log-likelihood over log-parameters (analytic gradient).

    L-BFGS-B is used with a wide box on the log-parameters (purely as an overflow guard), then
    polished by Newton steps on the analytic gradient (:func:`_newton_polish`).
    """
    n_eval = 0

    def fun(x: FloatArray) -> tuple[float, FloatArray]:
        nonlocal n_eval
        n_eval += 1
        with np.errstate(all="ignore"):
            value, grad = objective(x)
        if not (math.isfinite(value) and np.isfinite(grad).all()):
            # Outside the numerically representable region: tell the line search to back off.
            return 1e300, np.zeros_like(x)
        return value, grad

    bounds = [(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(x0)
    with _single_threaded_blas():
        res = minimize(
            fun,
            x0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iter, "ftol": 1e-12, "gtol": tol, "maxcor": 20},
        )
    x = np.asarray(res.x, dtype=np.float64)
    grad = np.asarray(res.jac, dtype=np.float64)
    value = float(res.fun)
    with _single_threaded_blas():
        x, value, grad = _newton_polish(fun, x, value, grad)
    grad_norm = float(np.max(np.abs(grad)))
    at_bound = bool((np.abs(x) >= LOG_PARAM_BOUND - 1e-6).any())
    # L-BFGS-B may stop on "ABNORMAL" line-search termination once it is at machine precision;
    # accept that when the gradient is already tiny.
    converged = (bool(res.success) or grad_norm < 1e3 * tol) and not at_bound
    message = str(res.message)
    if at_bound:
        message = "a parameter ran to the edge of the search box (degenerate data?)"
    return OptimizeOutcome(
        log_params=x,
        neg_mean_log_likelihood=value,
        n_iter=int(res.nit),
        n_evaluations=n_eval,
        converged=converged,
        message=message,
    )


class MaximumLikelihoodModel(ABC):
    """Base class: parameter bookkeeping, fitted-state checks, optimiser settings."""

    param_names: ClassVar[tuple[str, ...]]

    def __init__(self, *, tol: float = 1e-9, max_iter: int = 2000) -> None:
        if tol <= 0:
            raise ValueError("tol must be positive")
        if max_iter < 1:
            raise ValueError("max_iter must be at least 1")
        self.tol = tol
        self.max_iter = max_iter
        self.params_: dict[str, float] = {}
        self.log_likelihood_: float = math.nan
        self.n_customers_: int = 0
        self.n_unique_: int = 0
        self.n_iter_: int = 0
        self.converged_: bool = False

    def __repr__(self) -> str:
        if not self.params_:
            return f"{type(self).__name__}(unfitted)"
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({ps}, log_likelihood={self.log_likelihood_:.2f})"

    def _param_values(self) -> tuple[float, ...]:
        if not self.params_:
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit() first")
        return tuple(self.params_[k] for k in self.param_names)

    def _initial_log_params(
        self, default: Mapping[str, float], given: Mapping[str, float] | None
    ) -> FloatArray:
        values = dict(default)
        if given is not None:
            unknown = set(given) - set(self.param_names)
            if unknown:
                raise ValueError(f"unknown initial parameter(s): {sorted(unknown)}")
            for k, v in given.items():
                if not (math.isfinite(v) and v > 0):
                    raise ValueError(f"initial {k} must be positive and finite, got {v}")
                values[k] = v
        return np.log(np.array([values[k] for k in self.param_names], dtype=np.float64))

    def _record(self, outcome: OptimizeOutcome) -> None:
        self.n_iter_ = outcome.n_iter
        self.converged_ = outcome.converged
        self.optimizer_message_ = outcome.message
        if not outcome.converged:
            warnings.warn(
                f"{type(self).__name__} did not converge: {outcome.message}",
                ConvergenceWarning,
                stacklevel=3,
            )


class TransactionModel(MaximumLikelihoodModel):
    """Base for the purchase-count models (BG/NBD, Pareto/NBD).

    Subclasses provide the log-likelihood with its analytic gradient on prepared (collapsed,
    time-rescaled) data, and the predictive expressions.
    """

    #: Parameters measured in units of time (rates of gamma mixing distributions): rescaled
    #: together with the time axis.
    time_params: ClassVar[tuple[str, ...]]
    default_initial: ClassVar[Mapping[str, float]]

    @abstractmethod
    def _prepare(self, x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray) -> Any:
        """Precompute whatever the objective needs from the (collapsed, rescaled) data."""

    @abstractmethod
    def _objective(self, log_params: FloatArray, data: Any) -> tuple[float, FloatArray]:
        """Negative mean log-likelihood and its gradient w.r.t. the log-parameters."""

    @abstractmethod
    def _log_likelihood_rows(
        self, params: tuple[float, ...], x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Per-customer log-likelihood (value only) at ``params`` in original time units."""

    def fit(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        *,
        collapse: bool = True,
        initial_params: Mapping[str, float] | None = None,
    ) -> Self:
        """Maximum-likelihood fit.

        Args:
            frequency: number of repeat purchases (whole numbers) per customer.
            recency: time of the last purchase, measured from the first purchase.
            T: the customer's age: time from the first purchase to the end of the period.
            weights: optional number of customers each row stands for.
            collapse: merge identical ``(frequency, recency, T)`` rows into weights first
                (same estimates, much less work on real data).
            initial_params: optional starting values in the original time unit.
        """
        x, t_x, age, w = validate_rft(frequency, recency, T, weights)
        if not (x > 0).any():
            raise ValueError("no customer has a repeat purchase: the model cannot be estimated")
        self.n_customers_ = round(float(w.sum()))
        if collapse:
            w, (x, t_x, age) = collapse_rows(w, x, t_x, age)
        self.n_unique_ = len(w)
        # Rescale time so that the oldest customer has age 10 (as ``lifetimes`` does): keeps the
        # time-scale parameters near 1 and the problem well conditioned for any time unit.
        max_age = float(age.max())
        scale = 10.0 / max_age if max_age > 0 else 1.0
        data = self._prepare(x, t_x * scale, age * scale, w)

        given = dict(initial_params or {})
        for k in self.time_params:
            if k in given:
                given[k] = given[k] * scale
        x0 = self._initial_log_params(self.default_initial, given)
        outcome = maximize_log_likelihood(
            lambda theta: self._objective(theta, data), x0, tol=self.tol, max_iter=self.max_iter
        )
        params = dict(zip(self.param_names, np.exp(outcome.log_params).tolist(), strict=True))
        for k in self.time_params:
            params[k] /= scale
        self.params_ = params
        self._record(outcome)
        # Report the log-likelihood in the caller's time unit (it depends on the unit through
        # the density of purchase times).
        self.log_likelihood_ = wdot(w, self._log_likelihood_rows(self._param_values(), x, t_x, age))
        return self

    def log_likelihood(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
    ) -> float:
        """Total log-likelihood of the given customers under the fitted parameters."""
        x, t_x, age, w = validate_rft(frequency, recency, T, weights)
        return wdot(w, self._log_likelihood_rows(self._param_values(), x, t_x, age))

    @abstractmethod
    def conditional_probability_alive(
        self, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """P(customer still active at T | frequency, recency, T)."""

    @abstractmethod
    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
    ) -> FloatArray:
        """E[purchases in (T, T + t] | frequency, recency, T]."""

    @abstractmethod
    def expected_number_of_purchases_up_to_time(self, t: npt.ArrayLike) -> FloatArray:
        """E[repeat purchases in (0, t]] for a new customer (unconditional)."""
