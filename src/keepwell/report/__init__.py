"""The weekly retention review: what a leadership team walks through, as a page, HTML and PDF."""

from keepwell.report import problems  # noqa: F401 - registers its section
from keepwell.report.weekly import ReportSection, WeeklyReview, report_sections, weekly_review

__all__ = ["ReportSection", "WeeklyReview", "report_sections", "weekly_review"]
