"""The account list's team filters (owner, department) run in SQL, with paging and counts."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from keepwell.people.models import Department, Employee
from keepwell.record.service import count_accounts, list_accounts


def test_owner_and_department_filters(engine: Engine, record: dict[str, int]) -> None:
    with Session(engine) as session:
        people = dict(session.execute(select(Employee.external_id, Employee.id)).all())
        departments = dict(session.execute(select(Department.name, Department.id)).all())

        def names(**filters: int) -> list[str]:
            found = [a.name for a in list_accounts(session, **filters)]
            assert count_accounts(session, **filters) == len(found)
            return found

        assert names(owner=people["E-2"]) == ["Acme Pumps"]
        assert names(owner=people["E-3"]) == ["Gamma Mills"]
        assert names(owner=people["E-1"]) == [], "a service lead owns nothing"
        assert names(department=departments["Service"]) == ["Acme Pumps", "Gamma Mills"]
        assert names(department=departments["Sales"], owner=people["E-3"]) == ["Gamma Mills"]
        page = list_accounts(session, department=departments["Service"], limit=1, offset=1)
        assert [a.name for a in page] == ["Gamma Mills"]
        assert page[0].team_size == 2 and page[0].orders_12m == 1
        chosen = list_accounts(session, ids=[record["C-3"], record["C-2"]])
        assert [a.name for a in chosen] == ["Beta Works", "Gamma Mills"]
