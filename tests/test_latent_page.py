"""The latent-space page as a student uses it, on a 2 000-image subset of MNIST test."""

import io
import time

import numpy as np
import pytest
import torch
from PIL import Image

from aeviz.ui import workers

torch.set_num_threads(1)


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.latent import LatentPage

    page = LatentPage(app_state)
    qtbot.addWidget(page)
    page.store.replace(page.store.value.with_image_set("test_2000"))
    page.resize(1300, 800)
    page.prepare_for_screenshot()
    yield page
    page.shutdown()


def test_page_is_registered_with_titles():
    from aeviz.ui import i18n
    from aeviz.ui.pages import spec_for

    spec = spec_for("latent")
    assert spec and spec.lesson == 3 and spec.load_class().page_id == "latent"
    assert i18n.catalog()["page.latent"]["fr"] == "Espace latent"


def test_encoding_fills_the_scatter_with_every_point(page):
    s = page.session
    assert s.ready and len(s.codes) == 2000 and s.k == 2 and s.method == "direct"
    assert page.scatter.cloud.point_count() == 2000
    assert np.allclose(page.scatter.points(), s.codes)
    assert not workers.running_tasks()


def test_hover_returns_the_right_index(page, qtbot):
    scatter = page.scatter
    page.show()
    qtbot.waitExposed(page)
    rng = np.random.default_rng(0)
    xy = np.stack(np.meshgrid(np.arange(30.0), np.arange(30.0)), -1).reshape(-1, 2)
    labels = rng.integers(0, 10, len(xy))
    scatter.set_points(xy, labels, [str(i) for i in range(10)])
    vb = scatter.getPlotItem().vb
    for row in rng.choice(len(xy), 20, replace=False):
        scene = vb.mapViewToScene(pg_point(xy[row]))
        scatter._on_mouse_moved(scene)
        assert scatter._last_hover == row
        assert scatter.nearest(*xy[row]) == row
    scatter.set_class_visible(int(labels[5]), False)
    assert scatter.nearest(*xy[5]) != 5  # hidden classes are not hovered
    page.hide()


def pg_point(xy):
    from PySide6.QtCore import QPointF
    return QPointF(float(xy[0]), float(xy[1]))


def test_every_point_is_painted(page, qtbot):
    """Three isolated points of three classes each leave their class colour on screen."""
    from PySide6.QtGui import QColor
    from aeviz.ui.widgets.scatter import class_colors

    scatter = page.scatter
    page.show()
    qtbot.waitExposed(page)
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 10.0]])
    scatter.set_points(xy, np.array([0, 1, 2]), ["a", "b", "c"])
    for item in scatter._texts:
        item.hide()
    scatter.set_path(None)
    scatter.marks.setData([])
    scatter.getPlotItem().showGrid(x=False, y=False)
    image = scatter.grab().toImage()
    vb = scatter.getPlotItem().vb
    colors = class_colors(page.state, 3)
    for (x, y), color in zip(xy, colors):
        p = scatter.mapFromScene(vb.mapViewToScene(pg_point((x, y))))
        got = QColor(image.pixel(p.x(), p.y()))
        c, bg, a = QColor(color), QColor(page.state.colors.plot_bg), 190 / 255  # drawn with alpha 190
        want = QColor(*(round(a * getattr(c, f)() + (1 - a) * getattr(bg, f)()) for f in ("red", "green", "blue")))
        assert abs(got.red() - want.red()) + abs(got.green() - want.green()) + abs(got.blue() - want.blue()) < 90
    page.hide()


