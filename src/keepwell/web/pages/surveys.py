"""The survey answer page: no sign-in, English or German, a score scale and a comment.

The link is the credential and works once. Forms carry the invitation's own form token.
Unknown links answer 404, used and expired ones 410, too many requests 429 — each a plain
page that says nothing about the customer. The page shows only the question.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.plans.sharing import LinkState
from keepwell.settings import Settings
from keepwell.surveys.links import SURVEY_PATH, form_ok, present
from keepwell.surveys.models import SurveyInvitation
from keepwell.surveys.scales import SCALES
from keepwell.surveys.service import MAX_COMMENT, SurveyError, answer, question_text, unsubscribe
from keepwell.surveys.wording import LANGUAGES, LOW_HIGH, TEXT, choose
from keepwell.web.deps import PUBLIC, SessionDep, StateDep
from keepwell.web.pages.auth import client_address
from keepwell.web.pages.shared_plans import limits
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Lang = Annotated[str, Query(max_length=8)]
FormLang = Annotated[str, Form(max_length=8)]
Token = Annotated[str, Form(max_length=128)]
REFUSALS = {
    LinkState.UNKNOWN: (404, "unknown"),
    LinkState.GONE: (410, "gone"),
    LinkState.LIMITED: (429, "limited"),
}


def _language(request: Request, asked: str, invitation: SurveyInvitation | None) -> str:
    recorded = invitation.language if invitation else None
    return choose(asked, recorded, request.headers.get("accept-language", ""))


def _context(request: Request, lang: str, token: str, path: str = "") -> dict[str, Any]:
    other = next(code for code in LANGUAGES if code != lang)
    switch = f"{SURVEY_PATH}{token}{path}?lang={other}" if token else None
    return {"lang": lang, "t": TEXT[lang], "other_lang": other, "switch_url": switch}


def _refusal(request: Request, state: LinkState, lang: str) -> Response:
    status, key = REFUSALS[state]
    context = {**_context(request, lang, ""), "message": TEXT[lang][key]}
    return render(request, "surveys/refused.html", context, status=status)


def _open(
    request: Request,
    db: Session,
    settings: Settings,
    token: str,
    asked: str,
    action: str,
    *,
    single_use: bool = True,
) -> SurveyInvitation | Response:
    found = present(
        db,
        token,
        client_address(request),
        action,
        limits=limits(settings),
        single_use=single_use,
    )
    if found.invitation is None:
        db.commit()
        return _refusal(request, found.state, _language(request, asked, None))
    return found.invitation


def _answer_page(
    request: Request,
    settings: Settings,
    invitation: SurveyInvitation,
    token: str,
    lang: str,
    *,
    error: str | None = None,
    chosen: int | None = None,
    comment: str = "",
    status: int = 200,
) -> Response:
    low, high = SCALES[invitation.kind]
    low_word, high_word = LOW_HIGH[lang][invitation.kind]
    company = settings.company_name or ("uns" if lang == "de" else "us")
    context = {
        **_context(request, lang, token),
        "token": token,
        "form_token": invitation.form_token,
        "question": question_text(lang, invitation.kind, invitation.trigger_kind, company),
        "scores": list(range(low, high + 1)),
        "low_word": low_word,
        "high_word": high_word,
        "chosen": chosen,
        "comment": comment,
        "error": error,
        "max_comment": MAX_COMMENT,
    }
    return render(request, "surveys/answer.html", context, status=status)


@router.get(SURVEY_PATH + "{token}", dependencies=[PUBLIC])
def survey_page(
    request: Request, token: str, db: SessionDep, state: StateDep, lang: Lang = ""
) -> Response:
    """The question, a score scale and a comment box."""
    found = _open(request, db, state.settings, token, lang, "view")
    if isinstance(found, Response):
        return found
    db.commit()
    return _answer_page(request, state.settings, found, token, _language(request, lang, found))


@router.post(SURVEY_PATH + "{token}", dependencies=[PUBLIC])
def survey_answer(
    request: Request,
    token: str,
    db: SessionDep,
    state: StateDep,
    form_token: Token = "",
    score: Annotated[str, Form(max_length=4)] = "",
    comment: Annotated[str, Form(max_length=MAX_COMMENT + 100)] = "",
    lang: FormLang = "",
) -> Response:
    """Record the answer; the link then stops working."""
    found = _open(request, db, state.settings, token, lang, "answer")
    if isinstance(found, Response):
        return found
    language = _language(request, lang, found)
    chosen = int(score) if score.strip().isdigit() else None
    if not form_ok(db, found, form_token, client_address(request)):
        db.commit()
        return _answer_page(
            request,
            state.settings,
            found,
            token,
            language,
            error=TEXT[language]["stale"],
            chosen=chosen,
            comment=comment,
            status=403,
        )
    try:
        answer(db, found, chosen, comment, client_address(request))
    except SurveyError as exc:
        db.commit()  # nothing was written but the request's count
        message = TEXT[language]["pick"] if chosen is None else str(exc)
        return _answer_page(
            request,
            state.settings,
            found,
            token,
            language,
            error=message,
            chosen=chosen,
            comment=comment,
            status=422,
        )
    db.commit()
    context = {
        **_context(request, language, ""),
        "heading": TEXT[language]["title"],
        "message": TEXT[language]["thanks"],
    }
    return render(request, "surveys/done.html", context)


@router.get(SURVEY_PATH + "{token}/unsubscribe", dependencies=[PUBLIC])
def unsubscribe_page(
    request: Request, token: str, db: SessionDep, state: StateDep, lang: Lang = ""
) -> Response:
    """Ask to confirm: receive no more surveys (works after answering too)."""
    found = _open(request, db, state.settings, token, lang, "unsubscribe", single_use=False)
    if isinstance(found, Response):
        return found
    db.commit()
    return _unsubscribe_page(request, found, token, _language(request, lang, found))


def _unsubscribe_page(
    request: Request,
    invitation: SurveyInvitation,
    token: str,
    lang: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        **_context(request, lang, token, "/unsubscribe"),
        "token": token,
        "form_token": invitation.form_token,
        "ask": TEXT[lang]["unsubscribe_ask"].format(email=invitation.email),
        "error": error,
    }
    return render(request, "surveys/unsubscribe.html", context, status=status)


@router.post(SURVEY_PATH + "{token}/unsubscribe", dependencies=[PUBLIC])
def unsubscribe_post(
    request: Request,
    token: str,
    db: SessionDep,
    state: StateDep,
    form_token: Token = "",
    lang: FormLang = "",
) -> Response:
    """No more surveys to this address."""
    found = _open(request, db, state.settings, token, lang, "unsubscribe", single_use=False)
    if isinstance(found, Response):
        return found
    language = _language(request, lang, found)
    if not form_ok(db, found, form_token, client_address(request)):
        db.commit()
        stale = TEXT[language]["stale"]
        return _unsubscribe_page(request, found, token, language, error=stale, status=403)
    unsubscribe(db, found, client_address(request))
    db.commit()
    context = {
        **_context(request, language, ""),
        "heading": TEXT[language]["unsubscribe_title"],
        "message": TEXT[language]["unsubscribed"],
    }
    return render(request, "surveys/done.html", context)
