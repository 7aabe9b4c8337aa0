"""Attribute vectors: the MNIST counterpart of "add a moustache" or "make older".

An attribute is the mean code of group A minus the mean code of group B. Adding t·v to
an image's code and decoding shows what the direction changes. The groups are two
classes, the thick/thin or right/left halves of a measured property, or two subfolders
of the user's own images. The ROC-AUC of the projection on v, on images not used to
compute v, tells whether the direction really separates the groups (0.5: it does not).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QSlider, QVBoxLayout

from aeviz.core import latent as L
from aeviz.core.datasets import DatasetError, load_image_folder
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float, fmt_int, fmt_sig
from aeviz.ui.error_texts import describe_error
from aeviz.ui.pages.latent_session import DATA_FIELDS, MAP_FIELDS, LatentTab, blocked, keyed
from aeviz.ui.widgets import enable
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import two_rows
from aeviz.ui.workers import TaskSlot

add_strings({
    "attr.intro": {"en": "v = mean code of group A − mean code of group B. The slider adds t·v to the selected image's code.",
                   "fr": "v = code moyen du groupe A − code moyen du groupe B. Le curseur ajoute t·v au code de "
                         "l'image sélectionnée."},
    "attr.groups": {"en": "Groups:", "fr": "Groupes :"},
    "attr.classes": {"en": "Two classes", "fr": "Deux classes"},
    "attr.ink": {"en": "Thick vs thin strokes (ink mass)", "fr": "Traits épais / fins (quantité d'encre)"},
    "attr.slant": {"en": "Leaning right vs left (image moments)", "fr": "Penché à droite / à gauche (moments)"},
    "attr.folder": {"en": "Two subfolders of my images…", "fr": "Deux sous-dossiers de mes images…"},
    "attr.a": {"en": "A:", "fr": "A :"},
    "attr.b": {"en": "B:", "fr": "B :"},
    "why.attr_fixed": {"en": "These two groups are fixed: the half of the images above and below the median.",
                       "fr": "Ces deux groupes sont fixés : la moitié des images au-dessus et au-dessous de la médiane."},
    "attr.folder_title": {"en": "Folder with one subfolder per group", "fr": "Dossier avec un sous-dossier par groupe"},
    "attr.folder_bad": {"en": "This folder needs at least two subfolders of images: {error}",
                        "fr": "Ce dossier doit contenir au moins deux sous-dossiers d'images : {error}"},
    "attr.computing": {"en": "Computing…", "fr": "Calcul…"},
    "attr.result": {"en": "|v| = {norm}; groups of {na} and {nb} images. ROC-AUC on held-out images: "
                          "{auc} (0.5: the direction means nothing; 1: it separates A from B perfectly).",
                    "fr": "|v| = {norm} ; groupes de {na} et {nb} images. ROC-AUC sur des images mises de côté : "
                          "{auc} (0,5 : la direction ne veut rien dire ; 1 : elle sépare parfaitement A de B)."},
    "attr.failed": {"en": "Cannot compute the attribute: {error}", "fr": "Impossible de calculer l'attribut : {error}"},
    "attr.strength": {"en": "Strength t = {t}", "fr": "Intensité t = {t}"},
    "attr.original": {"en": "Selected image", "fr": "Image sélectionnée"},
    "attr.shifted": {"en": "Decoded z + t·v", "fr": "Décodé z + t·v"},
    "attr.strip": {"en": "t from −2 to +2:", "fr": "t de −2 à +2 :"},
    "attr.thick": {"en": "thick", "fr": "épais"},
    "attr.thin": {"en": "thin", "fr": "fin"},
    "attr.right": {"en": "leaning right", "fr": "penché à droite"},
    "attr.left": {"en": "leaning left", "fr": "penché à gauche"},
})

STRIP_T = np.linspace(-2.0, 2.0, 9)


def measure_groups(kind: str, images: np.ndarray, labels: np.ndarray, a: int, b: int):
    """Masks (group A, group B) over the data set."""
    if kind == "classes":
        return labels == a, labels == b
    values = L.ink_mass(images) if kind == "ink" else L.slant(images)
    return L.high_low_groups(values)


def attribute_work(kind, images, labels, codes, a, b, folder=None, model=None):
    """Worker body: groups → (v, ROC-AUC, group sizes); a folder is loaded and encoded here."""
    if kind == "folder":
        ds = load_image_folder(folder)
        if len(ds.class_names) < 2:
            raise DatasetError("data.need_two_classes", f"{folder}: found {len(ds.class_names)} subfolder(s)",
                               path=str(folder), count=len(ds.class_names))
        codes = yield from L.encode_iter(model, ds.images)
        in_a, in_b = ds.labels == a, ds.labels == b
        names = ds.class_names
    else:
        yield 0.0
        in_a, in_b = measure_groups(kind, images, labels, a, b)
        names = None
    v, auc = L.attribute_auc(codes, in_a, in_b)
    return v, auc, int(in_a.sum()), int(in_b.sum()), names


KINDS = ("classes", "ink", "slant", "folder")
#: the groups A, B a new choice of kind starts with (8 − 1: the course's kind of example, on digits)
FIRST_GROUPS = {"classes": (8, 1), "ink": (0, 1), "slant": (0, 1), "folder": (0, 1)}


def folder_groups(folder: str | None) -> list[str]:
    """The subfolders of ``folder`` (one per group), sorted as ``load_image_folder`` numbers them."""
    try:
        return sorted(p.name for p in Path(folder).iterdir() if p.is_dir()) if folder else []
    except OSError:
        return []


#: strip cell (at zoom 1), by folded (presentation: larger, fitted to the tab's width)
STRIP_CELL = {False: 44, True: 64}


class AttributesTab(LatentTab):
    name = "attributes"
    fields = DATA_FIELDS | MAP_FIELDS | frozenset({"attr_kind", "attr_a", "attr_b", "attr_folder", "attr_strength", "selected_image"})

    def __init__(self, state, session, scatter, store, edit, parent=None):
        super().__init__(state, session, scatter, store, edit, parent)
        self.slot = TaskSlot(self)
        self.v: np.ndarray | None = None
        self._v_key = None          # the (data, kind, groups, folder) that v was computed for
        self._result_text: tuple[str, dict] = ("", {})
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind(intro.setText, "attr.intro")
        self.kind = QComboBox()
        self.a_combo, self.b_combo = QComboBox(), QComboBox()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.scale_font(self.result, 1.05, bold=True)
        self.strength = QSlider(Qt.Horizontal)
        self.strength.setRange(-200, 200)
        self.strength.setValue(100)
        self.strength_label = QLabel()
        self.original, self.shifted = DigitView(state, 120), DigitView(state, 120)
        self.strip_label = QLabel()
        self.bind(self.strip_label.setText, "attr.strip")
        self.strip = ImageGrid(state, columns=len(STRIP_T), cell=STRIP_CELL[False])
        labels = [QLabel(), QLabel(), QLabel()]
        for label, key in zip(labels, ("attr.groups", "attr.a", "attr.b")):
            self.bind(label.setText, key)
        row, row2 = two_rows((labels[0], self.kind), (labels[1], self.a_combo, labels[2], self.b_combo))
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.strength_label)
        slider_row.addWidget(self.strength, 1)
        views = QHBoxLayout()
        views.addWidget(self.original)
        views.addWidget(self.shifted)
        views.addStretch(1)
        col = QVBoxLayout(self)
        for w in (intro, row, row2, self.result, slider_row, views, self.strip_label, self.strip):
            (col.addLayout if isinstance(w, QHBoxLayout) else col.addWidget)(w)
        col.addStretch(1)
        self.controls = [intro, *labels, self.kind, self.a_combo, self.b_combo]
        self._fill_kinds()
        self.kind.activated.connect(self._on_kind)
        self.a_combo.activated.connect(lambda i: self.edit(attr_a=i))
        self.b_combo.activated.connect(lambda i: self.edit(attr_b=i))
        self.strength.valueChanged.connect(lambda v: self.edit(attr_strength=v / 100.0))
        self.slot.result.connect(self._on_result)
        self.slot.error.connect(self._on_error)
        self.retranslate()

    def stage(self) -> list:
        return [self.original, self.shifted, self.strip]

    def fold(self, folded: bool) -> None:
        """Folded, the strip's cells grow (the grid then fits them to the tab's width)."""
        super().fold(folded)
        self.strip.set_cell(STRIP_CELL[folded])

    def _on_kind(self, index: int) -> None:
        kind = KINDS[index]
        folder = self.store.value.attr_folder
        if kind == "folder":
            folder = QFileDialog.getExistingDirectory(self, tr("attr.folder_title"))
            if not folder:
                with blocked(self.kind):  # the box goes back to the state's kind
                    self.kind.setCurrentIndex(KINDS.index(self.store.value.attr_kind))
                return
        a, b = FIRST_GROUPS[kind]
        self.edit(attr_kind=kind, attr_a=a, attr_b=b, attr_folder=folder)

    # --- computing ----------------------------------------------------------------------------
    def _key(self, value) -> tuple:
        return (self.session.key, value.attr_kind, value.attr_a, value.attr_b,
                value.attr_folder if value.attr_kind == "folder" else None)

    def compute(self, value) -> None:
        """Start computing v for ``value`` in the background (a newer request replaces an older one)."""
        s = self.session
        key = self._key(value)
        self._v_key, self.v = key, None
        kind, a, b, folder = value.attr_kind, value.attr_a, value.attr_b, value.attr_folder
        images, labels, codes, model = s.dataset.images, s.dataset.labels, s.codes, s.model
        self._set_result("attr.computing")
        self.slot.start(lambda: keyed(key, attribute_work(kind, images, labels, codes, a, b, folder, model)),
                        replace=True)

    def compute_now(self) -> None:
        """The same work on this thread (screenshots)."""
        if self.slot.busy:
            self.slot.stop(1000)
        value, s = self.store.value, self.session
        if s.key is None:
            return
        key = self._key(value)
        gen = attribute_work(value.attr_kind, s.dataset.images, s.dataset.labels, s.codes, value.attr_a,
                             value.attr_b, value.attr_folder, s.model)
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            self._on_result((key, stop.value))
        except Exception as exc:  # shown like the worker's errors
            self._v_key = key
            self._on_error(describe_error(exc), "")

    def _on_result(self, value) -> None:
        key, (v, auc, na, nb, _names) = value
        if key != self._v_key:
            return
        self.v = np.asarray(v, np.float32)
        self._set_result("attr.result", norm=fmt_sig(float(np.linalg.norm(v)), 3), na=fmt_int(na), nb=fmt_int(nb),
                         auc=fmt_float(auc, 3))
        self._show_shift(self.store.value)

    def _on_error(self, message: str, _details: str) -> None:
        key = "attr.folder_bad" if self.store.value.attr_kind == "folder" else "attr.failed"
        self._set_result(key, error=message)

    def _set_result(self, key: str, **values) -> None:
        self._result_text = (key, values)
        self.result.setText(tr(key, **values) if key else "")

    # --- showing ------------------------------------------------------------------------------
    def render(self, value, changed: frozenset) -> None:
        with blocked(self.kind, self.strength):
            self.kind.setCurrentIndex(KINDS.index(value.attr_kind))
            self.strength.setValue(round(value.attr_strength * 100))
        self._fill_groups(value)
        if self._key(value) != self._v_key:
            self.compute(value)
        self._show_shift(value)

    def _fill_groups(self, value) -> None:
        kind = value.attr_kind
        if kind == "classes":
            names = [str(n) for n in self.session.dataset.class_names]
        elif kind == "folder":
            names = folder_groups(value.attr_folder)
        else:
            names = None  # two fixed halves
        with blocked(self.a_combo, self.b_combo):
            self.a_combo.clear()
            self.b_combo.clear()
            if names is None:
                self.a_combo.addItem(tr("attr.thick" if kind == "ink" else "attr.right"))
                self.b_combo.addItem(tr("attr.thin" if kind == "ink" else "attr.left"))
            else:
                self.a_combo.addItems(names)
                self.b_combo.addItems(names)
                self.a_combo.setCurrentIndex(min(value.attr_a, len(names) - 1))
                self.b_combo.setCurrentIndex(min(value.attr_b, len(names) - 1))
        multi = names is not None
        enable(self.a_combo, multi, "why.attr_fixed")
        enable(self.b_combo, multi, "why.attr_fixed")

    def _show_shift(self, value) -> None:
        s = self.session
        t = value.attr_strength
        self.strength_label.setText(tr("attr.strength", t=("+" if t >= 0 else "") + fmt_float(t, 2)))
        row = s.clamp(value.selected_image)
        self.original.set_image(s.image(row))
        if self.v is None or len(self.v) != s.k:
            self.shifted.set_image(None)
            self.strip.set_images(np.zeros((0, 28, 28), np.float32))
            return
        z = s.codes[row]
        self.shifted.set_image(s.decode((z + t * self.v)[None])[0])
        self.strip.set_images(s.decode(z[None] + STRIP_T[:, None] * self.v[None]))

    def _fill_kinds(self) -> None:
        with blocked(self.kind):
            index = max(0, self.kind.currentIndex())
            self.kind.clear()
            for key in ("attr.classes", "attr.ink", "attr.slant", "attr.folder"):
                self.kind.addItem(tr(key))
            self.kind.setCurrentIndex(index)

    def retranslate(self) -> None:
        self._fill_kinds()
        self.original.set_caption(tr("attr.original"))
        self.shifted.set_caption(tr("attr.shifted"))
        key, values = self._result_text
        self.result.setText(tr(key, **values) if key else "")
        super().retranslate()

    def prepare_for_screenshot(self) -> None:
        if self.session.key is not None and (self.v is None or self.slot.busy):
            self.compute_now()

    def shutdown(self) -> None:
        self.slot.stop(1000)
