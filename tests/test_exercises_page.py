"""The exercise page driven as a student would: through its public methods, signals and widgets."""

from __future__ import annotations

import csv

import pytest

from aeviz.core.exercise_results import Result, results_csv
from aeviz.ui import i18n


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.exercises import ExercisesPage

    p = ExercisesPage(app_state)
    qtbot.addWidget(p)
    return p


def _type(page, qtbot, text):
    from PySide6.QtCore import Qt

    page.answer_edit.clear()
    qtbot.keyClicks(page.answer_edit, text)
    qtbot.keyClick(page.answer_edit, Qt.Key_Return)


def _wrong_number(ex) -> str:
    return str(ex.answer + 7)


def test_right_answer_scores_and_explains(page, qtbot):
    from aeviz.ui.widgets.answer_mask import CellMask

    ex = page.show_exercise("conv_cell", 12, 1)
    assert page.problem.out_view.findChild(CellMask).cells == {tuple(ex.params["cell"])} and not page.problem.out_view.show_numbers
    with qtbot.waitSignal(page.answered) as blocker:
        _type(page, qtbot, str(ex.answer))
    assert blocker.args[0].right
    assert page.score() == (1, 1)
    assert page.feedback_text() == i18n.tr("ex.right")
    assert f"= {ex.answer}" in page.solution_text()
    assert not page.problem.out_view.findChild(CellMask).cells and page.problem.out_view.show_numbers   # solved: y is shown


def test_wrong_then_hint_lights_window_and_kernel(page, qtbot):
    ex = page.show_exercise("conv_cell", 3, 2)
    assert not page.problem.x_view.hl and not page.problem.k_view.hl
    _type(page, qtbot, _wrong_number(ex))
    assert page.score() == (0, 0)              # one try left: not counted yet
    assert "✗" in page.feedback_text()
    assert page.hint_text() and not page.solution_label.isVisibleTo(page)
    marks = ex.marks()
    assert page.problem.x_view.hl == set(marks["x"]) and page.problem.x_view.window_rect == marks["window"]
    assert page.problem.k_view.hl == set(marks["k"])
    assert page.problem.out_view.current == tuple(ex.params["cell"])


def test_two_wrong_answers_show_the_worked_solution(page, qtbot):
    ex = page.show_exercise("transposed_cell", 8, 1)
    _type(page, qtbot, _wrong_number(ex))
    _type(page, qtbot, str(ex.answer - 1))
    assert page.score() == (0, 1) and page.done
    text = page.solution_text()
    terms = ex.explanation()[-1].values["terms"]
    assert f"{terms[0][0]}×{terms[0][1]}" in text and text.rstrip().endswith(f"= {ex.answer}")
    assert page.solution_label.isVisibleTo(page) and not page.hint_label.isVisibleTo(page)
    assert page.problem.x_view.hl == set(ex.marks()["x"])
    # a third Enter opens the next exercise (seed + 1), not a third try
    _type(page, qtbot, "")
    assert page.exercise.seed == 9 and not page.done and page.score() == (0, 1)


@pytest.mark.parametrize("garbage, code", [("douze", "not_number"), ("", "empty"), ("   ", "empty")])
def test_garbage_gives_a_message_and_no_score_change(page, qtbot, garbage, code):
    ex = page.show_exercise("conv_cell", 5, 1)
    answered = []
    page.answered.connect(answered.append)
    _type(page, qtbot, garbage)
    verdict = page.submit(garbage)
    assert verdict.code == code and not answered
    assert page.score() == (0, 0) and page.tries == 0
    assert page.feedback_text() == i18n.tr(f"ex.invalid.{code}", text=garbage.strip())
    _type(page, qtbot, str(ex.answer))              # and the exercise can still be solved first time
    assert page.score() == (1, 1)


