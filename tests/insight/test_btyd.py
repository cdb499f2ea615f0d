"""Buy-till-you-die models: validation on the real CDNOW data, gradients, collapsing, errors.

CDNOW figures come from Fader, Hardie & Lee (2005), "Counting your customers the easy way"
(BG/NBD, Pareto/NBD) and "RFM and CLV" (Gamma-Gamma): see shared/data/README.md.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime, check_grad
from scipy.special import hyp2f1

from keepwell.insight.btyd import (
    BGNBDModel,
    ConvergenceWarning,
    GammaGammaModel,
    ParetoNBDModel,
    calibration_holdout_summary,
    customer_lifetime_value,
    expected_spend,
    periods_per_month,
    rfm_summary,
    simulate_bgnbd,
)
from keepwell.insight.btyd.base import collapse_rows, validate_rft
from keepwell.insight.btyd.paretonbd import hyp2f1_1_series

CDNOW = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cdnow" / "CDNOW_sample.txt"
)
CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"

Array: TypeAlias = np.ndarray[Any, np.dtype[np.float64]]
Sample: TypeAlias = tuple[Array, Array, Array]
Model = TypeVar("Model", BGNBDModel, ParetoNBDModel, GammaGammaModel)


def read_cdnow(path: Path) -> pd.DataFrame:
    """Whitespace-separated: master id, sample id, date YYYYMMDD, number of CDs, dollars."""
    df = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=["customer", "sample_id", "date", "cds", "amount"],
        dtype={"customer": str, "sample_id": str, "date": str},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    if not CDNOW.exists():
        pytest.skip(f"CDNOW sample not found at {CDNOW}")
    transactions = read_cdnow(CDNOW)
    return calibration_holdout_summary(
        transactions,
        customer_col="customer",
        date_col="date",
        amount_col="amount",
        calibration_end=CALIBRATION_END,
        observation_end=OBSERVATION_END,
        time_unit="W",
    )


def same_3_sig(value: float, published: float) -> bool:
    def sig(v: float) -> float:
        return round(v, 2 - math.floor(math.log10(abs(v))))

    return sig(value) == sig(published)


def fit(model: BGNBDModel | ParetoNBDModel, df: pd.DataFrame) -> None:
    """Fit on the calibration summary (fit times are measured by benchmarks/bench_btyd.py)."""
    model.fit(df["frequency_cal"], df["recency_cal"], df["T_cal"])


# ---------------------------------------------------------------------------- CDNOW


def test_cdnow_summary_counts(cdnow: pd.DataFrame) -> None:
    assert len(cdnow) == 2357
    assert cdnow["frequency_cal"].sum() == 2457
    assert (cdnow["frequency_cal"] > 0).sum() == 946
    # Customers who first bought on 1997-01-01 have age 272 days = 38.86 weeks.
    assert cdnow["T_cal"].max() == pytest.approx(272 / 7)
    assert (cdnow["recency_cal"] <= cdnow["T_cal"]).all()
    assert cdnow["duration_holdout"].iloc[0] == pytest.approx(39.0)


def test_bgnbd_reproduces_published_cdnow_estimates(cdnow: pd.DataFrame) -> None:
    model = BGNBDModel()
    fit(model, cdnow)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert same_3_sig(model.params_[name], value), (name, model.params_[name], value)
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.converged_
    assert model.n_customers_ == 2357
    assert model.n_unique_ < model.n_customers_


def test_paretonbd_reproduces_published_cdnow_estimates(cdnow: pd.DataFrame) -> None:
    model = ParetoNBDModel()
    fit(model, cdnow)
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    for name, value in published.items():
        assert same_3_sig(model.params_[name], value), (name, model.params_[name], value)
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    assert model.converged_


def test_gammagamma_reproduces_published_cdnow_estimates(cdnow: pd.DataFrame) -> None:
    repeat = cdnow[cdnow["frequency_cal"] > 0]
    assert len(repeat) == 946
    model = GammaGammaModel().fit(repeat["frequency_cal"], repeat["monetary_value_cal"])
    published = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    for name, value in published.items():
        assert same_3_sig(model.params_[name], value), (name, model.params_[name], value)
    assert model.converged_


def test_gammagamma_published_numbers_need_the_repeat_purchase_mean() -> None:
    """The published p, q, gamma come from the mean of the repeat purchases only: the mean over
    all purchases (first one included) gives clearly different estimates."""
    if not CDNOW.exists():
        pytest.skip(f"CDNOW sample not found at {CDNOW}")
    tx = read_cdnow(CDNOW)
    tx = tx[tx["date"] <= CALIBRATION_END]
    daily = tx.groupby(["customer", "date"], as_index=False)["amount"].sum()
    per = daily.groupby("customer")["amount"].agg(["size", "mean"])
    per = per[per["size"] > 1]
    model = GammaGammaModel().fit(per["size"] - 1, per["mean"])
    assert not same_3_sig(model.params_["p"], 6.25)
    assert not same_3_sig(model.params_["gamma"], 15.44)


def test_bgnbd_holdout_forecast_close_to_published_shortfall(cdnow: pd.DataFrame) -> None:
    """Cumulative repeat purchases at the end of the 39-week holdout (week 78): FHL's BG/NBD
    tracking forecast falls about 4% short of the actual."""
    model = BGNBDModel().fit(cdnow["frequency_cal"], cdnow["recency_cal"], cdnow["T_cal"])
    age_at_end = cdnow["T_cal"].to_numpy() + 39.0
    forecast = model.expected_number_of_purchases_up_to_time(age_at_end).sum()
    actual = cdnow["frequency_cal"].sum() + cdnow["frequency_holdout"].sum()
    assert actual == 4339
    shortfall = 1.0 - forecast / actual
    assert 0.0 < shortfall < 0.08, shortfall
    # The conditional expectations for the holdout itself are of the right size too.
    conditional = model.conditional_expected_number_of_purchases_up_to_time(
        39.0, cdnow["frequency_cal"], cdnow["recency_cal"], cdnow["T_cal"]
    ).sum()
    assert 0.7 < conditional / cdnow["frequency_holdout"].sum() < 1.1


def test_cdnow_lifetime_value_is_sensible(cdnow: pd.DataFrame) -> None:
    f, r, T = cdnow["frequency_cal"], cdnow["recency_cal"], cdnow["T_cal"]
    m = cdnow["monetary_value_cal"]
    bg = BGNBDModel().fit(f, r, T)
    repeat = cdnow[f > 0]
    gg = GammaGammaModel().fit(repeat["frequency_cal"], repeat["monetary_value_cal"])
    clv = customer_lifetime_value(bg, gg, f, r, T, m, time=12, discount_rate=0.01)
    assert clv.shape == (len(cdnow),)
    assert (clv >= 0).all()
    # Without discounting, CLV is the expected spend over the same horizon.
    undiscounted = customer_lifetime_value(bg, gg, f, r, T, m, time=12, discount_rate=0.0)
    spend = expected_spend(bg, gg, 12 * periods_per_month("W"), f, r, T, m)
    np.testing.assert_allclose(undiscounted, spend, rtol=1e-10)
    assert (clv <= undiscounted + 1e-12).all()


# ---------------------------------------------------------------------------- agreement with
# lifetimes 0.11.3: values computed with its BetaGeoFitter / ParetoNBDFitter / GammaGammaFitter
# and utils._customer_lifetime_value (freq="W", time=12, discount_rate=0.01) at these parameters.

BG_PARAMS = {"r": 0.2425945221410886, "alpha": 4.413602018388878, "a": 0.792922015479246,
             "b": 2.4259067772410945}  # fmt: skip
PN_PARAMS = {"r": 0.5532770461856095, "alpha": 10.577683453906783, "s": 0.6062399923377396,
             "beta": 11.668735389832735}  # fmt: skip
GG_PARAMS = {"p": 6.249572271533849, "q": 3.7442246669484405, "gamma": 15.443520961729865}
F = np.array([0.0, 1.0, 2.0, 7.0, 20.0])
R = np.array([0.0, 1.71, 30.43, 35.0, 37.5])
AGE = np.array([38.86, 32.0, 38.86, 38.86, 38.0])
M = np.array([0.0, 20.0, 26.48, 40.0, 15.5])
LIFETIMES = {
    "bg": {
        "palive": [1.0, 0.25029273198542407, 0.7266091631121602, 0.8437834612497079,
                   0.9550657624181766],
        "cond39": [0.19478203635566863, 0.2780834214387645, 1.2259068365217802,
                   4.387478100893908, 13.753691754823356],
        "uncond": [0.05318429145063584, 0.431758698313607, 1.195010040605716,
                   1.8579583907953756],
        "clv": [8.343995025427333, 8.224909856509976, 41.25976921557088, 207.15217073982944,
                258.9836891619029],
    },
    "pn": {
        "palive": [0.2950958034792589, 0.22113894123659117, 0.8691156606859048,
                   0.9360556299179406, 0.9931902563167538],
        "cond39": [0.10705886600444418, 0.2556096545912776, 1.4550987544792577,
                   4.6361131461474825, 13.587236207756355],
        "uncond": [0.05100637572890652, 0.4277935538781043, 1.2134040178150034,
                   1.909866137540862],
        "clv": [4.52074436211063, 7.528611864272007, 48.994869964167876, 221.06404256759288,
                259.63088041614634],
    },
    "gg": [35.17037126723418, 24.628846673219996, 28.04450525260608, 39.71492287601716,
           15.922590792363026],
}  # fmt: skip


def _with_params(model: Model, params: dict[str, float]) -> Model:
    model.params_ = dict(params)
    return model


@pytest.mark.parametrize(
    ("key", "model"),
    [
        ("bg", _with_params(BGNBDModel(), BG_PARAMS)),
        ("pn", _with_params(ParetoNBDModel(), PN_PARAMS)),
    ],
)
def test_predictions_match_lifetimes(key: str, model: BGNBDModel | ParetoNBDModel) -> None:
    ref = LIFETIMES[key]
    gg = _with_params(GammaGammaModel(), GG_PARAMS)
    np.testing.assert_allclose(
        model.conditional_probability_alive(F, R, AGE), ref["palive"], rtol=1e-10
    )
    np.testing.assert_allclose(
        model.conditional_expected_number_of_purchases_up_to_time(39, F, R, AGE),
        ref["cond39"],
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        model.expected_number_of_purchases_up_to_time([1.0, 10.0, 39.0, 78.0]),
        ref["uncond"],
        rtol=1e-10,
    )
    clv = customer_lifetime_value(model, gg, F, R, AGE, M, time=12, discount_rate=0.01,
                                  periods_per_month_override=4.345)  # fmt: skip
    np.testing.assert_allclose(clv, ref["clv"], rtol=1e-10)
    np.testing.assert_allclose(
        gg.conditional_expected_average_profit(F, M), LIFETIMES["gg"], rtol=1e-12
    )


def test_predictions_stay_finite_for_heavy_buyers() -> None:
    bg = _with_params(BGNBDModel(), BG_PARAMS)
    pn = _with_params(ParetoNBDModel(), PN_PARAMS)
    x, r, T = [0.0, 500.0, 5000.0], [0.0, 38.0, 38.8], [38.86, 38.86, 38.86]
    for model in (bg, pn):
        expected = model.conditional_expected_number_of_purchases_up_to_time(39.0, x, r, T)
        assert np.isfinite(expected).all()
        assert expected[2] > expected[1] > expected[0] > 0
        alive = model.conditional_probability_alive(x, r, T)
        assert ((alive > 0) & (alive <= 1)).all()


def test_scalar_inputs_broadcast() -> None:
    bg = _with_params(BGNBDModel(), BG_PARAMS)
    p = bg.conditional_probability_alive(2, 30.43, 38.86)
    assert p.shape == ()
    assert float(p) == pytest.approx(LIFETIMES["bg"]["palive"][2])
    several = bg.conditional_probability_alive([0, 2], [0, 30.43], 38.86)
    assert several.shape == (2,)


# ---------------------------------------------------------------------------- gradients


def _prepared(model: BGNBDModel | ParetoNBDModel, f: Array, r: Array, T: Array) -> Any:
    x, t_x, age, w = validate_rft(f, r, T)
    w, (x, t_x, age) = collapse_rows(w, x, t_x, age)
    return model._prepare(x, t_x, age, w)


@pytest.fixture(scope="module")
def small_sample() -> Sample:
    rng = np.random.default_rng(7)
    T = rng.integers(20, 60, 3000) / 7.0 * 7.0
    f, r = simulate_bgnbd(0.5, 5.0, 0.8, 2.5, T, seed=rng)
    return f, np.round(r, 1), T


@pytest.mark.parametrize(
    "params",
    [[0.24, 4.4, 0.79, 2.4], [2.0, 0.5, 3.0, 0.3], [0.05, 40.0, 0.2, 15.0], [1.0, 1.0, 1.0, 1.0]],
)
def test_bgnbd_analytic_gradient(small_sample: Sample, params: list[float]) -> None:
    model = BGNBDModel()
    data = _prepared(model, *small_sample)
    theta = np.log(params)
    fun = lambda th: model._objective(th, data)[0]  # noqa: E731
    jac = lambda th: model._objective(th, data)[1]  # noqa: E731
    err = check_grad(fun, jac, theta, epsilon=1e-7)
    assert err < 1e-5 * max(1.0, float(np.linalg.norm(jac(theta))))


@pytest.mark.parametrize(
    "params",
    [
        [0.55, 10.6, 0.61, 11.7],  # alpha < beta branch
        [0.55, 12.0, 0.61, 3.0],  # alpha > beta branch
        [1.0, 2.0, 1.0, 2.0],  # alpha == beta (z = 0)
        [3.0, 0.5, 0.2, 50.0],  # z close to 1
        [0.3, 60.0, 4.0, 0.8],
    ],
)
def test_paretonbd_analytic_gradient(small_sample: Sample, params: list[float]) -> None:
    model = ParetoNBDModel()
    data = _prepared(model, *small_sample)
    theta = np.log(params)
    fun = lambda th: model._objective(th, data)[0]  # noqa: E731
    jac = lambda th: model._objective(th, data)[1]  # noqa: E731
    numeric = approx_fprime(theta, fun, 1e-7)
    analytic = jac(theta)
    np.testing.assert_allclose(analytic, numeric, atol=2e-6 * max(1.0, np.abs(analytic).max()))
    assert check_grad(fun, jac, theta, epsilon=1e-7) < 1e-5


def test_paretonbd_series_matches_note_log_likelihood(small_sample: Sample) -> None:
    """The Euler-transformed series used in fitting equals the note's 2F1 expression."""
    model = ParetoNBDModel()
    f, r, T = small_sample
    data = _prepared(model, f, r, T)
    for params in ([0.55, 10.6, 0.61, 11.7], [0.55, 12.0, 0.61, 3.0], [2.0, 1.0, 0.3, 30.0]):
        series = -model._objective(np.log(params), data)[0] * data.n
        note = float(np.sum(model._log_likelihood_rows(tuple(params), f, r, T)))
        assert series == pytest.approx(note, rel=1e-11)


