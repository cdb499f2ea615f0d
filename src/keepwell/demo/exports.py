"""The demo company's source systems and the export files each of them writes.

Every system has its own ids, column names, date formats and status labels; the
packaged mapping files (``mappings/*.yaml``) translate them into Keepwell's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from keepwell.demo.catalog import HR_DEPARTMENTS, TEAM_ROLE_LABELS
from keepwell.demo.company import Company
from keepwell.demo.dice import Period, plus
from keepwell.demo.formats import (
    day,
    money,
    write_csv,
    write_json,
    write_ndjson,
    write_parquet,
    write_xlsx,
)
from keepwell.demo.model import Customer
from keepwell.demo.source_rows import (
    activity_records,
    order_rows,
    quote_rows,
    survey_rows,
    ticket_records,
)


@dataclass(frozen=True)
class ExportFile:
    """One export file: what it holds, where it lies, which mapping reads it."""

    kind: str
    path: str
    mapping: str
    system: str


FILES: tuple[ExportFile, ...] = (
    ExportFile("employees", "hr/employees.csv", "hr_employees.yaml", "HR"),
    ExportFile("accounts", "crm/accounts.csv", "crm_accounts.yaml", "CRM"),
    ExportFile("contacts", "crm/contacts.csv", "crm_contacts.yaml", "CRM"),
    ExportFile("teams", "crm/account_team.csv", "crm_account_team.yaml", "CRM"),
    ExportFile("assets", "machines/assets.csv", "machines_assets.yaml", "Machine platform"),
    ExportFile("quotes", "crm/quotes.xlsx", "crm_quotes.yaml", "CRM"),
    ExportFile("orders", "erp/orders.csv", "erp_orders.yaml", "ERP"),
    ExportFile("tickets", "helpdesk/tickets.json", "helpdesk_tickets.yaml", "Helpdesk"),
    ExportFile("surveys", "surveys/responses.csv", "survey_responses.yaml", "Survey tool"),
    ExportFile("interactions", "crm/activities.ndjson", "crm_activities.yaml", "CRM"),
    ExportFile(
        "telemetry", "machines/telemetry.parquet", "machines_telemetry.yaml", "Machine platform"
    ),
)
"""Every export, in the order they must be imported (references point backwards)."""


def write_exports(company: Company, out_dir: Path) -> dict[str, int]:
    """Write every export file under ``out_dir``; return the number of rows per kind."""
    world, activity = company.world, company.activity
    customers, period = world.customers, world.period
    stamp = datetime.combine(period.as_of, datetime.min.time())
    counts = {
        "employees": _employees(company, out_dir / "hr/employees.csv"),
        "accounts": _accounts(customers, period, out_dir / "crm/accounts.csv"),
        "contacts": _contacts(customers, out_dir / "crm/contacts.csv"),
        "teams": _teams(customers, out_dir / "crm/account_team.csv"),
        "assets": _assets(customers, period, out_dir / "machines/assets.csv"),
    }
    header, rows = quote_rows(activity.quotes)
    write_xlsx(out_dir / "crm/quotes.xlsx", "Quotes", header, rows, stamp)
    header, rows = order_rows(activity.orders)
    write_csv(out_dir / "erp/orders.csv", header, rows)
    export = {"system": "Brenner ServiceDesk", "generated_at": stamp.isoformat()}
    tickets = ticket_records(activity.tickets)
    write_json(out_dir / "helpdesk/tickets.json", {"export": export, "tickets": tickets})
    header, rows = survey_rows(activity.surveys)
    write_csv(out_dir / "surveys/responses.csv", header, rows, bom=True)
    write_ndjson(out_dir / "crm/activities.ndjson", activity_records(activity.interactions))
    _telemetry(company, out_dir / "machines/telemetry.parquet")
    counts |= {
        "quotes": len(activity.quotes),
        "orders": len(activity.orders),
        "tickets": len(activity.tickets),
        "surveys": len(activity.surveys),
        "interactions": len(activity.interactions),
        "telemetry": len(activity.telemetry),
    }
    return counts


def _employees(company: Company, path: Path) -> int:
    header = (
        "Personnel No",
        "Employee Name",
        "E-Mail",
        "Department",
        "Position",
        "Location",
        "Entry Date",
        "Exit Date",
        "Employment Status",
    )
    rows = [
        (
            e.number,
            e.name,
            e.email,
            HR_DEPARTMENTS[e.dept],
            e.title,
            "Kassel",
            day(e.hired_at, "%Y%m%d"),
            day(e.left_at, "%Y%m%d"),
            "Terminated" if e.left_at else "Active",
        )
        for e in sorted(company.world.employees, key=lambda e: e.number)
    ]
    write_csv(path, header, rows)
    return len(rows)


def _accounts(customers: list[Customer], period: Period, path: Path) -> int:
    header = (
        "Account ID",
        "Account Name",
        "Segment",
        "Region",
        "Tier",
        "Industry",
        "Billing Country",
        "Website",
        "Stage",
        "Customer Since",
        "Lost Date",
        "Lost Reason",
        "Annual Contract Value",
        "Contract End",
        "Renewal Date",
        "ERP Customer No",
        "Fleet Size",
        "Contract Type",
        "Payment Terms",
        "Connected Machines",
        "Preferred Language",
    )
    rows = [_account(c, period) for c in customers]
    write_csv(path, header, rows)
    return len(rows)


def _account(c: Customer, period: Period) -> tuple[object, ...]:
    lost = c.story.churned and c.story.marked_lost
    contract_end, renewal = contract_dates(c, period)
    return (
        c.crm_id,
        c.name,
        c.segment,
        c.country.region,
        c.tier,
        c.industry,
        c.country.name,
        f"www.{c.domain}",
        "Closed Lost" if lost else "Customer",
        day(c.started_on),
        day(c.story.churn_on if lost else None),
        c.story.lost_reason if lost else "",
        money(c.contract_value),
        day(contract_end),
        day(None if lost else renewal),
        c.erp_no,
        c.fleet_size,
        c.contract_type,
        f"{c.payment_days} days net",
        sum(m.connected for m in c.machines),
        "German" if c.german else "English",
    )


def contract_dates(customer: Customer, period: Period) -> tuple[date | None, date | None]:
    """End of the current (or last) service contract and the renewal date after it."""
    if customer.contract_value is None:
        return None, None
    last = customer.active_until(period)
    start = customer.started_on
    renewal = date(last.year, start.month, min(start.day, 28))
    if renewal <= last:
        renewal = date(last.year + 1, start.month, min(start.day, 28))
    return plus(renewal, -1), renewal


def _contacts(customers: list[Customer], path: Path) -> int:
    header = (
        "Contact ID",
        "Account ID",
        "Full Name",
        "Email",
        "Phone",
        "Job Title",
        "Buying Role",
        "Key Contact",
        "Status",
        "Left Company On",
    )
    rows = [
        (
            k.crm_id,
            c.crm_id,
            k.name,
            k.email,
            k.phone,
            k.title,
            k.role,
            "Yes" if k.is_key else "No",
            "Left Company" if k.left_at else "Active",
            day(k.left_at),
        )
        for c in customers
        for k in c.contacts
    ]
    write_csv(path, header, rows)
    return len(rows)


def _teams(customers: list[Customer], path: Path) -> int:
    header = ("Account ID", "Team Member Employee No", "Team Role", "Start Date", "End Date")
    rows = [
        (c.crm_id, a.employee.number, TEAM_ROLE_LABELS[a.role], day(a.since), day(a.until))
        for c in customers
        for a in c.team
    ]
    write_csv(path, header, rows)
    return len(rows)


def _assets(customers: list[Customer], period: Period, path: Path) -> int:
    header = (
        "Device ID",
        "Serial Number",
        "Model",
        "Product Family",
        "Customer No",
        "Commissioned",
        "Warranty Until",
        "Service Contract Until",
        "State",
    )
    rows = []
    for c in customers:
        contract_end = contract_dates(c, period)[0] if c.contract_type == "Full Service" else None
        for m in c.machines:
            state = "Online" if m.connected else "Not connected"
            if m.decommissioned_at is not None:
                state = "Decommissioned"
            rows.append(
                (
                    m.device_id,
                    m.serial,
                    m.model.name,
                    m.model.line,
                    c.erp_no,
                    day(m.installed_at, "%d/%m/%Y"),
                    day(m.warranty_end, "%d/%m/%Y"),
                    day(contract_end, "%d/%m/%Y"),
                    state,
                )
            )
    write_csv(path, header, rows)
    return len(rows)


def _telemetry(company: Company, path: Path) -> None:
    data = company.activity.telemetry
    table = pa.table(
        {
            "device_serial": pa.array(data.serial, pa.string()),
            "ts": pa.array(data.ts, pa.timestamp("s")),
            "signal": pa.array(data.metric, pa.string()),
            "reading": pa.array(data.value, pa.float64()),
            "event_code": pa.array(data.alarm, pa.string()),
            "event_level": pa.array(data.level, pa.string()),
        }
    )
    write_parquet(path, table.sort_by([("ts", "ascending"), ("device_serial", "ascending")]))
