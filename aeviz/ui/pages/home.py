"""Home: the course map. Each lesson lists its topics, linked to the page that shows it.

A topic links to a page only once that page is registered, so the map never points
at something that does not exist.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages import page_ids
from aeviz.ui.pages.base import Page

add_strings({
    "home.title": {"en": "Deep learning by practice: autoencoders", "fr": "Deep learning par la pratique : auto-encodeurs"},
    "home.intro": {
        "en": "An autoencoder encodes data into a smaller code from which it can be restored accurately. "
              "Pick a topic of the course to see it at work.",
        "fr": "Le but de l'auto-encodeur est de prendre des données et de les encoder dans une dimension plus petite "
              "à partir de laquelle elles peuvent ensuite être restaurées avec précision. Choisissez un thème du cours.",
    },
    "home.lesson1": {"en": "Lesson 1 — The autoencoder", "fr": "Leçon 1 — L'auto-encodeur"},
    "home.lesson2": {"en": "Lesson 2 — Transposed convolution", "fr": "Leçon 2 — Convolution transposée"},
    "home.lesson3": {"en": "Lesson 3 — Applications", "fr": "Leçon 3 — Applications"},
    "topic.what_is_ae": {"en": "Encode, then restore: train an autoencoder", "fr": "Encoder puis restaurer : entraîner un auto-encodeur"},
    "topic.compression": {"en": "Data compression", "fr": "Compression des données"},
    "topic.dim_reduction": {"en": "Dimensionality reduction", "fr": "Réduction de la dimensionnalité"},
    "topic.features": {"en": "Learning interesting features", "fr": "Apprendre des caractéristiques intéressantes"},
    "topic.pretraining": {"en": "Unsupervised pretraining", "fr": "Pré-entraînement non supervisé"},
    "topic.generate": {"en": "Generating new data", "fr": "Générer de nouvelles données"},
    "topic.convolution": {"en": "Convolution: direct and as a matrix product", "fr": "Convolution : directe et produit matriciel"},
    "topic.transposed": {"en": "Transposed convolution (deconvolution)", "fr": "Convolution transposée (déconvolution)"},
    "topic.linear": {"en": "The linear case: matrix factorisation X = U·Vᵀ and PCA", "fr": "Cas linéaire : factorisation de matrices X = U·Vᵀ et ACP"},
    "topic.denoising": {"en": "Denoising", "fr": "Débruitage"},
    "topic.exploration": {"en": "Exploratory data analysis", "fr": "Analyse exploratoire des données"},
    "topic.morphing": {"en": "Image morphing", "fr": "Morphing d'images"},
    "topic.attributes": {"en": "Editing attributes in the code space", "fr": "Modifier des attributs dans l'espace des codes"},
})

#: (lesson key, [(topic key, page id that shows it)]); the link opens the page in the state
#: named after the topic (``aeviz.state.<page>.PRESETS["<topic>"]``), not just the page.
COURSE_MAP: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("home.lesson1", (
        ("topic.what_is_ae", "training"),
        ("topic.compression", "compression"),
        ("topic.dim_reduction", "latent"),
        ("topic.features", "latent"),
        ("topic.pretraining", "pretraining"),
        ("topic.generate", "latent"),
    )),
    ("home.lesson2", (
        ("topic.convolution", "convolution"),
        ("topic.transposed", "transposed"),
    )),
    ("home.lesson3", (
        ("topic.linear", "linear"),
        ("topic.denoising", "training"),
        ("topic.pretraining", "pretraining"),
        ("topic.exploration", "latent"),
        ("topic.morphing", "latent"),
        ("topic.attributes", "latent"),
    )),
)


def topic_preset(topic_key: str) -> str:
    return topic_key.removeprefix("topic.")


class HomePage(Page):
    page_id = "home"
    title_key = "page.home"
    #: emitted with (page id, preset name) when a topic link is clicked
    open_topic = Signal(str, str)

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        available = set(page_ids())
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.heading("home.title", 2.0))
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind_text(intro.setText, "home.intro")
        self.scale_font(intro, 1.15)
        layout.addWidget(intro)
        layout.setSpacing(self.state.px(12))
        cards = QGridLayout()
        cards.setSpacing(self.state.px(12))
        self._topic_labels: list[tuple[QLabel, str, str | None]] = []
        self._links: list[tuple[str, str]] = []  # (page id, preset) of link "#<index>"
        for column, (lesson_key, topics) in enumerate(COURSE_MAP):
            card = QFrame(objectName="card")
            card_layout = QVBoxLayout(card)
            card_layout.addWidget(self.heading(lesson_key, 1.3))
            for topic_key, target in topics:
                label = QLabel()
                label.setWordWrap(True)
                label.setTextFormat(Qt.RichText)
                self.scale_font(label, 1.15)
                link = f"#{len(self._links)}" if target in available else None  # no words in a link target
                if link:
                    self._links.append((target, topic_preset(topic_key)))
                if link:
                    label.setTextInteractionFlags(Qt.LinksAccessibleByMouse | Qt.LinksAccessibleByKeyboard)
                    label.linkActivated.connect(self._on_link)
                self._topic_labels.append((label, topic_key, link))
                card_layout.addWidget(label)
            card_layout.addStretch(1)
            cards.addWidget(card, 0, column)
        layout.addLayout(cards)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.retranslate()

    def topic_links(self) -> list[tuple[str, str]]:
        """(page id, preset name) of every link on the map, in order."""
        return list(self._links)

    def _on_link(self, link: str) -> None:
        self.open_topic.emit(*self._links[int(link.removeprefix("#"))])

    def retranslate(self) -> None:
        super().retranslate()
        accent = self.state.colors.accent
        for label, key, link in self._topic_labels:
            text = html.escape(tr(key), quote=False)
            if link:
                label.setText(f'• <a href="{link}" style="color:{accent}">{text}</a>')
            else:
                label.setText(f"• {text}")

    def retheme(self) -> None:
        self.retranslate()
