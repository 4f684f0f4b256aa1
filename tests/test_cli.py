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
