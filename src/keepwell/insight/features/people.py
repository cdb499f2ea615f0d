"""Relationship features: contacts at the customer and the company's account team.

Contacts carry no start day, so every contact on record counts from the beginning; a
contact or employee is present at the cutoff when they leave on or after the cutoff day,
or have no leaving day and are still marked active. A team assignment counts while it
started before the cutoff and has not ended by it; a departure counts when the employee
left the company while on the account's team. Relationship threads (who talks to whom)
follow :mod:`keepwell.people.single_threaded`, the definition the team coverage uses.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed
from keepwell.people.single_threaded import RELATIONSHIP_WINDOW_DAYS


def _present(left_ago: ir.IntegerValue, left_at: ir.Value, active: ir.BooleanValue) -> ir.Value:
    return ibis.ifelse(left_at.isnull(), active, left_ago <= 0)


def _contacts_at_cutoff(frame: Frame) -> ir.Table:
    c = frame.stamp(frame.table("contacts"))
    left_ago = c.cutoff.delta(c.left_at, unit="day")
    return c.mutate(present=_present(left_ago, c.left_at, c.active), left_ago=left_ago)


def contact_features(frame: Frame) -> ir.Table:
    """Contacts present at the cutoff and contacts who left in the last 180 days."""
    c = _contacts_at_cutoff(frame)
    return keyed(
        c,
        active_contacts=c.id.count(where=c.present),
        contacts_left_180d=c.id.count(where=c.left_ago.between(1, 180)),
    )


def engaged_contact_features(frame: Frame) -> ir.Table:
    """Present contacts with an interaction in the last 180 days."""
    interactions = frame.table("interactions")
    h = frame.history(interactions.filter(interactions.contact_id.notnull()), "occurred_at", 180)
    c = _contacts_at_cutoff(frame)
    present = c.filter(c.present).select(contact_key=c.id, contact_cutoff=c.cutoff)
    joined = h.join(
        present, [h.contact_id == present.contact_key, h.cutoff == present.contact_cutoff]
    )
    return keyed(joined, engaged_contacts_180d=joined.contact_id.nunique())


def _present_at_cutoff(frame: Frame, name: str) -> ir.Table:
    """Rows of ``name`` (contacts or employees) present at each cutoff: ``key``, ``at``."""
    rows = frame.stamp(frame.table(name))
    left_ago = rows.cutoff.delta(rows.left_at, unit="day")
    rows = rows.filter(_present(left_ago, rows.left_at, rows.active))
    return rows.select(key=rows.id, at=rows.cutoff)


def thread_features(frame: Frame) -> ir.Table:
    """Our people and their contacts in active pairs at each cutoff (both still there).

    ``thread_holders`` and ``thread_contacts`` feed ``single_threaded``; they are not
    features of their own.
    """
    interactions = frame.table("interactions")
    pairs = interactions.filter(
        interactions.contact_id.notnull(), interactions.employee_id.notnull()
    )
    h = frame.history(pairs, "occurred_at", RELATIONSHIP_WINDOW_DAYS)
    contacts = _present_at_cutoff(frame, "contacts").rename(contact_key="key", contact_at="at")
    staff = _present_at_cutoff(frame, "employees").rename(staff_key="key", staff_at="at")
    joined = h.join(
        contacts, [h.contact_id == contacts.contact_key, h.cutoff == contacts.contact_at]
    )
    joined = joined.join(
        staff, [joined.employee_id == staff.staff_key, joined.cutoff == staff.staff_at]
    )
    return keyed(
        joined,
        thread_holders=joined.employee_id.nunique(),
        thread_contacts=joined.contact_id.nunique(),
    )


def team_features(frame: Frame) -> ir.Table:
    """Team size at the cutoff and team members who left the company in 180 days."""
    members, employees = frame.table("account_team_members"), frame.table("employees")
    staff = employees.select(
        staff_id=employees.id,
        active=employees.active,
        hired_at=employees.hired_at,
        left_at=employees.left_at,
    )
    t = frame.stamp(members.join(staff, members.employee_id == staff.staff_id))
    since_ago = t.cutoff.delta(t.since, unit="day")
    until_ago = t.cutoff.delta(t.until, unit="day")
    left_ago = t.cutoff.delta(t.left_at, unit="day")
    hired = t.hired_at.isnull() | (t.cutoff.delta(t.hired_at, unit="day") >= 1)
    assigned = (t.since.isnull() | (since_ago >= 1)) & (t.until.isnull() | (until_ago <= 0))
    on_team_when_left = (t.since.isnull() | (t.since <= t.left_at)) & (
        t.until.isnull() | (t.until >= t.left_at)
    )
    return keyed(
        t,
        team_size=t.employee_id.nunique(
            where=assigned & hired & _present(left_ago, t.left_at, t.active)
        ),
        team_departures_180d=t.employee_id.nunique(
            where=left_ago.between(1, 180) & on_team_when_left
        ),
    )