def test_hyp2f1_series_matches_scipy() -> None:
    c1 = np.array([0.3, 1.6, 5.0, 25.0, 1.2, 0.8])
    c2 = np.array([1.5, 3.0, 7.5, 26.0, 40.0, 0.9])
    z = np.array([0.0, 0.2, 0.5, 0.9, 0.97, 0.999])
    g, g_c1, g_c2, g_z = hyp2f1_1_series(c1, c2, z)
    np.testing.assert_allclose(g, hyp2f1(1.0, c1, c2, z), rtol=1e-12)
    h = 1e-6
    up = hyp2f1(1.0, c1, c2, z + h)
    down = np.where(z > 0, hyp2f1(1.0, c1, c2, z - h), hyp2f1(1.0, c1, c2, z))
    np.testing.assert_allclose(g_z, (up - down) / np.where(z > 0, 2 * h, h), rtol=1e-5)
    d_c1 = (hyp2f1(1.0, c1 + h, c2, z) - hyp2f1(1.0, c1 - h, c2, z)) / (2 * h)
    d_c2 = (hyp2f1(1.0, c1, c2 + h, z) - hyp2f1(1.0, c1, c2 - h, z)) / (2 * h)
    np.testing.assert_allclose(g_c1, d_c1, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(g_c2, d_c2, rtol=1e-5, atol=1e-8)


def test_gammagamma_analytic_gradient() -> None:
    from keepwell.insight.btyd.gammagamma import _SpendData

    rng = np.random.default_rng(3)
    x = rng.integers(1, 15, 500).astype(float)
    m = rng.gamma(6.0, 1.0 / rng.gamma(3.7, 1.0 / 15.4, 500) / 1.0)
    m = m / m.mean()
    data = _SpendData(x=x, log_x=np.log(x), m=m, log_m=np.log(m), w=np.ones(500), n=500.0)
    for params in ([6.25, 3.74, 1.0], [0.5, 1.5, 0.2], [20.0, 10.0, 5.0]):
        theta = np.log(params)
        fun = lambda th: GammaGammaModel._objective(th, data)[0]  # noqa: E731
        jac = lambda th: GammaGammaModel._objective(th, data)[1]  # noqa: E731
        assert check_grad(fun, jac, theta, epsilon=1e-7) < 1e-5


# ---------------------------------------------------------------------------- collapsing


@pytest.mark.parametrize("model_cls", [BGNBDModel, ParetoNBDModel])
def test_collapsing_gives_identical_estimates(
    model_cls: type[BGNBDModel | ParetoNBDModel], small_sample: Sample
) -> None:
    f, r, T = small_sample
    collapsed = model_cls().fit(f, r, T)
    full = model_cls().fit(f, r, T, collapse=False)
    assert collapsed.n_unique_ < full.n_unique_ == len(f)
    # the same rows collapsed by hand, passed as weights
    frame = pd.DataFrame({"f": f, "r": r, "T": T}).value_counts().reset_index()
    weighted = model_cls().fit(
        frame["f"], frame["r"], frame["T"], weights=frame["count"], collapse=False
    )
    for name in collapsed.param_names:
        assert collapsed.params_[name] == pytest.approx(full.params_[name], rel=1e-9)
        assert weighted.params_[name] == pytest.approx(full.params_[name], rel=1e-9)
    assert collapsed.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-10)
    assert weighted.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-10)


