"""Stage 3, language: each article's language, reused from the previous generation for a text it holds."""

from __future__ import annotations

from collections.abc import Callable

from ..language import SAMPLE_CHARACTERS, UNDETERMINED, detect_language, detectable, identifier
from .identity import text_key
from .prepare import PreparedArticle
from .report import BuildOptions, BuildReport
from .workers import parallel_map, worker_processes


def detect_languages(
    prepared: list[PreparedArticle],
    known: dict[str, str],
    options: BuildOptions,
    report: BuildReport,
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """Each article's language: from the previous generation for a text it already holds, else detected
    (in forked workers for a big build; ``meanwhile``: see ``workers.parallel_map``)."""
    todo = []
    for item in prepared:
        key = text_key(item.article)
        if key in known and known[key] != UNDETERMINED:  # an undetermined one is read again: rules improve
            item.language = known[key]
        else:
            todo.append(item)
    if any(detectable(f"{item.title}\n\n{item.body}") for item in todo):
        identifier()  # loaded before the workers fork (and only when some text is long enough to detect)
    if todo:
        texts = [f"{item.title}\n\n{item.body[:SAMPLE_CHARACTERS]}" for item in todo]
        for item, language in zip(
            todo,
            parallel_map(detect_language, texts, worker_processes(len(texts), options), meanwhile=meanwhile),
            strict=False,
        ):
            item.language = language
    elif meanwhile is not None:
        meanwhile()
    report.languages.update(item.language or "unknown" for item in prepared)
