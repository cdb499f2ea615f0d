"""Asking and answering surveys: who may be asked, sending through SMTP, bounces, answers,
unsubscribes, and the survey rules of ``keepwell run``.

A contact is never asked when they have left, have no address, unsubscribed, or their
address bounced; nor more than once within ``survey_throttle_days``; nor twice about the
same event. Each skip says why.
"""

from __future__ import annotations

import smtplib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.digests import digest, new_secret
from keepwell.days import end_of_day, start_of_day, utcnow
from keepwell.errors import Invalid
from keepwell.notify.email import send_email
from keepwell.people.presence import is_present
from keepwell.record.models import Account, Contact, Order, SurveyResponse, Ticket
from keepwell.settings import Settings
from keepwell.surveys.links import answer_url, unsubscribe_url
from keepwell.surveys.models import SurveyInvitation, SurveyOptOut
from keepwell.surveys.rules import SurveyRule
from keepwell.surveys.scales import SCALES
from keepwell.surveys.wording import LOW_HIGH, QUESTIONS, TEXT, TOPICS, language_of_country

MAX_COMMENT = 2000
ASKED = ("sent", "answered")
"""Invitation statuses that count as having asked the contact."""


class SurveyError(Invalid):
    """A survey that cannot be sent or answered, with the reason."""


@dataclass
class Outcome:
    """What happened (or would happen) for one contact."""

    contact_id: int
    contact: str
    status: str
    """``sent``, ``would send``, ``skipped``, ``bounced`` or ``failed``."""
    reason: str | None = None
    invitation_id: int | None = None


@dataclass
class SendReport:
    """One survey request for one account: its outcome per contact."""

    account_id: int
    account: str
    kind: str
    trigger_kind: str
    trigger_id: int | None
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready document (no link: a link is for its contact only)."""
        return asdict(self)

    def count(self, status: str) -> int:
        """How many contacts ended with ``status``."""
        return sum(o.status == status for o in self.outcomes)


@dataclass(frozen=True)
class Trigger:
    """Why a survey is asked: the event's kind and id, and the rule that asked."""

    kind: str = "manual"
    id: int | None = None
    rule: str | None = None
    cadence_days: int | None = None
    """For relationship surveys: not again within this many days of the last one."""


def send_survey(
    session: Session,
    settings: Settings,
    account: Account,
    kind: str,
    *,
    contact_id: int | None = None,
    trigger: Trigger | None = None,
    dry_run: bool = False,
    actor: str = "surveys",
    now: datetime | None = None,
) -> SendReport:
    """Ask ``account``'s contacts (or one of them) for a ``kind`` survey by e-mail."""
    if kind not in SCALES:
        raise SurveyError(f"unknown survey kind {kind!r}: use one of {', '.join(SCALES)}")
    if not dry_run and not settings.smtp_host:
        raise SurveyError("no SMTP server configured (KEEPWELL_SMTP_HOST)")
    trigger, now = trigger or Trigger(), now or utcnow()
    report = SendReport(account.id, account.name, kind, trigger.kind, trigger.id, dry_run)
    for contact in _recipients(session, account, contact_id):
        reason = why_not(session, settings, contact, trigger, now)
        if reason:
            report.outcomes.append(Outcome(contact.id, contact.name, "skipped", reason))
        elif dry_run:
            report.outcomes.append(Outcome(contact.id, contact.name, "would send"))
        else:
            report.outcomes.append(
                _send_one(session, settings, account, contact, kind, trigger, actor, now)
            )
    return report


def _recipients(session: Session, account: Account, contact_id: int | None) -> list[Contact]:
    query = select(Contact).where(Contact.account_id == account.id).order_by(Contact.id)
    if contact_id is not None:
        contacts = list(session.scalars(query.where(Contact.id == contact_id)))
        if not contacts:
            raise SurveyError(f"contact {contact_id} is not a contact of {account.name}")
        return contacts
    return list(session.scalars(query))


