"""Panels that features add to shared pages (the account 360, my work) without editing them.

A feature registers a loader with a registry; the page calls every loader and includes
each panel's template with the data it returned. A loader returning ``None`` hides its
panel (nothing to show, or not for this principal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from keepwell.web.deps import Principal

Subject = TypeVar("Subject")
Loader = Callable[[Session, Principal, Subject], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """One panel as the page includes it: its template and the data its loader returned."""

    key: str
    title: str
    template: str
    data: dict[str, Any]
    wide: bool = False


@dataclass(frozen=True)
class _Entry(Generic[Subject]):
    key: str
    title: str
    template: str
    order: int
    wide: bool
    load: Loader[Subject]


@dataclass
class PanelRegistry(Generic[Subject]):
    """The panels of one page, in ``order``; keys are unique."""

    page: str
    _entries: dict[str, _Entry[Subject]] = field(default_factory=dict)

    def register(
        self, key: str, title: str, template: str, *, order: int = 100, wide: bool = False
    ) -> Callable[[Loader[Subject]], Loader[Subject]]:
        """Decorator: add the decorated loader as panel ``key``."""

        def add(load: Loader[Subject]) -> Loader[Subject]:
            if key in self._entries:
                raise ValueError(f"the {self.page} page already has a panel {key!r}")
            self._entries[key] = _Entry(key, title, template, order, wide, load)
            return load

        return add

    @property
    def keys(self) -> list[str]:
        """The registered panel keys in display order."""
        return [e.key for e in self._sorted()]

    def panels(
        self,
        db: Session,
        who: Principal,
        subject: Subject,
        *,
        only: Callable[[str], bool] | None = None,
    ) -> list[Panel]:
        """Every panel with something to show for ``subject``, in display order; with
        ``only``, just the panels whose key it accepts (the others are not loaded)."""
        shown = []
        for entry in self._sorted():
            if only is not None and not only(entry.key):
                continue
            data = entry.load(db, who, subject)
            if data is not None:
                shown.append(Panel(entry.key, entry.title, entry.template, data, entry.wide))
        return shown

    def _sorted(self) -> list[_Entry[Subject]]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))


account_panels: PanelRegistry[Any] = PanelRegistry("account")
"""Panels of the account 360; loaders receive the page's ``Account360`` view."""
work_panels: PanelRegistry[Any] = PanelRegistry("my work")
"""Panels of "My work"; loaders receive the user's ``Employee`` (or ``None``)."""
