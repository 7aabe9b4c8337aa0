"""Lesson 3, the latent space (espace latent): a map of the codes and four ways to explore it.

The shell chooses the model (a pretrained bundle, a bundle from disk, or the model being
trained, refreshed while it trains) and the images, encodes them in a worker, and draws
the map: 2-D codes directly, longer ones through PCA (or t-SNE on request, in the
background). Hovering a point shows the image and its reconstruction; clicking selects
it. The tabs (morphing, sliders, attributes, generation) live in their own modules and
share a ``LatentSession``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from aeviz.ui.i18n import tr
from aeviz.ui.numbers import fmt_float, fmt_percent
from aeviz.ui.pages.base import Page
from aeviz.ui.pages.latent_attributes import AttributesTab
from aeviz.ui.pages.latent_export import export_codes_csv, export_view_png
from aeviz.ui.pages.latent_generate import GenerateTab
from aeviz.ui.pages.latent_morph import MorphTab
from aeviz.ui.pages.latent_session import LatentSession, encode_work, tsne_work
from aeviz.ui.pages.latent_source import TSNE_POINTS, SourceMixin
from aeviz.ui.pages.latent_sliders import SlidersTab
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.lab_layout import scroll
from aeviz.ui.widgets.scatter import ClassLegend, LatentScatter
from aeviz.ui.workers import Task

LIVE_REFRESH_MS = 2000


class LatentPage(SourceMixin, Page):
    page_id = "latent"
    title_key = "page.latent"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.session = LatentSession(self)
        self.encode_task: Task | None = None
        self.tsne_task: Task | None = None
        self._live_version = -1
        self._pretrained_id: str | None = None      # the shipped model shown, if any
        self._shipped_maps: dict = {}                # model id → its build-time t-SNE map (or None)
        self._status_key, self._status_values = "", {}
        # --- controls
        self.model_combo = QComboBox()
        self.open_button = QPushButton()
        self.data_combo = QComboBox()
        self.view_combo = QComboBox()
        self.progress = QProgressBar()
        self.cancel_button = QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.bind_text(self.open_button.setText, "latent.open")
        self.bind_text(self.cancel_button.setText, "latent.cancel")
        self.progress.hide()
        self.cancel_button.hide()
        grid = QGridLayout()
        labels = [QLabel() for _ in range(3)]
        for i, (label, key, combo) in enumerate(zip(labels, ("latent.model", "latent.images", "latent.view"),
                                                    (self.model_combo, self.data_combo, self.view_combo))):
            self.bind_text(label.setText, key)
            grid.addWidget(label, 0, 2 * i)
            grid.addWidget(combo, 0, 2 * i + 1)
        grid.addWidget(self.open_button, 0, 6)
        for combo in (self.model_combo, self.data_combo, self.view_combo):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.cancel_button)
        # --- left: map, legend, hover, exports
        self.scatter = LatentScatter(state)
        self.legend = ClassLegend(state)
        self.hover_image = DigitView(state, 84)
        self.hover_recon = DigitView(state, 84)
        self.hover_text = QLabel()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.bind_text(self.hint.setText, "latent.hint")
        self.csv_button, self.png_button = QPushButton(), QPushButton()
        self.bind_text(self.csv_button.setText, "latent.export_csv")
        self.bind_text(self.png_button.setText, "latent.export_png")
        hover_row = QHBoxLayout()
        for w in (self.hover_image, self.hover_recon):
            hover_row.addWidget(w)
        hover_row.addWidget(self.hover_text, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.png_button)
        buttons.addStretch(1)
        hover_row.addLayout(buttons)
        left = QWidget()
        left_col = QVBoxLayout(left)
        left_col.setContentsMargins(0, 0, 0, 0)
        left_col.addWidget(self.scatter, 1)
        left_col.addWidget(self.legend)
        left_col.addWidget(self.hint)
        left_col.addLayout(hover_row)
        # --- right: tabs
        self.tabs = QTabWidget()
        self.tab_pages = [MorphTab(state, self.session, self.scatter), SlidersTab(state, self.session, self.scatter),
                          AttributesTab(state, self.session, self.scatter), GenerateTab(state, self.session, self.scatter)]
        self._tab_keys = ("latent.tab_morph", "latent.tab_sliders", "latent.tab_attributes", "latent.tab_generate")
        for tab, key in zip(self.tab_pages, self._tab_keys):
            self.tabs.addTab(scroll(tab), tr(key))  # a tab never forces the window wider
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading("latent.title", 1.3))
        layout.addLayout(grid)
        layout.addLayout(progress_row)
        layout.addWidget(splitter, 1)
        # --- wiring
        self._fill_model_combo()
        self._fill_data_combo()
        self.model_combo.activated.connect(self._on_model_chosen)
        self.open_button.clicked.connect(self._open_bundle)
        self.data_combo.activated.connect(self._on_data_chosen)
        self.view_combo.activated.connect(self._on_view_chosen)
        self.cancel_button.clicked.connect(self._cancel_tasks)
        self.scatter.hovered.connect(self._on_hovered)
        self.scatter.clicked.connect(self._on_clicked)
        self.legend.toggled.connect(self.scatter.set_class_visible)
        self.csv_button.clicked.connect(self._export_csv)
        self.png_button.clicked.connect(self._export_png)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.session.codes_changed.connect(self._on_codes)
        self.session.view_changed.connect(self._on_view)
        self.session.selection_changed.connect(self._on_selection)
        state.models.live_model_changed.connect(self._on_live_changed)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(LIVE_REFRESH_MS)
        self.live_timer.timeout.connect(self._refresh_live)
        self.rescale()
        QTimer.singleShot(0, self._initial_load)

    # --- background work ----------------------------------------------------------------------
    def start_encoding(self) -> None:
        self._stop_task("encode_task")
        self._stop_task("tsne_task")
        for tab in self.tab_pages:
            tab.shutdown()
        model, loader = self.session.model, self._dataset_loader()
        task = Task(lambda: encode_work(model, loader))
        task.progress.connect(self._on_progress)
        task.result.connect(self._on_encoded)
        task.error.connect(self._on_failed)
        task.finished.connect(self._on_task_finished)
        self.encode_task = task
        self._show_progress("latent.encoding")
        task.start()

    def encode_now(self) -> None:
        """Synchronous encoding (screenshots, tests): the same work, run on this thread."""
        self._stop_task("encode_task")
        gen = encode_work(self.session.model, self._dataset_loader())
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            self._on_encoded(stop.value)

    def _show_progress(self, key: str) -> None:
        self.progress.setFormat(tr(key))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def _on_progress(self, value) -> None:
        fraction = value[0] if isinstance(value, tuple) else value
        self.progress.setValue(int(100 * fraction))
        if isinstance(value, tuple) and value[2] is not None and self.session.ready:
            self.scatter.set_points(value[2], self.session.dataset.labels[value[1]], self.session.dataset.class_names)

    def _on_encoded(self, value) -> None:
        dataset, codes, pca, spacing = value
        self.session.set_codes(dataset, codes, pca, spacing)

    def _on_failed(self, message: str, _details: str) -> None:
        self._set_status("latent.failed", error=message)

    def _on_task_finished(self) -> None:
        if not any(t is not None and t.is_running() for t in (self.encode_task, self.tsne_task)):
            self.progress.hide()
            self.cancel_button.hide()

    def _stop_task(self, name: str) -> None:
        task = getattr(self, name)
        if task is not None:
            task.stop(1000)
            setattr(self, name, None)

    def _cancel_tasks(self) -> None:
        was_tsne = self.tsne_task is not None and self.tsne_task.is_running()
        for name in ("encode_task", "tsne_task"):
            task = getattr(self, name)
            if task is not None:
                task.cancel()
        self._set_status("latent.cancelled")
        if was_tsne and self.session.ready:
            self._select_view("direct" if self.session.k == 2 else "pca")

    def _on_view_chosen(self, *_args) -> None:
        self._select_view(self.view_combo.currentData())

    def _select_view(self, method: str) -> None:
        if not self.session.ready:
            return
        if method != "tsne":
            self._stop_task("tsne_task")
            self.session.set_linear_view()
            return
        self._stop_task("tsne_task")
        shipped = self.shipped_tsne()
        if shipped is not None:
            self.session.set_tsne_view(np.arange(len(shipped)), shipped)
            return
        codes = self.session.codes
        task = Task(lambda: tsne_work(codes, TSNE_POINTS))
        task.progress.connect(self._on_progress)
        task.result.connect(self._on_tsne_done)
        task.error.connect(self._on_failed)
        task.finished.connect(self._on_task_finished)
        self.tsne_task = task
        self._show_progress("latent.tsne_running")
        task.start()

    def _on_tsne_done(self, value) -> None:
        rows, xy = value
        self.session.set_tsne_view(rows, xy)

    def _on_live_changed(self) -> None:
        if self._is_live():
            live = self.state.models.live()
            if live is not None and self.session.model is None:
                self._on_model_chosen()

    def _refresh_live(self) -> None:
        live = self.state.models.live()
        busy = self.encode_task is not None and self.encode_task.is_running()
        if live is None or busy or live.version == self._live_version:
            return
        self._live_version = live.version
        self._use_model(live.model, live.config, live.label)

    # --- showing ------------------------------------------------------------------------------
    def _on_codes(self) -> None:
        self._fill_view_combo()
        self.legend.set_classes(self.session.dataset.class_names, self.scatter.visible_classes()
                                if len(self.scatter.visible_classes()) == len(self.session.dataset.class_names) else None)
        self._on_view()

    def _on_view(self) -> None:
        s = self.session
        self.scatter.set_points(s.view_xy, s.dataset.labels[s.view_rows], s.dataset.class_names)
        self.view_combo.setCurrentIndex(max(0, self.view_combo.findData(s.method)))
        if s.method == "direct":
            self.scatter.set_axis_labels("z2", "z1")
        else:
            self.scatter.set_axis_labels(tr("latent.axis", i=2), tr("latent.axis", i=1))
        self._summarize()
        self._on_selection(s.selected)
        for tab in self.tab_pages:
            tab.set_active(self.tabs.currentWidget() is not None and self.tabs.currentWidget().widget() is tab)

    def _summarize(self) -> None:
        s = self.session
        view = {"direct": tr("latent.summary_direct"), "tsne": tr("latent.summary_tsne")}.get(
            s.method, tr("latent.summary_pca", var=fmt_percent(float(s.pca.explained.sum()))) if s.pca else "")
        if self._is_live() and self.live_timer.isActive():
            view += tr("latent.live_note", n=len(s.codes))
        self._set_status("latent.summary", model=s.model_label, n=len(s.codes), k=s.k, view=view)

    def _on_hovered(self, point: int) -> None:
        if len(self.session.view_rows) != len(self.scatter.points()):
            return  # a t-SNE map still unfolding: its points are not the session's yet
        if point < 0 or not self.session.ready:
            self._show_row(self.session.selected)
        else:
            self._show_row(int(self.session.view_rows[point]))

    def _on_clicked(self, point: int) -> None:
        if self.session.ready and len(self.session.view_rows) == len(self.scatter.points()):
            self.session.select(int(self.session.view_rows[point]))

    def _on_selection(self, row: int) -> None:
        self.scatter.set_mark("selected", self.session.view_point_of_row(row) if row >= 0 else None)
        self._show_row(row)

    def _show_row(self, row: int) -> None:
        s = self.session
        if not s.ready or not 0 <= row < len(s.codes):
            return
        self.hover_image.set_image(s.image(row))
        self.hover_recon.set_image(s.reconstruction(row))
        z = "; ".join(fmt_float(v, 2) for v in s.codes[row][:4]) + ("; …" if s.k > 4 else "")
        self.hover_text.setText(tr("latent.point", i=row, c=s.label_name(row), z=z))

    def _on_tab_changed(self, _index: int) -> None:
        for tab in self.tab_pages:
            tab.set_active(self.tabs.currentWidget() is not None and self.tabs.currentWidget().widget() is tab)

    # --- exports ------------------------------------------------------------------------------
    def _export_csv(self) -> None:
        if self.session.ready:
            export_codes_csv(self, self.session)

    def _export_png(self) -> None:
        export_view_png(self, self.scatter)

    # --- hooks --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.hover_image.set_caption(tr("latent.hover"))
        self.hover_recon.set_caption(tr("latent.recon"))
        for i, key in enumerate(self._tab_keys):
            self.tabs.setTabText(i, tr(key))
        self._fill_model_combo()
        self._fill_data_combo()
        if self.session.ready:
            self._fill_view_combo()
            self._on_view()
        elif self._status_key:
            self._set_status(self._status_key, **self._status_values)
        for tab in self.tab_pages:
            tab.retranslate()

    def rescale(self) -> None:
        super().rescale()
        self.hover_image.set_caption(tr("latent.hover"))
        self.hover_recon.set_caption(tr("latent.recon"))
        for tab in self.tab_pages:
            tab.rescale()

    def prepare_for_screenshot(self) -> None:
        self._stop_task("tsne_task")
        self._initial_load()
        self.encode_now()
        self.session.select(int(np.flatnonzero(self.session.dataset.labels == 4)[0]))
        for tab in self.tab_pages:
            tab.prepare_for_screenshot()
        self._on_tab_changed(self.tabs.currentIndex())

    def shutdown(self) -> None:
        self.live_timer.stop()
        self._stop_task("encode_task")
        self._stop_task("tsne_task")
        for tab in self.tab_pages:
            tab.shutdown()
