"""What the latent-space tabs share: the model, the encoded data, the 2-D view, the selection.

The page shell fills it (loading models, encoding in a worker) from the page's state;
the tabs read it when the page renders a state, so each tab stays a small module. Decoding one code or a few dozen runs here on the GUI thread
(≈ 0.1 ms per code for the MLP), the rest is done by workers.
"""

from __future__ import annotations

import contextlib
import dataclasses

import numpy as np
import torch
from PySide6.QtWidgets import QWidget

from aeviz.ui.widgets import Translatable

from aeviz.core import fast_tsne
from aeviz.core import latent as L
from aeviz.state.latent import LatentState

#: "everything changed": what a tab gets when new codes arrive or the language changes
ALL_FIELDS = frozenset(f.name for f in dataclasses.fields(LatentState))
#: fields that change the codes themselves
DATA_FIELDS = frozenset({"model_source", "pretrained_id", "model_path", "image_set"})
#: fields that change what the map shows (each tab draws on it)
MAP_FIELDS = frozenset({"map_kind", "tsne_seed", "tab"})

MAX_SLIDERS = 16


class LatentSession:
    """Derived data of the page: a function of its state (``aeviz.state.latent``) and the model.

    ``key`` says which model and image set the codes belong to; the page draws only when it
    matches the state's, so a half-finished encoding never mixes with the state's indices.
    """

    def __init__(self):
        self.model = None
        self.config = None
        self.model_label = ""
        self.key: tuple | None = None             # (model key, image set) the codes were made for
        self.dataset = None                       # aeviz.core.datasets.Dataset
        self.codes = np.zeros((0, 2), np.float32)  # (N, k), one row per dataset image
        self.pca: L.PCA | None = None
        self.method = "direct"                    # "direct" | "pca" | "tsne"
        self.view_xy = np.zeros((0, 2), np.float32)   # what the scatter shows
        self.view_rows = np.zeros(0, np.int64)        # dataset row of each scatter point
        self.spacing = 1.0
        self._gaussian: L.GaussianFit | None = None
        self._ranges = None

    # --- filling ------------------------------------------------------------------------------
    def set_model(self, model, config, label: str) -> None:
        self.model, self.config, self.model_label = model, config, label
        self.model.eval()
        self.key = None

    def set_codes(self, key: tuple, dataset, codes: np.ndarray, pca: L.PCA | None, spacing: float) -> None:
        self.key = key
        self.dataset, self.codes, self.pca, self.spacing = dataset, np.asarray(codes, np.float32), pca, spacing
        self._gaussian = None
        self._ranges = None
        self.set_linear_view()

    def set_tsne_view(self, rows: np.ndarray, xy: np.ndarray) -> None:
        self.method, self.view_rows, self.view_xy = "tsne", np.asarray(rows), np.asarray(xy, np.float32)

    def set_linear_view(self) -> None:
        self.method = "direct" if self.k == 2 else "pca"
        self.view_rows = np.arange(len(self.codes))
        self.view_xy = self.project(self.codes)

    def clamp(self, row: int) -> int:
        """A state index shown on these codes (a live model encodes only a subset while it trains)."""
        return min(max(int(row), 0), len(self.codes) - 1)

    # --- reading ------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.model is not None and self.dataset is not None and len(self.codes) > 0 \
            and self.codes.shape[1] == self.k

    @property
    def k(self) -> int:
        return int(self.model.latent_dim) if self.model is not None else 0

    @property
    def is_vae(self) -> bool:
        return self.config is not None and self.config.kind == "vae"

    @property
    def linear_view(self) -> bool:
        return self.method in ("direct", "pca")

    def project(self, z: np.ndarray) -> np.ndarray:
        """Codes → scatter coordinates (only for the linear views: direct and PCA)."""
        z = np.atleast_2d(np.asarray(z, np.float64))
        if self.k == 2 or self.pca is None:
            return z[:, :2].astype(np.float32)
        return self.pca.transform(z).astype(np.float32)

    def view_point_of_row(self, row: int):
        """Where dataset row ``row`` sits in the current scatter, or None if not shown."""
        if self.linear_view:
            return self.view_xy[row] if 0 <= row < len(self.view_xy) else None
        hit = np.flatnonzero(self.view_rows == row)
        return self.view_xy[hit[0]] if len(hit) else None

    def image(self, row: int) -> np.ndarray:
        return self.dataset.images[row].astype(np.float32) / 255.0

    def label_name(self, row: int) -> str:
        return str(self.dataset.class_names[int(self.dataset.labels[row])])

    @torch.no_grad()
    def decode(self, z: np.ndarray) -> np.ndarray:
        """Codes (n, k) → images (n, H, W) in [0, 1]."""
        zt = torch.as_tensor(np.asarray(z, np.float32)).reshape(-1, self.k)
        out = self.model.decode(zt).clamp(0.0, 1.0).numpy()
        return out[:, 0]

    def reconstruction(self, row: int) -> np.ndarray:
        return self.decode(self.codes[row:row + 1])[0]

    def ranges(self):
        if self._ranges is None:
            self._ranges = L.percentile_ranges(self.codes, 1.0, 99.0)
        return self._ranges

    def gaussian(self) -> L.GaussianFit:
        if self._gaussian is None:
            self._gaussian = L.fit_gaussian(self.codes)
        return self._gaussian

    def sample_prior(self, n: int, seed: int) -> np.ndarray:
        """n codes drawn from the VAE's prior N(0, I) (codes, not images: the grid decodes them)."""
        generator = torch.Generator().manual_seed(int(seed))
        return torch.randn(n, self.k, generator=generator).numpy()

    def distance_to_data(self, z: np.ndarray) -> float:
        return L.nearest_distance(self.codes, z)[0]


