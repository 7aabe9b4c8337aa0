"""Choosing what the latent page shows: which model (pretrained, file, live) and which images.

A mixin of ``LatentPage`` (kept apart so the page module stays short). A bundle that
cannot be read is explained in the status line; the previous model stays in use.
All the page's texts are registered here too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from aeviz.core import maps
from aeviz.core.bundle import BUNDLE_SUFFIX, BundleError, load as load_bundle
from aeviz.core.datasets import Dataset, load_mnist
from aeviz.core.pretrained import list_pretrained, load_pretrained, models_dir
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets.architecture import fmt_int

LIVE_SUBSET = 3000  # images re-encoded at each refresh while the model trains
TSNE_POINTS = 10000  # grid t-SNE (aeviz.core.fast_tsne): about a minute for 10,000 codes on 2 cores

add_strings({
    "latent.title": {"en": "Latent space: the code as a map", "fr": "Espace latent : le code comme une carte"},
    "latent.model": {"en": "Model", "fr": "Modèle"},
    "latent.images": {"en": "Images", "fr": "Images"},
    "latent.view": {"en": "View", "fr": "Vue"},
    "latent.open": {"en": "Open a model…", "fr": "Ouvrir un modèle…"},
    "latent.open_title": {"en": "Open an aeviz model", "fr": "Ouvrir un modèle aeviz"},
    "latent.open_filter": {"en": "aeviz models (*.aeviz)", "fr": "Modèles aeviz (*.aeviz)"},
    "latent.live": {"en": "Model of the Training page (live)", "fr": "Modèle de la page Entraînement (en direct)"},
    "latent.no_live": {"en": "No model is being trained yet: start one on the Training page.",
                       "fr": "Aucun modèle n'est encore entraîné : lancez-en un sur la page Entraînement."},
    "latent.cannot_open": {"en": "Cannot open this model: {error}", "fr": "Impossible d'ouvrir ce modèle : {error}"},
    "latent.data_test": {"en": "MNIST test (10,000)", "fr": "MNIST test (10 000)"},
    "latent.data_small": {"en": "MNIST test, 2,000 (fast)", "fr": "MNIST test, 2 000 (rapide)"},
    "latent.data_train": {"en": "MNIST training (60,000)", "fr": "MNIST entraînement (60 000)"},
    "latent.data_all": {"en": "All of MNIST (70,000)", "fr": "Tout MNIST (70 000)"},
    "latent.view_direct": {"en": "z1, z2 as they are", "fr": "z1, z2 tels quels"},
    "latent.view_pca": {"en": "PCA of the code (2 main axes)", "fr": "ACP du code (2 axes principaux)"},
    "latent.view_tsne": {"en": "t-SNE of {n} codes (slow)", "fr": "t-SNE de {n} codes (lent)"},
    "latent.view_tsne_shipped": {"en": "t-SNE of all 10,000 codes (precomputed)",
                                 "fr": "t-SNE des 10 000 codes (précalculée)"},
    "latent.encoding": {"en": "Encoding… %p%", "fr": "Encodage… %p%"},
    "latent.tsne_running": {"en": "t-SNE… %p%", "fr": "t-SNE… %p%"},
    "latent.cancel": {"en": "Cancel", "fr": "Annuler"},
    "latent.cancelled": {"en": "Cancelled.", "fr": "Annulé."},
    "latent.failed": {"en": "It did not work: {error}", "fr": "Cela n'a pas marché : {error}"},
    "latent.summary": {"en": "{model} — {n} images, code of {k} numbers. {view}",
                       "fr": "{model} — {n} images, code de {k} nombres. {view}"},
    "latent.summary_pca": {"en": "Axes: PCA, {var} of the variance.", "fr": "Axes : ACP, {var} de la variance."},
    "latent.summary_direct": {"en": "Axes: z1 and z2.", "fr": "Axes : z1 et z2."},
    "latent.summary_tsne": {"en": "t-SNE map: distances are only meaningful locally.",
                            "fr": "Carte t-SNE : seules les distances locales ont un sens."},
    "latent.live_note": {"en": " Refreshed every 2 s while it trains ({n} images).",
                         "fr": " Rafraîchi toutes les 2 s pendant l'entraînement ({n} images)."},
    "latent.hover": {"en": "Image", "fr": "Image"},
    "latent.recon": {"en": "Reconstruction", "fr": "Reconstruction"},
    "latent.point": {"en": "#{i}, class {c}\nz = ({z})", "fr": "n° {i}, classe {c}\nz = ({z})"},
    "latent.hint": {"en": "Hover a point to see its image; click to select it. Tick boxes hide classes.",
                    "fr": "Survolez un point pour voir son image ; cliquez pour le sélectionner. "
                          "Les cases masquent des classes."},
    "latent.export_csv": {"en": "Export codes (CSV)…", "fr": "Exporter les codes (CSV)…"},
    "latent.export_png": {"en": "Export the view (PNG)…", "fr": "Exporter la vue (PNG)…"},
    "latent.tab_morph": {"en": "Morphing", "fr": "Morphing"},
    "latent.tab_sliders": {"en": "Code sliders", "fr": "Curseurs du code"},
    "latent.tab_attributes": {"en": "Attribute vectors", "fr": "Vecteurs d'attributs"},
    "latent.tab_generate": {"en": "Generate", "fr": "Générer"},
    "latent.axis": {"en": "axis {i}", "fr": "axe {i}"},
})

DATA_CHOICES = (("latent.data_test", "test", None), ("latent.data_small", "test", 2000),
                ("latent.data_train", "train", None), ("latent.data_all", "all", None))


def load_choice(split: str, limit: int | None) -> Dataset:
    if split == "all":
        train, test = load_mnist("train"), load_mnist("test")
        return Dataset(np.concatenate([train.images, test.images]), np.concatenate([train.labels, test.labels]),
                       list(train.class_names), "MNIST (70000)")
    ds = load_mnist(split)
    return ds.subset(limit) if limit else ds



DIRECT, PCA_VIEW, TSNE = "direct", "pca", "tsne"  # combo data, not shown

class SourceMixin:
    # --- choosing the model and the images -----------------------------------------------------
    def _initial_load(self) -> None:
        if self.session.model is None:
            self._on_model_chosen()

    def _fill_model_combo(self) -> None:
        current = self.model_combo.currentData()
        self.model_combo.clear()
        for model in list_pretrained():
            self.model_combo.addItem(f"{model.id} — {model.summary}", ("pretrained", model.id))
        self.model_combo.addItem(tr("latent.live"), ("live", None))
        for path in getattr(self, "_opened", []):
            self.model_combo.addItem(path.name, ("file", str(path)))
        index = _index_of(self.model_combo, current) if current else 0
        self.model_combo.setCurrentIndex(max(0, index))

    def _fill_data_combo(self) -> None:
        index = max(0, self.data_combo.currentIndex())
        self.data_combo.clear()
        for key, split, limit in DATA_CHOICES:
            self.data_combo.addItem(tr(key), (split, limit))
        self.data_combo.setCurrentIndex(index)

    def _fill_view_combo(self) -> None:
        self.view_combo.clear()
        if self.session.k == 2:
            self.view_combo.addItem(tr("latent.view_direct"), DIRECT)
        else:
            self.view_combo.addItem(tr("latent.view_pca"), PCA_VIEW)
        if self.shipped_tsne() is not None:
            self.view_combo.addItem(tr("latent.view_tsne_shipped"), TSNE)
        else:
            self.view_combo.addItem(tr("latent.view_tsne", n=fmt_int(TSNE_POINTS)), TSNE)
        self.view_combo.setCurrentIndex(self.view_combo.findData(self.session.method))

    def _set_status(self, key: str, **values) -> None:
        self._status_key, self._status_values = key, values
        self.status.setText(tr(key, **values) if key else "")

    def _open_bundle(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("latent.open_title"), "", tr("latent.open_filter"))
        if name:
            self.open_path(name)

    def open_path(self, name: str) -> bool:
        try:
            bundle = load_bundle(name)
        except (BundleError, OSError, ValueError, KeyError) as exc:
            self._set_status("latent.cannot_open", error=describe_error(exc))
            return False
        self._opened = [p for p in getattr(self, "_opened", []) if p != Path(name)] + [Path(name)]
        self._fill_model_combo()
        self.model_combo.setCurrentIndex(_index_of(self.model_combo, ("file", str(Path(name)))))
        self._use_model(bundle.model, bundle.config, Path(name).name)
        return True

    def _on_model_chosen(self, *_args) -> None:
        kind, value = self.model_combo.currentData() or ("pretrained", "mlp_latent2")
        self.live_timer.stop()
        try:
            if kind == "live":
                live = self.state.models.live()
                if live is None:
                    self._set_status("latent.no_live")
                    return
                self._live_version = live.version
                self.live_timer.start()
                self._use_model(live.model, live.config, live.label)
                return
            bundle = load_pretrained(value) if kind == "pretrained" else load_bundle(value)
        except (BundleError, OSError, ValueError, KeyError) as exc:
            self._set_status("latent.cannot_open", error=describe_error(exc))
            return
        self._use_model(bundle.model, bundle.config, value if kind == "pretrained" else bundle.path.name,
                        value if kind == "pretrained" else None)

    def _use_model(self, model, config, label: str, pretrained_id: str | None = None) -> None:
        self._pretrained_id = pretrained_id
        self.session.set_model(model, config, label)
        self.start_encoding()

    def shipped_tsne(self):
        """The build-time t-SNE of this shipped model on the 10,000 test images, if that is what is shown."""
        model_id = self._pretrained_id
        if model_id is None or not self.session.ready or len(self.session.codes) != maps.MAP_POINTS \
                or (self.data_combo.currentData() or ("", 0)) != ("test", None):
            return None
        if model_id not in self._shipped_maps:
            self._shipped_maps[model_id] = maps.shipped_map(model_id, models_dir() / f"{model_id}{BUNDLE_SUFFIX}")
        return self._shipped_maps[model_id]

    def _on_data_chosen(self, *_args) -> None:
        if self.session.model is not None:
            self.start_encoding()

    def _dataset_loader(self):
        split, limit = self.data_combo.currentData() or ("test", None)
        live = self.state.models.live()
        if self._is_live() and live is not None and live.training:
            limit = min(limit or LIVE_SUBSET, LIVE_SUBSET) if split != "all" else LIVE_SUBSET
            if split == "all":
                split = "test"
        return lambda: load_choice(split, limit)

    def _is_live(self) -> bool:
        return (self.model_combo.currentData() or ("",))[0] == "live"


def _index_of(combo, data) -> int:
    """The row whose item data equals ``data``, or -1. (QComboBox.findData does not match the
    Python tuples stored here: opening a file used to leave the model box blank.)"""
    return next((i for i in range(combo.count()) if tuple(combo.itemData(i) or ()) == tuple(data)), -1)
