"""The console script as a user meets it."""

from .searcher_cli import run_searcher as searcher


def test_help_shows_only_what_applies_to_this_tool():
    result = searcher("--help")
    assert result.returncode == 0, result.stderr
    for flask_only in ("--app", "--env-file", "--debug", "Flask", " run ", " shell ", " routes "):
        assert flask_only not in result.stdout, flask_only
    for command in ("demo", "index", "search", "serve"):
        assert f"  {command} " in result.stdout
    version = searcher("--version")
    assert version.returncode == 0 and version.stdout.startswith("searcher, version ")


def test_stats_list_every_language_with_the_undetermined_ones():
    from searcher.cli import every_language

    assert every_language({"en": 15761}, 21271) == {"en": 15761, "und": 5510}
    assert list(every_language({"fr": 1, "en": 30}, 31)) == ["en", "fr"]
    assert every_language({"en": 2, "und": 1}, 4) == {"en": 2, "und": 2}
