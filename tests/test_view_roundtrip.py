"""A saved view renders the picture it was saved from: ``--screenshot D1`` then ``--view D1/<page>.aevizview``.

Every page but the home page has a state to save; each is rendered, its view written
next to its image, then the view alone is rendered in a fresh window and the two images
compared (at most 0.5 % of pixels may differ: anti-aliasing of the focus frame).
"""

import numpy as np
import pytest
from PIL import Image

from aeviz.ui.pages import page_ids

SAVED_PAGES = [p for p in page_ids() if p != "home"]
#: each page in one language, the two languages taking turns (both pages' texts are checked elsewhere;
#: what this test checks, a view's picture coming back, does not depend on the language)
PAGES_AND_LANGUAGES = [(page, ("fr", "en")[i % 2]) for i, page in enumerate(SAVED_PAGES)]


def _differing(a, b) -> float:
    x = np.asarray(Image.open(a).convert("RGB"), dtype=np.int16)
    y = np.asarray(Image.open(b).convert("RGB"), dtype=np.int16)
    assert x.shape == y.shape
    return float((np.abs(x - y).sum(axis=-1) > 0).mean())


@pytest.mark.parametrize("page_id, language", PAGES_AND_LANGUAGES)
def test_a_saved_view_renders_the_same_picture(qapp, tmp_path, page_id, language):
    from aeviz.ui.app import render_screenshots

    first = render_screenshots(tmp_path / "d1", language, pages=[page_id])
    assert [p.name for p in first] == [f"{page_id}.png", f"{page_id}.aevizview"]
    again = render_screenshots(tmp_path / "d2", language, view=str(first[1]))
    assert [p.name for p in again] == [f"{page_id}.png"]
    assert _differing(first[0], again[0]) <= 0.005


def test_a_bad_view_is_refused_and_renders_nothing(qapp, tmp_path):
    from aeviz.core.viewfile import ViewError
    from aeviz.ui.app import render_screenshots

    bad = tmp_path / "bad.aevizview"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ViewError):
        render_screenshots(tmp_path / "out", "fr", view=str(bad))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
