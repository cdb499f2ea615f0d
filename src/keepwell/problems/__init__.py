"""Recurring-problem detection over tickets, complaints and comments.

Texts from all customers are cleaned (:mod:`~keepwell.problems.text`), turned
into vectors (:mod:`~keepwell.problems.represent`), grouped into problems
whose number comes from the data (:mod:`~keepwell.problems.detect`), labelled
(:mod:`~keepwell.problems.label`), and new texts are later placed against the
known problems (:mod:`~keepwell.problems.assign`).
"""

from keepwell.problems.assign import assign_to_problems, assign_vectors
from keepwell.problems.cluster import ALGORITHMS, Algorithm
from keepwell.problems.detect import (
    DetectionSettings,
    default_min_size,
    detect_problems,
    detect_vectors,
)
from keepwell.problems.represent import (
    REPRESENTATIONS,
    MultilingualEncoder,
    Representation,
    SentenceEmbedding,
    TfidfSvd,
    default_representation,
    embedding_unavailable_reason,
    multilingual_unavailable_reason,
    representation_named,
)
from keepwell.problems.result import UNASSIGNED, Assignment, Detection, Problem
from keepwell.problems.text import clean_text, clean_texts

__all__ = [
    "ALGORITHMS",
    "REPRESENTATIONS",
    "UNASSIGNED",
    "Algorithm",
    "Assignment",
    "Detection",
    "DetectionSettings",
    "MultilingualEncoder",
    "Problem",
    "Representation",
    "SentenceEmbedding",
    "TfidfSvd",
    "assign_to_problems",
    "assign_vectors",
    "clean_text",
    "clean_texts",
    "corpus",
    "default_min_size",
    "default_representation",
    "detect_problems",
    "detect_vectors",
    "embedding_unavailable_reason",
    "evidence",
    "impact",
    "language",
    "models",
    "multilingual_unavailable_reason",
    "represent",
    "representation_named",
    "service",
    "store",
    "text",
    "views",
]
