"""The architecture rules: the core and the page states never import Qt; start-up never imports torch."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import aeviz.core
import aeviz.state

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_imports_no_qt():
    modules = [f"{package.__name__}.{m.name}" for package in (aeviz.core, aeviz.state)
               for m in pkgutil.iter_modules(package.__path__)]
    assert modules, "no core modules found"
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')))")
    assert _run(code).strip() == "[]"


def test_core_source_has_no_qt_import():
    for path in [*(ROOT / "aeviz" / "core").rglob("*.py"), *(ROOT / "aeviz" / "state").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for banned in ("PySide6", "pyqtgraph", "shiboken6"):
            assert f"import {banned}" not in text and f"from {banned}" not in text, f"{path} imports {banned}"


def test_first_window_does_not_import_torch():
    code = ("import os, sys\n"
            "os.environ['AEVIZ_CONFIG_DIR'] = os.environ['AEVIZ_DATA_DIR'] = '/tmp/aeviz-layer-test'\n"
            "from aeviz.ui.app import create_application, make_state\n"
            "from aeviz.ui.main_window import MainWindow\n"
            "app = create_application()\n"
            "state, _ = make_state(app, 'en', None, None, None, persist=False)\n"
            "w = MainWindow(state); w.show(); app.processEvents()\n"
            "print('torch' in sys.modules)")
    assert _run(code).strip().splitlines()[-1] == "False"


def test_command_line_parser_does_not_import_torch():
    code = "import sys\nfrom aeviz.__main__ import build_parser\nbuild_parser()\nprint('torch' in sys.modules)"
    assert _run(code).strip() == "False"
