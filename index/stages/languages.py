"""Stage 3, language: each article's language, reused from the previous generation for a text it holds."""

from __future__ import annotations

from ..language import MIN_CHARACTERS, SAMPLE_CHARACTERS, detect_language, identifier
from .identity import UNDETERMINED, text_key
from .prepare import PreparedArticle
from .report import BuildOptions, BuildReport
from .workers import parallel_map, worker_processes


def detect_languages(
    prepared: list[PreparedArticle], known: dict[str, str], options: BuildOptions, report: BuildReport
) -> None:
    """Each article's language: from the previous generation for a text it already holds, else detected
    (in forked workers for a big build)."""
    todo = []
    for item in prepared:
        key = text_key(item.article)
        if key in known:
            item.language = None if known[key] == UNDETERMINED else known[key]
        else:
            todo.append(item)
    if any(len(item.title) + len(item.body) >= MIN_CHARACTERS for item in todo):
        identifier()  # loaded before the workers fork (and only when some text is long enough to detect)
    if todo:
        texts = [f"{item.title}\n\n{item.body[:SAMPLE_CHARACTERS]}" for item in todo]
        for item, language in zip(
            todo, parallel_map(detect_language, texts, worker_processes(len(texts), options)), strict=False
        ):
            item.language = language
    report.languages.update(item.language or "unknown" for item in prepared)
