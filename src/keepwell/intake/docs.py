"""The field reference (docs/fields.md and ``--template``) rendered from the field table."""

from __future__ import annotations

from keepwell.intake.fields import KINDS, KindSpec
from keepwell.intake.mapping import ACCOUNT_NAME


def template_header(spec: KindSpec) -> str:
    """The CSV header line with every field of ``spec``, required fields first."""
    names = [f.name for f in spec.fields if f.required] + [
        f.name for f in spec.fields if not f.required
    ]
    return ",".join(names)


def fields_markdown() -> str:
    """Markdown tables of every import kind's fields."""
    lines = [
        "# Import fields",
        "",
        "Generated from `keepwell.intake.fields`; `keepwell import KIND --template` prints",
        "the CSV header of a kind. References hold the external id of the record referred",
        "to (assets: the serial number; roles: the role key or name).",
        f"Kinds that belong to an account also accept `{ACCOUNT_NAME}`, the name given to an",
        "account created by `--create-missing-accounts`.",
    ]
    for spec in KINDS.values():
        lines += ["", f"## {spec.name}", "", spec.description, ""]
        lines += ["| field | type | required | description |", "|---|---|---|---|"]
        for f in spec.fields:
            kind = f"reference to {f.ref}" if f.ref else f.type
            if f.choices:
                kind += f" ({' / '.join(f.choices)})"
            lines.append(
                f"| `{f.name}` | {kind} | {'yes' if f.required else ''} | {f.description} |"
            )
    return "\n".join(lines) + "\n"
