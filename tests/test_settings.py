import json

from aeviz.ui.settings import Settings, load_settings, save_settings


def test_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(Settings(language="fr", theme="dark", zoom=1.5, presentation=True), path)
    loaded, warning = load_settings(path)
    assert warning is None
    assert loaded == Settings(language="fr", theme="dark", zoom=1.5, presentation=True)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left behind


def test_missing_file_gives_defaults_silently(tmp_path):
    assert load_settings(tmp_path / "nope.json") == (Settings(), None)


def test_corrupt_file_falls_back_with_a_warning(tmp_path):
    path = tmp_path / "settings.json"
    for content in (b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'{"zoom": "huge", "theme": 3}'):
        path.write_bytes(content)
        settings, warning = load_settings(path)
        assert warning and str(path) in warning
        assert settings.theme == "light" and 0.5 <= settings.zoom <= 3.0


def test_out_of_range_values_are_clamped(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"zoom": 40, "language": "de", "unknown_key": 1}))
    settings, warning = load_settings(path)
    assert settings.zoom == 3.0 and settings.language == ""
    assert warning is not None


def test_unreadable_directory_instead_of_file(tmp_path):
    path = tmp_path / "settings.json"
    path.mkdir()
    settings, warning = load_settings(path)
    assert settings == Settings() and warning


def test_values_of_the_wrong_type_fall_back_to_defaults_with_a_warning(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"presentation": "false", "theme": ["dark"], "zoom": True, "torch_threads": 2.0,
                                "language": "fr"}))
    settings, warning = load_settings(path)
    assert settings == Settings(language="fr")
    assert settings.presentation is False
    assert warning and all(name in warning for name in ("presentation", "theme", "zoom", "torch_threads"))
    assert "language" not in warning
    path.write_text(json.dumps({"presentation": True, "zoom": 2, "torch_threads": 3}))
    assert load_settings(path) == (Settings(zoom=2.0, presentation=True, torch_threads=3), None)


def test_deeply_nested_or_huge_settings_never_stop_the_app(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert load_settings(path)[0] == Settings() and load_settings(path)[1]
    path.write_text('{"theme": "dark", "pad": "' + "x" * (2 * 2 ** 20) + '"}')
    settings, warning = load_settings(path)
    assert settings == Settings() and warning


def test_a_named_pipe_as_settings_does_not_block(tmp_path):
    import os

    import pytest

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    assert load_settings(path)[0] == Settings()


def test_saving_unchanged_settings_leaves_the_file_alone(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings(language="fr", theme="dark", zoom=1.5)
    assert save_settings(settings, path)
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert not save_settings(settings, path)  # closing the window with nothing changed: no write, no fsync
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    path.write_text('{"language": "fr", "theme": "dark", "zoom": 1.5, "presentation": 0, "torch_threads": 0}')
    assert save_settings(settings, path)  # 0 is not false: rewritten with proper types
    assert load_settings(path) == (settings, None)
