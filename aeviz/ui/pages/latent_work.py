"""The latent page's background work: encoding the images, the t-SNE map, the live model.

A mixin of ``LatentPage`` (kept apart so the page module stays short). Each job runs in a
``TaskSlot`` on copies taken from the state and the session before it starts, and its
result carries the key of the request it answers, so a late result of a state that is
gone is dropped.
"""

from __future__ import annotations

from aeviz.ui.i18n import tr
from aeviz.ui.pages.latent_session import ALL_FIELDS, DATA_FIELDS, encode_work, keyed, tsne_work
from aeviz.ui.pages.latent_source import TSNE_POINTS


class WorkMixin:
    def start_encoding(self, value=None) -> None:
        """Encode the state's images with the session's model in a worker (replacing older work)."""
        value = value or self.store.value
        key = self._data_key(value)
        self.tsne_slot.cancel()
        for tab in self.tab_pages:
            tab.shutdown()
        self._encoding_key = key
        model, loader = self.session.model, self._dataset_loader(value)
        self._show_progress("latent.encoding")
        self.encode_slot.start(lambda: encode_work(key, model, loader), replace=True)

    def encode_now(self) -> None:
        """Finish the state's encoding on this thread (screenshots, tests): the same work."""
        value = self.store.value
        if self.ready:
            return
        self._sync_data(value)
        if self.encode_slot.busy:
            self.encode_slot.stop(5000)
        if self._model_key != self._data_key(value)[0]:
            return  # the state's model could not be opened: the status says why
        gen = encode_work(self._data_key(value), self.session.model, self._dataset_loader(value))
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            self._on_encoded(stop.value)

    def tsne_now(self) -> None:
        """Finish the state's t-SNE map on this thread (screenshots), if it needs one."""
        value = self.store.value
        if not self.ready or value.map_kind != "tsne" or self._tsne_map(value) is not None:
            return
        self.tsne_slot.stop(5000)
        gen = tsne_work(self.session.codes, TSNE_POINTS, value.tsne_seed)
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            self._on_tsne_done(((self.session.key, value.tsne_seed), stop.value))

    def _start_tsne(self, value) -> None:
        codes, seed, key = self.session.codes, value.tsne_seed, (self.session.key, value.tsne_seed)
        self._show_progress("latent.tsne_running")
        self.tsne_slot.start(lambda: keyed(key, tsne_work(codes, TSNE_POINTS, seed)), replace=True)

    def _show_progress(self, key: str) -> None:
        self.progress_key = key  # the format is set again at a language switch
        self.progress.setFormat(tr(key))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def _on_progress(self, value) -> None:
        fraction = value[0] if isinstance(value, tuple) else value
        self.progress.setValue(int(100 * fraction))
        if isinstance(value, tuple) and value[2] is not None and self.ready:  # a t-SNE map unfolding
            self.scatter.set_points(value[2], self.session.dataset.labels[value[1]], self.session.dataset.class_names)

    def _on_encoded(self, result) -> None:
        key, dataset, codes, pca, spacing = result
        if key != self._data_key(self.store.value):
            return  # made for a state that is gone
        self._encoding_key = None
        self.session.set_codes(key, dataset, codes, pca, spacing)
        self._render(self.store.value, ALL_FIELDS)

    def _on_tsne_done(self, result) -> None:
        key, (rows, xy) = result
        self._tsne_maps[key] = (rows, xy)
        value = self.store.value
        if key == (self.session.key, value.tsne_seed) and value.map_kind == "tsne":
            self._render(value, ALL_FIELDS - DATA_FIELDS)

    def _on_failed(self, message: str, _details: str) -> None:
        self._set_status("latent.failed", error=message)

    def _on_busy(self, _busy: bool) -> None:
        if not (self.encode_slot.busy or self.tsne_slot.busy):
            self.progress.hide()
            self.cancel_button.hide()

    def cancel_work(self) -> None:
        """Cancel: the map goes back to the linear view, an encoding back to the codes shown before."""
        tsne, encoding = self.tsne_slot.busy, self.encode_slot.busy
        self.tsne_slot.cancel()
        self.encode_slot.cancel()
        self._encoding_key = None
        self._set_status("latent.cancelled")
        if tsne:
            self.edit(map_kind="linear")
        if encoding and self.session.key is not None:
            self._back_to_session()

    def _back_to_session(self) -> None:
        """The state of the model and images whose codes the session holds (a cancelled change undone)."""
        (source, pretrained_id, model_path, *_live), images = self.session.key
        value = self.store.value.with_changes(model_source=source, model_path=model_path,
                                              pretrained_id=pretrained_id or self.store.value.pretrained_id)
        self.edit_value(value.with_image_set(images))

    def _on_live_changed(self) -> None:
        if self.store.value.model_source == "live" and self._embedded is None and self.session.model is None:
            self._model_key = self._failed_key = None
            self._render(self.store.value, ALL_FIELDS)

    def _refresh_live(self) -> None:
        live = self.state.models.live()
        if live is None or self.encode_slot.busy or live.version == self._live_version:
            return
        self._model_key = None  # the hub's newer copy replaces the one in the session
        self._render(self.store.value, ALL_FIELDS)
