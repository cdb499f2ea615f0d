"""Idempotent upserts keyed by (source, external id), with every change audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.intake.existing import existing_rows, has_rows
from keepwell.intake.fastwrite import BulkInserter
from keepwell.intake.fields import KindSpec
from keepwell.intake.mapping import Mapping
from keepwell.intake.plan import Key, ParsedRow
from keepwell.intake.resolve import Unresolved
from keepwell.intake.tables import MODELS
from keepwell.people.models import Department
from keepwell.record.models import Account, AccountExternalId, Asset


@dataclass
class Change:
    """What an import did (or would do) to one record."""

    action: str
    key: Key
    row: int
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Upserter:
    """Writes parsed rows of one kind: inserts new keys, updates changed ones, skips the rest."""

    session: Session
    spec: KindSpec
    mapping: Mapping
    batch_id: int
    actor: str
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    sample: list[Change] = field(default_factory=list)
    sample_size: int = 50
    updated_ids: list[int] = field(default_factory=list)
    """The ids of the rows this import changed."""
    _seen: dict[Key, int] = field(default_factory=dict)
    _departments: dict[str, int] = field(default_factory=dict)
    _lookup: bool | None = None
    """Whether rows may already exist: decided at the first write, before it inserts."""
    _inserter: BulkInserter | None = None

    @property
    def table(self) -> Table:
        """The table this kind writes."""
        table = MODELS[self.spec.name].__table__
        assert isinstance(table, Table)
        return table

    def key(self, row: ParsedRow) -> Key:
        """The row's identity: (asset, ts, metric, alarm) for telemetry, else its external id."""
        if self.spec.name == "telemetry":
            v = row.values
            return (v["asset_id"], v["ts"], v.get("metric") or "", v.get("alarm_code") or "")
        if self.spec.natural_key and not row.values.get("external_id"):
            row.values["external_id"] = "|".join(row.refs[name] for name in self.spec.natural_key)
        return str(row.values["external_id"])

    def check(self, rows: list[ParsedRow]) -> list[Unresolved]:
        """Row problems only visible with the whole file or the database: duplicates, clashes."""
        problems: list[Unresolved] = []
        seen = self._seen
        for row in rows:
            key = row.key = self.key(row)
            first = seen.setdefault(key, row.number)
            if first != row.number:
                problems.append(
                    Unresolved(
                        row.number,
                        "external_id",
                        _show(key),
                        f"duplicate key: same record as row {first}",
                    )
                )
        if self.spec.name == "telemetry":
            problems += _telemetry_shape(rows)
        if self.spec.name == "assets":
            problems += self._serial_clashes(rows)
        if self.spec.name == "accounts":
            problems += self._external_id_clashes(rows)
        return problems

    def write(self, rows: list[ParsedRow]) -> None:
        """Insert, update or skip every row of a checked chunk (``check`` set their keys)."""
        if self.spec.name == "employees":
            self._resolve_departments(rows)
        existing = self._existing([row.key for row in rows])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            values = self._values(row)
            current = existing.get(row.key)
            if current is None:
                inserts.append(values)
                self._count("created", row)
                continue
            self._keep_overrides(current, values)
            diff = self._diff(current, values, row)
            if not diff:
                self._count("unchanged", row)
                continue
            updates.append(
                {
                    "id": current["id"],
                    **{k: v[1] for k, v in diff.items()},
                    "import_batch_id": self.batch_id,
                }
            )
            self._count("updated", row, diff)
            self.updated_ids.append(int(current["id"]))
            record(
                self.session,
                actor=self.actor,
                action="import.update",
                entity=self.table.name,
                entity_id=current["id"],
                changes=_jsonable(diff),
                import_batch_id=self.batch_id,
            )
        self._insert(inserts)
        self._update(updates)
        if self.spec.name == "accounts":
            self._link_external_ids(rows)

    def _values(self, row: ParsedRow) -> dict[str, Any]:
        values = dict(row.values)
        if self.spec.name == "telemetry":
            values["metric"] = values.get("metric") or ""
            values["alarm_code"] = values.get("alarm_code") or ""
        values["source"] = self.mapping.source
        if self.spec.name == "accounts" and row.attributes:
            values["attributes"] = dict(row.attributes)
        return values

    def _keep_overrides(self, current: dict[str, Any], values: dict[str, Any]) -> None:
        """Leave fields edited in Keepwell alone; audit what the import brought instead."""
        overridden = current.get("overrides") or {}
        kept: dict[str, dict[str, Any]] = {}
        for column in overridden:
            if column in values:
                new = values.pop(column)
                if new != current.get(column):
                    kept[column] = {"kept": _plain(current.get(column)), "imported": _plain(new)}
        if kept:
            record(
                self.session,
                actor=self.actor,
                action="import.override_kept",
                entity=self.table.name,
                entity_id=current["id"],
                changes=dict(kept),
                import_batch_id=self.batch_id,
            )

    def _diff(
        self, current: dict[str, Any], values: dict[str, Any], row: ParsedRow
    ) -> dict[str, list[Any]]:
        diff: dict[str, list[Any]] = {}
        for column, new in values.items():
            if column in ("source", "external_id"):
                continue
            old = current.get(column)
            if column == "attributes":
                new = {**(old or {}), **new}
            if old != new:
                diff[column] = [old, new]
                values[column] = new
        return diff

    def _count(self, action: str, row: ParsedRow, diff: dict[str, list[Any]] | None = None) -> None:
        self.counts[action] += 1
        if action != "unchanged" and len(self.sample) < self.sample_size:
            self.sample.append(Change(action, row.key, row.number, diff or {}))

    def _existing(self, keys: list[Key]) -> dict[Key, dict[str, Any]]:
        """Stored rows with these keys; none are looked for when the table had none at first."""
        source = None if self.spec.name == "telemetry" else self.mapping.source
        if self._lookup is None:
            self._lookup = has_rows(self.session, self.table, source)
        return existing_rows(self.session, self.table, source, keys) if self._lookup else {}

    def _insert(self, inserts: list[dict[str, Any]]) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for values in inserts:
            values["import_batch_id"] = self.batch_id
            groups[tuple(values)].append(values)
        if self._inserter is None:
            self._inserter = BulkInserter(self.session, self.table)
        for group in groups.values():
            self._inserter.insert(group)

    def _update(self, updates: list[dict[str, Any]]) -> None:
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for values in updates:
            groups[frozenset(values)].append(values)
        model = MODELS[self.spec.name]
        for group in groups.values():
            self.session.execute(update(model), group)

    def _resolve_departments(self, rows: list[ParsedRow]) -> None:
        if not self._departments:
            self._departments = {d.name: d.id for d in self.session.scalars(select(Department))}
        for row in rows:
            name = row.values.pop("department", None)
            if name is None:
                continue
            if name not in self._departments:
                department = Department(name=name)
                self.session.add(department)
                self.session.flush()
                self._departments[name] = department.id
            row.values["department_id"] = self._departments[name]

    def _serial_clashes(self, rows: list[ParsedRow]) -> list[Unresolved]:
        serials = {row.values["serial"]: row for row in rows}
        query = select(Asset.serial, Asset.source, Asset.external_id).where(
            Asset.serial.in_(serials)
        )
        problems = []
        for serial, source, external_id in self.session.execute(query):
            row = serials[serial]
            if (source, external_id) != (self.mapping.source, row.values["external_id"]):
                problems.append(
                    Unresolved(
                        row.number,
                        "serial",
                        serial,
                        f"serial already belongs to asset {external_id!r} of source {source!r}",
                    )
                )
        return problems

    def _external_id_clashes(self, rows: list[ParsedRow]) -> list[Unresolved]:
        wanted = {(src, ext): row for row in rows for src, ext in row.external_ids.items()}
        if not wanted:
            return []
        links = self._links(list(wanted))
        problems = []
        for (src, ext), owner in links.items():
            row = wanted[(src, ext)]
            if owner != (self.mapping.source, row.values["external_id"]):
                problems.append(
                    Unresolved(
                        row.number,
                        src,
                        ext,
                        f"{src} id already belongs to account {owner[1]!r} of source {owner[0]!r}",
                    )
                )
        return problems

    def _links(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        """Existing (source, id) → (owning account's source, external id)."""
        query = (
            select(
                AccountExternalId.source,
                AccountExternalId.external_id,
                Account.source,
                Account.external_id,
            )
            .join(Account, Account.id == AccountExternalId.account_id)
            .where(tuple_(AccountExternalId.source, AccountExternalId.external_id).in_(pairs))
        )
        return {(s, e): (os, oe) for s, e, os, oe in self.session.execute(query)}

    def _link_external_ids(self, rows: list[ParsedRow]) -> None:
        table = self.table
        keys = [str(row.values["external_id"]) for row in rows]
        query = select(table.c.external_id, table.c.id).where(
            table.c.source == self.mapping.source, table.c.external_id.in_(keys)
        )
        ids: dict[str, int] = dict(self.session.execute(query).all())
        pairs = {(self.mapping.source, k): ids[k] for k in keys}
        for row in rows:
            for src, ext in row.external_ids.items():
                pairs[(src, ext)] = ids[str(row.values["external_id"])]
        known = self._links(list(pairs))
        new = [
            {"source": s, "external_id": e, "account_id": a}
            for (s, e), a in pairs.items()
            if (s, e) not in known
        ]
        if new:
            self.session.execute(insert(AccountExternalId), new)


def _telemetry_shape(rows: list[ParsedRow]) -> list[Unresolved]:
    problems = []
    for row in rows:
        v = row.values
        reading = v.get("metric") is not None and v.get("value") is not None
        alarm = v.get("alarm_code") is not None
        if not (reading or alarm):
            problems.append(
                Unresolved(
                    row.number,
                    "metric",
                    None,
                    "a telemetry row needs metric and value, or an alarm_code",
                )
            )
    return problems


def _show(key: Key) -> str:
    return key if isinstance(key, str) else "|".join(str(part) for part in key)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _jsonable(diff: dict[str, list[Any]]) -> dict[str, Any]:
    return {column: [_plain(old), _plain(new)] for column, (old, new) in diff.items()}
