"""Panel registries: order, hidden panels and unique keys."""

from __future__ import annotations

from typing import Any

import pytest

from keepwell.web.panels import PanelRegistry, account_panels, work_panels


def test_panels_in_order_and_hidden_when_loader_returns_none() -> None:
    registry: PanelRegistry[int] = PanelRegistry("test")

    @registry.register("late", "Late", "late.html", order=200)
    def late(db: Any, who: Any, subject: int) -> dict[str, Any] | None:
        return {"n": subject * 2}

    @registry.register("early", "Early", "early.html", order=10, wide=True)
    def early(db: Any, who: Any, subject: int) -> dict[str, Any] | None:
        return {"n": subject}

    @registry.register("hidden", "Hidden", "hidden.html", order=50)
    def hidden(db: Any, who: Any, subject: int) -> dict[str, Any] | None:
        return None

    assert registry.keys == ["early", "hidden", "late"]
    shown = registry.panels(None, None, 21)  # type: ignore[arg-type]
    assert [(p.key, p.data, p.wide) for p in shown] == [
        ("early", {"n": 21}, True),
        ("late", {"n": 42}, False),
    ]


def test_duplicate_panel_key_is_refused() -> None:
    registry: PanelRegistry[int] = PanelRegistry("test")
    registry.register("a", "A", "a.html")(lambda db, who, s: {})
    with pytest.raises(ValueError, match="already has a panel 'a'"):
        registry.register("a", "Again", "a.html")(lambda db, who, s: {})


def test_shared_registries_belong_to_their_pages() -> None:
    assert account_panels.page == "account"
    assert work_panels.page == "my work"
