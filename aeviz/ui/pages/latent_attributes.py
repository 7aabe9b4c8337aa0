"""Attribute vectors: the MNIST counterpart of "add a moustache" or "make older".

An attribute is the mean code of group A minus the mean code of group B. Adding t·v to
an image's code and decoding shows what the direction changes. The groups are two
classes, the thick/thin or right/left halves of a measured property, or two subfolders
of the user's own images. The ROC-AUC of the projection on v, on images not used to
compute v, tells whether the direction really separates the groups (0.5: it does not).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout)

from aeviz.core import latent as L
from aeviz.core.datasets import DatasetError, load_image_folder
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float, fmt_int, fmt_sig
from aeviz.ui.pages.latent_session import LatentTab
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import two_rows
from aeviz.ui.workers import Task

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
    "attr.compute": {"en": "Compute v", "fr": "Calculer v"},
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


class AttributesTab(LatentTab):
    def __init__(self, state, session, scatter, parent=None):
        super().__init__(state, session, scatter, parent)
        self.task: Task | None = None
        self.v: np.ndarray | None = None
        self.folder: str | None = None
        self.folder_names: list[str] = []
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind(intro.setText, "attr.intro")
        self.kind = QComboBox()
        self.a_combo, self.b_combo = QComboBox(), QComboBox()
        self.compute_button = QPushButton()
        self.bind(self.compute_button.setText, "attr.compute")
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
        self.strip = ImageGrid(state, columns=len(STRIP_T), cell=44)
        labels = [QLabel(), QLabel(), QLabel()]
        for label, key in zip(labels, ("attr.groups", "attr.a", "attr.b")):
            self.bind(label.setText, key)
        row, row2 = two_rows((labels[0], self.kind), (labels[1], self.a_combo, labels[2], self.b_combo, self.compute_button))
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
        self.kind.activated.connect(self._on_kind)
        self.compute_button.clicked.connect(self.compute)
        self.strength.valueChanged.connect(self.refresh)
        session.codes_changed.connect(self._on_codes)
        session.selection_changed.connect(self.refresh)
        self.retranslate()

    def _on_codes(self) -> None:
        self.v = None
        self.result.setText("")
        self._fill_groups()
        self.compute()

    def _on_kind(self, *_args) -> None:
        if self.kind.currentData() == "folder":
            name = QFileDialog.getExistingDirectory(self, tr("attr.folder_title"))
            if not name:
                self.kind.setCurrentIndex(0)
            else:
                self.folder = name
        self._fill_groups()

    def _fill_groups(self) -> None:
        kind = self.kind.currentData()
        ia, ib = self.a_combo.currentIndex(), self.b_combo.currentIndex()
        self.a_combo.clear()
        self.b_combo.clear()
        if kind == "classes" and self.session.dataset is not None:
            for name in self.session.dataset.class_names:
                self.a_combo.addItem(str(name))
                self.b_combo.addItem(str(name))
            ia, ib = (ia, ib) if ia >= 0 and ib >= 0 else (8, 1)
        elif kind == "ink":
            self.a_combo.addItem(tr("attr.thick"))
            self.b_combo.addItem(tr("attr.thin"))
        elif kind == "slant":
            self.a_combo.addItem(tr("attr.right"))
            self.b_combo.addItem(tr("attr.left"))
        elif kind == "folder":
            try:
                from pathlib import Path
                names = sorted(p.name for p in Path(self.folder).iterdir() if p.is_dir())
            except OSError:
                names = []
            for name in names:
                self.a_combo.addItem(name)
                self.b_combo.addItem(name)
            ia, ib = 0, 1
        self.a_combo.setCurrentIndex(min(max(ia, 0), self.a_combo.count() - 1))
        self.b_combo.setCurrentIndex(min(max(ib, 0), self.b_combo.count() - 1))
        multi = kind in ("classes", "folder")
        self.a_combo.setEnabled(multi)
        self.b_combo.setEnabled(multi)

    def compute(self) -> None:
        s = self.session
        if not s.ready:
            return
        self.shutdown()
        kind = self.kind.currentData()
        a, b = max(0, self.a_combo.currentIndex()), max(0, self.b_combo.currentIndex())
        if kind == "folder" and a == b and self.a_combo.count() >= 2:
            b = 1 - a if a < 2 else 0
        images, labels, codes, model, folder = s.dataset.images, s.dataset.labels, s.codes, s.model, self.folder
        self.task = Task(lambda: attribute_work(kind, images, labels, codes, a, b, folder, model))
        self.task.result.connect(self._on_result)
        self.task.error.connect(self._on_error)
        self.result.setText(tr("attr.computing"))
        self.task.start()

    def _on_result(self, value) -> None:
        v, auc, na, nb, _names = value
        self.v = np.asarray(v, np.float32)
        self.result.setText(tr("attr.result", norm=fmt_sig(float(np.linalg.norm(v)), 3), na=fmt_int(na), nb=fmt_int(nb),
                                   auc=fmt_float(auc, 3)))
        self.refresh()

    def _on_error(self, message: str, _details: str) -> None:
        key = "attr.folder_bad" if self.kind.currentData() == "folder" else "attr.failed"
        self.result.setText(tr(key, error=message))

    def refresh(self, *_args) -> None:
        s = self.session
        t = self.strength.value() / 100.0
        self.strength_label.setText(tr("attr.strength", t=("+" if t >= 0 else "") + fmt_float(t, 2)))
        if not s.ready or s.selected < 0:
            return
        self.original.set_image(s.image(s.selected))
        if self.v is None or len(self.v) != s.k:
            return
        z = s.codes[s.selected]
        self.shifted.set_image(s.decode((z + t * self.v)[None])[0])
        self.strip.set_images(s.decode(z[None] + STRIP_T[:, None] * self.v[None]))

    def retranslate(self) -> None:
        super().retranslate()
        index = max(0, self.kind.currentIndex())
        self.kind.clear()
        for key, data in (("attr.classes", "classes"), ("attr.ink", "ink"), ("attr.slant", "slant"),
                          ("attr.folder", "folder")):
            self.kind.addItem(tr(key), data)
        self.kind.setCurrentIndex(index)
        self._fill_groups()
        self.original.set_caption(tr("attr.original"))
        self.shifted.set_caption(tr("attr.shifted"))
        self.refresh()

    def prepare_for_screenshot(self) -> None:
        if self.task is not None:
            self.task.wait(10000)
            from PySide6.QtWidgets import QApplication
            QApplication.processEvents()

    def shutdown(self) -> None:
        if self.task is not None:
            self.task.stop(1000)
            self.task = None