@pytest.mark.parametrize("distinct", [40, 30_000])  # dense bincount path / hashed path
def test_collapse_rows_counts_each_distinct_row_once(distinct: int) -> None:
    rng = np.random.default_rng(5)
    table = np.column_stack(
        [rng.integers(0, 9, distinct), rng.uniform(0, 5, distinct), rng.uniform(5, 9, distinct)]
    ).astype(float)
    rows = table[rng.integers(0, distinct, 100_000)]
    w, (f, r, T) = collapse_rows(np.ones(len(rows)), rows[:, 0], rows[:, 1], rows[:, 2])
    expected = pd.DataFrame(rows, columns=["f", "r", "T"]).value_counts()
    got = pd.Series(w, index=pd.MultiIndex.from_arrays([f, r, T], names=["f", "r", "T"]))
    assert len(got) == len(expected) and got.index.is_unique
    assert (got.sort_index() == expected.sort_index().astype(float)).all()


def test_gammagamma_collapsing_gives_identical_estimates() -> None:
    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, 2000).astype(float)
    m = np.round(rng.gamma(6.0, 3.0, 2000), 0) + 1.0
    a = GammaGammaModel().fit(x, m)
    b = GammaGammaModel().fit(x, m, collapse=False)
    assert a.n_unique_ < b.n_unique_
    for name in a.param_names:
        assert a.params_[name] == pytest.approx(b.params_[name], rel=1e-7)


