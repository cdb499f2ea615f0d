"""Tables of the people side of the record: who in the company keeps which customer."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from keepwell.db.base import Base, ProvenanceMixin, TimestampMixin


class Department(TimestampMixin, Base):
    """A department of the company (sales, service, engineering, ...)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class RetentionRole(TimestampMixin, Base):
    """A named part in keeping a customer, with its charter (account owner, service lead, ...)."""

    __tablename__ = "retention_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    charter: Mapped[str] = mapped_column(Text, default="")
    signals: Mapped[list[Any]] = mapped_column(default=list)
    tasks: Mapped[list[Any]] = mapped_column(default=list)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class Employee(ProvenanceMixin, Base):
    """A person working for the company."""

    __tablename__ = "employees"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    hired_at: Mapped[date | None] = mapped_column(Date)
    left_at: Mapped[date | None] = mapped_column(Date)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))

    department: Mapped[Department | None] = relationship()


class AccountTeamMember(ProvenanceMixin, Base):
    """An employee's retention role on one account, for a period."""

    __tablename__ = "account_team_members"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("retention_roles.id"), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    employee: Mapped[Employee] = relationship()
    role: Mapped[RetentionRole] = relationship()