def encode_work(key: tuple, model, load_dataset, want_pca: bool = True):
    """Worker body: load the images, encode, then the PCA and the spacing scale (a generator for Task).

    Returns ``key`` with the results, so the page knows which state they were made for."""
    dataset = load_dataset()
    yield 0.0
    codes = yield from L.encode_iter(model, dataset.images, batch_size=1000)
    pca = L.fit_pca(codes, 2) if want_pca and codes.shape[1] > 2 else None
    spacing = L.typical_spacing(codes)
    return key, dataset, codes, pca, spacing


def keyed(key, work):
    """Run the generator ``work`` and return ``(key, its result)``: a late result names its request."""
    result = yield from work
    return key, result


def tsne_work(codes: np.ndarray, n: int, seed: int = 0):
    """Worker body: t-SNE (grid-accelerated, aeviz.core.fast_tsne) on a random sample of n codes.

    Yields (fraction, rows, map or None): partial maps unfold on screen while it runs.
    """
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(codes), min(n, len(codes)), replace=False))
    gen = fast_tsne.tsne(codes[rows], perplexity=30.0, iterations=500, seed=seed)
    try:
        while True:
            fraction, y = next(gen)
            yield fraction, rows, y
    except StopIteration as stop:
        return rows, stop.value
    finally:
        gen.close()


@contextlib.contextmanager
def blocked(*widgets):
    """Write widgets from the state without their signals coming back as user edits."""
    old = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, old):
            w.blockSignals(was)


def fit_views(views, sides, room: int, largest: float, smallest: float = 0.6) -> None:
    """Scale a row of DigitViews' ``sides`` (at zoom 1) by one factor, the largest up to ``largest``
    at which the row fits ``room`` pixels (captions included), never below ``smallest``."""
    def width(growth: float) -> int:
        total = 0
        for view, side in zip(views, sides):
            saved, view.side = view.side, round(side * growth)
            total += view.sizeHint().width()
            view.side = saved
        return total

    growth = largest
    while growth > smallest and width(growth) > room:
        growth = max(smallest, growth - 0.05)
    for view, side in zip(views, sides):
        if view.side != round(side * growth):
            view.side = round(side * growth)
            view.updateGeometry()


class LatentTab(QWidget, Translatable):
    """Base of the four tabs: the page's store, its derived data (session) and the shared scatter.

    A tab draws in ``render(value, changed)``, called by the page once per state change when
    the session holds the codes of the state's model and images; its controls only ever
    ``store.set`` (the page catches refused values). ``value.tab`` says whether it is shown.
    """

    #: the ``LatentState.tab`` value of this tab
    name = ""
    #: the state fields this tab shows: it renders only when one of them changed
    fields: frozenset = ALL_FIELDS

    def __init__(self, state, session: LatentSession, scatter, store, edit, parent: QWidget | None = None):
        super().__init__(parent)
        self.state, self.session, self.scatter, self.store = state, session, scatter, store
        #: ``edit(**changes)``: the page's way into the store (it shows why a refused value is refused)
        self.edit = edit
        self._init_texts()
        self._fonts: list[tuple[QWidget, float, bool]] = []
        #: this tab's settings, folded away with the page's controls in presentation
        self.controls: list[QWidget] = []

    @property
    def active(self) -> bool:
        return self.store.value.tab == self.name

    def scale_font(self, widget: QWidget, relative: float, bold: bool = False) -> None:
        self._fonts.append((widget, relative, bold))
        widget.setFont(self.state.font(relative, bold))

    def rescale(self) -> None:
        for widget, relative, bold in self._fonts:
            widget.setFont(self.state.font(relative, bold))

    def render(self, value, changed: frozenset) -> None:
        """Show ``value`` (the session is ready for it)."""

    def stage(self) -> list[QWidget]:
        """This tab's result: what must stay on screen in presentation."""
        return []

    def fold(self, folded: bool) -> None:
        """Hide (``folded``) or show this tab's settings; the result may take the room they leave."""
        for widget in self.controls:
            widget.setVisible(not folded)

    # ``retranslate`` (Translatable) redoes the bound texts; the page then renders the state again.

    def prepare_for_screenshot(self) -> None:
        """Finish this tab's background work synchronously."""

    def shutdown(self) -> None:
        """Stop this tab's workers."""
