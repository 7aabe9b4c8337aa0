"""Light, dark and high-contrast themes for widgets, custom drawings and plots.

Custom widgets (grids, matrices, plots) read ``colors(theme)`` instead of
hard-coding colours, so a theme switch reaches every drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from aeviz.ui.theme_arrows import arrow_rule


@dataclass(frozen=True)
class ThemeColors:
    window: str
    panel: str
    text: str
    muted: str       # secondary text, dimmed zeros
    accent: str      # links, selection, the current cell
    highlight: str   # linked cells (window, row, column)
    highlight2: str  # a second linked set
    border: str
    positive: str    # diverging colour map, > 0
    negative: str    # diverging colour map, < 0
    plot_bg: str
    plot_fg: str
    series: tuple[str, ...]  # colour-blind-safe line colours (Okabe–Ito)


_OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_THEMES = {
    "light": ThemeColors(
        window="#f6f6f4", panel="#ffffff", text="#1b1b1b", muted="#9a9a9a", accent="#0b5cad",
        highlight="#ffd54f", highlight2="#8fd3ff", border="#c8c8c8", positive="#b2182b",
        negative="#2166ac", plot_bg="#ffffff", plot_fg="#1b1b1b", series=_OKABE_ITO,
    ),
    "dark": ThemeColors(
        window="#1e1f22", panel="#2a2b2f", text="#ececec", muted="#7d7d80", accent="#6cb6ff",
        highlight="#b58900", highlight2="#1f6f99", border="#45464b", positive="#ef8a62",
        negative="#67a9cf", plot_bg="#1e1f22", plot_fg="#ececec",
        series=("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#ffffff"),
    ),
    "high-contrast": ThemeColors(
        window="#000000", panel="#000000", text="#ffffff", muted="#bdbdbd", accent="#ffff00",
        highlight="#ffff00", highlight2="#00ffff", border="#ffffff", positive="#ff6e40",
        negative="#40c4ff", plot_bg="#000000", plot_fg="#ffffff",
        series=("#ffff00", "#00ffff", "#ff80ff", "#80ff80", "#ff9e40", "#ffffff", "#40c4ff", "#ff6e40"),
    ),
}


def theme_names() -> tuple[str, ...]:
    return tuple(_THEMES)


def colors(theme: str) -> ThemeColors:
    return _THEMES.get(theme, _THEMES["light"])


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    color = QColor(background)
    luminance = 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
    return "#000000" if luminance > 140 else "#ffffff"


#: The stylesheet's sizes are written in em (the height of the widget's font): at the base font
#: (10 pt at 96 dpi, 15 px high) one em is 15 px, and the sizes follow the zoom without a new sheet.
BASE_EM_PX = 15


def em(pixels: float) -> str:
    """``pixels`` (a size at zoom 1) as a stylesheet length that grows with the font."""
    return f"{pixels / BASE_EM_PX:.4g}em"


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with a palette built from the theme colours, and a stylesheet set once per theme.

    Setting an application stylesheet rebuilds the style of every widget (0.5-1 s with a few
    pages built, on the GUI thread), so it does not depend on the zoom: sliders and tick boxes,
    which Qt does not size from the font, are sized in em, and a zoom re-polishes the widgets
    (``repolish``) so they read the new application font."""
    c = colors(theme)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.Window: c.window, QPalette.WindowText: c.text, QPalette.Base: c.panel,
        QPalette.AlternateBase: c.window, QPalette.Text: c.text, QPalette.Button: c.panel,
        QPalette.ButtonText: c.text, QPalette.ToolTipBase: c.panel, QPalette.ToolTipText: c.text,
        QPalette.Highlight: c.accent, QPalette.HighlightedText: text_on(c.accent), QPalette.Link: c.accent,
        QPalette.PlaceholderText: c.muted, QPalette.BrightText: c.highlight, QPalette.Mid: c.border,
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor(c.muted))
    app.setPalette(palette)
    border_width = 2 if theme == "high-contrast" else 1
    app.setStyleSheet(
        f"QFrame#card {{ background: {c.panel}; border: {border_width}px solid {c.border}; border-radius: 6px; }}"
        f"QListWidget#sidebar {{ background: {c.panel}; border: none; border-right: {border_width}px solid {c.border}; }}"
        f"QListWidget#sidebar::item {{ padding: 4px 6px; }}"
        f"QListWidget#sidebar::item:selected {{ background: {c.accent}; color: {text_on(c.accent)}; }}"
        + _scaled_controls_sheet(c)
        + (_outlined_controls_sheet(c) if theme == "high-contrast" else "")
    )


