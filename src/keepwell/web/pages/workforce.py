"""The workforce view (leaders and admins) and the role profiles for job descriptions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from keepwell.teams.access import require_leader
from keepwell.teams.profiles import profiles
from keepwell.teams.workforce import capacity, team_changes_and_churn
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/workforce")
def workforce_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Capacity per role and department, gaps and overloads, team changes against churn."""
    require_leader(who.user, who.permissions, "see the workforce view")
    context = {
        "capacity": capacity(db),
        "churn": [team_changes_and_churn(db, threshold=n) for n in (1, 2, 3)],
    }
    return render(request, "teams/workforce.html", context)


@router.get("/workforce/profiles")
def profiles_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Each retention role as a job-description section: duties and who it works with."""
    return render(request, "teams/profiles.html", {"profiles": profiles(db)})
