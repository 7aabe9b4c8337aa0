"""The registry of pages shown in the sidebar, in course order.

Modules are imported on first visit, so start-up pays only for the home page. A page
that is not ready is not listed here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from aeviz.ui.i18n import add_strings

# Sidebar titles live here, not in the page modules, which load only on first visit.
add_strings({
    "page.home": {"en": "Home", "fr": "Accueil"},
    "page.training": {"en": "Train an autoencoder", "fr": "Entraîner un auto-encodeur"},
    "page.convolution": {"en": "Convolution", "fr": "Convolution"},
    "page.transposed": {"en": "Transposed convolution", "fr": "Convolution transposée"},
    "page.exercises": {"en": "Exercises", "fr": "Exercices"},
    "page.latent": {"en": "Latent space", "fr": "Espace latent"},
    "page.compression": {"en": "Compression", "fr": "Compression"},
    "page.pretraining": {"en": "Unsupervised pretraining", "fr": "Pré-entraînement non supervisé"},
    "page.linear": {"en": "Linear autoencoder = PCA", "fr": "Auto-encodeur linéaire = ACP"},
})


@dataclass(frozen=True)
class PageSpec:
    page_id: str
    title_key: str
    module: str
    class_name: str
    lesson: int  # 0: not tied to a lesson (home)

    def load_class(self):
        return getattr(importlib.import_module(self.module), self.class_name)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "page.home", "aeviz.ui.pages.home", "HomePage", 0),
    PageSpec("training", "page.training", "aeviz.ui.pages.training", "TrainingPage", 1),
    PageSpec("compression", "page.compression", "aeviz.ui.pages.compression", "CompressionPage", 1),
    PageSpec("pretraining", "page.pretraining", "aeviz.ui.pages.pretraining", "PretrainingPage", 1),
    PageSpec("convolution", "page.convolution", "aeviz.ui.pages.convolution", "ConvolutionPage", 2),
    PageSpec("transposed", "page.transposed", "aeviz.ui.pages.transposed", "TransposedPage", 2),
    PageSpec("exercises", "page.exercises", "aeviz.ui.pages.exercises", "ExercisesPage", 2),
    PageSpec("linear", "page.linear", "aeviz.ui.pages.linear", "LinearPage", 3),
    PageSpec("latent", "page.latent", "aeviz.ui.pages.latent", "LatentPage", 3),
)


def page_ids() -> tuple[str, ...]:
    return tuple(spec.page_id for spec in PAGES)


def spec_for(page_id: str) -> PageSpec | None:
    return next((spec for spec in PAGES if spec.page_id == page_id), None)
