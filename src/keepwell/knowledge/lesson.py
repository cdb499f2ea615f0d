"""Lessons learned: when a recurring problem is closed its owner gets a draft to finish.

The draft is pre-filled from the problem's root cause and corrective action, linked to
the problem and tagged ``lesson-learned``; it shows on the owner's "My work" until it
is published.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.knowledge.models import Article, ArticleLink, ArticleTag
from keepwell.knowledge.schemas import ArticleCreate, LinkIn
from keepwell.knowledge.service import create_article
from keepwell.people.models import Employee

LESSON_TAG = "lesson-learned"
TEMPLATE = """## What happened

{title}

## Root cause

{root_cause}

## Corrective action

{corrective_action}

## What we do differently from now on

(Write down what everyone should know or do so that this does not happen again.)
"""


def draft_lesson_learned(
    session: Session,
    problem_id: int,
    title: str,
    root_cause: str,
    corrective_action: str,
    author: Employee | None,
    *,
    actor: str = "keepwell",
) -> Article:
    """The problem's lesson-learned article: an existing one, else a new draft; not committed."""
    existing = lesson_for_problem(session, problem_id)
    if existing is not None:
        return existing
    body = TEMPLATE.format(
        title=title.strip() or f"Problem {problem_id}",
        root_cause=root_cause.strip() or "(not recorded)",
        corrective_action=corrective_action.strip() or "(not recorded)",
    )
    data = ArticleCreate(
        title=f"Lesson learned: {title.strip() or f'problem {problem_id}'}"[:255],
        body=body,
        tags=[LESSON_TAG],
        links=[LinkIn(kind="problem", id=problem_id)],
        status="draft",
    )
    return create_article(session, data, author=author, actor=actor)


def lesson_for_problem(session: Session, problem_id: int) -> Article | None:
    """The lesson-learned article linked to a problem, if there is one."""
    query = (
        select(Article)
        .join(ArticleLink, ArticleLink.article_id == Article.id)
        .join(ArticleTag, ArticleTag.article_id == Article.id)
        .where(
            ArticleLink.target_kind == "problem",
            ArticleLink.target_id == problem_id,
            ArticleTag.tag == LESSON_TAG,
        )
        .order_by(Article.id)
        .limit(1)
    )
    return session.scalar(query)


def lessons_to_write(session: Session, employee_id: int) -> list[Article]:
    """Draft lessons learned authored by the employee, oldest first."""
    query = (
        select(Article)
        .join(ArticleTag, ArticleTag.article_id == Article.id)
        .where(
            Article.author_id == employee_id,
            Article.status == "draft",
            ArticleTag.tag == LESSON_TAG,
        )
        .order_by(Article.created_at, Article.id)
    )
    return list(session.scalars(query))
