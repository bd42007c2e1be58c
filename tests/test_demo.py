"""`helpdesk demo`: the README's first command, on a fresh folder and on one it must not
touch."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from helpdesk.cli import cli


def test_the_demo_answers_the_sample_mail_and_can_run_again(tmp_path: Path) -> None:
    folder = tmp_path / "helpdesk-demo"
    first = CliRunner().invoke(cli, ["demo", "--dir", str(folder)])
    assert first.exit_code == 0, first.output
    assert "Antrian tiket" in first.output and "jam kerja" in first.output
    answers = list((folder / "answers").glob("*.eml"))
    assert len(answers) >= 10
    again = CliRunner().invoke(cli, ["demo", "--dir", str(folder)])  # its own folder: redone
    assert again.exit_code == 0 and len(list((folder / "answers").glob("*.eml"))) == len(answers)


def test_a_folder_that_is_not_the_demos_is_left_alone_with_one_line(tmp_path: Path) -> None:
    mine = tmp_path / "laporan"
    mine.mkdir()
    (mine / "penting.txt").write_text("jangan dihapus")
    result = CliRunner().invoke(cli, ["demo", "--dir", str(mine)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {mine} exists and is not a demo folder; nothing was changed. "
        "Choose another --dir."
    ]
    assert (mine / "penting.txt").read_text() == "jangan dihapus"
