"""Lesson 3, the latent space (espace latent): a map of the codes and four ways to explore it.

The page is a view of one ``LatentState`` (``aeviz.state.latent``) held in ``self.store``:
every control writes the store, and ``_render`` draws the value once per change. The
codes are derived data: the model the state names encodes the state's images in a
worker, the map is drawn directly (2-D codes), through PCA, or as a t-SNE (shipped, or
computed in the background with the state's seed). Hovering a point shows its image
and reconstruction; clicking selects it. The tabs (morphing, sliders, attributes,
generation) live in their own modules and share a ``LatentSession``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from aeviz.core.pretrained import list_pretrained
from aeviz.core.viewfile import load_view_model, model_bytes
from aeviz.state.base import StateError, Store
from aeviz.state.latent import TABS, LatentState
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float, fmt_percent
from aeviz.ui.pages.base import Page
from aeviz.ui.pages.latent_attributes import AttributesTab
from aeviz.ui.pages.latent_export import export_codes_csv, export_view_png
from aeviz.ui.pages.latent_generate import GenerateTab
from aeviz.ui.pages.latent_morph import MorphTab
from aeviz.ui.pages.latent_session import ALL_FIELDS, DATA_FIELDS, LatentSession, blocked
from aeviz.ui.pages.latent_source import SourceMixin, open_model
from aeviz.ui.pages.latent_sliders import SlidersTab
from aeviz.ui.pages.latent_work import WorkMixin
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.folding_panel import FoldingPanel
from aeviz.ui.widgets.lab_layout import scroll
from aeviz.ui.widgets.scatter import ClassLegend, LatentScatter
from aeviz.ui.workers import TaskSlot

LIVE_REFRESH_MS = 2000

add_strings({
    "latent.refused": {"en": "Not changed: {error}", "fr": "Rien n'a changé : {error}"},
})


class LatentPage(WorkMixin, SourceMixin, Page):
    page_id = "latent"
    title_key = "page.latent"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.store = Store(LatentState())
        self.session = LatentSession()
        self.encode_slot, self.tsne_slot = TaskSlot(self), TaskSlot(self)
        self._models: dict[tuple, tuple] = {}        # model key → (model, config, label), opened once
        self._model_key: tuple | None = None         # key of the model in the session
        self._failed_key: tuple | None = None        # a model that could not be opened (not retried)
        self._encoding_key: tuple | None = None
        self._embedded: tuple | None = None          # the live model a saved view carried
        self._live_version = -1
        self._opened: list[str] = []                 # model files opened in this session (the box lists them)
        self._pretrained = list_pretrained()         # the shipped models (read once: their files do not change)
        self._shipped_maps: dict = {}                # model id → its build-time t-SNE map (or None)
        self._tsne_maps: dict = {}                   # (codes key, seed) → (rows, xy) computed here
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
        self.controls = FoldingPanel()
        grid = QGridLayout(self.controls)
        grid.setContentsMargins(0, 0, 0, 0)
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
        self.hover_text.setWordWrap(True)   # a 16-number code wraps instead of squeezing the tabs aside
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
        self.export_box = QWidget()
        buttons = QVBoxLayout(self.export_box)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.png_button)
        buttons.addStretch(1)
        hover_row.addWidget(self.export_box)
        left = QWidget()
        left_col = QVBoxLayout(left)
        left_col.setContentsMargins(0, 0, 0, 0)
        left_col.addWidget(self.scatter, 1)
        left_col.addWidget(self.legend)
        left_col.addWidget(self.hint)
        left_col.addLayout(hover_row)
        # --- right: tabs
        self.tabs = QTabWidget()
        args = (state, self.session, self.scatter, self.store, self.edit)
        self.tab_pages = [MorphTab(*args), SlidersTab(*args), AttributesTab(*args), GenerateTab(*args)]
        self._tab_keys = ("latent.tab_morph", "latent.tab_sliders", "latent.tab_attributes", "latent.tab_generate")
        for tab, key in zip(self.tab_pages, self._tab_keys):
            self.tabs.addTab(scroll(tab), tr(key))  # a tab never forces the window wider
        self.splitter = splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading("latent.title", 1.3))
        layout.addWidget(self.controls)
        layout.addLayout(progress_row)
        layout.addWidget(splitter, 1)
        # --- wiring: controls write the store; the store redraws the page
        self._fill_model_combo(self.store.value)
        self._fill_data_combo(self.store.value)
        self.model_combo.activated.connect(self._on_model_chosen)
        self.open_button.clicked.connect(self._open_bundle)
        self.data_combo.activated.connect(self._on_data_chosen)
        self.view_combo.activated.connect(self._on_view_chosen)
        self.cancel_button.clicked.connect(self.cancel_work)
        self.controls.folded.connect(self._fold)
        self.scatter.hovered.connect(self._on_hovered)
        self.scatter.clicked.connect(self._on_clicked)
        self.scatter.range_edited.connect(lambda r: self.edit(map_range=r))
        self.legend.toggled.connect(self._on_legend)
        self.csv_button.clicked.connect(self._export_csv)
        self.png_button.clicked.connect(self._export_png)
        self.tabs.currentChanged.connect(lambda i: self.edit(tab=TABS[i]))
        for slot in (self.encode_slot, self.tsne_slot):
            slot.progress.connect(self._on_progress)
            slot.error.connect(self._on_failed)
            slot.busy_changed.connect(self._on_busy)
        self.encode_slot.result.connect(self._on_encoded)
        self.tsne_slot.result.connect(self._on_tsne_done)
        state.models.live_model_changed.connect(self._on_live_changed)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(LIVE_REFRESH_MS)
        self.live_timer.timeout.connect(self._refresh_live)
        self.store.observe(self._render)
        self.rescale()
        QTimer.singleShot(0, self._initial_load)

    # --- edits --------------------------------------------------------------------------------
    def edit(self, **changes) -> bool:
        """A user's change: into the store, or (refused) the reason in the status and nothing changes."""
        try:
            self.store.set(**changes)
        except StateError as exc:
            self._refused(exc)
            return False
        return True

    def edit_value(self, value: LatentState) -> None:
        self.store.replace(value)

    def _refused(self, exc: StateError) -> None:
        self._render(self.store.value, ALL_FIELDS - DATA_FIELDS)  # the widget goes back to the state
        self._set_status("latent.refused", error=describe_error(exc))

    def _on_clicked(self, point: int) -> None:
        if self.ready and len(self.session.view_rows) == len(self.scatter.points()):
            self.store.replace(self.store.value.with_click(int(self.session.view_rows[point])))

    def _on_legend(self, class_index: int, visible: bool) -> None:
        hidden = set(self.store.value.hidden_classes)
        (hidden.discard if visible else hidden.add)(class_index)
        self.edit(hidden_classes=tuple(sorted(hidden)))

    # --- drawing the state --------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        """The session holds the codes of the state's model and images."""
        return self.session.ready and self.session.key == self._data_key(self.store.value)

    def _data_key(self, value) -> tuple:
        live = (self._live_version, self._embedded is not None) if value.model_source == "live" else ()
        return value.model_key() + live, value.image_set

    def _render(self, value: LatentState, changed: frozenset) -> None:
        if changed & DATA_FIELDS:
            self._fill_model_combo(value)
            self._fill_data_combo(value)
        if "tab" in changed:
            with blocked(self.tabs):
                self.tabs.setCurrentIndex(TABS.index(value.tab))
        if not self._sync_data(value):
            return
        if changed & (DATA_FIELDS | {"map_kind", "tsne_seed"}):
            self._fill_view_combo(value)
            self._show_map(value)
        if changed & {"hidden_classes"} or changed & DATA_FIELDS:
            self._show_hidden(value)
        if changed & {"map_range", "map_kind", "tsne_seed"} or changed & DATA_FIELDS:
            self.scatter.set_view_range(value.map_range)
        if changed & {"selected_image"} or changed & DATA_FIELDS:
            row = self.session.clamp(value.selected_image)
            self.scatter.set_mark("selected", self.session.view_point_of_row(row))
            self._show_row(row)
        for tab in self.tab_pages:
            if changed & tab.fields:
                tab.render(value, changed)

    def _sync_data(self, value) -> bool:
        """Make the session hold the state's model and codes; True when it does (else work has started)."""
        key = self._data_key(value)
        if self.session.key == key:
            return self.session.ready
        model_key = key[0]
        if model_key != self._model_key:
            if model_key == self._failed_key:
                return False
            loaded = self._load_model(value)
            if loaded is None:
                self._failed_key = model_key
                return False
            self._failed_key = None
            self._model_key = model_key
            self.session.set_model(*loaded)
        if self._encoding_key != key:
            self.start_encoding(value)
        return False

    def _load_model(self, value):
        """(model, config, label) of the state's model; None (the status says why) if it cannot be had."""
        self.live_timer.stop()
        if value.model_source == "live":
            if self._embedded is not None:
                return self._embedded
            live = self.state.models.live()
            if live is None:
                self._set_status("latent.no_live")
                return None
            self._live_version = live.version
            self.live_timer.start()
            return live.model, live.config, live.label
        if not self._preload(value):
            return None
        return self._models[value.model_key()]

    def _show_map(self, value) -> None:
        s = self.session
        if value.map_kind == "linear":
            self.tsne_slot.cancel()
            s.set_linear_view()
        else:
            ready_map = self._tsne_map(value)
            if ready_map is None:
                s.set_linear_view()
                self._start_tsne(value)
            else:
                s.set_tsne_view(*ready_map)
        self.scatter.set_points(s.view_xy, s.dataset.labels[s.view_rows], s.dataset.class_names)
        if s.method == "direct":
            self.scatter.set_axis_labels("z2", "z1")
        else:
            self.scatter.set_axis_labels(tr("latent.axis", i=2), tr("latent.axis", i=1))
        self._summarize()

    def _tsne_map(self, value):
        shipped = self.shipped_tsne(value)
        if shipped is not None:
            return np.arange(len(shipped)), shipped
        return self._tsne_maps.get((self.session.key, value.tsne_seed))

    def _show_hidden(self, value) -> None:
        names = self.session.dataset.class_names
        visible = [c not in value.hidden_classes for c in range(len(names))]
        if [box.text() for box in self.legend.boxes] != [str(n) for n in names]:
            self.legend.set_classes(names, visible)
        with blocked(*self.legend.boxes):
            for box, on in zip(self.legend.boxes, visible):
                box.setChecked(on)
        self.scatter.set_visible_classes(visible)

    def _summarize(self) -> None:
        s = self.session
        view = {"direct": tr("latent.summary_direct"), "tsne": tr("latent.summary_tsne")}.get(
            s.method, tr("latent.summary_pca", var=fmt_percent(float(s.pca.explained.sum()))) if s.pca else "")
        if self.live_timer.isActive():
            view += tr("latent.live_note", n=len(s.codes))
        self._set_status("latent.summary", model=s.model_label, n=len(s.codes), k=s.k, view=view)

    def _on_hovered(self, point: int) -> None:
        if not self.ready or len(self.session.view_rows) != len(self.scatter.points()):
            return  # a t-SNE map still unfolding: its points are not the session's yet
        row = self.store.value.selected_image if point < 0 else int(self.session.view_rows[point])
        self._show_row(self.session.clamp(row))

    def _show_row(self, row: int) -> None:
        s = self.session
        self.hover_image.set_image(s.image(row))
        self.hover_recon.set_image(s.reconstruction(row))
        z = "; ".join(fmt_float(v, 2) for v in s.codes[row][:4]) + ("; …" if s.k > 4 else "")
        self.hover_text.setText(tr("latent.point", i=row, c=s.label_name(row), z=z))

    def _initial_load(self) -> None:
        if self.session.key is None and not self.encode_slot.busy:
            self._render(self.store.value, ALL_FIELDS)

    # --- saved views --------------------------------------------------------------------------
    def view_model_bytes(self) -> bytes | None:
        """The live model is embedded (the training page's model is not on another laptop)."""
        if self.store.value.model_source != "live" or self.session.model is None or self._model_key is None \
                or self._model_key[0] != "live":
            return None
        return model_bytes(self.session.model, self.session.config)

    def open_view_model(self, view, value) -> None:
        """Open the model the view names before anything changes (a missing one refuses the view)."""
        if value.model_source == "live":
            loaded = load_view_model(view)
            self._embedded = None if loaded is None else (loaded.model, loaded.config, tr("latent.live_saved"))
            self._model_key = None
        else:
            key = value.model_key()
            if key not in self._models:
                self._models[key] = open_model(value)

    def open_view(self, view) -> None:
        super().open_view(view)
        if not self.ready:  # the same state with another embedded model: the store saw no change
            self._render(self.store.value, ALL_FIELDS)

    # --- exports ------------------------------------------------------------------------------
    def _export_csv(self) -> None:
        if self.ready:
            export_codes_csv(self, self.session)

    def _export_png(self) -> None:
        export_view_png(self, self.scatter)

    # --- presentation -------------------------------------------------------------------------
    def controls_panel(self) -> QWidget:
        return self.controls

    def stage_widgets(self) -> list[QWidget]:
        """The map and the shown tab's result (for morphing: A, the decoded code, the blend, B, the strip)."""
        return [self.scatter, *self.tab_pages[TABS.index(self.store.value.tab)].stage()]

    def _fold(self, folded: bool) -> None:
        """The settings outside the top bar follow it: the stage (map and results) gets their room."""
        for widget in (self.hint, self.export_box):
            widget.setVisible(not folded)
        for tab in self.tab_pages:
            tab.fold(folded)

    # --- hooks --------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        """Map and tabs share the width equally: the same state at the same size looks the same
        (left to size hints, the split would depend on what the page showed before)."""
        super().resizeEvent(event)
        half = max(1, event.size().width() // 2)
        self.splitter.setSizes([half, half])

    def retranslate(self) -> None:
        super().retranslate()
        if getattr(self, "progress_key", None):
            self.progress.setFormat(tr(self.progress_key))
        self.hover_image.set_caption(tr("latent.hover"))
        self.hover_recon.set_caption(tr("latent.recon"))
        for i, key in enumerate(self._tab_keys):
            self.tabs.setTabText(i, tr(key))
        for tab in self.tab_pages:
            tab.retranslate()
        if self.ready:
            self._render(self.store.value, ALL_FIELDS)
        else:
            self._fill_model_combo(self.store.value)
            self._fill_data_combo(self.store.value)
        self._set_status(self._status_key, **self._status_values)

    def rescale(self) -> None:
        super().rescale()
        self.hover_image.set_caption(tr("latent.hover"))
        self.hover_recon.set_caption(tr("latent.recon"))
        for tab in self.tab_pages:
            tab.rescale()

    def prepare_for_screenshot(self) -> None:
        """Finish the state's background work on this thread: codes, t-SNE map, attribute vector."""
        self.encode_now()
        self.tsne_now()
        for tab in self.tab_pages:
            tab.prepare_for_screenshot()

    def shutdown(self) -> None:
        self.live_timer.stop()
        self.encode_slot.stop(1000)
        self.tsne_slot.stop(1000)
        for tab in self.tab_pages:
            tab.shutdown()
