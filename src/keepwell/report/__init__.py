"""The weekly retention review: what a leadership team walks through, as a page, HTML and PDF."""

# Sections other features register (imported for their registration).
from keepwell.playbooks import review as _playbook_review  # noqa: F401
from keepwell.report import problems  # noqa: F401 - registers its section
from keepwell.report.weekly import ReportSection, WeeklyReview, report_sections, weekly_review

__all__ = ["ReportSection", "WeeklyReview", "report_sections", "weekly_review"]