def why_not(
    session: Session, settings: Settings, contact: Contact, trigger: Trigger, now: datetime
) -> str | None:
    """Why ``contact`` must not be asked now, or ``None`` when they may be."""
    if not is_present(contact.left_at, contact.active, now.date()):
        return "the contact has left"
    if not contact.email or "@" not in contact.email:
        return "the contact has no e-mail address"
    opted = session.scalar(
        select(SurveyOptOut).where(SurveyOptOut.email == contact.email.strip().lower())
    )
    if opted is not None:
        label = "unsubscribed" if opted.reason == "unsubscribed" else "the address bounced"
        return f"{label} on {opted.at.date().isoformat()}"
    asked = select(func.max(SurveyInvitation.sent_at)).where(
        SurveyInvitation.contact_id == contact.id, SurveyInvitation.status.in_(ASKED)
    )
    if trigger.id is not None:
        same = session.scalar(
            asked.where(
                SurveyInvitation.trigger_kind == trigger.kind,
                SurveyInvitation.trigger_id == trigger.id,
            )
        )
        if same is not None:
            return f"already asked about this event on {same.date().isoformat()}"
    if trigger.cadence_days is not None:
        last = session.scalar(asked.where(SurveyInvitation.trigger_kind == trigger.kind))
        if last is not None and last > now - timedelta(days=trigger.cadence_days):
            return (
                f"{trigger.kind} survey asked on {last.date().isoformat()}; "
                f"asked every {trigger.cadence_days} days"
            )
    last = session.scalar(asked)
    period = settings.survey_throttle_days
    if last is not None and last > now - timedelta(days=period):
        return (
            f"asked on {last.date().isoformat()}; "
            f"no contact is asked more than once in {period} days"
        )
    return None


def _send_one(
    session: Session,
    settings: Settings,
    account: Account,
    contact: Contact,
    kind: str,
    trigger: Trigger,
    actor: str,
    now: datetime,
) -> Outcome:
    raw = new_secret()
    address = (contact.email or "").strip()
    invitation = SurveyInvitation(
        account_id=account.id,
        contact_id=contact.id,
        email=address,
        kind=kind,
        trigger_kind=trigger.kind,
        trigger_id=trigger.id,
        rule=trigger.rule,
        language=language_of_country(account.country),
        token_hash=digest(raw),
        form_token=new_secret(),
        status="sent",
        sent_at=now,
        expires_at=now + timedelta(days=settings.survey_link_days),
        sent_by=actor,
    )
    session.add(invitation)
    session.flush()
    subject, body = email_text(settings, invitation, contact.name, raw)
    outcome = Outcome(contact.id, contact.name, "sent", invitation_id=invitation.id)
    try:
        send_email(settings, address, subject, body)
    except smtplib.SMTPRecipientsRefused as exc:
        code, message = next(iter(exc.recipients.values()), (0, b""))
        _refused(session, invitation, contact, outcome, code, message, now)
    except smtplib.SMTPResponseException as exc:
        _refused(session, invitation, contact, outcome, exc.smtp_code, exc.smtp_error, now)
    except (OSError, smtplib.SMTPException) as exc:
        invitation.status, invitation.error = "failed", str(exc)[:500]
        outcome.status, outcome.reason = "failed", f"not sent: {exc}"
    _audit_sent(session, invitation, actor)
    return outcome


def _refused(
    session: Session,
    invitation: SurveyInvitation,
    contact: Contact,
    outcome: Outcome,
    code: int,
    message: bytes | str,
    now: datetime,
) -> None:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    detail = f"{code} {text}".strip()[:500]
    invitation.error = detail
    if code < 500 or isinstance(code, bool):
        invitation.status = "failed"
        outcome.status, outcome.reason = "failed", f"the server refused for now: {detail}"
        return
    invitation.status = "bounced"
    outcome.status, outcome.reason = "bounced", f"the server refused the address: {detail}"
    opt_out(session, invitation.email, "bounced", contact.id, detail=detail, now=now)


