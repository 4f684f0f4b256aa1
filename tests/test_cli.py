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


def test_a_snippet_prints_as_one_line_of_plain_text_with_its_marks_bold():
    import click

    from searcher.commands import terminal_snippet

    html = "chairman of Unocal Corp &lt;UCL&gt; said\n   <mark>oil</mark> prices &amp; output"
    assert click.unstyle(terminal_snippet(html)) == "chairman of Unocal Corp <UCL> said oil prices & output"
    assert terminal_snippet("a <mark>b</mark> c") == "a \x1b[1mb\x1b[0m c"


def test_errors_name_the_words_and_options_as_the_command_line_spells_them(runner, sample_index):
    too_long = runner.invoke(args=["search", "x" * 1200, "--index-dir", str(sample_index)])
    assert too_long.exit_code == 2 and "Invalid value for QUERY" in too_long.output, too_long.output
    assert "--q" not in too_long.output
    bad = runner.invoke(args=["search", "--not-person", "x" * 300, "--index-dir", str(sample_index)])
    assert bad.exit_code == 2 and "Invalid value for --not-person" in bad.output, bad.output


def test_a_page_past_the_end_says_which_is_the_last(runner, sample_index):
    result = runner.invoke(args=["search", "ferry", "--page", "999", "--index-dir", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert "Page 999 is past the end: the last page is 1." in result.output


def test_a_build_ends_its_process_without_the_interpreters_teardown_and_a_failed_one_with_it(tmp_path):
    """A build's report is its last word: the process ends at once after it (its modules and tables
    are not freed one by one), the index written whole; a build that fails ends the usual way."""
    import json
    import subprocess
    import sys

    from .conftest import SAMPLES
    from .searcher_cli import searcher_environment

    watching = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
        "from searcher.cli import run\n"
        "sys.argv[0] = 'searcher'\n"
        "run()\n"
    )

    def build(*args: str) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable,
            "-c",
            watching,
            "index",
            "rebuild",
            *args,
            "--index-dir",
            str(tmp_path / "ix"),
        ]
        return subprocess.run(
            command, capture_output=True, text=True, env=searcher_environment(), timeout=600
        )

    built = build(str(SAMPLES / "nordic-wire.jsonl"), "--json", "--quiet")
    assert built.returncode == 0, built.stderr
    assert "teardown ran" not in built.stderr
    assert json.loads(built.stdout)["indexed"] == 8  # the whole report, flushed
    assert searcher("index", "check", "--index-dir", str(tmp_path / "ix")).returncode == 0
    (tmp_path / "empty").mkdir()
    failed = build(str(tmp_path / "empty"))
    assert failed.returncode == 1 and "nothing could be indexed" in failed.stderr
    assert "teardown ran" in failed.stderr