def test_click_selects_and_shows_image_and_reconstruction(page):
    s = page.session
    page.scatter.clicked.emit(42)
    assert page.store.value.selected_image == 42
    assert np.array_equal(page.hover_image.image(), (np.clip(s.image(42), 0, 1) * 255 + 0.5).astype(np.uint8))
    recon = (np.clip(s.reconstruction(42), 0, 1) * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(page.hover_recon.image(), recon)


def test_morph_endpoints_are_the_reconstructions(page):
    morph, s = page.tab_pages[0], page.session
    page.store.set(row_a=3, row_b=17)
    for method in ("lerp", "slerp"):
        page.store.set(path_kind=method)
        strip = morph.strip_images()
        assert np.allclose(strip[0], s.reconstruction(3), atol=1e-6)
        assert np.allclose(strip[-1], s.reconstruction(17), atol=1e-6)
    morph.alpha.setValue(0)
    assert np.array_equal(morph.decoded.image(), (s.reconstruction(3) * 255 + 0.5).astype(np.uint8))
    morph.alpha.setValue(100)
    assert np.array_equal(morph.blend.image(), (s.image(17) * 255 + 0.5).astype(np.uint8))
    assert "Distance" in morph.distance.text()


def test_morph_picks_follow_clicks_and_gallery(page):
    morph = page.tab_pages[0]
    page.tabs.setCurrentIndex(0)
    morph.pick_buttons[0].click()
    row = page.store.value.selected_image + 1
    page.scatter.clicked.emit(row)
    assert page.store.value.row_a == row and morph.pick_buttons[1].isChecked()
    morph.gallery.clicked.emit(3)
    assert page.store.value.row_b == int(morph.gallery_rows[3])


def test_exports_are_valid_files(page, tmp_path):
    from aeviz.core import latent as L
    from aeviz.ui.pages.latent_export import widget_png, write_codes_csv

    path = write_codes_csv(tmp_path / "codes.csv", page.session)
    rows = path.read_text().strip().split("\n")
    assert len(rows) == 2001 and rows[0] == "index,label,class,z1,z2"
    first = rows[1].split(",")
    assert np.allclose([float(v) for v in first[3:]], page.session.codes[0], atol=1e-4)
    png = Image.open(io.BytesIO(widget_png(page.scatter)))
    assert png.format == "PNG" and png.size[0] > 100
    strip = page.tab_pages[0].strip_images()
    gif = Image.open(io.BytesIO(L.strip_gif(strip)))
    assert gif.n_frames == 2 * len(strip) - 2


def test_sliders_decode_live_and_drag_the_target(page):
    sliders, s = page.tab_pages[1], page.session
    page.tabs.setCurrentIndex(1)
    assert len(sliders.sliders) == 2 and sliders.manifold.isVisibleTo(sliders)
    assert page.scatter.target.isVisible()
    before = sliders.decoded.image().copy()
    sliders.sliders[0].setValue(0)
    assert sliders.z[0] == pytest.approx(s.ranges()[0][0], rel=1e-5)
    assert page.store.value.slider_code[0] == pytest.approx(s.ranges()[0][0], rel=1e-5)
    assert not np.array_equal(before, sliders.decoded.image())
    page.scatter.target.setPos(1.0, 2.0)
    assert page.store.value.slider_code == (1.0, 2.0)
    assert np.allclose(sliders.z, [1.0, 2.0])
    expected = (s.decode(np.array([[1.0, 2.0]]))[0] * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(sliders.decoded.image(), expected)
    page.tabs.setCurrentIndex(0)
    assert not page.scatter.target.isVisible()


def test_attribute_vector_and_auc(page, qtbot):
    from aeviz.core import latent as L

    attrs, s = page.tab_pages[2], page.session
    qtbot.waitUntil(lambda: attrs.v is not None, timeout=10000)
    in_a, in_b = s.dataset.labels == 8, s.dataset.labels == 1
    v, _auc = L.attribute_auc(s.codes, in_a, in_b)
    assert np.allclose(attrs.v, v, atol=1e-5)
    assert "ROC-AUC" in attrs.result.text()
    page.store.set(attr_kind="ink", attr_a=0, attr_b=1)  # ink mass: computed again on its own
    qtbot.waitUntil(lambda: not attrs.slot.busy and attrs.v is not None, timeout=10000)
    v, _auc = L.attribute_auc(s.codes, *L.high_low_groups(L.ink_mass(s.dataset.images)))
    assert np.allclose(attrs.v, v, atol=1e-5)
    assert "ROC-AUC" in attrs.result.text()


def test_generation_is_seeded(page):
    gen = page.tab_pages[3]
    gen.seed.setValue(3)
    first = gen.grid.images().copy()
    gen.seed.setValue(4)
    assert not np.array_equal(first, gen.grid.images())
    gen.seed.setValue(3)
    assert np.array_equal(first, gen.grid.images())


def test_bad_bundle_is_explained(page, tmp_path):
    bad = tmp_path / "broken.aeviz"
    bad.write_bytes(b"not a zip")
    assert not page.open_path(str(bad))
    assert "Cannot open this model" in page.status.text()
    assert page.ready and page.store.value.model_source == "pretrained"  # the previous model is still in use


def test_cancel_encoding_and_tsne_leave_no_thread(page, qtbot):
    page.store.replace(page.store.value.with_image_set("test"))  # starts encoding
    assert page.encode_slot.busy
    page.cancel_work()
    assert page.encode_slot.stop(2000)
    assert page.store.value.image_set == "test_2000" and page.ready  # back to the codes shown
    page.store.set(map_kind="tsne")
    assert page.tsne_slot.busy
    page.cancel_work()
    assert page.tsne_slot.stop(3000)
    qtbot.wait(20)
    assert not workers.running_tasks()
    assert page.store.value.map_kind == "linear" and page.session.method == "direct"


def test_shipped_model_on_the_test_set_shows_its_full_tsne_map_at_once(page, qtbot):
    from aeviz.core import maps
    from aeviz.core.pretrained import list_pretrained

    page.store.replace(page.store.value.with_image_set("test"))  # the set the shipped maps cover
    qtbot.waitUntil(lambda: page.ready and len(page.session.codes) == 10000, timeout=30000)
    assert page.view_combo.itemText(page.view_combo.findData("tsne")) == "t-SNE of all 10,000 codes (precomputed)"
    page.store.set(map_kind="tsne")
    assert not page.tsne_slot.busy   # nothing to compute
    assert page.session.method == "tsne" and page.scatter.cloud.point_count() == 10000
    model = next(m for m in list_pretrained() if m.id == page.store.value.pretrained_id)
    assert np.allclose(page.session.view_xy, maps.shipped_map(model.id, model.path))
    page.store.set(map_kind="linear")
    page.store.replace(page.store.value.with_image_set("test_2000"))  # no shipped map: a t-SNE would run
    qtbot.waitUntil(lambda: page.ready and len(page.session.codes) == 2000, timeout=30000)
    assert page.shipped_tsne(page.store.value) is None


def test_shutdown_during_encoding_is_quick(page):
    page.store.replace(page.store.value.with_image_set("train"))  # 60 000 images, encoded in a worker
    assert page.encode_slot.busy
    start = time.monotonic()
    page.shutdown()
    assert time.monotonic() - start < 1.0
    assert not workers.running_tasks()


def test_language_switch_retranslates(page, app_state):
    app_state.set_language("fr")
    assert page.tabs.tabText(1) == "Curseurs du code"
    assert page.tab_pages[0].decoded.caption() == "Code décodé"
    assert "images, code de 2 nombres" in page.status.text()
    assert page.view_combo.currentText() == "z1, z2 tels quels"


def test_an_opened_model_file_shows_in_the_model_box(page, tmp_path, qtbot):
    from aeviz.core import bundle
    from aeviz.core.models import ModelConfig, build_model

    path = tmp_path / "mine.aeviz"
    bundle.save(path, build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0))
    assert page.open_path(str(path))
    assert page.model_combo.currentText() == "mine.aeviz"
    assert tuple(page.model_combo.currentData()) == ("file", str(path))
    qtbot.waitUntil(lambda: not any(t.is_running() for t in workers.running_tasks()), timeout=20000)
