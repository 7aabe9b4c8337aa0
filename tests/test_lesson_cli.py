"""``aeviz --lesson``: every step rendered with the lesson bar; bad lessons fail in one clear line."""

import pytest
from PIL import Image

from aeviz.__main__ import build_parser, split_view_files
from aeviz.state.exercises import ExercisesState
from aeviz.state.lesson import Lesson, Step, has_builtin_lesson, save_lesson
from test_cli import _aeviz


def _lesson_file(tmp_path):
    steps = tuple(Step("exercises", ExercisesState(choice="conv_cell", level=1, seed=seed), f"Étape de la graine {seed}",
                       f"Seed {seed}") for seed in (3, 4, 5))
    return save_lesson(tmp_path / "cours.aevizlesson", Lesson("Cours", "Course", steps))


def test_screenshot_of_a_lesson_writes_every_step(tmp_path):
    out = tmp_path / "shots"
    result = _aeviz("--screenshot", str(out), "--lesson", str(_lesson_file(tmp_path)), "--size", "1280x720",
                    "--lang", "fr", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["step-01.png", "step-02.png", "step-03.png"]
    images = []
    for n in (1, 2, 3):
        with Image.open(out / f"step-{n:02d}.png") as image:
            assert image.size == (1280, 720)
            images.append(image.convert("RGB").tobytes())
    assert len(set(images)) == 3  # each step shows its own exercise and number


def test_a_bad_lesson_fails_in_one_line(tmp_path):
    bad = tmp_path / "bad.aevizlesson"
    bad.write_text('{"format": "aeviz-lesson", "format_version": 1, "steps": [{"page": "exercises", '
                   '"state": {"seed": -1}}]}', encoding="utf-8")
    result = _aeviz("--screenshot", str(tmp_path / "o"), "--lesson", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1 and "step 1" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o" / "step-01.png").exists()


@pytest.mark.skipif(has_builtin_lesson(), reason="this build has a built-in lesson")
def test_builtin_without_a_builtin_lesson(tmp_path):
    result = _aeviz("--screenshot", str(tmp_path / "o"), "--lesson", "builtin", tmp_path=tmp_path)
    assert result.returncode == 1 and "no built-in lesson" in result.stderr


def test_lesson_options():
    args = build_parser().parse_args(["--lesson", "builtin", "--presentation"])
    assert args.lesson == "builtin" and args.presentation
    assert split_view_files(["--lesson", "a.aevizview"]) == (["--lesson", "a.aevizview"], [])
    with pytest.raises(SystemExit):
        from aeviz.__main__ import main
        main(["--screenshot", "d", "--view", "v.aevizview", "--lesson", "l.aevizlesson"])
