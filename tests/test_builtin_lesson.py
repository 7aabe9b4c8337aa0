"""The built-in course: every worked example of the slides, in order, each step a valid page state."""

import numpy as np
import torch
import torch.nn.functional as F

from aeviz.state.builtin_lesson import builtin_lesson
from aeviz.state.lesson import STATE_PAGES, lesson_from_json

SLIDE_X = np.array([[4, 5, 8, 7], [1, 8, 8, 8], [3, 6, 6, 4], [6, 5, 7, 8]], dtype=np.float64)
SLIDE_K = np.array([[1, 4, 1], [1, 4, 3], [3, 3, 1]], dtype=np.float64)
T_X = np.array([[55, 52], [57, 50]], dtype=np.float64)
T_K = np.array([[1, 2, 1], [2, 1, 2], [1, 1, 2]], dtype=np.float64)


def test_the_course_has_enough_steps_in_lesson_order_with_both_languages():
    lesson = builtin_lesson()
    assert len(lesson.steps) >= 24
    assert {s.page for s in lesson.steps} == set(STATE_PAGES)
    assert all(s.caption_fr.strip() and s.caption_en.strip() for s in lesson.steps)
    starts = [i for i, s in enumerate(lesson.steps) if s.caption_fr.startswith("Leçon")]
    assert [lesson.steps[i].caption_fr[:7] for i in starts] == ["Leçon 1", "Leçon 2", "Leçon 3"]


def test_the_course_survives_its_own_file_format():
    lesson = builtin_lesson()
    assert lesson_from_json(lesson.to_json(), "builtin") == lesson


def test_convolution_cell_by_cell_matches_torch_and_the_captions():
    y = F.conv2d(torch.tensor(SLIDE_X)[None, None], torch.tensor(SLIDE_K)[None, None])[0, 0].numpy()
    cells = [s for s in builtin_lesson().steps if s.page == "convolution" and s.state.selected == "output"
             and s.state.section == "direct"]
    assert [(s.state.selected_row, s.state.selected_col) for s in cells] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for step in cells:
        value = int(y[step.state.selected_row, step.state.selected_col])
        assert step.caption_fr.endswith(f"= {value}") and step.caption_en.endswith(f"= {value}")
        assert np.array_equal(np.array(step.state.input_grid), SLIDE_X)


def test_transposed_partials_follow_the_running_sum_of_torch():
    y = F.conv_transpose2d(torch.tensor(T_X)[None, None], torch.tensor(T_K)[None, None])[0, 0].numpy()
    assert y[3].tolist() == [57, 107, 164, 100]           # the slide's typo (104) is not copied
    partials = [s for s in builtin_lesson().steps if s.page == "transposed" and s.state.selected == "input"
                and s.state.section == "direct"]
    assert [s.state.step for s in partials] == [0, 1, 2, 3]
    assert "57·2 = 114" in partials[2].caption_fr          # the slide's 117 is not copied
    assert "57 107 164 100" in partials[3].caption_fr
