"""Start / pause / stop / reset, the reset banner, messages and the progress bar.

The page decides what the buttons mean in each state; this panel shows it: the Start
button's label says what will happen (start, resume, reset and start…), the banner
says why a change is not applied yet, the progress bar gives epoch, ETA and speed.

In presentation with the settings folded away the panel becomes one slim strip (Start,
Pause, Stop and the progress bar on a single row): what a teacher needs mid-demo stays
in reach without opening the drawer, and the stage keeps the height. Reset, the banner
and the status line belong with the settings and come back with the drawer.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QPushButton, QStyle, QVBoxLayout, QWidget

from aeviz.ui import deferred
from aeviz.ui.i18n import tr
from aeviz.ui.numbers import DASH, fmt_int, fmt_percent, fmt_sig
from aeviz.ui.widgets import Translatable, enable
from aeviz.ui.widgets import train_texts  # noqa: F401  (registers the strings used here)


def fmt_loss(v) -> str:
    return fmt_sig(v, 4)


def fmt_eta(seconds) -> str:
    if seconds is None or not math.isfinite(seconds):
        return DASH
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def fmt_rate(v: float) -> str:
    return fmt_int(round(v)) if v is not None and math.isfinite(v) else DASH


def divergence_text(snap, config) -> str:
    """What to tell when the loss exploded: why, what was kept, what to do."""
    v = snap.train_loss
    what = tr("train.what_nan" if v is None or math.isnan(v) else "train.what_inf" if math.isinf(v)
              else "train.what_huge")
    usual = 1e-3 if config.optimizer == "adam" else 1e-2
    return tr("train.diverged", what=what, lr=fmt_sig(config.lr, 6),
              hint=fmt_sig(usual if config.lr > 10 * usual else config.lr / 10, 6))


class RunPanel(QWidget, Translatable):
    start = Signal()
    pause = Signal()
    stop = Signal()
    reset = Signal()

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self._start_key = "train.start"
        self.start_button, self.pause_button, self.stop_button, self.reset_button = (QPushButton() for _ in range(4))
        icons = (QStyle.SP_MediaPlay, QStyle.SP_MediaPause, QStyle.SP_MediaStop, QStyle.SP_BrowserReload)
        for button, signal, icon in zip((self.start_button, self.pause_button, self.stop_button, self.reset_button),
                                        (self.start, self.pause, self.stop, self.reset), icons):
            button.setIcon(self.style().standardIcon(icon))
            button.clicked.connect(signal.emit)
        for button, key in ((self.pause_button, "train.pause"), (self.stop_button, "train.stop"),
                            (self.reset_button, "train.reset")):
            self.bind(button.setText, key)
        self.banner, self.message, self.status = QLabel(), QLabel(), QLabel()
        for label in (self.banner, self.message, self.status):
            label.setWordWrap(True)
        self.banner.setObjectName("banner")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.compact = False
        self.row = QGridLayout()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addLayout(self.row)
        for w in (self.banner, self.message, self.progress, self.status):
            self.column.addWidget(w)
        self._place_buttons()
        self.set_message("")
        self.set_banner("")
        self.rescale()
        self.retheme()
        state.scale_changed.connect(self._scale_rescale)
        state.theme_changed.connect(self.retheme)

    def set_compact(self, on: bool) -> None:
        """One slim row (presentation, settings folded away) or the full panel."""
        if on == self.compact:
            return
        self.compact = on
        self._place_buttons()

    def _place_buttons(self) -> None:
        """Full: Start on a row of its own (the main action stands out, the panel stays narrow at
        presentation zoom), Pause / Stop / Reset under it. Compact: Start, Pause, Stop, progress."""
        for w in (self.start_button, self.pause_button, self.stop_button, self.reset_button, self.progress):
            self.row.removeWidget(w)
        self.column.removeWidget(self.progress)
        if self.compact:
            for index, button in enumerate((self.start_button, self.pause_button, self.stop_button)):
                self.row.addWidget(button, 0, index)
            self.row.addWidget(self.progress, 0, 3)
        else:
            self.row.addWidget(self.start_button, 0, 0, 1, 3)
            for index, button in enumerate((self.pause_button, self.stop_button, self.reset_button)):
                self.row.addWidget(button, 1, index)
            self.column.insertWidget(self.column.indexOf(self.message) + 1, self.progress)
        for column in range(3):
            self.row.setColumnStretch(column, 0 if self.compact else 1)
        self.row.setColumnStretch(3, 1 if self.compact else 0)
        self.reset_button.setVisible(not self.compact)
        self.status.setVisible(not self.compact)
        self.banner.setVisible(bool(self.banner.text()) and not self.compact)

    def set_buttons(self, start_key: str | None, can_start: bool, can_pause: bool, can_stop: bool, can_reset: bool) -> None:
        if start_key is not None:
            self._start_key = start_key
            self.start_button.setText(tr(start_key))
        running = can_stop and not can_start
        enable(self.start_button, can_start, "why.running")
        enable(self.pause_button, can_pause, "why.stopping" if running else "why.not_running")
        enable(self.stop_button, can_stop, "why.no_run")
        enable(self.reset_button, can_reset, "why.running" if running else "why.untrained")

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text) and not self.compact)

    def set_message(self, text: str) -> None:
        """Errors and warnings (divergence, refused file); empty hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_snapshot(self, snap, epoch_offset: int = 0) -> None:
        """``epoch_offset``: epochs of the model's earlier runs, so the count matches the loss plot.

        The bar and its percentage count those earlier epochs too: early in "Epoch 13/15" the
        bar is past 80 %, not at the 10 % of this run's own three epochs."""
        done = (epoch_offset + snap.progress * snap.epochs) / max(1, epoch_offset + snap.epochs)
        self.progress.setValue(int(1000 * done))
        self.progress.setFormat(tr("train.progress", epoch=epoch_offset + snap.epoch, epochs=epoch_offset + snap.epochs,
                                   pct=fmt_percent(int(100 * done) / 100), eta=fmt_eta(snap.eta_s),
                                   rate=fmt_rate(snap.samples_per_s),
                                   threads=tr("train.threads_in_use_plural" if snap.threads > 1 else "train.threads_in_use",
                                              n=fmt_int(snap.threads))))

    def retranslate(self) -> None:
        super().retranslate()
        self.start_button.setText(tr(self._start_key))

    def _scale_rescale(self, *_args) -> None:
        if not deferred.until_page_shows(self, "rescale"):
            self.rescale()

    def rescale(self, *_args) -> None:
        for w, rel, bold in ((self.start_button, 1.05, True), (self.pause_button, 1.0, False),
                             (self.stop_button, 1.0, False), (self.reset_button, 1.0, False),
                             (self.banner, 1.05, True), (self.message, 1.05, True), (self.progress, 1.0, False)):
            w.setFont(self.state.font(rel, bold))
        size = self.state.px(20)
        for button in (self.start_button, self.pause_button, self.stop_button, self.reset_button):
            button.setIconSize(QSize(size, size))

    def retheme(self, *_args) -> None:
        c = self.state.colors
        self.banner.setStyleSheet(f"QLabel#banner {{ border: 2px solid {c.accent}; padding: 6px; }}")
        self.message.setStyleSheet(f"color: {c.positive};")  # red-ish in every theme; the text starts with ⚠
