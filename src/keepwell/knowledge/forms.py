"""What the article form sends, read into the service's schemas; and version diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.models import ArticleLink, ArticleVersion
from keepwell.knowledge.schemas import LinkIn

KIND_ALIASES = {"role": "retention_role", "retention-role": "retention_role"}
LINK = re.compile(r"^([a-z_-]+):([1-9][0-9]{0,9})$")


def parse_tags(text: str) -> list[str]:
    """Tags typed as ``a, b, c``."""
    return [t for t in (part.strip() for part in text.split(",")) if t]


def parse_links(text: str) -> list[LinkIn]:
    """Links typed as ``account:12, asset:3, problem:7, role:2``."""
    links = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        match = LINK.match(token.lower())
        if match is None:
            raise KnowledgeError(f"write links as kind:id (like account:12), not {token!r}")
        kind = KIND_ALIASES.get(match.group(1), match.group(1))
        links.append(LinkIn(kind=kind, id=int(match.group(2))))
    return links


def links_text(links: list[ArticleLink]) -> str:
    """The links as the form shows them."""
    return ", ".join(f"{link.target_kind}:{link.target_id}" for link in links)


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: ``add``, ``del``, ``same`` or ``hunk``."""

    kind: str
    text: str


def diff_versions(old: ArticleVersion, new: ArticleVersion) -> list[DiffLine]:
    """Line diff of title, tags and body between two versions."""
    before = [f"# {old.title}", f"tags: {', '.join(old.tags)}", "", *old.body.splitlines()]
    after = [f"# {new.title}", f"tags: {', '.join(new.tags)}", "", *new.body.splitlines()]
    lines = []
    for line in difflib.unified_diff(before, after, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append(DiffLine(kind, line if kind == "hunk" else line[1:]))
    return lines
