"""The demo company: a seeded manufacturer's source-system exports, loaded through the importers.

``build_demo`` generates three years of a pump and compressor maker's CRM, ERP, helpdesk,
survey, HR and machine-platform exports, imports them with the packaged mapping files and
writes ``ground_truth.json`` with who churned, when and why, and which tickets belong to
which planted recurring problem.
"""

from keepwell.demo.exports import ExportFile
from keepwell.demo.ground_truth import (
    ChurnedAccount,
    GroundTruth,
    PlantedProblem,
    load_ground_truth,
)
from keepwell.demo.load import (
    DemoLoadError,
    DemoProgress,
    DemoSummary,
    FileSummary,
    build_demo,
    demo_mapping,
    generate_demo,
)

__all__ = [
    "ChurnedAccount",
    "DemoLoadError",
    "DemoProgress",
    "DemoSummary",
    "ExportFile",
    "FileSummary",
    "GroundTruth",
    "PlantedProblem",
    "build_demo",
    "demo_mapping",
    "generate_demo",
    "load_ground_truth",
]
