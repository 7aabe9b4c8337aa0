"""Choosing what the latent page shows: which model (pretrained, file, live) and which images.

A mixin of ``LatentPage`` (kept apart so the page module stays short). A bundle that
cannot be read is explained in the status line and the state does not change.
All the page's texts and error codes are registered here too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from aeviz.core import maps
from aeviz.core.bundle import BUNDLE_SUFFIX, BundleError, load as load_bundle
from aeviz.core.datasets import Dataset, load_mnist
from aeviz.core.pretrained import load_pretrained, models_dir
from aeviz.state.base import StateError
from aeviz.state.latent import IMAGE_SETS
from aeviz.ui.error_texts import describe_error
from aeviz.ui.dataset_names import model_summary
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.latent_session import ALL_FIELDS, blocked
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
    "latent.live_saved": {"en": "Model of the Training page (saved in the view)",
                          "fr": "Modèle de la page Entraînement (enregistré dans la vue)"},
    # errors of the page's state (aeviz.state.latent)
    "err.latent.bad_model_id": {"en": "“{value}” is not the name of a shipped model.",
                                "fr": "« {value} » n'est pas le nom d'un modèle fourni."},
    "err.latent.unknown_model": {"en": "There is no shipped model named “{name}” in this installation.",
                                 "fr": "Aucun modèle fourni ne s'appelle « {name} » dans cette installation."},
    "err.latent.no_model_file": {"en": "A model read from a file needs the file's path.",
                                 "fr": "Un modèle lu dans un fichier demande le chemin de ce fichier."},
    "err.latent.no_folder": {"en": "Groups taken from subfolders need a folder.",
                             "fr": "Des groupes pris dans des sous-dossiers demandent un dossier."},
    "err.latent.bad_map_range": {"en": "The zoom of the map is empty or far too wide.",
                                 "fr": "Le zoom de la carte est vide ou bien trop large."},
    "err.latent.repeated_class": {"en": "A hidden class is listed twice.",
                                  "fr": "Une classe masquée figure deux fois."},
    "err.latent.code_too_long": {"en": "A code has at most {limit} numbers.",
                                 "fr": "Un code a au plus {limit} nombres."},
    "err.field.model_source": {"en": "model source", "fr": "source du modèle"},
    "err.field.pretrained_id": {"en": "shipped model", "fr": "modèle fourni"},
    "err.field.model_path": {"en": "model file", "fr": "fichier du modèle"},
    "err.field.image_set": {"en": "image set", "fr": "jeu d'images"},
    "err.field.map_kind": {"en": "map view", "fr": "vue de la carte"},
    "err.field.tsne_seed": {"en": "t-SNE seed", "fr": "graine de la t-SNE"},
    "err.field.map_range": {"en": "map zoom", "fr": "zoom de la carte"},
    "err.field.hidden_classes": {"en": "hidden classes", "fr": "classes masquées"},
    "err.field.selected_image": {"en": "selected image", "fr": "image sélectionnée"},
    "err.field.tab": {"en": "tab", "fr": "onglet"},
    "err.field.row_a": {"en": "image A", "fr": "image A"},
    "err.field.row_b": {"en": "image B", "fr": "image B"},
    "err.field.morph_pick": {"en": "next pick", "fr": "prochain choix"},
    "err.field.morph_alpha": {"en": "α", "fr": "α"},
    "err.field.path_kind": {"en": "path", "fr": "chemin"},
    "err.field.morph_steps": {"en": "steps of the strip", "fr": "étapes de la bande"},
    "err.field.slider_code": {"en": "code of the sliders", "fr": "code des curseurs"},
    "err.field.attr_kind": {"en": "attribute groups", "fr": "groupes de l'attribut"},
    "err.field.attr_a": {"en": "group A", "fr": "groupe A"},
    "err.field.attr_b": {"en": "group B", "fr": "groupe B"},
    "err.field.attr_folder": {"en": "folder of groups", "fr": "dossier des groupes"},
    "err.field.attr_strength": {"en": "strength t", "fr": "intensité t"},
    "err.field.gen_source": {"en": "source of the codes", "fr": "source des codes"},
    "err.field.gen_seed": {"en": "seed", "fr": "graine"},
    "err.field.gen_count": {"en": "number of images", "fr": "nombre d'images"},
})

#: image sets in the order of the box, with their names
IMAGE_SET_KEYS = (("test", "latent.data_test"), ("test_2000", "latent.data_small"), ("train", "latent.data_train"),
                  ("all", "latent.data_all"))


def load_choice(images: str, limit: int | None = None) -> Dataset:
    """The images of a set (``LatentState.images``), the first ``limit`` of them if given."""
    if images == "all":
        train, test = load_mnist("train"), load_mnist("test")
        ds = Dataset(np.concatenate([train.images, test.images]), np.concatenate([train.labels, test.labels]),
                     list(train.class_names), "MNIST (70000)")
    else:
        ds = load_mnist("train" if images == "train" else "test")
    if images == "test_2000":
        limit = min(limit or IMAGE_SETS[images], IMAGE_SETS[images])
    return ds.subset(limit) if limit else ds


def open_model(value) -> tuple:
    """(model, config, label) of a pretrained or file source; raises what the bundle reader raises."""
    if value.model_source == "pretrained":
        if not (models_dir() / f"{value.pretrained_id}{BUNDLE_SUFFIX}").is_file():
            raise StateError("latent.unknown_model", f"no shipped model {value.pretrained_id!r}",
                             name=value.pretrained_id)
        bundle = load_pretrained(value.pretrained_id)
        return bundle.model, bundle.config, value.pretrained_id
    bundle = load_bundle(value.model_path)
    return bundle.model, bundle.config, Path(value.model_path).name


LINEAR, TSNE = "linear", "tsne"  # LatentState.map_kind, as the view box's item data (not shown)


class SourceMixin:
    """The model and image boxes of ``LatentPage``: what they show comes from the state, and a
    choice goes into it once the model it names could be opened (else the status says why)."""

    # --- the boxes, written from the state ------------------------------------------------------
    def _fill_model_combo(self, value) -> None:
        with blocked(self.model_combo):
            self.model_combo.clear()
            for model in self._pretrained:
                self.model_combo.addItem(f"{model.id} — {model_summary(model.summary)}", ("pretrained", model.id))
            self.model_combo.addItem(tr("latent.live"), ("live", ""))
            paths = list(self._opened)
            if value.model_path and value.model_path not in paths:
                paths.append(value.model_path)
            for path in paths:
                self.model_combo.addItem(Path(path).name, ("file", path))
            ref = {"pretrained": value.pretrained_id, "live": "", "file": value.model_path}[value.model_source]
            self.model_combo.setCurrentIndex(max(0, _index_of(self.model_combo, (value.model_source, ref))))

    def _fill_data_combo(self, value) -> None:
        with blocked(self.data_combo):
            self.data_combo.clear()
            for images, key in IMAGE_SET_KEYS:
                self.data_combo.addItem(tr(key), images)
            self.data_combo.setCurrentIndex([i for i, _ in IMAGE_SET_KEYS].index(value.image_set))

    def _fill_view_combo(self, value) -> None:
        with blocked(self.view_combo):
            self.view_combo.clear()
            self.view_combo.addItem(tr("latent.view_direct" if self.session.k == 2 else "latent.view_pca"), LINEAR)
            if self.shipped_tsne(value) is not None:
                self.view_combo.addItem(tr("latent.view_tsne_shipped"), TSNE)
            else:
                self.view_combo.addItem(tr("latent.view_tsne", n=fmt_int(TSNE_POINTS)), TSNE)
            self.view_combo.setCurrentIndex(0 if value.map_kind == "linear" else 1)

    def _set_status(self, key: str, **values) -> None:
        self._status_key, self._status_values = key, values
        self.status.setText(tr(key, **values) if key else "")

    # --- user choices ---------------------------------------------------------------------------
    def _on_model_chosen(self, index: int) -> None:
        kind, ref = self.model_combo.itemData(index) or ("pretrained", "mlp_latent2")
        value = self.store.value
        if kind == "live":
            self._embedded = None
            self._model_key = self._failed_key = None   # the hub's model now, even if the source was "live"
            self.edit_value(value.with_model("live"))
            if not self.ready:  # the value may not have changed: the store said nothing
                self._render(self.store.value, ALL_FIELDS)
            return
        candidate = value.with_model(kind, pretrained_id=ref if kind == "pretrained" else None,
                                     model_path=ref if kind == "file" else None)
        if self._preload(candidate):
            self.edit_value(candidate)
        else:
            self._fill_model_combo(value)

    def _open_bundle(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("latent.open_title"), "", tr("latent.open_filter"))
        if name:
            self.open_path(name)

    def open_path(self, name: str) -> bool:
        """Show the model in the file ``name``; False (and the reason in the status) if it cannot be opened."""
        path = str(Path(name))
        candidate = self.store.value.with_model("file", model_path=path)
        if not self._preload(candidate):
            return False
        self._opened = [p for p in self._opened if p != path] + [path]
        self.edit_value(candidate)
        return True

    def _preload(self, value) -> bool:
        """Open the model ``value`` names into the cache; on failure say why and return False."""
        key = value.model_key()
        if key in self._models:
            return True
        try:
            self._models[key] = open_model(value)
        except (BundleError, OSError, ValueError, KeyError, StateError) as exc:
            self._set_status("latent.cannot_open", error=describe_error(exc))
            return False
        return True

    def _on_data_chosen(self, index: int) -> None:
        self.edit_value(self.store.value.with_image_set(self.data_combo.itemData(index)))

    def _on_view_chosen(self, index: int) -> None:
        self.edit(map_kind=self.view_combo.itemData(index))

    # --- derived ------------------------------------------------------------------------------
    def shipped_tsne(self, value):
        """The build-time t-SNE of this shipped model on the 10,000 test images, if that is what is shown."""
        if value.model_source != "pretrained" or value.image_set != "test" or len(self.session.codes) != maps.MAP_POINTS:
            return None
        model_id = value.pretrained_id
        if model_id not in self._shipped_maps:
            self._shipped_maps[model_id] = maps.shipped_map(model_id, models_dir() / f"{model_id}{BUNDLE_SUFFIX}")
        return self._shipped_maps[model_id]

    def _dataset_loader(self, value):
        """A function that loads the state's images (a subset while the live model trains)."""
        images, limit = value.image_set, None
        live = self.state.models.live()
        if value.model_source == "live" and self._embedded is None and live is not None and live.training:
            images, limit = ("test" if images == "all" else images), LIVE_SUBSET
        return lambda: load_choice(images, limit)


def _index_of(combo, data) -> int:
    """The row whose item data equals ``data``, or -1. (QComboBox.findData does not match the
    Python tuples stored here: opening a file used to leave the model box blank.)"""
    return next((i for i in range(combo.count()) if tuple(combo.itemData(i) or ()) == tuple(data)), -1)