def test_bgnbd_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(2024)
    T = rng.uniform(27.0, 39.0, 200_000)
    truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    f, r = simulate_bgnbd(*truth.values(), T, seed=rng)
    model = BGNBDModel().fit(f, r, T)
    for name, value in truth.items():
        assert model.params_[name] == pytest.approx(value, rel=0.1), name


# ---------------------------------------------------------------------------- input errors


@pytest.mark.parametrize("model_cls", [BGNBDModel, ParetoNBDModel])
@pytest.mark.parametrize(
    ("f", "r", "T", "message"),
    [
        ([1, -1], [1.0, 0.0], [2.0, 2.0], "frequency must be non-negative"),
        ([1, 0], [-1.0, 0.0], [2.0, 2.0], "recency must be non-negative"),
        ([1, 0], [1.0, 0.0], [2.0, -2.0], "T must be non-negative"),
        ([1, 2], [3.0, 1.0], [2.0, 2.0], "recency must not exceed T"),
        ([0, 2], [1.0, 1.0], [2.0, 2.0], "recency must be 0 for customers with frequency 0"),
        ([1, 2, 3], [1.0, 1.0], [2.0, 2.0], "same length"),
        ([1, np.nan], [1.0, 1.0], [2.0, 2.0], "frequency contains NaN"),
        ([1, 2], [np.nan, 1.0], [2.0, 2.0], "recency contains NaN"),
        ([1, 2], [1.0, 1.0], [2.0, np.nan], "T contains NaN"),
        ([1.5, 2], [1.0, 1.0], [2.0, 2.0], "whole numbers"),
        ([], [], [], "at least one customer"),
    ],
)
def test_transaction_model_input_errors(
    model_cls: type[BGNBDModel | ParetoNBDModel],
    f: list[float],
    r: list[float],
    T: list[float],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        model_cls().fit(f, r, T)


def test_weight_and_prediction_input_errors() -> None:
    with pytest.raises(ValueError, match="same length"):
        BGNBDModel().fit([1, 2], [1.0, 1.0], [2.0, 2.0], weights=[1.0])
    with pytest.raises(ValueError, match="weights must be strictly positive"):
        BGNBDModel().fit([1, 2], [1.0, 1.0], [2.0, 2.0], weights=[1.0, 0.0])
    with pytest.raises(ValueError, match="not fitted"):
        BGNBDModel().conditional_probability_alive([1], [1.0], [2.0])
    bg = _with_params(BGNBDModel(), BG_PARAMS)
    with pytest.raises(ValueError, match="recency must not exceed T"):
        bg.conditional_probability_alive([1], [3.0], [2.0])
    with pytest.raises(ValueError, match="mismatched lengths"):
        bg.conditional_probability_alive([1, 2, 3], [1.0, 1.0], [2.0, 2.0])
    with pytest.raises(ValueError, match="t must be"):
        bg.conditional_expected_number_of_purchases_up_to_time(-1.0, [1], [1.0], [2.0])
    with pytest.raises(ValueError, match="t must be"):
        bg.expected_number_of_purchases_up_to_time([1.0, np.nan])


@pytest.mark.parametrize(
    ("x", "m", "message"),
    [
        ([1, 0], [10.0, 5.0], "at least one repeat purchase"),
        ([1, 2], [10.0, 0.0], "monetary_value must be positive"),
        ([1, 2], [10.0, np.nan], "monetary_value contains NaN"),
        ([1, np.nan], [10.0, 5.0], "frequency contains NaN"),
        ([1, 2, 3], [10.0, 5.0], "same length"),
        ([-1, 2], [10.0, 5.0], "frequency must be non-negative"),
    ],
)
def test_gammagamma_input_errors(x: list[float], m: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GammaGammaModel().fit(x, m)


def test_clv_input_errors() -> None:
    bg = _with_params(BGNBDModel(), BG_PARAMS)
    gg = _with_params(GammaGammaModel(), GG_PARAMS)
    with pytest.raises(ValueError, match="discount_rate"):
        customer_lifetime_value(bg, gg, F, R, AGE, M, discount_rate=float("nan"))
    with pytest.raises(ValueError, match="time must be"):
        customer_lifetime_value(bg, gg, F, R, AGE, M, time=0)
    with pytest.raises(ValueError, match="time_unit"):
        customer_lifetime_value(bg, gg, F, R, AGE, M, time_unit="fortnight")
    with pytest.raises(ValueError, match="monetary_value must be non-negative"):
        customer_lifetime_value(bg, gg, F, R, AGE, -M - 1.0)


def test_no_repeat_purchases_is_an_error() -> None:
    with pytest.raises(ValueError, match="no customer has a repeat purchase"):
        BGNBDModel().fit([0, 0, 0], [0.0, 0.0, 0.0], [5.0, 6.0, 7.0])


def test_unconverged_fit_warns(small_sample: Sample) -> None:
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = BGNBDModel(max_iter=1).fit(*small_sample)
    assert not model.converged_


# ---------------------------------------------------------------------------- summaries


def test_rfm_summary_conventions() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-01",
                    "2024-01-08",
                    "2024-01-22",
                    "2024-01-15",
                    "2024-01-10",
                    "2024-03-01",
                ]
            ),
            "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 9.0],
        }
    )
    s = rfm_summary(tx, amount_col="amount", observation_end="2024-01-29", time_unit="W")
    assert list(s.index) == ["a", "b", "c"]
    a = s.loc["a"]
    assert a["frequency"] == 2  # same-day purchases merged: 3 purchase days
    assert a["recency"] == pytest.approx(3.0)
    assert a["T"] == pytest.approx(4.0)
    assert a["monetary_value"] == pytest.approx(30.0)  # mean of the repeat purchases (20, 40)
    assert s.loc["b", "frequency"] == 0 and s.loc["b", "monetary_value"] == 0
    assert s.loc["c", "frequency"] == 0  # the March purchase is after the end
    days = rfm_summary(tx, observation_end="2024-01-29", time_unit="D")
    assert days.loc["a", "T"] == 28 and "monetary_value" not in days

    ch = calibration_holdout_summary(
        tx, amount_col="amount", calibration_end="2024-01-14", observation_end="2024-03-10"
    )
    assert list(ch.index) == ["a", "c"]  # b first bought after calibration
    assert ch.loc["a", "frequency_cal"] == 1
    assert ch.loc["a", "frequency_holdout"] == 1
    assert ch.loc["c", "frequency_holdout"] == 1
    assert ch.loc["c", "monetary_value_holdout"] == 9.0
    assert ch["duration_holdout"].iloc[0] == pytest.approx(56 / 7)


def test_summary_accepts_timezone_aware_timestamps_and_dates() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1],
            "date": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-08 12:00"]
            ).tz_localize("Europe/Paris"),
        }
    )
    s = rfm_summary(tx, observation_end=pd.Timestamp("2024-01-15", tz="UTC"), time_unit="D")
    assert s.loc[1].tolist() == [1.0, 7.0, 14.0]
    tx["date"] = [d.date() for d in tx["date"]]
    assert rfm_summary(tx, observation_end="2024-01-15", time_unit="D").loc[1].tolist() == [
        1.0,
        7.0,
        14.0,
    ]


def test_summary_input_errors() -> None:
    tx = pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-01", None], "amount": [1.0, 2.0]})
    with pytest.raises(ValueError, match="missing"):
        rfm_summary(tx)
    with pytest.raises(ValueError, match="time_unit"):
        rfm_summary(tx.dropna(), time_unit="month")
    with pytest.raises(ValueError, match="lack column"):
        rfm_summary(tx, date_col="when")
    good = tx.dropna()
    with pytest.raises(ValueError, match="after calibration_end"):
        calibration_holdout_summary(
            good, calibration_end="2024-02-01", observation_end="2024-01-01"
        )