def test_french_decimal_comma_and_sizes(page, qtbot, app_state):
    app_state.set_language("fr")
    ex = next(page.show_exercise("compression_ratio", s, 2) for s in range(50)
              if not float(page.show_exercise("compression_ratio", s, 2).answer).is_integer())
    _type(page, qtbot, f"{ex.answer:.2f}".replace(".", ","))
    assert page.score() == (1, 1)
    assert f"{ex.answer:.2f}".replace(".", ",").rstrip("0") in page.solution_text()
    size = page.show_exercise("conv_size", 4, 3)
    _type(page, qtbot, f"{size.answer[0]} x {size.answer[1]}")
    assert page.score() == (2, 2)
    assert "Taille de la sortie" in page.solution_text()


def test_wrong_length_row_is_not_a_try(page, qtbot):
    ex = page.show_exercise("conv_matrix_row", 2, 1)
    _type(page, qtbot, "1 2 3")
    assert page.tries == 0 and str(len(ex.answer)) in page.feedback_text()
    _type(page, qtbot, " ".join(str(v) for v in ex.answer))
    assert page.score() == (1, 1)


def test_seed_controls_and_mixed(page, qtbot):
    shown = []
    page.exercise_shown.connect(lambda *args: shown.append(args))
    page.seed_spin.setValue(77)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("transposed_size"))
    page.level_combo.setCurrentIndex(page.level_combo.findData(3))
    ex = page.show_selected()
    assert (ex.kind, ex.seed, ex.level) == ("transposed_size", 77, 3) and shown[-1] == ("transposed_size", 77, 3)
    page.set_mixed(True)
    ex = page.show_selected()
    from aeviz.core.exercises import mixed
    assert (ex.kind, ex.level) == mixed(77)
    assert page.kind_combo.currentData() == "mixed" and not page.level_combo.isEnabled()
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("conv_cell"))
    page.kind_combo.activated.emit(page.kind_combo.currentIndex())   # as when the user picks a kind
    assert page.exercise.kind == "conv_cell" and page.level_combo.isEnabled()
    assert page.next_exercise().seed == 78
    seed = page.draw_and_show().seed
    assert page.seed_spin.value() == seed


def test_every_kind_draws_and_retranslates(page, qtbot, app_state):
    from aeviz.core.exercises import KINDS
    for kind in KINDS:
        page.show_exercise(kind, 21, 3)
        english = page.question_label.text()
        app_state.set_language("fr")
        assert page.question_label.text() != english
        assert page.header_label.text().startswith(i18n.tr(f"ex.kind.{kind}"))
        assert page.kind_combo.itemText(1) == i18n.tr("ex.kind.conv_cell")
        app_state.set_language("en")


def test_csv_export_reads_back(page, qtbot, tmp_path):
    ex = page.show_exercise("conv_cell", 1, 1)
    _type(page, qtbot, str(ex.answer))
    ex = page.show_exercise("transposed_cell", 2, 2)
    assert ex.answer not in (12345, -3)
    _type(page, qtbot, "=1+1")                      # not a number: no try
    _type(page, qtbot, "12345")
    _type(page, qtbot, "=-3")                       # read as −3, exported as text
    messages = []
    page.status.connect(messages.append)
    path = page.export_results(tmp_path / "out" / "results.csv")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["kind", "seed", "level", "answer_given", "right", "seconds"]
    assert rows[1][:5] == ["conv_cell", "1", "1", str(page.results[0].answer_given), "1"]
    assert rows[2][:5] == ["transposed_cell", "2", "2", "'=-3", "0"]
    assert float(rows[2][5]) >= 0
    assert messages and str(path) in messages[0]
    assert not list(path.parent.glob(".*.tmp"))


def test_csv_quotes_and_neutralises_formulas():
    text = results_csv([Result("conv_cell", 1, 1, '=HYPERLINK("x"), "a"', False, 1.25),
                        Result("conv_cell", 2, 1, "@SUM(A1)", True, 0.0),
                        Result("conv_cell", 3, 1, "+1", True, 0.0)])
    rows = list(csv.reader(text.splitlines()))
    assert len(rows) == 4  # the comma and quotes inside the answer stayed in one cell
    assert [r[3] for r in rows[1:]] == ['\'=HYPERLINK("x"), "a"', "'@SUM(A1)", "'+1"]


