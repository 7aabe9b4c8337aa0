"""Lesson files without Qt: a round trip keeps every step; each kind of bad file is refused with its
code and the number of the step at fault, before anything is used."""

import json
import os
import sys

import pytest

from aeviz.state.exercises import ExercisesState
from aeviz.state.lesson import (MAX_STEPS, Lesson, LessonError, Step, builtin_lesson, has_builtin_lesson,
                                lesson_from_json, load_lesson, open_lesson, save_lesson)


def _lesson() -> Lesson:
    return Lesson("Convolutions pas à pas", "Convolutions step by step", (
        Step("exercises", ExercisesState(choice="conv_cell", level=1, seed=7), "Une case de y", "One cell of y"),
        Step("exercises", ExercisesState(choice="transposed_size", level=2, seed=41, attempts=("3x3", "4x4")),
             "Taille de la sortie — « transposée »", "Output size", "play"),
        Step("exercises", ExercisesState(), "", "", "train"),
    ))


def _doc(**changes) -> dict:
    doc = json.loads(_lesson().to_json())
    doc.update(changes)
    return doc


def _refused(doc) -> LessonError:
    with pytest.raises(LessonError) as info:
        lesson_from_json(json.dumps(doc).encode(), "bad.aevizlesson")
    return info.value


def test_round_trip_through_a_file_keeps_every_step(tmp_path):
    lesson = _lesson()
    path = save_lesson(tmp_path / "cours" / "l.aevizlesson", lesson)
    back = load_lesson(path)
    assert back == lesson
    assert back.steps[1].state.attempts == ("3x3", "4x4") and back.steps[1].action == "play"
    assert back.steps[1].caption("fr") == "Taille de la sortie — « transposée »"
    assert back.steps[1].caption("en") == "Output size" and back.title("en") == "Convolutions step by step"
    assert "« transposée »" in path.read_text(encoding="utf-8")  # French stays readable in the file
    assert [p.name for p in path.parent.iterdir()] == ["l.aevizlesson"]  # no temporary file left


def test_missing_fields_keep_their_defaults():
    doc = _doc(steps=[{"page": "exercises"}])
    lesson = lesson_from_json(json.dumps(doc).encode(), "x")
    assert lesson.steps[0] == Step("exercises", ExercisesState())


@pytest.mark.parametrize("raw, code", [
    (b"\xff\xfe not utf-8", "lesson.damaged"),
    (b"{\"format\": ", "lesson.damaged"),
    (b"[" * 100000, "lesson.damaged"),
    (b"[1, 2]", "lesson.foreign"),
    (json.dumps({"format": "aeviz-view", "format_version": 1}).encode(), "lesson.foreign"),
])
def test_not_a_lesson(raw, code):
    with pytest.raises(LessonError) as info:
        lesson_from_json(raw, "bad.aevizlesson")
    assert info.value.code == code and info.value.params["name"] == "bad.aevizlesson"


@pytest.mark.parametrize("changes, code", [
    ({"format_version": 9}, "lesson.newer_version"),
    ({"format_version": "1"}, "lesson.damaged"),
    ({"format_version": True}, "lesson.damaged"),
    ({"format_version": 0}, "lesson.damaged"),
    ({"steps": []}, "lesson.no_steps"),
    ({"steps": {"page": "exercises"}}, "lesson.no_steps"),
    ({"steps": [{"page": "exercises"}] * (MAX_STEPS + 1)}, "lesson.no_steps"),
    ({"title": "Cours"}, "lesson.bad_title"),
    ({"title": {"fr": 3}}, "lesson.bad_title"),
])
def test_bad_lesson_wide_fields(changes, code):
    assert _refused(_doc(**changes)).code == code


@pytest.mark.parametrize("bad_step, code, part", [
    ("exercises", "lesson.bad_step", "step"),
    ({"state": {}}, "lesson.bad_step", "step"),
    ({"page": "exercises", "state_version": "1"}, "lesson.bad_step", "state_version"),
    ({"page": "exercises", "action": "dance"}, "lesson.bad_step", "action"),
    ({"page": "exercises", "action": ["play"]}, "lesson.bad_step", "action"),
    ({"page": "exercises", "caption": "only one language"}, "lesson.bad_step", "caption"),
    ({"page": "exercises", "caption": {"fr": "x" * 5000}}, "lesson.bad_step", "caption"),
    ({"page": "exercises", "caption": {"en": None}}, "lesson.bad_step", "caption"),
])
def test_bad_step_names_its_number(bad_step, code, part):
    doc = _doc()
    doc["steps"][1] = bad_step
    error = _refused(doc)
    assert (error.code, error.params["step"], error.params["part"]) == (code, 2, part)


@pytest.mark.parametrize("bad_step, nested", [
    ({"page": "home"}, "lesson.unknown_page"),
    ({"page": "nowhere"}, "lesson.unknown_page"),
    ({"page": "exercises", "state": {"seed": -4}}, "state.out_of_range"),
    ({"page": "exercises", "state": {"seed": "12"}}, "state.bad_type"),
    ({"page": "exercises", "state": {"choice": "poker"}}, "state.bad_choice"),
    ({"page": "exercises", "state": {"hack": 1}}, "state.unknown_field"),
    ({"page": "exercises", "state": [1, 2]}, "state.bad_type"),
    ({"page": "exercises", "state_version": 99}, "state.newer_version"),
])
def test_bad_state_is_refused_with_its_step_and_the_page_state_error(bad_step, nested):
    doc = _doc()
    doc["steps"][2] = bad_step
    error = _refused(doc)
    assert (error.code, error.params["step"], error.params["state_code"]) == ("lesson.bad_state", 3, nested)


@pytest.mark.parametrize("make, code", [
    (lambda p: p / "absent.aevizlesson", "lesson.not_found"),
    (lambda p: p, "lesson.is_folder"),
    (lambda p: (p / "big.aevizlesson").write_bytes(b" " * (4 * 1024 * 1024 + 1)) and p / "big.aevizlesson",
     "lesson.too_large"),
])
def test_files_that_are_not_read(tmp_path, make, code):
    with pytest.raises(LessonError) as info:
        load_lesson(make(tmp_path))
    assert info.value.code == code


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.aevizlesson")
    with pytest.raises(LessonError) as info:
        load_lesson(tmp_path / "pipe.aevizlesson")
    assert info.value.code == "lesson.not_regular"


def test_builtin_source_without_a_builtin_lesson_is_a_clear_error(tmp_path):
    path = save_lesson(tmp_path / "l.aevizlesson", _lesson())
    assert open_lesson(str(path)) == _lesson()
    if has_builtin_lesson():
        assert len(builtin_lesson().steps) >= 1
    else:
        with pytest.raises(LessonError) as info:
            open_lesson("builtin")
        assert info.value.code == "lesson.no_builtin"


def test_the_model_needs_no_qt():
    import subprocess

    code = ("import sys, aeviz.state.lesson, aeviz.state.exercises; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], env={**os.environ}).returncode == 0
