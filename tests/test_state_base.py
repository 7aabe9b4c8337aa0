"""The page-state foundation: validation before change, one notice per change, JSON round trips."""

import dataclasses
import json
from typing import Literal

import pytest

from aeviz.state.base import PageState, StateError, Store, check_grid, check_range
from aeviz.state.run import TRANSITIONS, advance


@dataclasses.dataclass(frozen=True)
class Demo(PageState):
    page_id = "demo"
    grid: tuple[tuple[float, ...], ...] = ((1, 2), (3, 4))
    stride: int = 1
    tab: Literal["direct", "real"] = "direct"
    selection: tuple[int, int] | None = None

    def validate(self) -> None:
        check_grid("grid", self.grid, 4, 4, -9, 9)
        check_range("stride", self.stride, 1, 3)


def test_json_round_trip_gives_an_equal_value():
    value = Demo(grid=((1, -2.5, 3),), stride=2, tab="real", selection=(0, 1))
    again = Demo.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again == value


@pytest.mark.parametrize("data, code", [
    ({"stride": "2"}, "state.bad_type"),
    ({"stride": True}, "state.bad_type"),
    ({"stride": 7}, "state.out_of_range"),
    ({"tab": "matrix"}, "state.bad_type"),
    ({"grid": [[1, 2], [3]]}, "state.bad_grid"),
    ({"grid": [[1, float("nan")]]}, "state.bad_type"),
    ({"selection": [1, 2, 3]}, "state.bad_type"),
    ({"zoom": 2}, "state.unknown_field"),
    ([1, 2], "state.bad_type"),
])
def test_bad_dictionaries_are_refused_with_a_code(data, code):
    with pytest.raises(StateError) as info:
        Demo.from_dict(data)
    assert info.value.code == code


def test_deep_nesting_is_refused():
    deep = 1
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(StateError):
        Demo.from_dict({"grid": deep})


def test_a_newer_state_version_is_refused():
    with pytest.raises(StateError) as info:
        Demo.from_dict({}, version=Demo.version + 1)
    assert info.value.code == "state.newer_version"


def test_store_notifies_once_per_change_with_the_changed_fields():
    store = Store(Demo())
    seen = []
    store.observe(lambda value, changed: seen.append(changed))
    store.set(stride=2, tab="real")
    store.set(stride=2)  # no change: no notice
    with store.batch():
        store.set(stride=3)
        store.set(selection=(1, 1))
    assert seen == [frozenset({"stride", "tab"}), frozenset({"stride", "selection"})]


def test_a_refused_change_leaves_the_store_as_it_was():
    store = Store(Demo())
    seen = []
    store.observe(lambda value, changed: seen.append(changed))
    with pytest.raises(StateError):
        store.set(stride=0)
    assert store.value == Demo() and seen == []


def test_run_machine_allows_only_listed_moves():
    assert advance("idle", "running") == "running"
    for current, targets in TRANSITIONS.items():
        for target in TRANSITIONS:
            if target not in targets:
                with pytest.raises(StateError) as info:
                    advance(current, target)
                assert info.value.code == "run.illegal"
