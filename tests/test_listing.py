"""Every file under a folder is either read or named with the reason it is not."""

import os

from index.readers import MAX_FILE_BYTES, file_too_large, list_article_files

from .conftest import SAMPLES
from .test_build import cli


def test_every_file_not_read_is_named_with_its_reason(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    story = (SAMPLES / "01-helsinki-opens-baltic-wind-auction-as-lindqvist.txt").read_text()
    for name in ("story.txt", "sub/inner.txt", ".hidden.txt", ".git/packed.txt"):
        (folder / name).write_text(story)
    (folder / "table.csv").write_text("a,b\n1,2\n")
    (folder / "notes.md").write_text("# notes\n")
    (folder / "linked").symlink_to(SAMPLES, target_is_directory=True)
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    with open(folder / "huge.txt", "wb") as huge:  # sparse: no disk space taken
        huge.truncate(MAX_FILE_BYTES + 1)

    files, problems = list_article_files([folder])

    assert files == [folder / "story.txt", folder / "sub" / "inner.txt"]
    reasons = {os.path.relpath(p.where, folder): p.message for p in problems}
    assert set(reasons) == {
        ".git",
        ".hidden.txt",
        "table.csv",
        "notes.md",
        "linked",
        "sub/up",
        "loop.txt",
        "gone.txt",
        "huge.txt",
    }
    assert reasons[".git"] == "hidden folder, not read"
    assert reasons[".hidden.txt"] == "hidden file, not read"
    assert reasons["table.csv"].startswith("unsupported file type '.csv', not read; we read .atom")
    assert reasons["notes.md"].startswith("unsupported file type '.md'")
    assert reasons["linked"] == f"symlinked folder (to {SAMPLES}), not followed; name it to read it"
    assert reasons["sub/up"] == f"symlink loop (points back to {folder}), not followed"
    assert reasons["loop.txt"] == "symlink loop, not read"
    assert reasons["gone.txt"] == "broken symlink, not read"
    assert reasons["huge.txt"] == "file is 512 MB, over the 512 MB limit, not read"
    assert all(p.skipped for p in problems)


def test_a_symlinked_folder_named_on_the_command_line_is_read(tmp_path):
    (tmp_path / "linked").symlink_to(SAMPLES, target_is_directory=True)
    files, _ = list_article_files([tmp_path / "linked"])
    assert len(files) == 19


def test_size_limit():
    assert file_too_large(MAX_FILE_BYTES) is None
    assert file_too_large(600 * 2**20) == "file is 600 MB, over the 512 MB limit, not read"


def test_the_build_report_counts_and_names_each_file_not_read(tmp_path, sample_index):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(
        (SAMPLES / "01-helsinki-opens-baltic-wind-auction-as-lindqvist.txt").read_text()
    )
    (folder / "table.csv").write_text("a,b\n")
    (folder / "notes.md").write_text("# notes\n")
    (folder / ".draft.txt").write_text("Draft\n\nNot for the index.")
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "annotations.sqlite").write_bytes((sample_index / "annotations.sqlite").read_bytes())
    result = cli("index", "rebuild", str(folder), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "1 indexed, 0 updated, 0 unchanged, 0 skipped; 0 removed; 3 problems" in result.stdout
    for name, reason in (
        ("table.csv", "unsupported file type '.csv'"),
        ("notes.md", "unsupported file type '.md'"),
        (".draft.txt", "hidden file, not read"),
    ):
        assert f"problem  {folder / name}: {reason}" in result.stderr
