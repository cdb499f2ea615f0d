"""``keepwell run`` as a function: score, evaluate every playbook, send notifications.

The application layer: it sits above every domain package it drives (telemetry rollups,
recurring problems, voice themes, scoring, playbooks, mentions, digests, surveys,
delivery), so none of them needs to know the others' order.

Running it again the same day creates no duplicate tasks (one open task per account,
rule and reason; cooldowns). ``Scheduler`` repeats it in a background thread of
``keepwell serve``.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from keepwell.insight.churn import ChurnDataError
from keepwell.insight.features import FeatureEngineError
from keepwell.insight.scoring import run_scoring
from keepwell.notify.service import DeliveryReport, deliver_pending, queue_digests
from keepwell.playbooks.service import run_playbooks
from keepwell.problems.store import refresh_problems
from keepwell.settings import get_settings
from keepwell.surveys.rules import SurveyRuleError, load_survey_rules, rules_file
from keepwell.surveys.service import run_survey_rules
from keepwell.teams.mention_notices import mentions_queued, queue_mentions
from keepwell.telemetry.rollups import ensure_rollups
from keepwell.voice.store import refresh_themes

log = logging.getLogger(__name__)


def run_once(
    engine: Engine,
    *,
    today: date | None = None,
    score: bool = True,
    actor: str = "playbooks",
    send: bool = True,
) -> dict[str, Any]:
    """Keep recurring problems and voice themes current, score (unless ``score`` is false),
    run the playbooks, queue digests (with the pending @mentions) and send them (unless
    ``send`` is false)."""

    with Session(engine) as session:
        ensure_rollups(session)
        refresh_problems(session)  # the "repeat problems" playbook reads problem records
        themes = refresh_themes(session)  # the voice pages read stored themes
        session.commit()
    scoring = _score(engine) if score else {"skipped": "not asked"}
    with Session(engine, expire_on_commit=False) as session:
        report = run_playbooks(session, today=today, actor=actor)
        notices = list(report.notices)
        mention_ids = queue_mentions(session, notices)
        queued = queue_digests(session, notices)
        mentions = mentions_queued(session, mention_ids)
        session.commit()
    surveys = ask_surveys(engine, today) if send else {"skipped": "not asked"}
    delivery = deliver(engine) if send else None
    return {
        "scoring": scoring,
        "voice_themes": themes,
        **report.summary(),
        "mentions_queued": mentions,
        "messages_queued": queued,
        "delivery": delivery.summary() if delivery else {"skipped": "not asked"},
        "surveys": surveys,
    }


def ask_surveys(engine: Engine, today: date | None = None) -> dict[str, Any]:
    """Evaluate the survey rules (``surveys.yaml`` beside the playbooks) and send by e-mail."""

    settings = get_settings()
    if not settings.smtp_host:
        return {"skipped": "no SMTP server configured (KEEPWELL_SMTP_HOST)"}
    try:
        rules = load_survey_rules(rules_file(settings.data_dir))
    except SurveyRuleError as exc:
        return {"skipped": str(exc)}
    with Session(engine) as session:
        summary = run_survey_rules(session, settings, rules, today=today)
        session.commit()
    return summary


def deliver(engine: Engine) -> DeliveryReport:
    """Send what is due in the outbox (one pass, with retries and backoff)."""

    with Session(engine) as session:
        delivery = deliver_pending(session)
        session.commit()
    return delivery


def _score(engine: Engine) -> dict[str, Any]:

    try:
        result = run_scoring(engine)
    except (ChurnDataError, FeatureEngineError) as exc:
        return {"skipped": str(exc)}
    summary = result.summary()
    return {"run_id": result.run_id, "scored": summary.get("scored"), "as_of": summary.get("as_of")}


_UPDATING = threading.Lock()
"""Held while an update started from the app runs, so only one runs per process."""


def start_update(engine: Engine, *, actor: str) -> bool:
    """Start :func:`run_once` in a background thread unless one is running; True if started.

    The update an administrator starts from the app ("Update now"): the same work as
    ``keepwell run``; a failure is logged like a scheduled run's.
    """
    if not _UPDATING.acquire(blocking=False):
        return False

    def work() -> None:
        try:
            run_once(engine, actor=actor)
        except Exception:
            log.exception("the update started by %s failed", actor)
        finally:
            _UPDATING.release()

    threading.Thread(target=work, name="keepwell-update", daemon=True).start()
    return True


def update_running() -> bool:
    """True while an update started from the app is running in this process."""
    return _UPDATING.locked()


class Scheduler:
    """Calls ``run_once`` every ``minutes`` in a daemon thread until stopped."""

    def __init__(self, engine: Engine, minutes: float, *, score: bool = True) -> None:
        self.engine = engine
        self.seconds = minutes * 60
        self.score = score
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="keepwell-run", daemon=True)

    def start(self) -> None:
        """Start the thread; the first run happens right away."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it (a run in progress finishes first)."""
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                summary = run_once(self.engine, score=self.score)
                log.info("scheduled run: %s tasks created", summary["tasks_created"])
            except Exception:
                log.exception("scheduled run failed; retrying at the next interval")
            self.runs += 1
            self._stop.wait(self.seconds)
