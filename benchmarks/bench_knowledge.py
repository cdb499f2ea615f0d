"""Knowledge-base search over 100,000 articles: p50/p95 latency on SQLite and PostgreSQL.

Builds the same seeded synthetic corpus in a fresh SQLite file and (with ``--postgres``)
a fresh PostgreSQL database, both through the migrations, then runs the same queries
through ``keepwell.knowledge.search.search`` (ranked, 20 hits with snippets) and, for
comparison, a naive ``LIKE '%word%'`` scan. Word frequencies follow Zipf's law; queries
mix one and two words and phrases, drawn from common, middling and rare words.

    .venv/bin/python benchmarks/bench_knowledge.py [--articles 100000] [--queries 300]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from keepwell.db import make_engine, session_scope
from keepwell.knowledge.query import STOPWORDS
from keepwell.knowledge.search import search
from keepwell.migrations import upgrade

DOMAIN_WORDS = (
    "pump seal bearing impeller gearbox valve compressor motor sensor alarm leak vibration "
    "pressure flow warranty service contract renewal complaint ticket rma ncr calibration "
    "maintenance inspection spare part order delivery lead time quote rfq customer account "
    "supplier quality audit training onboarding handover escalation firmware controller "
    "lubrication coupling shaft housing gasket filter corrosion overheating noise torque"
)
DOMAIN = DOMAIN_WORDS.split()
TAGS = [f"tag-{i}" for i in range(40)] + ["how-to", "process", "lesson-learned", "customer"]
VOCABULARY = 20_000
STOP_FIRST = sorted(STOPWORDS, key=lambda w: (len(w), w))
"""Stop words take the top ranks, as in real text, so content words start at rank ~130."""
CONTENT = len(STOPWORDS)
BATCH = 5_000


def vocabulary(rng: np.random.Generator) -> list[str]:
    """Most frequent first: English stop words, domain words, then made-up words."""
    consonants, vowels = list("bcdfghklmnprstvz"), list("aeiou")
    words = [*STOP_FIRST, *DOMAIN]
    seen = set(words)
    while len(words) < VOCABULARY:
        n = int(rng.integers(2, 5))
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(n))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def articles(count: int, seed: int = 7) -> Iterator[tuple[str, str, str]]:
    """(title, body, tags) of ``count`` articles with Zipf-distributed words."""
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary(rng))
    weights = 1.0 / np.arange(1, VOCABULARY + 1) ** 1.05
    cdf = np.cumsum(weights / weights.sum())
    for _ in range(count):
        lengths = rng.integers(8, 18, int(rng.integers(6, 14)))
        drawn = words[
            np.minimum(np.searchsorted(cdf, rng.random(int(lengths.sum()) + 8)), VOCABULARY - 1)
        ]
        title = " ".join(drawn[: int(rng.integers(4, 9))]).capitalize()
        sentences, at = [], 8
        for length in lengths:
            sentences.append(" ".join(drawn[at : at + length]).capitalize() + ".")
            at += length
        tags = " ".join(sorted(set(rng.choice(TAGS, int(rng.integers(1, 4))))))
        yield title, " ".join(sentences), tags


def queries(count: int, seed: int = 11) -> list[str]:
    """Search texts: a third common words, a third middling, a third rare; some phrases."""
    rng = np.random.default_rng(seed)
    words = vocabulary(np.random.default_rng(7))
    bands = [(CONTENT, CONTENT + 200), (CONTENT + 200, 2_000), (2_000, VOCABULARY)]
    found = []
    for i in range(count):
        low, high = bands[i % 3]
        picked = [words[int(rng.integers(low, high))] for _ in range(int(rng.integers(1, 3)))]
        query = " ".join(picked)
        found.append(f'"{query}"' if i % 10 == 9 and len(picked) > 1 else query)
    return found


def commonest(count: int) -> list[str]:
    """The worst case: each of the most frequent content words alone."""
    words = vocabulary(np.random.default_rng(7))
    return [words[CONTENT + i % 20] for i in range(count)]


def load(engine: Engine, count: int) -> float:
    """Insert the corpus (tags included); seconds taken."""
    start = time.perf_counter()
    insert = text(
        "INSERT INTO articles (title, body, tag_text, status, version, created_by, updated_by, "
        "source, external_id) VALUES (:title, :body, :tags, 'published', 1, 'bench', 'bench', "
        "'bench', :external_id)"
    )
    rows = []
    for number, (title, body, tags) in enumerate(articles(count)):
        rows.append({"title": title, "body": body, "tags": tags, "external_id": str(number)})
        if len(rows) == BATCH:
            _write(engine, insert, rows)
            rows = []
    if rows:
        _write(engine, insert, rows)
    _tags(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE articles"))
            conn.execute(text("VACUUM ANALYZE article_tags"))
    else:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')"))
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - start


def _write(engine: Engine, insert: object, rows: list[dict[str, str]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert, rows)  # type: ignore[call-overload]


def _tags(engine: Engine) -> None:
    with engine.begin() as conn:
        pairs = conn.execute(text("SELECT id, tag_text FROM articles")).all()
        rows = [{"a": i, "t": t} for i, tags in pairs for t in tags.split()]
        conn.execute(text("INSERT INTO article_tags (article_id, tag) VALUES (:a, :t)"), rows)


def timed(engine: Engine, texts: list[str], run: object) -> list[float]:
    """Milliseconds per query (after one untimed warm-up pass over the first ten)."""
    with session_scope(engine) as session:
        for query in texts[:10]:
            run(session, query)  # type: ignore[operator]
        times = []
        for query in texts:
            start = time.perf_counter()
            run(session, query)  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000)
    return times


def ranked(session: object, query: str) -> int:
    return len(search(session, query, 20))  # type: ignore[arg-type]


def naive(session: object, query: str) -> int:
    word = f"%{query.strip(chr(34)).split()[0]}%"
    statement = text(
        "SELECT id, title FROM articles WHERE title LIKE :w OR body LIKE :w "
        "ORDER BY updated_at DESC LIMIT 20"
    )
    return len(session.execute(statement, {"w": word}).all())  # type: ignore[attr-defined]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def postgres_database(admin_url: str) -> tuple[str, Engine]:
    name = f"keepwell_bench_kb_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--like-queries", type=int, default=30)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to run against too")
    args = parser.parse_args()
    texts = queries(args.queries)
    console = Console()
    table = Table(title=f"Knowledge search, {args.articles:,} articles, 20 hits per query")
    for column in ("database", "method", "queries", "load s", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="left" if column in ("database", "method") else "right")
    with tempfile.TemporaryDirectory() as tmp:
        targets: list[tuple[str, str]] = [("sqlite", f"sqlite:///{Path(tmp) / 'kb.sqlite3'}")]
        admin = None
        if args.postgres:
            name, admin = postgres_database(args.postgres)
            url = make_url(args.postgres).set(database=name).render_as_string(False)
            targets.append(("postgresql", url))
        try:
            for label, url in targets:
                engine = make_engine(url)
                upgrade(engine)
                seconds = load(engine, args.articles)
                console.print(f"{label}: loaded {args.articles:,} articles in {seconds:.0f} s")
                for method, run, subset in (
                    ("search(), mixed queries", ranked, texts),
                    ("search(), 20 commonest words", ranked, commonest(60)),
                    ("naive LIKE '%word%'", naive, texts[: args.like_queries]),
                ):
                    times = timed(engine, subset, run)
                    table.add_row(
                        label,
                        method,
                        str(len(subset)),
                        f"{seconds:.0f}",
                        f"{statistics.median(times):.1f}",
                        f"{percentile(times, 95):.1f}",
                        f"{max(times):.1f}",
                    )
                engine.dispose()
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    console.print(table)


if __name__ == "__main__":
    main()
