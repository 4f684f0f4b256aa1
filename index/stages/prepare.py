"""Stage 2, clean: boilerplate learnt per source, then each article cleaned into a ``PreparedArticle``
(title, body, the text NER reads, its dateline and fingerprint) — the item every later stage works on."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..articles import Article, Entities, Problem, content_hash
from ..clean import (
    Dateline,
    RemovedLine,
    clean_body_reporting,
    clean_title,
    find_dateline,
    learn_recurring_lines,
    place_from_dateline_field,
)
from ..entities import MAX_NER_CHARS
from ..normalize import is_all_caps
from .identity import origin_file
from .report import BuildReport
from .workers import parallel_map


@dataclass
class PreparedArticle:
    article: Article
    title: str
    body: str
    ner_text: str
    body_offset: int
    dateline: Dateline | None
    dateline_place: str | None
    fingerprint: str
    entities: Entities | None = None
    boilerplate: list[RemovedLine] = field(default_factory=list)  # what cleaning took out of the body
    language: str | None = None  # ISO 639 code; None when the detector was not sure
    pipeline: str = ""  # the version of the pipeline whose mentions it holds; "" when none read it
    story: str | None = None  # the id of the story it is a version of (``stories.py``)


def annotated_entities(item: PreparedArticle) -> Entities:
    """The entities of an article the NER stage has been through (every stage after it reads them)."""
    assert item.entities is not None, f"{item.article.id} has not been through NER"
    return item.entities


def source_group(article: Article) -> str:
    """Articles whose boilerplate is learnt together: one source, else one folder."""
    return article.source or str(Path(origin_file(article.origin)).parent)


def learn_boilerplate(articles: list[Article], known: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per source, the keys of its recurring boilerplate lines: those the previous generation learnt and
    those recurring in ``articles`` (cleaning still removes one only where it looks like boilerplate)."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        bodies[source_group(article)].append(article.body)
    learned = {group: set(keys) for group, keys in known.items()}
    for group, group_bodies in bodies.items():
        learned.setdefault(group, set()).update(learn_recurring_lines(group_bodies))
    return learned


def prepare_all(
    articles: list[Article],
    recurring: dict[str, set[str]],
    report: BuildReport,
    processes: int,
    meanwhile: Callable[[], object] | None = None,
) -> list[PreparedArticle]:
    """Each article cleaned, in ``processes`` workers (``meanwhile``: see ``workers.parallel_map``)."""
    work = [(article, recurring.get(source_group(article), set())) for article in articles]
    prepared = []
    for item, problem in parallel_map(_prepare_one, work, processes, meanwhile=meanwhile):
        if problem is not None:  # an article with no text left is skipped; a long one is cut, with a warning
            (report.skipped if problem.skipped else report.warnings).append(problem)
        if item is not None:
            prepared.append(item)
            for removed in set(item.boilerplate):
                report.boilerplate.setdefault(source_group(item.article), Counter())[removed] += 1
    return prepared


def _prepare_one(work: tuple[Article, set[str]]) -> tuple[PreparedArticle | None, Problem | None]:
    article, recurring = work
    problems: list[Problem] = []
    prepared = prepare(article, recurring, problems)
    return prepared, (problems[0] if problems else None)


def prepare(article: Article, recurring: set[str], problems: list[Problem]) -> PreparedArticle | None:
    title = clean_title(article.title)
    body, boilerplate = clean_body_reporting(article.body, title, recurring)
    if not title and not body:
        problems.append(Problem(article.origin, "no text left after cleaning"))
        return None
    dateline = find_dateline(body)
    dateline_place = (place_from_dateline_field(article.dateline) if article.dateline else None) or (
        dateline.place if dateline else None
    )
    prefix = f"{title}\n\n" if title and not is_all_caps(title) else ""
    ner_text = prefix + body
    if len(ner_text) > MAX_NER_CHARS:
        problems.append(
            Problem(
                article.origin,
                f"article is {len(body) / 2**20:.1f} MB; all of it is searchable, entities are taken from its first "
                f"{MAX_NER_CHARS:,} characters",
                skipped=False,
            )
        )
        ner_text = ner_text[:MAX_NER_CHARS]
    fingerprint = content_hash(
        title,
        body,
        article.published.isoformat() if article.published else "",
        article.url or "",
        article.author or "",
        article.source or "",
        article.dateline or "",
    )
    return PreparedArticle(
        article,
        title,
        body,
        ner_text,
        len(prefix),
        dateline,
        dateline_place,
        fingerprint,
        boilerplate=boilerplate,
    )
