"""Importing a folder of Markdown and text files as articles, all or nothing.

Each ``.md``, ``.markdown`` or ``.txt`` file becomes an article. The title is the front
matter's ``title``, else the first ``# heading``, else the file name; tags are the front
matter's ``tags`` plus the names of the sub-folders the file sits in. A second import of
the same folder updates changed articles (a new version) and leaves the others alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.models import ARTICLE_STATUSES, Article
from keepwell.knowledge.schemas import ArticleCreate, ArticleUpdate
from keepwell.knowledge.service import create_article, normalize_tags, update_article
from keepwell.people.models import Employee

SUFFIXES = {".md", ".markdown", ".txt"}
SOURCE = "import"
MAX_BYTES = 200_000


@dataclass(frozen=True)
class ParsedFile:
    """One file read and checked, ready to write."""

    path: str
    title: str
    body: str
    tags: list[str]
    status: str


@dataclass
class FolderImport:
    """What an import did."""

    folder: str
    files: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0


class FolderImportError(KnowledgeError):
    """Files that cannot be imported, each with its problem; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        shown = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} file(s) cannot be imported, nothing was:\n{shown}")
        self.problems = problems


def import_folder(
    session: Session,
    folder: Path,
    *,
    actor: str,
    author: Employee | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FolderImport:
    """Import every article file under ``folder``; raise before writing if any is bad."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder} is not a folder")
    paths = article_files(folder)
    if not paths:
        raise KnowledgeError(f"{folder} holds no .md, .markdown or .txt files")
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(parse_file(folder, path))
        except KnowledgeError as exc:
            problems.append(f"{path.relative_to(folder).as_posix()}: {exc}")
    if problems:
        raise FolderImportError(problems)
    result = FolderImport(folder=str(folder), files=len(parsed))
    for done, item in enumerate(parsed, 1):
        _write(session, folder.name, item, result, actor=actor, author=author)
        if progress is not None:
            progress(done, len(parsed))
    changes = {
        "folder": str(folder),
        "created": len(result.created),
        "updated": len(result.updated),
    }
    record(session, actor=actor, action="articles.imported", entity="articles", changes=changes)
    return result


def article_files(folder: Path) -> list[Path]:
    """The article files under ``folder``, hidden ones left out, in path order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def parse_file(folder: Path, path: Path) -> ParsedFile:
    """Read and check one file; the error names what is wrong with it.

    A link leading out of ``folder`` is refused, not followed (it could expose any file
    the server can read).
    """
    if not path.resolve().is_relative_to(folder.resolve()):
        raise KnowledgeError("is a link to a file outside the folder; it was not read")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise KnowledgeError(f"is larger than {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"is not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise KnowledgeError("is not a text file (it holds NUL bytes)")
    meta, body = _front_matter(text)
    title, body = _title(meta, body, path)
    if not body.strip() and not meta:
        raise KnowledgeError("is empty")
    relative = path.relative_to(folder)
    tags = normalize_tags([*_tags(meta.get("tags")), *relative.parent.parts])
    status = str(meta.get("status", "published"))
    if status not in ARTICLE_STATUSES:
        raise KnowledgeError(f"status {status!r} is not one of {', '.join(ARTICLE_STATUSES)}")
    return ParsedFile(relative.as_posix(), title, body.strip() + "\n", tags, status)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        raise KnowledgeError("front matter starts with '---' but never ends")
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"front matter is not valid YAML ({exc})".replace("\n", " ")) from None
    if not isinstance(meta, dict):
        raise KnowledgeError("front matter must be a mapping (key: value lines)")
    rest = text[end + 4 :]
    return meta, rest[1:] if rest.startswith("\n") else rest


def _title(meta: dict[str, Any], body: str, path: Path) -> tuple[str, str]:
    if meta.get("title") is not None:
        title = str(meta["title"]).strip()
        if not title or len(title) > 255:
            raise KnowledgeError("title must have 1 to 255 characters")
        return title, body
    lines = body.lstrip("\n").split("\n", 1)
    if lines[0].startswith("# ") and lines[0][2:].strip():
        return lines[0][2:].strip()[:255], lines[1] if len(lines) > 1 else ""
    return path.stem.replace("_", " ").replace("-", " ").strip()[:255] or path.name, body


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t for t in value.split(",") if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str | int) for t in value):
        return [str(t) for t in value]
    raise KnowledgeError("tags must be a list or a comma-separated text")


def _write(
    session: Session,
    folder_name: str,
    item: ParsedFile,
    result: FolderImport,
    *,
    actor: str,
    author: Employee | None,
) -> None:
    external_id = f"{folder_name}/{item.path}"
    query = select(Article).where(Article.source == SOURCE, Article.external_id == external_id)
    existing = session.scalar(query)
    if existing is None:
        data = ArticleCreate(title=item.title, body=item.body, tags=item.tags, status=item.status)
        article = create_article(
            session, data, author=author, actor=actor, source=SOURCE, external_id=external_id
        )
        result.created.append(article.id)
        return
    update = ArticleUpdate(title=item.title, body=item.body, tags=item.tags, status=item.status)
    if update_article(session, existing, update, actor=actor):
        result.updated.append(existing.id)
    else:
        result.unchanged += 1