def _audit_sent(session: Session, invitation: SurveyInvitation, actor: str) -> None:
    record(
        session,
        actor=actor,
        action=f"survey.{invitation.status}",
        entity="survey_invitations",
        entity_id=invitation.id,
        changes={
            "account": invitation.account_id,
            "contact": invitation.contact_id,
            "kind": invitation.kind,
            "trigger": invitation.trigger_kind,
            "trigger_id": invitation.trigger_id,
            "error": invitation.error,
        },
    )


def email_text(
    settings: Settings, invitation: SurveyInvitation, name: str, raw: str
) -> tuple[str, str]:
    """The subject and plain-text body of a survey e-mail, in the invitation's language."""
    lang = invitation.language or "en"
    words = TEXT[lang]
    company = settings.company_name or ("uns" if lang == "de" else "us")
    low, high = SCALES[invitation.kind]
    low_word, high_word = LOW_HIGH[lang][invitation.kind]
    question = question_text(lang, invitation.kind, invitation.trigger_kind, company)
    body = "\n".join(
        [
            words["hello"].format(name=name),
            "",
            words["ask"],
            "",
            question,
            f"{low} ({low_word}) … {high} ({high_word})",
            "",
            answer_url(settings.public_url, raw),
            "",
            words["answer_by"].format(day=invitation.expires_at.date().isoformat()),
            "",
            "-- ",
            words["unsubscribe_line"].format(url=unsubscribe_url(settings.public_url, raw)),
            "",
        ]
    )
    return words["subject"].format(company=settings.company_name or company), body


def question_text(lang: str, kind: str, trigger_kind: str, company: str) -> str:
    """The question asked, in ``lang``."""
    topic = TOPICS[lang].get(trigger_kind, TOPICS[lang]["manual"])
    return QUESTIONS[lang][kind].format(company=company, topic=topic)


def opt_out(
    session: Session,
    email: str,
    reason: str,
    contact_id: int | None,
    *,
    detail: str | None = None,
    now: datetime | None = None,
) -> SurveyOptOut:
    """Never ask ``email`` again (idempotent: an earlier opt-out is kept)."""
    address = email.strip().lower()
    found = session.scalar(select(SurveyOptOut).where(SurveyOptOut.email == address))
    if found is not None:
        return found
    row = SurveyOptOut(
        email=address, reason=reason, detail=detail, contact_id=contact_id, at=now or utcnow()
    )
    session.add(row)
    session.flush()
    return row


def answer(
    session: Session,
    invitation: SurveyInvitation,
    score: int | None,
    comment: str,
    ip: str,
    *,
    now: datetime | None = None,
) -> SurveyResponse:
    """Record the contact's answer as a survey response linked to the triggering event."""
    low, high = SCALES[invitation.kind]
    if score is None or not low <= score <= high:
        raise SurveyError(f"choose a score from {low} to {high}")
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise SurveyError(f"a comment holds at most {MAX_COMMENT:,} characters")
    now = now or utcnow()
    claimed = session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.answered_at.is_(None))
        .values(answered_at=now, status="answered")
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:  # another request answered first
        raise SurveyError("this survey has been answered already")
    campaign = campaign_label(invitation.trigger_kind, invitation.trigger_id)
    response = SurveyResponse(
        source="keepwell",
        external_id=f"survey-invitation-{invitation.id}",
        account_id=invitation.account_id,
        contact_id=invitation.contact_id,
        kind=invitation.kind,
        score=float(score),
        comment=text or None,
        campaign=campaign,
        responded_at=now,
    )
    session.add(response)
    session.flush()
    invitation.answered_at, invitation.status, invitation.response_id = now, "answered", response.id
    record(
        session,
        actor=f"contact through survey link {invitation.id} ({ip[:64]})",
        action="survey.answered",
        entity="survey_invitations",
        entity_id=invitation.id,
        changes={"response": response.id, "kind": invitation.kind},
    )
    return response


CAMPAIGNS = {
    "manual": "e-mail survey",
    "relationship": "relationship survey",
    "order_delivered": "after delivery of order {id}",
    "ticket_closed": "after ticket {id} was closed",
}
"""How an answer's campaign reads on the timeline (the invitation keeps kind and id)."""


