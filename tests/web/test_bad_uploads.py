"""Malformed import files are clear 422s on the API and the upload page, never 500s."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.intake.corpus import ROWS, corpus
from tests.web.conftest import Browser, bearer, make_settings
from tests.web.test_api import PROBLEM

from keepwell.web import create_app


def limited_app(engine: Engine, tmp_path: Path) -> FastAPI:
    """The app with the corpus's small caps on imports."""
    settings = make_settings(tmp_path, import_max_rows=1_000, import_max_expanded_mib=2)
    return create_app(settings, engine)


def test_the_corpus_through_the_api(
    engine: Engine, tmp_path: Path, token: Callable[[str, str], str]
) -> None:
    client = TestClient(limited_app(engine, tmp_path), base_url="https://testserver")
    auth = bearer(token("admin", "ingest"))
    statuses: dict[int, int] = {}
    for case in corpus():
        response = client.post(
            "/api/v1/imports",
            data={"kind": "accounts", "dry_run": "true"},
            files={"file": (case.name, case.data)},
            headers=auth,
        )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code == 200:
            assert response.json()["rows"] == case.rows, case.name
            continue
        assert response.status_code == 422 and not case.must_import, (case.name, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert (
            response.json()["detail"].startswith(f"{case.name}: ")
            or response.json()["result"]["errors"][0]["file"] == case.name
        )
    assert set(statuses) == {200, 422}


def test_the_upload_page_names_the_file_and_the_reason(
    engine: Engine, tmp_path: Path, people: dict[str, int]
) -> None:
    browser = Browser(limited_app(engine, tmp_path))
    assert browser.sign_in("admin@maker.test").status_code == 303
    cases = {case.name: case for case in corpus()}
    for name, reason in (
        ("truncated-0.5.xlsx", "it is damaged or not of this format"),
        ("random-10000.parquet", "cannot read the file as Parquet"),
        ("deep.json", "it is nested too deeply"),
        ("duplicate-header.csv", "the header names &#39;name&#39; twice"),
        ("bomb.xlsx", "the file unpacks to"),
    ):
        files = {"file": (name, cases[name].data)}
        response = browser.post("/imports", {"kind": "accounts"}, files=files)
        assert response.status_code == 422, name
        assert f"{name}: " in response.text and reason in response.text, name
    good = browser.post(
        "/imports",
        {"kind": "accounts"},
        files={"file": ("x.xlsx", cases["dimension-too-small.xlsx"].data)},
    )
    assert good.status_code == 200 and f"{ROWS} rows" in good.text
