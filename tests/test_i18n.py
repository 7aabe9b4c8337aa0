"""Every user-visible string exists in French and English and goes through ``tr``."""

import ast
import re
import importlib
import pkgutil
from pathlib import Path

import pytest

import aeviz.ui
from aeviz.ui import i18n

UI_DIR = Path(aeviz.ui.__file__).parent
# Methods and constructors whose string argument a user reads.
TEXT_SINKS = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setPlaceholderText", "setTitle", "addItem",
    "setLabel", "setLabelText", "showMessage", "addTab", "setTabText", "QLabel", "QPushButton", "QCheckBox",
    "QRadioButton", "QGroupBox", "QAction", "addMenu", "addAction", "setHeaderLabels", "setSuffix", "setPrefix",
    "information", "warning", "critical", "question", "about", "setSpecialValueText", "setFormat",
}


def _ui_modules():
    return [m.name for m in pkgutil.walk_packages(aeviz.ui.__path__, "aeviz.ui.")]


@pytest.fixture(scope="module")
def full_catalog(qapp):
    for name in _ui_modules():
        importlib.import_module(name)
    return i18n.catalog()


def test_every_string_has_both_languages(full_catalog):
    assert len(full_catalog) > 20
    for key, texts in full_catalog.items():
        for language in i18n.LANGUAGES:
            assert texts.get(language, "").strip(), f"{key} lacks {language}"


def test_french_is_not_a_copy_of_english(full_catalog):
    same = [k for k, t in full_catalog.items() if t["fr"] == t["en"] and len(t["en"]) > 12]
    assert len(same) <= max(3, len(full_catalog) // 20), f"untranslated? {same}"


def _python_files():
    return sorted(UI_DIR.rglob("*.py"))


def test_every_tr_key_exists(full_catalog):
    missing = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in (
                    "tr", "bind_text", "heading"):
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value \
                            and " " not in arg.value and arg.value not in full_catalog:
                        missing.append(f"{path.name}:{node.lineno} {arg.value}")
    assert not missing, missing


def _visible_letters(node) -> bool:
    """Whether a literal or f-string shows words, once HTML tags are taken out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    else:
        return False
    return any(c.isalpha() for c in re.sub(r"<[^>]*>|&\w+;", "", text))


def test_no_literal_text_reaches_a_widget():
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            receiver = getattr(getattr(node.func, "value", None), "id", "")
            if name not in TEXT_SINKS or receiver in ("_log", "log", "logger", "logging", "warnings"):
                continue
            for arg in node.args:
                if _visible_letters(arg):
                    offenders.append(f"{path.relative_to(UI_DIR)}:{node.lineno} {name}({ast.unparse(arg)[:60]})")
    assert not offenders, "user-visible literals bypass tr():\n" + "\n".join(offenders)


def test_missing_key_fails_in_strict_mode():
    with pytest.raises(i18n.TranslationError):
        i18n.tr("no.such.key")


def test_a_string_without_french_is_refused():
    with pytest.raises(i18n.TranslationError):
        i18n.add_strings({"test.only_english": {"en": "Hello"}})


def test_system_language(monkeypatch):
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert i18n.system_language() == "fr"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert i18n.system_language() == "en"
