"""File → Save view / Open: a page's exact state in a file; bad files change nothing and say why."""

import json
import zipfile

import pytest

from aeviz.core.viewfile import View, save_view
from aeviz.state.exercises import ExercisesState


@pytest.fixture
def warnings_shown(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text, *a, **k: shown.append(text))
    return shown


def test_save_then_open_restores_the_exact_state(main_window, tmp_path):
    main_window.show_page("exercises")
    page = main_window.page("exercises")
    page.show_exercise("transposed_size", 41, 2)
    page.submit("3x3")
    saved = page.store.value
    path = main_window.save_view_to(tmp_path / "class" / "ex.aevizview")
    page.next_exercise()
    main_window.show_page("home")
    assert main_window.open_view_file(path)
    assert main_window.current_page() is page and page.store.value == saved
    assert page.tries == (0 if page.progress.right else 1)
    assert main_window.state.settings.recent_views[0] == str(path.resolve())


def test_nothing_to_save_on_the_home_page(main_window, tmp_path):
    from aeviz.core.viewfile import ViewError

    main_window.show_page("home")
    with pytest.raises(ViewError):
        main_window.save_view_to(tmp_path / "home.aevizview")
    assert not (tmp_path / "home.aevizview").exists()


def _container(path, doc):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("view.json", json.dumps(doc))
    return path


@pytest.mark.parametrize("doc, words", [
    (None, "endommagé"),
    ({"format": "aeviz-view", "format_version": 7, "page": "exercises", "state": {}}, "plus récente"),
    ({"format": "aeviz-view", "format_version": 1, "page": "nowhere", "state": {}}, "n'a pas"),
    ({"format": "aeviz-view", "format_version": 1, "page": "exercises", "state": {"seed": -4}}, "graine"),
    ({"format": "aeviz-view", "format_version": 1, "page": "exercises", "state": {"seed": "12"}}, "graine"),
    ({"format": "aeviz-view", "format_version": 1, "page": "exercises", "state": {"choice": "poker"}}, "exercice"),
    ({"format": "aeviz-view", "format_version": 1, "page": "exercises", "state": {"hack": 1}}, "inconnu"),
])
def test_a_bad_view_leaves_the_page_unchanged_with_a_french_message(main_window, app_state, tmp_path,
                                                                     warnings_shown, doc, words):
    app_state.set_language("fr")
    main_window.show_page("exercises")
    page = main_window.page("exercises")
    page.show_exercise("conv_size", 5, 1)
    before = page.store.value
    path = tmp_path / "bad.aevizview"
    if doc is None:
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    else:
        _container(path, doc)
    assert not main_window.open_view_file(path)
    assert page.store.value == before and main_window.current_page() is page
    assert len(warnings_shown) == 1 and words in warnings_shown[0]
    assert "the " not in warnings_shown[0] and "is not" not in warnings_shown[0]


def test_a_missing_user_file_is_named_after_opening(main_window, tmp_path, warnings_shown):
    # The exercises page holds no file; a view that lists one in "files" still reports it.
    path = save_view(tmp_path / "v.aevizview", View("exercises", ExercisesState(seed=3).to_dict()))
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("view.json"))
    doc["files"] = ["choice"]
    doc["state"]["choice"] = "conv_cell"
    _container(path, doc)
    main_window.open_view_file(path)
    assert warnings_shown and "conv_cell" in warnings_shown[0]


def test_qt_dialog_buttons_speak_french(app_state):
    from PySide6.QtCore import QCoreApplication

    app_state.set_language("fr")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    app_state.set_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_command_line_takes_a_bare_view_file():
    from aeviz.__main__ import split_view_files

    assert split_view_files(["--lang", "fr", "cours.aevizview"]) == (["--lang", "fr"], ["cours.aevizview"])
    assert split_view_files(["--screenshot", "d", "--view", "a.aevizview"]) == (
        ["--screenshot", "d", "--view", "a.aevizview"], [])


def test_view_without_screenshot_is_a_usage_error(capsys):
    from aeviz.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["--view", "a.aevizview"])
    assert info.value.code == 2 and "--view" in capsys.readouterr().err


@pytest.mark.parametrize("answer, saved, stays_open", [("Cancel", True, True), ("Save", False, True),
                                                       ("Save", True, False), ("Discard", True, False)])
def test_quitting_with_unsaved_work_asks_first(main_window, monkeypatch, answer, saved, stays_open):
    from PySide6.QtWidgets import QMessageBox

    main_window.show()
    page = main_window.page("exercises")
    asked, save_calls = [], []
    monkeypatch.setattr(page, "unsaved_work", lambda: "A trained model was never saved.")
    monkeypatch.setattr(page, "save_unsaved_work", lambda: save_calls.append(1) or saved)
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: asked.append(text)
                        or getattr(QMessageBox, answer))
    main_window.close()
    assert len(asked) == 1 and "never saved" in asked[0]
    assert main_window.isVisible() == stays_open
    assert len(save_calls) == (answer == "Save")
    monkeypatch.setattr(page, "unsaved_work", lambda: None)
    main_window.close()
    assert not main_window.isVisible()
