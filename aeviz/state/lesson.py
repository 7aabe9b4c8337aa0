"""A lesson: the course as a sequence of steps, each an exact page state with its caption.

A step is a page id, that page's state (as its state value writes it), a caption in
French and in English (the slide's words) and an optional action the player runs once
the step shows ("play" the stepper, "train" a short run). Teachers make their own and
share them as ``.aevizlesson`` files: JSON, versioned, size-capped, and every step's
state validated by its page's model when the file is read, so a bad file is refused
with the number of the step at fault before anything changes.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aeviz import __version__
from aeviz.core.files import FileRefused, display_name, open_regular, read_capped
from aeviz.core.persist import atomic_write_bytes
from aeviz.core.versioned_json import parse_versioned_json
from aeviz.state.base import PageState, StateError

__all__ = ["LessonError", "Step", "Lesson", "STATE_PAGES", "ACTIONS", "state_class", "load_lesson", "save_lesson",
           "lesson_from_json", "step_from_dict", "open_lesson", "builtin_lesson", "has_builtin_lesson", "BUILTIN",
           "LESSON_SUFFIX"]

FORMAT_NAME = "aeviz-lesson"
FORMAT_VERSION = 1
LESSON_SUFFIX = ".aevizlesson"
MAX_LESSON_BYTES = 4 * 1024 * 1024
MAX_STEPS = 500
MAX_CAPTION = 2000
#: pages with a state a step can hold (their models are ``aeviz.state.<page>``)
STATE_PAGES = ("training", "compression", "pretraining", "convolution", "transposed", "exercises", "linear",
               "latent")
#: what a step may do once shown: "" nothing, "play" the page's stepper, "train" a short run
ACTIONS = ("", "play", "train")


class LessonError(StateError):
    """A lesson file or step that cannot be used; ``step`` (1-based) names the step at fault."""


def state_class(page: str) -> type[PageState]:
    if page not in STATE_PAGES or importlib.util.find_spec(f"aeviz.state.{page}") is None:
        raise LessonError("lesson.unknown_page", f"unknown page {page[:40]!r}", page=str(page)[:40])
    module = importlib.import_module(f"aeviz.state.{page}")
    found = [v for v in vars(module).values()
             if isinstance(v, type) and issubclass(v, PageState) and v is not PageState and v.page_id == page]
    return found[0]


@dataclass(frozen=True)
class Step:
    page: str
    state: PageState
    caption_fr: str = ""
    caption_en: str = ""
    action: str = ""

    def caption(self, language: str) -> str:
        return self.caption_fr if language == "fr" else self.caption_en

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "state_version": self.state.version, "state": self.state.to_dict(),
                "caption": {"fr": self.caption_fr, "en": self.caption_en}, "action": self.action}


@dataclass(frozen=True)
class Lesson:
    title_fr: str
    title_en: str
    steps: tuple[Step, ...]

    def title(self, language: str) -> str:
        return self.title_fr if language == "fr" else self.title_en

    def with_steps(self, steps) -> "Lesson":
        return dataclasses.replace(self, steps=tuple(steps))

    def to_json(self) -> bytes:
        doc = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "aeviz_version": __version__,
               "title": {"fr": self.title_fr, "en": self.title_en}, "steps": [s.to_dict() for s in self.steps]}
        return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def _bad_text(step: int) -> LessonError:
    """Step 0 is the lesson's title."""
    if step == 0:
        return LessonError("lesson.bad_title", "invalid lesson title")
    return LessonError("lesson.bad_step", f"step {step}: invalid caption", step=step, part="caption")


def _text(value: Any, step: int) -> str:
    if not isinstance(value, str) or len(value) > MAX_CAPTION:
        raise _bad_text(step)
    return value


def _captions(value: Any, step: int) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise _bad_text(step)
    return _text(value.get("fr", ""), step), _text(value.get("en", ""), step)


def step_from_dict(data: Any, number: int) -> Step:
    if not isinstance(data, dict) or not isinstance(data.get("page"), str):
        raise LessonError("lesson.bad_step", f"step {number}: not a step", step=number, part="step")
    page = data["page"]
    version = data.get("state_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise LessonError("lesson.bad_step", f"step {number}: invalid state version", step=number, part="state_version")
    try:
        cls = state_class(page)
        state = cls.from_dict(data.get("state", {}), version)
    except StateError as exc:
        # the page state's error rides along as ``state_code`` and its params (``code`` is the lesson's own)
        raise LessonError("lesson.bad_state", f"step {number}: {exc}", step=number, state_code=exc.code,
                          **{k: v for k, v in exc.params.items() if k not in ("step", "state_code")}) from None
    action = data.get("action", "")
    if action not in ACTIONS:
        raise LessonError("lesson.bad_step", f"step {number}: unknown action {str(action)[:20]!r}", step=number,
                          part="action")
    fr, en = _captions(data.get("caption", {}), number)
    return Step(page, state, fr, en, action)


_REFUSALS = {"json": "lesson.damaged", "foreign": "lesson.foreign", "version": "lesson.damaged",
             "newer": "lesson.newer_version"}


def lesson_from_json(raw: bytes, name: str) -> Lesson:
    doc = parse_versioned_json(raw, name, FORMAT_NAME, FORMAT_VERSION, "an aeviz lesson",
                               lambda kind, message, **params: LessonError(_REFUSALS[kind], message, **params))
    steps = doc.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise LessonError("lesson.no_steps", f"{name}: a lesson has 1 to {MAX_STEPS} steps", name=name,
                          limit=MAX_STEPS)
    fr, en = _captions(doc.get("title", {}), 0)
    return Lesson(fr, en, tuple(step_from_dict(s, i + 1) for i, s in enumerate(steps)))


def load_lesson(path: str | os.PathLike) -> Lesson:
    p = Path(path)
    name = display_name(p)
    try:
        with open_regular(p) as handle:
            raw = read_capped(handle, MAX_LESSON_BYTES)
    except FileRefused as refused:
        raise LessonError(f"lesson.{refused.reason}", f"{name}: cannot be opened ({refused.reason})",
                          name=name) from None
    if raw is None:
        raise LessonError("lesson.too_large", f"{name} is implausibly large", name=name, limit=MAX_LESSON_BYTES)
    return lesson_from_json(raw, name)


def save_lesson(path: str | os.PathLike, lesson: Lesson) -> Path:
    return atomic_write_bytes(path, lesson.to_json())


#: the name that stands for the built-in course where a lesson file is expected (``aeviz --lesson builtin``)
BUILTIN = "builtin"
_BUILTIN_MODULE = "aeviz.state.builtin_lesson"


def has_builtin_lesson() -> bool:
    return importlib.util.find_spec(_BUILTIN_MODULE) is not None


def builtin_lesson() -> Lesson:
    """The course as a lesson (``aeviz.state.builtin_lesson``); ``lesson.no_builtin`` when it is not there."""
    if not has_builtin_lesson():
        raise LessonError("lesson.no_builtin", "this version of aeviz has no built-in lesson")
    return importlib.import_module(_BUILTIN_MODULE).builtin_lesson()


def open_lesson(source: str | os.PathLike) -> Lesson:
    """A lesson file, or the built-in course for :data:`BUILTIN`."""
    return builtin_lesson() if str(source) == BUILTIN else load_lesson(source)
