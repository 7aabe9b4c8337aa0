"""The current kernel applied to a real image: an MNIST digit or a file the user opens.

The panel shows the choice its page holds (``show_choice``) and reports a person's new
choice through ``digitChosen`` / ``fileChosen``. Images are read in the background (the
first MNIST digit decompresses the bundled test set, ~0.1 s) and only while ``active``
(its tab is shown), so the bundled digits are not decompressed for nothing.

The feature map uses a diverging colour map where zero is the neutral background
colour; negative values keep their sign (nothing is clipped) and the colour bar
gives the numbers. Hovering a pixel writes its value.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from aeviz.core.conv import ConvError, ConvGeometry, conv2d
from aeviz.core.sample_images import SampleImageError, load_gray_image, mnist_digit
from aeviz.state.convolution import MNIST_TEST_COUNT
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable, fmt_num
from aeviz.ui.widgets.colorbar import ColorBar
from aeviz.ui.widgets.matrix_view import MatrixView
from aeviz.ui.workers import TaskSlot

add_strings({
    "real.digit": {"en": "MNIST test digit no.", "fr": "Chiffre MNIST de test n°"},
    "real.open": {"en": "Open an image…", "fr": "Ouvrir une image…"},
    "real.source": {"en": "Image (pixels 0 to 1)", "fr": "Image (pixels de 0 à 1)"},
    "real.feature": {"en": "Feature map: image ⋆ kernel", "fr": "Carte de caractéristiques : image ⋆ noyau"},
    "real.scale": {"en": "Colour scale (0 = neutral)", "fr": "Échelle de couleurs (0 = neutre)"},
    "real.range": {"en": "min {lo}, max {hi}", "fr": "min {lo} ; max {hi}"},
    "real.value": {"en": "Value at ({r}, {c}): {v}", "fr": "Valeur en ({r}, {c}) : {v}"},
    "real.hover": {"en": "Hover a pixel to read its value.", "fr": "Survolez un pixel pour lire sa valeur."},
    "real.loading": {"en": "Reading the image…", "fr": "Lecture de l'image…"},
    "real.file_filter": {"en": "Images (*.png *.jpg *.jpeg *.bmp *.gif)", "fr": "Fichiers image (*.png *.jpg *.jpeg *.bmp *.gif)"},
})


def read_image(source: str, digit: int, path: str | None):
    """Worker side: ``(choice, image in [0, 1] or None, refusal or None)``; a refused file is an answer."""
    choice = (source, digit, path)
    try:
        return choice, (mnist_digit(digit) / 255.0 if source == "mnist" else load_gray_image(path)), None
    except SampleImageError as exc:
        return choice, None, exc


class RealImagePanel(QWidget, Translatable):
    #: a person picked an MNIST test digit / an image file; the page decides what to show
    digitChosen = Signal(int)
    fileChosen = Signal(str)

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self.image = np.zeros((28, 28))
        self.kernel = np.ones((1, 1))
        self.params = {"stride": 1, "padding": 0, "dilation": 1}
        self.feature = None
        self._choice: tuple = ("mnist", 0, None)
        self._loaded: tuple | None = None      # the choice ``image`` was read for
        self._loading: tuple | None = None     # the choice being read in the background
        self._failure: str | None = None       # an unexpected error of the reader, already translated
        self.loader = TaskSlot(self)
        self.loader.result.connect(self._on_read)
        self.loader.error.connect(self._on_read_failed)
        self._computed: tuple | None = None    # (choice, kernel bytes, params) ``feature`` was computed for
        self._load_error: SampleImageError | None = None   # why the chosen image cannot be shown
        self._conv_error: ConvError | None = None          # why its feature map cannot be computed
        layout = QGridLayout(self)
        row = QHBoxLayout()
        label = QLabel()
        self.bind(label.setText, "real.digit")
        self.digit = QSpinBox()
        self.digit.setRange(0, MNIST_TEST_COUNT - 1)
        self.digit.valueChanged.connect(self.digitChosen.emit)
        open_button = QPushButton()
        self.bind(open_button.setText, "real.open")
        open_button.clicked.connect(self.open_file)
        self.message = QLabel()
        self.message.setWordWrap(True)
        for w in (label, self.digit, open_button):
            row.addWidget(w)
        row.addWidget(self.message, 1)
        layout.addLayout(row, 0, 0, 1, 3)
        self.source = MatrixView(state, base_cell=8)
        self.source.show_numbers = False
        self.source.color_mode = "gray"
        self.output = MatrixView(state, base_cell=8)
        self.output.show_numbers = False
        self.output.color_mode = "diverging"
        self.output.cellHovered.connect(self._on_hover)
        for view in (self.source, self.output):
            view.wheel_zoom = False
        self.bar = ColorBar(state)
        self.bar_title, self.range_label, self.value_label = QLabel(), QLabel(), QLabel()
        self.bind(self.bar_title.setText, "real.scale")
        self.bind(self.value_label.setText, "real.hover")
        layout.addWidget(self.source, 1, 0)
        layout.addWidget(self.output, 1, 1)
        side = QGridLayout()
        side.addWidget(self.bar_title, 0, 0)
        side.addWidget(self.bar, 1, 0)
        side.addWidget(self.range_label, 2, 0)
        layout.addLayout(side, 1, 2)
        layout.addWidget(self.value_label, 2, 0, 1, 3)
        layout.setRowStretch(3, 1)
        layout.setColumnStretch(3, 1)
        self.retranslate()

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("real.open"), "", tr("real.file_filter"))
        if path:
            self.fileChosen.emit(path)

    def show_choice(self, source: str, digit: int, path: str | None, kernel, params: dict, active: bool) -> None:
        """Show ``kernel`` applied to the chosen image; read and compute only when ``active``."""
        self._choice = (source, digit, path)
        self.kernel = np.asarray(kernel, dtype=np.float64)
        self.params = dict(params)
        self.digit.blockSignals(True)
        self.digit.setValue(digit)
        self.digit.blockSignals(False)
        if active:
            self._load()
            self.recompute()

    def _load(self) -> None:
        if self._choice in (self._loaded, self._loading):
            return
        self._loading = choice = self._choice
        self.loader.start(lambda: read_image(*choice), replace=True)
        self._show_error()

    @property
    def loading(self) -> bool:
        return self._loading is not None

    def finish_loading(self, timeout_ms: int = 5000) -> None:
        """Wait for the image being read and show it (screenshots, tests)."""
        task = self.loader.task
        if task is not None and task.wait(timeout_ms):
            QCoreApplication.sendPostedEvents()
            QCoreApplication.sendPostedEvents()

    def _on_read(self, answer) -> None:
        choice, image, refusal = answer
        self._loading, self._loaded, self._failure = None, choice, None
        self.image = image if image is not None else np.zeros((28, 28))
        self._load_error = refusal
        if choice == self._choice:
            self.recompute()
        else:
            self._load()

    def _on_read_failed(self, message: str, _details: str) -> None:
        self._loading, self._failure = None, message
        self._show_error()

    def recompute(self) -> None:
        key = (self._loaded, self.kernel.shape, self.kernel.tobytes(), tuple(self.params.items()))
        if key == self._computed:
            return
        self._computed = key
        self.source.set_data(self.image)
        self._conv_error = None
        try:   # a kernel that fits the lab's grid can still be larger than a tiny image file
            ConvGeometry(self.image.shape, self.kernel.shape, **self.params)
            self.feature = conv2d(self.image, self.kernel, **self.params)
        except ConvError as exc:
            self._conv_error = exc
            self.feature = np.zeros((1, 1))
        self._show_error()
        self.output.set_data(self.feature)
        vmax = float(np.max(np.abs(self.feature))) or 1.0
        self.bar.set_range(vmax)
        self.range_label.setText(tr("real.range", lo=fmt_num(self.feature.min()), hi=fmt_num(self.feature.max())))

    def _show_error(self) -> None:
        if self._failure is not None:
            self.message.setText(self._failure)
        elif self._loading is not None:
            self.message.setText(tr("real.loading"))
        elif self._load_error is not None:
            self.message.setText(describe_error(self._load_error))
        elif self._conv_error is not None:
            self.message.setText(tr("shape.impossible", reason=describe_error(self._conv_error)))
        else:
            self.message.clear()

    def _on_hover(self, r: int, c: int) -> None:
        if r < 0 or self.feature is None:
            self.value_label.setText(tr("real.hover"))
        else:
            self.value_label.setText(tr("real.value", r=r, c=c, v=fmt_num(self.feature[r, c])))

    def retranslate(self) -> None:
        super().retranslate()
        self.source.set_caption(tr("real.source"))
        self.output.set_caption(tr("real.feature"))
        self._show_error()
        if self.feature is not None:
            self.range_label.setText(tr("real.range", lo=fmt_num(self.feature.min()), hi=fmt_num(self.feature.max())))

    def rescale(self) -> None:
        for v in (self.source, self.output):
            v.rescale()
        self.bar.updateGeometry()
        self.bar.update()