def campaign_label(trigger_kind: str, trigger_id: int | None) -> str:
    """The response's campaign: what asked for it, in words."""
    text = CAMPAIGNS.get(trigger_kind, "e-mail survey")
    return text.format(id=trigger_id) if trigger_id is not None else text.split(" {")[0]


def unsubscribe(session: Session, invitation: SurveyInvitation, ip: str) -> None:
    """The contact asks for no more surveys at the invitation's address."""
    opt_out(session, invitation.email, "unsubscribed", invitation.contact_id)
    record(
        session,
        actor=f"contact through survey link {invitation.id} ({ip[:64]})",
        action="survey.unsubscribed",
        entity="survey_invitations",
        entity_id=invitation.id,
        changes={"contact": invitation.contact_id},
    )


# Survey rules in ``keepwell run``


def run_survey_rules(
    session: Session,
    settings: Settings,
    rules: list[SurveyRule],
    *,
    today: date | None = None,
    dry_run: bool = False,
    actor: str = "survey rules",
) -> dict[str, Any]:
    """Evaluate every enabled rule: ask about recent events and on the relationship cadence."""
    today = today or date.today()
    now = utcnow() if today == utcnow().date() else start_of_day(today) + timedelta(hours=12)
    totals: dict[str, Any] = {"sent": 0, "would_send": 0, "skipped": 0, "bounced": 0}
    totals["failed"], totals["rules"] = 0, {}
    for rule in rules:
        if not rule.enabled:
            totals["rules"][rule.name] = {"skipped": "disabled"}
            continue
        reports = [
            send_survey(
                session, settings, account, rule.kind, contact_id=contact,
                trigger=trigger, dry_run=dry_run, actor=actor, now=now,
            )
            for account, contact, trigger in _asks(session, settings, rule, today)
        ]  # fmt: skip
        counts = {
            status: sum(r.count(status) for r in reports)
            for status in ("sent", "would send", "skipped", "bounced", "failed")
        }
        totals["rules"][rule.name] = counts
        for status, n in counts.items():
            totals[status.replace(" ", "_")] += n
    return totals


def _asks(
    session: Session, settings: Settings, rule: SurveyRule, today: date
) -> list[tuple[Account, int | None, Trigger]]:
    since = start_of_day(today - timedelta(days=rule.within_days))
    active = Account.status == "active"
    if rule.trigger == "ticket_closed":
        tickets = session.execute(
            select(Account, Ticket.contact_id, Ticket.id)
            .join(Ticket, Ticket.account_id == Account.id)
            .where(
                active,
                Ticket.contact_id.is_not(None),
                Ticket.closed_at >= since,
                Ticket.closed_at <= end_of_day(today),
            )
            .order_by(Ticket.id)
        ).all()
        return [(a, c, Trigger(rule.trigger, t, rule.name)) for a, c, t in tickets]
    if rule.trigger == "order_delivered":
        orders = session.execute(
            select(Account, Order.id)
            .join(Order, Order.account_id == Account.id)
            .where(active, Order.delivered_at >= since.date(), Order.delivered_at <= today)
            .order_by(Order.id)
        ).all()
        asks: list[tuple[Account, int | None, Trigger]] = []
        for account, order_id in orders:
            for contact_id in _key_contacts(session, account.id):
                asks.append((account, contact_id, Trigger(rule.trigger, order_id, rule.name)))
        return asks
    cadence = rule.every_days or settings.survey_relationship_days
    accounts = session.scalars(select(Account).where(active).order_by(Account.id)).all()
    return [(a, None, Trigger("relationship", None, rule.name, cadence)) for a in accounts]


def _key_contacts(session: Session, account_id: int) -> list[int]:
    """The account's key contacts, or all its contacts when none is marked key."""
    rows = session.execute(
        select(Contact.id, Contact.is_key).where(Contact.account_id == account_id)
    ).all()
    key = [r.id for r in rows if r.is_key]
    return key or [r.id for r in rows]
