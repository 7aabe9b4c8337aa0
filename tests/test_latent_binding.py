"""The latent page as a view of its state: model → view, view → model, save and reopen.

Numbers shown are checked against an independent computation: the shipped model run with
torch on the MNIST images, the pixel blend with numpy.
"""

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt

from aeviz.core.datasets import load_mnist
from aeviz.core.errors import AevizError
from aeviz.core.pretrained import load_pretrained
from aeviz.core.viewfile import View, load_view, save_view
from aeviz.state.base import StateError
from aeviz.state.latent import PRESETS, LatentState

torch.set_num_threads(1)
SMALL = LatentState(image_set="test_2000")


def as_uint8(image) -> np.ndarray:
    return (np.clip(np.asarray(image, np.float64), 0, 1) * 255 + 0.5).astype(np.uint8)


def make_page(qtbot, app_state, value=SMALL, show=True):
    from aeviz.ui.pages.latent import LatentPage

    page = LatentPage(app_state)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.store.replace(value)
    page.prepare_for_screenshot()
    if show:
        page.show()
        qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot, app_state):
    page = make_page(qtbot, app_state)
    yield page
    page.hide()
    page.shutdown()


@pytest.fixture(scope="module")
def oracle():
    """The shipped 2-D MLP and the first test images, run with torch directly."""
    model = load_pretrained("mlp_latent2").model.eval()
    images = load_mnist("test").subset(2000).images.astype(np.float32) / 255.0  # the page's "2,000" set
    with torch.no_grad():
        codes = model.encode(torch.as_tensor(images[:, None])).numpy()

    def decode(z):
        with torch.no_grad():
            return model.decode(torch.as_tensor(np.asarray(z, np.float32).reshape(-1, 2))).clamp(0, 1).numpy()[:, 0]
    return images, codes, decode


# --- model → view ---------------------------------------------------------------------------------
def test_morph_state_shows_the_decoded_code_and_the_pixel_blend(page, oracle):
    images, codes, decode = oracle
    page.store.set(row_a=3, row_b=17, morph_alpha=0.25, path_kind="lerp", morph_steps=5, tab="morph")
    morph = page.tab_pages[0]
    assert (morph.spins[0].value(), morph.spins[1].value()) == (3, 17)
    assert (morph.alpha.value(), morph.steps.value(), morph.method.currentIndex()) == (25, 5, 0)
    expected = as_uint8(decode(0.75 * codes[3] + 0.25 * codes[17])[0])
    assert np.abs(morph.decoded.image().astype(int) - expected).max() <= 1
    assert np.abs(morph.blend.image().astype(int) - as_uint8(0.75 * images[3] + 0.25 * images[17])).max() <= 1
    strip = morph.strip.images()
    assert len(strip) == 5
    assert np.abs(strip[-1].astype(int) - as_uint8(decode(codes[17])[0])).max() <= 1
    assert morph.view_a.caption() == "A (#3)"


def test_selection_tab_legend_and_zoom_follow_the_state(page, oracle):
    images, codes, decode = oracle
    page.store.set(selected_image=42, tab="generate", hidden_classes=(1, 3), map_range=(-5.0, 5.0, -4.0, 4.0))
    assert page.tabs.currentIndex() == 3
    assert np.array_equal(page.hover_image.image(), as_uint8(images[42]))
    assert np.abs(page.hover_recon.image().astype(int) - as_uint8(decode(codes[42])[0])).max() <= 1
    assert [box.isChecked() for box in page.legend.boxes] == [c not in (1, 3) for c in range(10)]
    assert list(page.scatter.visible_classes()) == [c not in (1, 3) for c in range(10)]
    assert np.allclose(page.scatter.view_range(), (-5.0, 5.0, -4.0, 4.0))
    page.store.set(map_range=None)
    x0, x1, y0, y1 = page.scatter.view_range()
    assert x0 < codes[:, 0].min() and x1 > codes[:, 0].max()


def test_slider_code_is_decoded_and_shown(page, oracle):
    _images, _codes, decode = oracle
    page.store.set(tab="sliders", slider_code=(1.5, -2.0))
    sliders = page.tab_pages[1]
    assert np.abs(sliders.decoded.image().astype(int) - as_uint8(decode([1.5, -2.0])[0])).max() <= 1
    assert [label.text() for label in sliders.value_labels] == ["+1.50", "\u22122.00"]
    lo, hi = page.session.ranges()
    assert sliders.sliders[0].value() == round((1.5 - lo[0]) / (hi[0] - lo[0]) * 1000)
    assert page.scatter.target.isVisible() and np.allclose(tuple(page.scatter.target.pos()), (1.5, -2.0))


