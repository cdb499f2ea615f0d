"""The workforce view is for leaders and admins; the role profiles are for everyone."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser


def test_workforce_for_leaders_profiles_for_all(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    leader = browser("leader").get("/workforce")
    assert leader.status_code == 200
    assert "Per role" in leader.text and "Team changes and churn" in leader.text
    assert "12,845.67" in leader.text  # the Service department: Acme and Gamma
    assert 'href="/workforce"' in leader.text
    member = browser("member")
    refused = member.get("/workforce")
    assert refused.status_code == 403 and "only leaders and admins" in refused.text
    assert 'href="/workforce"' not in member.get("/roles").text
    profiles = member.get("/workforce/profiles")
    assert profiles.status_code == 200 and 'id="service_lead"' in profiles.text
    assert "not someone who takes orders" in profiles.text
    assert browser("admin").get("/workforce").status_code == 200
