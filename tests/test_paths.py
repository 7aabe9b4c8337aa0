"""The user's folders follow platformdirs, and files kept where earlier versions put them move once."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from aeviz.core import paths


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh home, no overrides: the real platform rules apply inside tmp_path."""
    for variable in ("AEVIZ_CONFIG_DIR", "AEVIZ_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                     "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _windows(monkeypatch, home: Path) -> None:
    """Windows' rules on this machine: the known folders are answered from inside ``home``."""
    import platformdirs.windows

    folders = {"CSIDL_APPDATA": home / "AppData" / "Roaming", "CSIDL_LOCAL_APPDATA": home / "AppData" / "Local"}
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda name: str(folders[name]))
    monkeypatch.setenv("APPDATA", str(folders["CSIDL_APPDATA"]))
    monkeypatch.setattr(paths, "PLATFORM", "win32")


def _old_layout(config: Path, data: Path) -> None:
    """What earlier versions left: settings in the config folder, logs and cache in the data folder."""
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"language": "fr", "zoom": 1.5}))
    data.mkdir(parents=True, exist_ok=True)
    (data / "logs").mkdir()
    (data / "logs" / "aeviz.log").write_text("old log line\n")
    (data / "logs" / "aeviz.log.1").write_text("older log line\n")
    (data / "cache" / "pretraining").mkdir(parents=True)
    (data / "cache" / "pretraining" / "abc.json").write_text("{}")


def _assert_moved(config: Path, logs: Path, cache: Path) -> None:
    assert json.loads((config / "settings.json").read_text()) == {"language": "fr", "zoom": 1.5}
    assert (logs / "aeviz.log").read_text() == "old log line\n"
    assert (logs / "aeviz.log.1").read_text() == "older log line\n"
    assert (cache / "pretraining" / "abc.json").read_text() == "{}"


def test_linux_folders_follow_xdg(home):
    assert paths.config_dir() == home / ".config" / "aeviz"
    assert paths.data_dir() == home / ".local" / "share" / "aeviz"
    assert paths.cache_dir() == home / ".cache" / "aeviz"
    assert paths.log_dir() == home / ".local" / "state" / "aeviz" / "log"


def test_overrides_put_everything_under_them(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path / "d"))
    assert paths.config_dir() == tmp_path / "c"
    assert (paths.data_dir(), paths.cache_dir(), paths.log_dir()) == (
        tmp_path / "d", tmp_path / "d" / "cache", tmp_path / "d" / "logs")
    assert paths.migrate_user_files() == []  # the overridden layout is the one earlier versions used


def test_linux_migration_moves_logs_and_cache_once(home):
    old_data = home / ".local" / "share" / "aeviz"
    _old_layout(home / ".config" / "aeviz", old_data)

    report = paths.migrate_user_files()

    _assert_moved(home / ".config" / "aeviz", home / ".local" / "state" / "aeviz" / "log", home / ".cache" / "aeviz")
    assert len(report) == 2 and all(line.startswith("moved ") for line in report)
    assert not (old_data / "logs").exists() and not (old_data / "cache").exists()
    assert paths.migrate_user_files() == []  # once


def test_macos_migration(home, monkeypatch):
    monkeypatch.setattr(paths, "PLATFORM", "darwin")
    support = home / "Library" / "Application Support" / "aeviz"
    _old_layout(support, support)

    report = paths.migrate_user_files()

    assert paths.config_dir() == support  # the settings stay where they were
    _assert_moved(support, home / "Library" / "Logs" / "aeviz", home / "Library" / "Caches" / "aeviz")
    assert len(report) == 2
    assert sorted(p.name for p in support.iterdir()) == ["settings.json"]


def test_windows_migration_keeps_settings_roaming_and_moves_the_rest_local(home, monkeypatch):
    _windows(monkeypatch, home)
    roaming, local = home / "AppData" / "Roaming" / "aeviz", home / "AppData" / "Local" / "aeviz"
    _old_layout(roaming, roaming)

    report = paths.migrate_user_files()

    assert paths.config_dir() == roaming and paths.data_dir() == local
    _assert_moved(roaming, local / "Logs", local / "Cache")
    assert len(report) == 2
    assert sorted(p.name for p in roaming.iterdir()) == ["settings.json"]


@pytest.mark.parametrize("platform, old_config", [
    ("linux", ".config/aeviz"), ("darwin", "Library/Application Support/aeviz"), ("win32", "AppData/Roaming/aeviz")])
def test_settings_stay_where_earlier_versions_kept_them(home, monkeypatch, platform, old_config):
    """The paths earlier versions computed by hand, written out: the settings file never moves."""
    if platform == "win32":
        _windows(monkeypatch, home)
    monkeypatch.setattr(paths, "PLATFORM", platform)
    assert paths.config_dir() == home / old_config


def test_nothing_overwritten_when_the_new_place_is_taken(home):
    _old_layout(home / ".config" / "aeviz", home / ".local" / "share" / "aeviz")
    new_logs = home / ".local" / "state" / "aeviz" / "log"
    new_logs.mkdir(parents=True)
    (new_logs / "aeviz.log").write_text("new\n")

    report = paths.migrate_user_files()

    assert (new_logs / "aeviz.log").read_text() == "new\n"
    assert (home / ".local" / "share" / "aeviz" / "logs" / "aeviz.log").read_text() == "old log line\n"
    assert len(report) == 1  # only the cache moved


def test_a_failed_move_is_reported_and_keeps_the_old_files(home, monkeypatch):
    _old_layout(home / ".config" / "aeviz", home / ".local" / "share" / "aeviz")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(paths.shutil, "move", refuse)
    report = paths.migrate_user_files()

    assert len(report) == 2 and all(line.startswith("could not move") for line in report)
    assert (home / ".local" / "share" / "aeviz" / "logs" / "aeviz.log").exists()


def test_setup_logging_moves_old_logs_and_says_so_in_the_new_log(home, qapp):
    from aeviz.ui import errors

    _old_layout(home / ".config" / "aeviz", home / ".local" / "share" / "aeviz")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        path = errors.setup_logging()
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    assert path == home / ".local" / "state" / "aeviz" / "log" / "aeviz.log"
    text = path.read_text()
    assert text.startswith("old log line\n")  # the old log carries on in its new place
    assert "user files: moved" in text and str(home / ".cache" / "aeviz") in text


def test_resources_found_from_the_checkout(monkeypatch):
    monkeypatch.delenv("AEVIZ_RESOURCES_DIR", raising=False)
    assert paths.resource_path("datasets", "mnist", "t10k-labels-idx1-ubyte.gz").is_file()
    assert sorted(p.name for p in paths.resource_path("models").glob("*.aeviz"))