def test_generation_state_gives_the_same_grid_again(page):
    gen = page.tab_pages[3]
    page.store.set(tab="generate", gen_seed=5, gen_count=8)
    assert (gen.seed.value(), gen.count.value(), len(gen.grid.images())) == (5, 8, 8)
    first = gen.grid.images().copy()
    page.store.set(gen_seed=6)
    assert not np.array_equal(first, gen.grid.images())
    page.store.set(gen_seed=5)
    assert np.array_equal(first, gen.grid.images())


def test_attribute_state_fills_the_groups_and_computes_v(page, qtbot):
    from aeviz.core import latent as L

    attrs, s = page.tab_pages[2], page.session
    page.store.set(tab="attributes", attr_kind="ink", attr_a=0, attr_b=1, attr_strength=-0.5)
    assert attrs.kind.currentIndex() == 1 and attrs.strength.value() == -50
    assert not attrs.a_combo.isEnabled() and attrs.a_combo.toolTip()  # says why it is fixed
    qtbot.waitUntil(lambda: attrs.v is not None, timeout=10000)
    v, _ = L.attribute_auc(s.codes, *L.high_low_groups(L.ink_mass(s.dataset.images)))
    assert np.allclose(attrs.v, v, atol=1e-5)


# --- view → model ---------------------------------------------------------------------------------
def test_morph_controls_write_the_state(page, qtbot):
    morph = page.tab_pages[0]
    qtbot.mouseClick(morph.pick_buttons[1], Qt.LeftButton)
    assert page.store.value.morph_pick == "b"
    morph.spins[0].selectAll()
    qtbot.keyClicks(morph.spins[0], "17")
    assert page.store.value.row_a == 17
    qtbot.keyClick(morph.alpha, Qt.Key_End)
    assert page.store.value.morph_alpha == 1.0
    qtbot.keyClick(morph.method, Qt.Key_Down)
    assert page.store.value.path_kind == "slerp"
    morph.steps.selectAll()
    qtbot.keyClicks(morph.steps, "5")
    assert page.store.value.morph_steps == 5


def test_tabs_legend_and_boxes_write_the_state(page, qtbot):
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(1).center())
    assert page.store.value.tab == "sliders"
    box = page.legend.boxes[7]
    qtbot.mouseClick(box, Qt.LeftButton, pos=QPoint(4, box.height() // 2))
    assert page.store.value.hidden_classes == (7,)
    qtbot.keyClick(page.view_combo, Qt.Key_Down)
    assert page.store.value.map_kind == "tsne"
    page.cancel_work()
    assert page.store.value.map_kind == "linear"
    page.tsne_slot.stop(3000)


def test_a_click_on_the_map_selects_that_point(page, qtbot):
    """Only the 1s are shown; the rightmost 1 is clicked where it is drawn."""
    page.store.set(hidden_classes=tuple(c for c in range(10) if c != 1))
    labels, xy = page.session.dataset.labels, page.session.view_xy
    ones = np.flatnonzero(labels == 1)
    row = int(ones[np.argmax(xy[ones, 0])])
    vb = page.scatter.getPlotItem().vb
    at = page.scatter.mapFromScene(vb.mapViewToScene(QPointF(*map(float, xy[row]))))
    qtbot.mouseClick(page.scatter.viewport(), Qt.LeftButton, pos=at)
    assert page.store.value.selected_image == row
    assert page.store.value.row_a == row  # on the morphing tab the click also set A


def test_a_wheel_zoom_on_the_map_is_kept_in_the_state(page, qtbot):
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = page.scatter.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    before = page.scatter.view_range()
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), P(0, 0), P(0, 120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)
    assert page.store.value.map_range is not None
    assert np.allclose(page.store.value.map_range, page.scatter.view_range())
    assert page.store.value.map_range[1] - page.store.value.map_range[0] < before[1] - before[0]


def test_generation_controls_write_the_state(page, qtbot):
    gen = page.tab_pages[3]
    gen.seed.selectAll()
    qtbot.keyClicks(gen.seed, "12")
    assert page.store.value.gen_seed == 12
    qtbot.mouseClick(gen.resample, Qt.LeftButton)
    assert page.store.value.gen_seed == 13 and gen.seed.value() == 13


def test_a_refused_edit_is_explained_in_french_and_changes_nothing(page, app_state):
    app_state.set_language("fr")
    before = page.store.value
    assert not page.edit(morph_steps=99)
    assert page.store.value == before
    assert page.status.text() == ("Rien n'a changé : étapes de la bande = 99 est hors de l'intervalle "
                                  "permis [3 ; 15].")


def test_a_broken_model_file_changes_nothing(page, tmp_path):
    bad = tmp_path / "broken.aeviz"
    bad.write_bytes(b"not a zip")
    before = page.store.value
    assert not page.open_path(str(bad))
    assert page.store.value == before and page.model_combo.currentData() == ("pretrained", "mlp_latent2")


# --- saved views ----------------------------------------------------------------------------------
def settled_grab(qtbot, page):
    """The page's picture once pending layout and plot updates have been drawn (two grabs agree)."""
    before = page.grab()
    for _ in range(40):
        qtbot.wait(25)
        now = page.grab()
        if pixels_differ(before, now) == 0:
            return now
        before = now
    return now


def pixels_differ(a, b) -> float:
    def array(image):
        image = image.convertToFormat(image.Format.Format_RGB32)
        return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :4 * image.width()]
    x, y = array(a.toImage()), array(b.toImage())
    assert x.shape == y.shape
    return float((x.reshape(x.shape[0], -1, 4) != y.reshape(y.shape[0], -1, 4)).any(axis=2).mean())


