"""Saving what the latent page shows: codes as CSV, the map as PNG, the morph as PNG/GIF.

Every file is written atomically (a crash never leaves half a file) and a failure
(read-only folder, full disk) is explained in a message box; nothing is lost.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from aeviz.core import latent as L
from aeviz.core.persist import atomic_write_bytes, atomic_write_text
from aeviz.ui.i18n import add_strings, tr

add_strings({
    "latent.save_title": {"en": "Save as", "fr": "Enregistrer sous"},
    "latent.filter_csv": {"en": "CSV table (*.csv)", "fr": "Tableau CSV (*.csv)"},
    "latent.filter_png": {"en": "PNG image (*.png)", "fr": "Image PNG (*.png)"},
    "latent.filter_gif": {"en": "Animated GIF (*.gif)", "fr": "GIF animé (*.gif)"},
    "latent.save_failed_title": {"en": "Not saved", "fr": "Non enregistré"},
    "latent.save_failed": {"en": "Could not write {path}:\n{error}", "fr": "Impossible d'écrire {path} :\n{error}"},
    "latent.saved": {"en": "Saved {path}", "fr": "Enregistré : {path}"},
})


def widget_png(widget: QWidget) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    widget.grab().save(buffer, "PNG")
    return bytes(buffer.data())


def write_codes_csv(path, session) -> Path:
    ds = session.dataset
    return atomic_write_text(path, L.codes_csv(session.codes, ds.labels, ds.class_names))


def ask_and_write(parent: QWidget, default_name: str, filter_key: str, suffix: str, make_bytes) -> Path | None:
    """Ask for a file name, then write ``make_bytes()`` there atomically; None if cancelled or failed.

    ``parent`` is a page or a tab (it has the app ``state``): a success is confirmed in the status bar."""
    name, _ = QFileDialog.getSaveFileName(parent, tr("latent.save_title"), default_name, tr(filter_key))
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    try:
        written = atomic_write_bytes(path, make_bytes())
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, tr("latent.save_failed_title"), tr("latent.save_failed", path=str(path), error=str(exc)))
        return None
    parent.state.notify(tr("latent.saved", path=str(written)))
    return written


def export_codes_csv(parent: QWidget, session) -> Path | None:
    ds = session.dataset
    return ask_and_write(parent, "codes.csv", "latent.filter_csv", ".csv",
                         lambda: L.codes_csv(session.codes, ds.labels, ds.class_names).encode("utf-8"))


def export_view_png(parent: QWidget, widget: QWidget) -> Path | None:
    return ask_and_write(parent, "latent-map.png", "latent.filter_png", ".png", lambda: widget_png(widget))