def test_main_window_lists_the_page_in_lesson_2(main_window):
    from aeviz.ui.pages import spec_for
    assert spec_for("exercises").lesson == 2
    main_window.show_page("exercises")
    page = main_window.current_page()
    assert page.page_id == "exercises" and page.exercise is not None
    page.export_results(__import__("tempfile").mkdtemp() + "/r.csv")
    assert "r.csv" in main_window.statusBar().currentMessage()


def _hidden(view):
    from aeviz.ui.widgets.answer_mask import CellMask
    m = view.findChild(CellMask)
    return set() if m is None else m.cells


def test_exercise_switch_hides_the_asked_cell_on_the_convolution_page(qtbot, app_state):
    from aeviz.ui.pages.convolution import ConvolutionPage
    page = ConvolutionPage(app_state)
    qtbot.addWidget(page)
    page.output_view.cellClicked.emit(0, 1)
    assert "148" in page.sum_label.text() and not _hidden(page.output_view)
    page.exercise_switch.setChecked(True)
    assert _hidden(page.output_view) == _hidden(page.out2_view) == {(0, 1)}
    assert _hidden(page.vecy_view) == {(1, 0)}
    assert _hidden(page.c_view) == {(1, c) for c in range(16)}
    assert "148" not in page.sum_label.text() and "?" in page.sum_label.text()
    page.output_view.cellClicked.emit(1, 0)           # the next question: the mask follows the selection
    assert _hidden(page.output_view) == {(1, 0)} and _hidden(page.c_view) == {(2, c) for c in range(16)}
    page.exercise_switch.setChecked(False)
    assert not _hidden(page.output_view) and not _hidden(page.c_view) and "126" in page.sum_label.text()


def test_exercise_switch_on_the_transposed_page(qtbot, app_state):
    from aeviz.ui.pages.transposed import TransposedPage
    page = TransposedPage(app_state)
    qtbot.addWidget(page)
    page.exercise_switch.setChecked(True)
    assert not _hidden(page.output_view)               # nothing asked until an output cell is chosen
    page.output_view.cellClicked.emit(3, 1)           # 107 on the slide
    assert _hidden(page.output_view) == _hidden(page.out2_view) == _hidden(page.sum_view) == {(3, 1)}
    assert _hidden(page.vecy_view) == {(13, 0)} and _hidden(page.m_view) == {(13, c) for c in range(4)}
    assert all(_hidden(v) == {(3, 1)} for v in page.partial_views[:4])
    page.params.set_values(stride=1, padding=1, output_padding=0, dilation=1)   # 2×2 output, crop shift 1
    page.output_view.cellClicked.emit(1, 1)
    assert _hidden(page.sum_view) == {(2, 2)} and _hidden(page.output_view) == {(1, 1)}
    page.exercise_switch.setChecked(False)
    assert not _hidden(page.sum_view) and not _hidden(page.vecy_view)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_presentation_mode_fits_the_projector_width(qtbot, app_state, size):
    from aeviz.ui.main_window import MainWindow
    app_state.set_presentation(True)                 # text at ≥ 20 pt at 1080p
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_page("exercises")
    page = window.current_page()
    holder = window._holders["exercises"]
    for kind, seed, level in (("conv_cell", 1, 2), ("transposed_partial", 4, 3), ("conv_matrix_row", 2, 3),
                              ("layer_params", 5, 3)):
        page.show_exercise(kind, seed, level)
        qtbot.wait(50)
        assert page.width() <= holder.viewport().width(), (kind, size)   # no sideways scrolling
        assert page.question_label.font().pointSizeF() >= (20 if size[1] >= 1080 else 13)  # 720p: scaled to the screen
    page.answer_edit.setText("0")
    page.submit()
    qtbot.wait(50)
    assert page.feedback_label.visibleRegion().boundingRect().height() > 0   # the verdict is scrolled into view
    window.close()
    app_state.set_presentation(False)