def repolish(widget: QWidget, skip: Callable[[QWidget], bool] | None = None) -> None:
    """Make ``widget`` and the widgets inside it take the application font (and the em sizes of
    the stylesheet) again, parents first; a widget for which ``skip`` is true is left, with its
    children, to re-polish itself later.

    While an application stylesheet is set, ``QApplication.setFont`` reaches the top-level
    windows but not the widgets inside them: a widget reads its font from the stylesheet's
    rules when it is polished. Re-polishing costs about 0.15 ms a widget where setting the
    sheet again costs most of a second with a few pages built."""
    widget.setUpdatesEnabled(False)
    try:
        _repolish_tree(widget, skip)
    finally:
        widget.setUpdatesEnabled(True)


class _RepolishOnShow(QObject):
    """Re-polishes a hidden window (a menu, a drop-down list, a dialog) when it next shows."""

    def __init__(self, skip: Callable[[QWidget], bool] | None):
        super().__init__()
        self.skip = skip

    def watch(self, window: QWidget) -> None:
        window.installEventFilter(self)  # Qt installs a filter once per object, however often asked

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Show:
            watched.removeEventFilter(self)
            repolish(watched, self.skip)
        return False


_on_show: _RepolishOnShow | None = None


def repolish_when_shown(window: QWidget, skip: Callable[[QWidget], bool] | None = None) -> None:
    """``repolish(window, skip)`` when the hidden ``window`` next shows: the plots' context menus
    alone hold about a thousand widgets that a zoom need not touch.

    Only for windows whose widgets keep the application font: re-polishing puts back the font a
    widget had when it was last polished, so a font set since (``Page.rescale``) would be lost."""
    global _on_show
    if _on_show is None:
        _on_show = _RepolishOnShow(skip)
    _on_show.watch(window)


def _repolish_tree(widget: QWidget, skip: Callable[[QWidget], bool] | None) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    for child in widget.children():
        if isinstance(child, QWidget) and not (skip is not None and skip(child)):
            _repolish_tree(child, skip)


def _scaled_controls_sheet(c: ThemeColors) -> str:
    px = em
    return (
        f"QSlider::groove:horizontal {{ height: {px(6)}; background: {c.border}; border-radius: {px(3)}; }}"
        f"QSlider::sub-page:horizontal {{ background: {c.accent}; border-radius: {px(3)}; }}"
        f"QSlider::handle:horizontal {{ width: {px(16)}; margin: -{px(6)} 0; background: {c.panel};"
        f" border: {px(2)} solid {c.accent}; border-radius: {px(8)}; }}"
        f"QSlider {{ min-height: {px(22)}; }}"
        f"QCheckBox::indicator, QRadioButton::indicator {{ width: {px(14)}; height: {px(14)}; }}"
    )


def _outlined_controls_sheet(c: ThemeColors) -> str:
    """High contrast: every control draws its outline in the text colour.

    Fusion derives its frame colour from the window colour (140 % darker): on a black
    window, input fields, buttons and unticked boxes get black outlines on black, i.e.
    none. A ticked box or radio button is filled with the accent colour."""
    px = em
    line = f"{px(2)} solid {c.border}"
    inputs = "QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit, QTextEdit, QTableView, QTreeView"
    focus = ", ".join(f"{w}:focus" for w in inputs.split(", ")) + ", QPushButton:focus"
    disabled_inputs = ", ".join(f"{w}:disabled" for w in inputs.split(", "))
    return (
        f"{inputs} {{ border: {line}; background: {c.panel}; color: {c.text}; padding: {px(2)}; }}"
        f"QPushButton {{ border: {line}; background: {c.panel}; color: {c.text}; padding: {px(4)} {px(10)};"
        f" border-radius: {px(4)}; }}"
        f"QPushButton:hover, QPushButton:pressed {{ background: #333333; }}"
        f"QPushButton:disabled {{ border: {px(2)} dashed {c.muted}; color: {c.muted}; }}"
        f"{focus} {{ border-color: {c.accent}; }}"
        f"QCheckBox::indicator, QGroupBox::indicator {{ border: {line}; background: {c.panel}; }}"
        f"QRadioButton::indicator {{ border: {line}; background: {c.panel}; border-radius: {px(8)}; }}"
        f"QCheckBox::indicator:checked, QGroupBox::indicator:checked, QRadioButton::indicator:checked"
        f" {{ background: {c.accent}; }}"
        f"QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {c.muted}; }}"
        f"QGroupBox {{ border: {line}; border-radius: {px(4)}; margin-top: {px(14)}; padding-top: {px(6)}; }}"
        f"QGroupBox::title {{ subcontrol-origin: margin; left: {px(8)}; padding: 0 {px(4)}; }}"
        f"QProgressBar {{ border: {line}; text-align: center; }}"
        f"QProgressBar::chunk {{ background: {c.accent}; }}"
        f"QTabBar::tab {{ border: {line}; padding: {px(4)} {px(10)}; margin-right: {px(2)}; }}"
        f"QTabBar::tab:selected {{ background: {c.accent}; color: {text_on(c.accent)}; }}"
        f"QTabWidget::pane {{ border: {line}; }}"
        f"{disabled_inputs} {{ border-color: {c.muted}; color: {c.muted}; }}"
        + _arrow_buttons_sheet(c, px, line)
        + _scroll_bars_sheet(c, px)
        + _vertical_slider_sheet(c, px)
    )


