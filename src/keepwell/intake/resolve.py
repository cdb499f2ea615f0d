"""Resolving references between records, across source systems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.intake.fields import FieldSpec, KindSpec, RefKind
from keepwell.intake.mapping import Mapping
from keepwell.intake.plan import ParsedRow
from keepwell.people.models import Employee
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account, AccountExternalId, Asset, Contact, Quote

_BY_SOURCE: dict[RefKind, type[Employee] | type[Contact] | type[Quote]] = {
    "employee": Employee,
    "contact": Contact,
    "quote": Quote,
}
_LABEL = {
    "account": "account",
    "asset": "asset serial",
    "contact": "contact",
    "employee": "employee",
    "quote": "quote",
    "role": "retention role",
}


@dataclass
class Unresolved:
    """A reference that points at nothing (or at more than one thing)."""

    row: int
    field: str
    value: str | None
    reason: str


@dataclass
class Resolver:
    """Turns external ids in reference fields into database ids, caching what it found."""

    session: Session
    spec: KindSpec
    mapping: Mapping
    create_missing_accounts: bool = False
    accounts_created: int = 0
    _cache: dict[tuple[str, str | None], dict[str, int | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def resolve(self, rows: list[ParsedRow]) -> list[Unresolved]:
        """Fill ``<field>_id`` values of ``rows``; return the references that failed."""
        problems: list[Unresolved] = []
        for spec_field in self.spec.fields:
            if spec_field.ref is None:
                continue
            name = spec_field.name
            pending = [(row, row.refs[name]) for row in rows if name in row.refs]
            if pending:
                problems += self._resolve_field(spec_field, spec_field.ref, pending)
        return problems

    def _resolve_field(
        self, spec_field: FieldSpec, kind: RefKind, pending: list[tuple[ParsedRow, str]]
    ) -> list[Unresolved]:
        name, target_name = spec_field.name, spec_field.target
        source = self._source(name, kind)
        found = self._lookup(kind, source, {raw for _, raw in pending})
        problems: list[Unresolved] = []
        for row, raw in pending:
            target = found.get(raw)
            if target is None and kind == "account" and self.create_missing_accounts:
                target = self._create_account(raw, row.account_name)
                found[raw] = target
            if target is None:
                problems.append(
                    Unresolved(row.number, name, raw, _reason(kind, source, raw, found))
                )
            else:
                row.values[target_name] = target
        return problems

    def _source(self, name: str, kind: RefKind) -> str | None:
        if name in self.mapping.references:
            return self.mapping.references[name]
        return self.mapping.source if kind in _BY_SOURCE else None

    def _lookup(
        self, kind: RefKind, source: str | None, wanted: Iterable[str]
    ) -> dict[str, int | None]:
        cache = self._cache[(kind, source)]
        missing = [value for value in wanted if value not in cache]
        if missing:
            cache.update(self._query(kind, source, missing))
        return cache

    def _query(self, kind: RefKind, source: str | None, values: list[str]) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for start in range(0, len(values), 2000):
            part = values[start : start + 2000]
            if kind == "account":
                result.update(self._query_accounts(source, part))
            elif kind == "asset":
                rows = self.session.execute(
                    select(Asset.serial, Asset.id).where(Asset.serial.in_(part))
                )
                result.update(dict(rows.all()))
            elif kind == "role":
                result.update(self._roles(part))
            else:
                model = _BY_SOURCE[kind]
                rows = self.session.execute(
                    select(model.external_id, model.id).where(
                        model.source == source, model.external_id.in_(part)
                    )
                )
                result.update(dict(rows.all()))
        return result

    def _query_accounts(self, source: str | None, values: list[str]) -> dict[str, int | None]:
        query = select(AccountExternalId.external_id, AccountExternalId.account_id).where(
            AccountExternalId.external_id.in_(values)
        )
        if source is not None:
            query = query.where(AccountExternalId.source == source)
        matches: dict[str, set[int]] = defaultdict(set)
        for ext, account_id in self.session.execute(query):
            matches[ext].add(account_id)
        return {ext: (ids.pop() if len(ids) == 1 else None) for ext, ids in matches.items()}

    def _roles(self, values: list[str]) -> dict[str, int | None]:
        by_label: dict[str, int] = {}
        for role in ensure_builtin_roles(self.session).values():
            by_label[role.key.lower()] = role.id
            by_label[role.name.lower()] = role.id
        return {v: by_label[v.strip().lower()] for v in values if v.strip().lower() in by_label}

    def _create_account(self, external_id: str, name: str | None) -> int:
        account = Account(
            source=self.mapping.source,
            external_id=external_id,
            name=name or external_id,
            status="active",
            attributes={},
        )
        account.external_ids.append(
            AccountExternalId(source=self.mapping.source, external_id=external_id)
        )
        self.session.add(account)
        self.session.flush()
        self.accounts_created += 1
        return account.id


def _reason(kind: RefKind, source: str | None, raw: str, found: dict[str, int | None]) -> str:
    if raw in found and found[raw] is None:
        return (
            f"{_LABEL[kind]} id {raw!r} exists in several sources; "
            "name the source under references in the mapping"
        )
    where = f" in source {source!r}" if source else ""
    return f"unknown {_LABEL[kind]}{where}"
