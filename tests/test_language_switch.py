"""A runtime language switch reaches every text on every page, and numbers follow the language.

Every page is opened (and the training page given an opened model file and a run's
status, the sentences that used to stay French), the language is switched through
View → Language, and every visible text is searched for sentences of the other
language: labels, buttons, combo box items, tab titles, group box titles, tooltips,
progress bar texts, plot axis labels and legends, menus and the sidebar. A "sentence
of the other language" is a literal fragment (8+ characters) of a catalogue string in
that language that no string of the current language contains.
"""

import re

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QListWidget, QMenu,
                               QProgressBar, QTabWidget, QWidget)

from aeviz.ui import i18n
from aeviz.ui.pages import page_ids

pytestmark = pytest.mark.slow


def _fragments(language: str) -> set[str]:
    """Literal pieces of ``language``'s strings that appear in no string of the other language."""
    other = "en" if language == "fr" else "fr"
    catalog = i18n.catalog()
    other_corpus = "\n".join(texts[other] for texts in catalog.values())
    pieces = set()
    for texts in catalog.values():
        if texts[language] == texts[other]:
            continue
        for piece in re.split(r"\{[^}]*\}|<[^>]*>|\n", texts[language]):
            piece = piece.strip(" .,:;()…·—–")
            if len(piece) >= 8 and piece not in other_corpus:
                pieces.add(piece)
    return pieces


def _texts(window) -> list[tuple[str, str]]:
    """(where, text) of everything a user can read in the window right now."""
    found = [("title", window.windowTitle())]
    for menu in window.findChildren(QMenu):
        found += [("menu", menu.title())] + [("action", a.text()) for a in menu.actions()]
    sidebar = window.findChild(QListWidget, "sidebar")
    found += [("sidebar", sidebar.item(i).text()) for i in range(sidebar.count())]
    page = window.current_page()
    for w in [page, *page.findChildren(QWidget)]:
        if not w.isVisibleTo(window):
            continue
        name = type(w).__name__
        if w.toolTip():
            found.append((f"{name} tooltip", w.toolTip()))
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            found.append((name, w.text()))
        if isinstance(w, QComboBox):
            found += [(f"{name} item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            found += [("tab", w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QGroupBox):
            found.append(("group", w.title()))
        if isinstance(w, QProgressBar):
            found.append(("progress", w.format()))
        if isinstance(w, pg.PlotWidget):
            item = w.getPlotItem()
            for side in ("left", "bottom"):
                found.append(("axis", item.getAxis(side).labelText))
            if item.legend is not None:
                found += [("legend", label.text) for _sample, label in item.legend.items]
    return [(where, text) for where, text in found if text]


def _switch(window, language: str) -> None:
    action = next(a for a in window.language_actions.actions() if a.data() == language)
    action.trigger()


def _open_every_page(window, qtbot, tmp_path):
    for page_id in page_ids():
        window.show_page(page_id)
        qtbot.wait(50)
    training = window.page("training")
    qtbot.waitUntil(lambda: training.run.data is not None, timeout=20000)
    assert training.open_bundle(training.files.models[0].path)  # the "Loaded …" status line


@pytest.mark.parametrize("start, target", [("fr", "en"), ("en", "fr")])
def test_switching_language_leaves_no_text_of_the_other(main_window, app_state, qtbot, tmp_path, start, target):
    _switch(main_window, start)
    _open_every_page(main_window, qtbot, tmp_path)
    _switch(main_window, target)
    wrong = _fragments(start)
    problems = []
    for page_id in page_ids():
        main_window.show_page(page_id)
        qtbot.wait(30)
        for where, text in _texts(main_window):
            hits = [piece for piece in wrong if piece in text]
            if hits:
                problems.append(f"{page_id} / {where}: {text!r} (contains {hits[0]!r})")
    assert not problems, "\n".join(problems)


def test_numbers_follow_the_language_on_the_training_page(main_window, qtbot):
    from aeviz.ui.numbers import NARROW_NBSP

    _switch(main_window, "fr")
    main_window.show_page("training")
    page = main_window.page("training")
    qtbot.waitUntil(lambda: page.run.data is not None, timeout=20000)
    page.form.subset.setValue(10000)
    assert page.form.subset.text() == f"10{NARROW_NBSP}000"
    assert page.form.lr.text() == "0,00100"
    left = page.curves.plot.getAxis("left")
    assert left.tickStrings([0.05, 0.1], 1.0, 0.05) == ["0,05", "0,10"]
    assert left.tickStrings([10000.0], 1.0, 1000.0) == [f"10{NARROW_NBSP}000"]
    _switch(main_window, "en")
    assert page.form.subset.text() == "10,000"
    assert page.form.lr.text() == "0.00100"
    assert left.tickStrings([0.05, 0.1], 1.0, 0.05) == ["0.05", "0.10"]