def _arrow_buttons_sheet(c: ThemeColors, px, line: str) -> str:
    """Spin box steps and the combo box drop-down: an outlined button with a text-coloured arrow
    (styling a spin box's or combo box's border makes Qt drop its own arrows)."""
    button = f"width: {px(18)}; background: {c.panel}; border: none; border-left: {line};"
    sheet = (
        f"QAbstractSpinBox::up-button {{ subcontrol-origin: padding; subcontrol-position: top right; {button}"
        f" border-bottom: {px(1)} solid {c.border}; }}"
        f"QAbstractSpinBox::down-button {{ subcontrol-origin: padding; subcontrol-position: bottom right; {button} }}"
        f"QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: top right; {button} }}"
        f"QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover, QComboBox::drop-down:hover,"
        f" QAbstractSpinBox::up-button:pressed, QAbstractSpinBox::down-button:pressed {{ background: #333333; }}"
        f"QComboBox QAbstractItemView {{ border: {line}; background: {c.panel}; color: {c.text};"
        f" selection-background-color: {c.accent}; selection-color: {text_on(c.accent)}; }}"
    )
    width, height = 9, 5
    for state, color in (("", c.text), (":disabled", c.muted), (":off", c.muted)):
        sheet += (arrow_rule(f"QAbstractSpinBox::up-arrow{state}", "up", color, width, height, px)
                  + arrow_rule(f"QAbstractSpinBox::down-arrow{state}", "down", color, width, height, px))
    for state, color in (("", c.text), (":disabled", c.muted)):
        sheet += arrow_rule(f"QComboBox::down-arrow{state}", "down", color, width, height, px)
    return sheet


def _scroll_bars_sheet(c: ThemeColors, px) -> str:
    """Outlined scroll bars: a light handle in a black trough, arrow buttons at both ends."""
    size, edge = px(16), f"{px(1)} solid {c.border}"
    sheet = (
        f"QScrollBar {{ background: {c.panel}; border: {edge}; }}"
        f"QScrollBar:vertical {{ width: {size}; margin: {size} 0 {size} 0; }}"
        f"QScrollBar:horizontal {{ height: {size}; margin: 0 {size} 0 {size}; }}"
        f"QScrollBar::handle {{ background: {c.muted}; border: {edge}; }}"
        f"QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {c.text}; }}"
        f"QScrollBar::handle:vertical {{ min-height: {px(24)}; }}"
        f"QScrollBar::handle:horizontal {{ min-width: {px(24)}; }}"
        f"QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}"
    )
    for orientation, ends in (("vertical", (("sub-line", "top", "up"), ("add-line", "bottom", "down"))),
                              ("horizontal", (("sub-line", "left", "left"), ("add-line", "right", "right")))):
        extent = "height" if orientation == "vertical" else "width"
        for subcontrol, position, direction in ends:
            sheet += (f"QScrollBar::{subcontrol}:{orientation} {{ subcontrol-origin: margin; subcontrol-position: {position};"
                      f" {extent}: {size}; background: {c.panel}; border: {edge}; }}")
            across, along = (8, 5) if direction in ("up", "down") else (5, 8)
            sheet += arrow_rule(f"QScrollBar::{direction}-arrow:{orientation}", direction, c.text, across, along, px)
    return sheet


def _vertical_slider_sheet(c: ThemeColors, px) -> str:
    """Vertical sliders drawn like the horizontal ones: without it, a black handle on black."""
    return (
        f"QSlider::groove:vertical {{ width: {px(6)}; background: {c.border}; border-radius: {px(3)}; }}"
        f"QSlider::add-page:vertical {{ background: {c.accent}; border-radius: {px(3)}; }}"
        f"QSlider::handle:vertical {{ height: {px(16)}; margin: 0 -{px(6)}; background: {c.panel};"
        f" border: {px(2)} solid {c.accent}; border-radius: {px(8)}; }}"
        f"QSlider:vertical {{ min-width: {px(22)}; }}"
    )
