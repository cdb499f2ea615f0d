"""The feature reference (docs/features.md) rendered from the registry."""

from __future__ import annotations

from keepwell.insight.features.registry import FEATURES

RULES = (
    "One row per account and cutoff day, for accounts that started before the cutoff "
    "(their start date, else their first order).",
    'Only data dated strictly before the cutoff day is used; "the last N days" are the '
    'N whole days before it, and "a year earlier" is the same window 365 days back.',
    "Times are naive UTC, so an event counts from its UTC day; durations are whole days.",
    "An invoice is an order with a due day; it is paid at the cutoff when its paid day is "
    "before the cutoff.",
    "Ratios are missing when their denominator is zero; counts are 0 when nothing happened; "
    "recency and survey features are missing when there was nothing to measure.",
    "Where a record has no time for a change, its current status stands in: cancelled "
    "orders are left out; a ticket without a close time is open while its status is open "
    "or pending; a contact or employee without a leaving day is present while marked "
    "active; an invoice marked paid without a paid day is left out.",
    "Contacts have no start day: every contact on record counts from the beginning.",
    "Custom account attributes are not features; extra feature blocks "
    "(`compute_features(..., extra_blocks=[...])`) add such columns.",
    "A ticket's recurring problem comes from the membership the latest detection run and "
    "people's decisions left (`problem_tickets` of candidate and owned problems; dismissed "
    "and merged ones are left out). The ticket's own text is known at the cutoff, but the "
    "grouping was found with later tickets too, so at past cutoffs the problems are those "
    "known today, not those known then.",
)
USAGE = (
    "```",
    "keepwell features                              # today, DuckDB, summary table",
    "keepwell features --cutoff 2024-01-01 --cutoff 2024-07-01 --out features.parquet",
    "keepwell features --engine spark --json        # needs: pip install 'keepwell[spark]'",
    "keepwell features --usage-metric op_hours      # another telemetry metric as usage",
    "```",
    "",
    "From Python: `write_snapshot(engine, folder)`, then",
    '`compute_features(connect("duckdb", folder), [date(2024, 7, 1)])` returns an Arrow',
    "table with `account_id`, `cutoff` and the features below, in this order.",
    '`strategy="cross"` (default) pairs events with all cutoffs in one query;',
    '`strategy="union"` runs one query per cutoff (`benchmarks/bench_features.py` compares',
    "both on DuckDB and Spark).",
)


def features_markdown() -> str:
    """Markdown tables of every feature, grouped as the registry groups them."""
    lines = [
        "# Account features",
        "",
        "Generated from `keepwell.insight.features.FEATURES`. `keepwell features` computes",
        "them on DuckDB (default) or Spark (`--engine spark`, needs `keepwell[spark]`).",
        "",
        *USAGE,
        "",
        "## Rules",
        "",
        *(f"- {rule}" for rule in RULES),
    ]
    groups: dict[str, list[str]] = {}
    for feature in FEATURES.values():
        missing = "missing" if feature.fill is None else str(feature.fill)
        if feature.dtype == "boolean" and feature.fill is not None:
            missing = "true" if feature.fill else "false"
        groups.setdefault(feature.group, []).append(
            f"| `{feature.name}` | {feature.unit} | {feature.dtype} | {missing} | "
            f"{feature.description} |"
        )
    for group, rows in groups.items():
        lines += ["", f"## {group}", ""]
        lines += [
            "| feature | unit | type | without events | definition |",
            "|---|---|---|---|---|",
        ]
        lines += rows
    return "\n".join(lines) + "\n"