@pytest.mark.parametrize("name", ["morphing", "attributes"])
def test_a_saved_view_reopens_the_same_page(qtbot, app_state, tmp_path, name):
    value = PRESETS[name]().with_changes(hidden_classes=(5,), map_range=(-20.0, 15.0, -15.0, 18.0), gen_seed=7)
    first = make_page(qtbot, app_state, value)
    path = save_view(tmp_path / "v.aevizview", first.current_view())
    second = make_page(qtbot, app_state, LatentState())
    second.open_view(load_view(path))
    second.prepare_for_screenshot()
    assert second.store.value == first.store.value == value
    a, b = settled_grab(qtbot, first), settled_grab(qtbot, second)
    assert pixels_differ(a, b) <= 0.005
    for page in (first, second):
        page.hide()
        page.shutdown()


def test_a_view_of_the_training_pages_model_carries_its_weights(qtbot, app_state, tmp_path):
    from aeviz.core.models import ModelConfig, build_model

    config = ModelConfig("mlp", 2, hidden=(32,))
    app_state.models.publish_live(build_model(config, seed=3).eval(), config, "MLP (test)", "mnist", training=False)
    first = make_page(qtbot, app_state, SMALL.with_model("live"), show=False)
    view = first.current_view()
    assert view.model is not None
    path = save_view(tmp_path / "live.aevizview", view)
    app_state.models.clear_live()  # another laptop: no training page model
    second = make_page(qtbot, app_state, LatentState(), show=False)
    second.open_view(load_view(path))
    second.prepare_for_screenshot()
    assert second.store.value == first.store.value and second.ready
    assert np.allclose(second.session.codes, first.session.codes, atol=1e-6)
    for page in (first, second):
        page.shutdown()


@pytest.mark.parametrize("state, code", [
    ({"image_set": "test_2000", "row_a": 5000}, "state.out_of_range"),
    ({"morph_alpha": "half"}, "state.bad_type"),
    ({"pretrained_id": "gan_latent3"}, "latent.unknown_model"),
])
def test_a_bad_view_is_refused_and_the_page_keeps_its_state(page, state, code):
    before = page.store.value
    with pytest.raises(StateError) as info:
        page.open_view(View("latent", state))
    assert info.value.code == code
    assert page.store.value == before and page.ready


def test_a_view_naming_a_missing_model_file_is_refused(page, tmp_path):
    before = page.store.value
    with pytest.raises(AevizError):
        page.open_view(View("latent", {"model_source": "file", "model_path": str(tmp_path / "gone.aeviz")},
                            file_fields=("model_path", "attr_folder")))
    assert page.store.value == before


# --- background work --------------------------------------------------------------------------------
def test_background_work_never_touches_a_widget(qtbot, app_state, widget_calls_off_gui_thread):
    from aeviz.ui.pages.latent import LatentPage

    page = LatentPage(app_state)
    qtbot.addWidget(page)
    page.store.replace(SMALL)                                   # encoding, in a worker
    qtbot.waitUntil(lambda: page.ready, timeout=30000)
    page.store.set(tab="attributes", attr_kind="slant", attr_a=0, attr_b=1)   # attribute vector
    attrs = page.tab_pages[2]
    qtbot.waitUntil(lambda: attrs.v is not None and not attrs.slot.busy, timeout=20000)
    partial = []
    page.tsne_slot.progress.connect(partial.append)
    page.store.set(map_kind="tsne")                             # t-SNE: a partial map is enough
    qtbot.waitUntil(lambda: any(isinstance(p, tuple) and p[2] is not None for p in partial), timeout=60000)
    page.shutdown()
    assert widget_calls_off_gui_thread == []
