"""The latent explorer's state: which model and images, the map, and each tab's settings.

Everything a person sets on the latent page is a field here, so a saved view reopens the
same map, the same pair A/B with the same α, the same slider code, attribute and
generated grid. What is computed from it (the codes, the PCA, a t-SNE map, an attribute
vector) is derived data the page caches; the random parts take their seed from here.

Image indices are checked against the size of the chosen image set (known without
loading it), so a view naming image 9 999 of a 2 000-image set is refused before
anything changes.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Callable, ClassVar, Literal

from aeviz.state.base import PageState, StateError, check_range

__all__ = ["LatentState", "PRESETS", "IMAGE_SETS", "TABS", "MAX_CODE", "ModelSource", "ImageSet"]

ModelSource = Literal["pretrained", "live", "file"]
ImageSet = Literal["test", "test_2000", "train", "all"]
MapKind = Literal["linear", "tsne"]          # linear: z1, z2 as they are (k = 2) or the PCA plane
PathKind = Literal["lerp", "slerp"]
AttrKind = Literal["classes", "ink", "slant", "folder"]
GenSource = Literal["gaussian", "prior"]
Tab = Literal["morph", "sliders", "attributes", "generate"]

#: Number of images of each set (MNIST is bundled: its sizes are fixed).
IMAGE_SETS: dict[str, int] = {"test": 10_000, "test_2000": 2_000, "train": 60_000, "all": 70_000}
TABS: tuple[str, ...] = ("morph", "sliders", "attributes", "generate")
#: Longest code a model may have (aeviz.core.models caps the latent size at 128).
MAX_CODE = 128
#: Slider codes are kept within this bound: far beyond any code an encoder produces.
CODE_BOUND = 1e6
#: Attribute strength t (the slider runs from −2 to +2).
STRENGTH_RANGE = (-2.0, 2.0)
STEPS_RANGE = (3, 15)
GEN_COUNT_RANGE = (4, 64)
SEED_RANGE = (0, 999_999)
MAX_FOLDER_GROUPS = 999
_MODEL_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclasses.dataclass(frozen=True)
class LatentState(PageState):
    page_id: ClassVar[str] = "latent"
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ("model_path", "attr_folder")

    # --- what is shown
    model_source: ModelSource = "pretrained"
    pretrained_id: str = "mlp_latent2"
    model_path: str | None = None                  # an .aeviz file of the user (source "file")
    image_set: ImageSet = "test"
    # --- the map
    map_kind: MapKind = "linear"
    tsne_seed: int = 0
    map_range: tuple[float, float, float, float] | None = None   # x0, x1, y0, y1; None: fit every point
    hidden_classes: tuple[int, ...] = ()
    selected_image: int = 4                             # the image shown under the map (a 4)
    tab: Tab = "morph"
    # --- morphing
    row_a: int = 2                                 # a 1 ...
    row_b: int = 0                                 # ... and a 7
    morph_pick: Literal["a", "b"] = "a"               # which end the next click sets
    morph_alpha: float = 0.5
    path_kind: PathKind = "lerp"
    morph_steps: int = 9
    # --- code sliders: the code being decoded; () starts from the selected image's code
    slider_code: tuple[float, ...] = ()
    # --- attribute vectors
    attr_kind: AttrKind = "classes"
    attr_a: int = 8
    attr_b: int = 1
    attr_folder: str | None = None
    attr_strength: float = 1.0
    # --- generation
    gen_source: GenSource = "gaussian"
    gen_seed: int = 0
    gen_count: int = 32

    def validate(self) -> None:
        if not _MODEL_ID.fullmatch(self.pretrained_id):
            raise StateError("latent.bad_model_id", f"{self.pretrained_id[:80]!r} is not a model name",
                             field="pretrained_id", value=self.pretrained_id[:80])
        if self.model_source == "file" and not self.model_path:
            raise StateError("latent.no_model_file", "source 'file' needs a model file", field="model_path")
        if self.attr_kind == "folder" and not self.attr_folder:
            raise StateError("latent.no_folder", "attribute groups from folders need a folder", field="attr_folder")
        last = IMAGE_SETS[self.image_set] - 1
        for name in ("selected_image", "row_a", "row_b"):
            check_range(name, getattr(self, name), 0, last)
        check_range("tsne_seed", self.tsne_seed, *SEED_RANGE)
        if self.map_range is not None:
            x0, x1, y0, y1 = self.map_range
            if not (x0 < x1 and y0 < y1) or max(map(abs, self.map_range)) > CODE_BOUND:
                raise StateError("latent.bad_map_range", f"map range {self.map_range} is empty or too wide",
                                 field="map_range")
        for c in self.hidden_classes:
            check_range("hidden_classes", c, 0, 9)
        if len(set(self.hidden_classes)) != len(self.hidden_classes):
            raise StateError("latent.repeated_class", "a hidden class is listed twice", field="hidden_classes")
        check_range("morph_alpha", self.morph_alpha, 0.0, 1.0)
        check_range("morph_steps", self.morph_steps, *STEPS_RANGE)
        if len(self.slider_code) > MAX_CODE:
            raise StateError("latent.code_too_long", f"a code has at most {MAX_CODE} numbers",
                             field="slider_code", limit=MAX_CODE)
        for v in self.slider_code:
            check_range("slider_code", v, -CODE_BOUND, CODE_BOUND)
        groups = 9 if self.attr_kind == "classes" else MAX_FOLDER_GROUPS if self.attr_kind == "folder" else 1
        check_range("attr_a", self.attr_a, 0, groups)
        check_range("attr_b", self.attr_b, 0, groups)
        check_range("attr_strength", self.attr_strength, *STRENGTH_RANGE)
        check_range("gen_seed", self.gen_seed, *SEED_RANGE)
        check_range("gen_count", self.gen_count, *GEN_COUNT_RANGE)

    # --- edits that keep the value whole ---------------------------------------------------------
    def with_image_set(self, images: str) -> "LatentState":
        """Another image set; indices beyond its end move to its last image."""
        if images not in IMAGE_SETS:
            raise StateError("state.bad_choice", f"images = {images!r}", field="image_set", value=str(images)[:80])
        last = IMAGE_SETS[images] - 1
        return self.with_changes(image_set=images, selected_image=min(self.selected_image, last), row_a=min(self.row_a, last),
                                 row_b=min(self.row_b, last), map_range=None)

    def with_model(self, source: str, pretrained_id: str | None = None, model_path: str | None = None) -> "LatentState":
        """Another model: its codes differ, so the map is fitted again and the sliders restart."""
        return self.with_changes(model_source=source, pretrained_id=pretrained_id or self.pretrained_id,
                                 model_path=model_path if source == "file" else self.model_path,
                                 map_range=None, slider_code=(), map_kind="linear")

    def with_click(self, row: int) -> "LatentState":
        """A point of the map (or a gallery digit) clicked: it is selected; on the morphing tab it
        also becomes the end the pick buttons point at, and the next click sets the other end."""
        changes: dict = {"selected_image": row}
        if self.tab == "morph":
            changes["row_a" if self.morph_pick == "a" else "row_b"] = row
            changes["morph_pick"] = "b" if self.morph_pick == "a" else "a"
        return self.with_changes(**changes)

    def model_key(self) -> tuple:
        """What identifies the model this value shows (the live model is whatever the hub holds)."""
        return (self.model_source, self.pretrained_id if self.model_source == "pretrained" else None,
                self.model_path if self.model_source == "file" else None)


def round_code(values) -> tuple[float, ...]:
    """A code as state numbers: finite floats, 6 significant digits (what the sliders resolve)."""
    out = []
    for v in values:
        v = float(v)
        out.append(0.0 if not math.isfinite(v) else float(f"{v:.6g}"))
    return tuple(out)


#: The exact states the home page's topics and the lesson player open.
#: Rows are indices in MNIST test (0: a 7, 2: a 1, 3: a 0, 4: a 4, 32: a 3, 110: an 8).
PRESETS: dict[str, Callable[[], LatentState]] = {
    # 784 pixels → 2 numbers: the map of the 10,000 test digits, z1 and z2 as they are.
    "dim_reduction": lambda: LatentState(model_source="pretrained", pretrained_id="mlp_latent2", image_set="test",
                                         map_kind="linear", tab="morph"),
    # Exploratory analysis: the precomputed t-SNE map of a 16-number convolutional code.
    "exploration": lambda: LatentState(model_source="pretrained", pretrained_id="conv_latent16", image_set="test",
                                       map_kind="tsne", tab="morph"),
    # What each number of the code encodes: one slider per number, and with a 2-D code the
    # decoded grid over the whole plane (the manifold map).
    "features": lambda: LatentState(model_source="pretrained", pretrained_id="mlp_latent2", image_set="test",
                                    tab="sliders"),
    # New digits: codes drawn from the VAE's prior N(0, I), decoded.
    "generate": lambda: LatentState(model_source="pretrained", pretrained_id="vae_latent2", image_set="test",
                                    tab="generate", gen_source="prior", gen_seed=0, gen_count=32),
    # The course's (C1 + C2)/2: a 3 and an 8 through the 16-number code. Halfway the decoder draws
    # one plausible digit (a 3 closing into an 8) where the pixel blend shows two ghosts.
    "morphing": lambda: LatentState(model_source="pretrained", pretrained_id="conv_latent16", image_set="test",
                                    tab="morph", row_a=32, row_b=110, selected_image=32, morph_alpha=0.5, path_kind="lerp"),
    # The course's "add a moustache", on digits: add the thick-stroke direction (mean code of the
    # inkier half − mean code of the thinner half) to a thin 0; it thickens and stays a 0.
    "attributes": lambda: LatentState(model_source="pretrained", pretrained_id="conv_latent16", image_set="test",
                                      tab="attributes", attr_kind="ink", attr_a=0, attr_b=1, attr_strength=1.5,
                                      selected_image=3),
}
