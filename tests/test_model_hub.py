from aeviz.ui.model_hub import ModelHub


def test_publications_are_versioned_and_signalled(qtbot):
    hub = ModelHub()
    assert hub.live() is None
    with qtbot.waitSignal(hub.live_model_changed, timeout=1000):
        first = hub.publish_live(object(), object(), "MLP", "mnist", training=True)
    second = hub.publish_live(object(), object(), "MLP", "mnist", training=False)
    assert second.version == first.version + 1 and hub.live() is second and not second.training
    hub.clear_live()
    assert hub.live() is None
