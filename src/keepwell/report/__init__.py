"""The weekly retention review: what a leadership team walks through, as a page, HTML and PDF."""

# The sections beyond the portfolio's own, registered where they are defined: recurring
# problems, and playbook activity with the leadership list.
from keepwell.report import playbooks, problems  # noqa: F401
from keepwell.report.weekly import ReportSection, WeeklyReview, report_sections, weekly_review

__all__ = [
    "ReportSection",
    "WeeklyReview",
    "account",
    "digests",
    "render",
    "report_sections",
    "weekly_review",
]
