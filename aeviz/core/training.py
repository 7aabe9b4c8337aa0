"""Headless training loop, driven by a generator so any UI can pace it.

Typical use (a Qt worker thread, a CLI, a test)::

    trainer = Trainer(model, train_ds, TrainConfig(epochs=5), val_data=val_ds)
    for snap in trainer.run():          # yields ~10 Snapshots per second
        show(snap)                      # loss curve, progress bar, snap.preview
    # trainer.request_stop() from any thread ends run() at the next step;
    # calling run() again resumes exactly where it stopped (pause/resume).

Design choices, all for speed and reproducibility on a classroom CPU:

* the whole training set is one preloaded float tensor; batches are taken with a
  permutation from a seeded ``torch.Generator`` (no DataLoader, no workers);
* every random draw (shuffle, input noise, VAE sampling) uses its own seeded
  generator, so the same seed and thread count give bit-identical losses on CPU, and
  the global torch RNG of the application is never touched (thread counts differ in
  the last bits: a float sum split in two is added in another order);
* with no thread count given the trainer times its own steps at each candidate count
  and keeps the fastest (:class:`~aeviz.core.threads.ThreadChooser`): the best count
  depends on the model and on the load, and no fixed rule gets both right;
* a NaN/inf loss is caught at once: the last good weights are put back and the
  snapshot says why, instead of a silently broken model.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Iterator

import numpy as np
import torch

from .inference import encode_images, images_to_tensor, reconstruct
from .models import Autoencoder, LinearAutoencoder
from .noise import NoiseConfig, add_noise
from .threads import ThreadChooser, default_threads, thread_candidates, usable_cores

__all__ = ["TrainConfig", "Snapshot", "Trainer", "reconstruct", "encode_images",
           "resolve_device", "images_to_tensor", "NoiseConfig", "add_noise"]


def resolve_device(name: str = "cpu") -> torch.device:
    """``"auto"`` picks CUDA, then Apple MPS, then CPU; explicit names are checked."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise ValueError(f"unknown device {name!r}; use auto, cpu, cuda or mps") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda requested but no CUDA GPU is available")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError("device mps requested but Apple MPS is not available")
    return dev


#: A loss this many times above the best loss seen so far counts as a divergence:
#: with pixels in [0, 1] no sane model gets there (float32 overflow can take dozens of steps).
EXPLOSION_FACTOR = 1e4

#: The weights a divergence puts back are refreshed at most this often (and at every epoch end).
#: Checking and copying them at every snapshot (~0.15 s) cost about 5 % of an epoch; restoring
#: weights a second older makes no difference to someone who picked a bad learning rate.
GOOD_STATE_EVERY_S = 1.0


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters and pacing of a run (JSON-friendly via :meth:`to_dict`).

    ``loss="auto"`` means BCE for the VAE and MSE otherwise. Snapshots are
    emitted every ``snapshot_every_s`` seconds and/or every
    ``snapshot_every_steps`` steps (0 disables that trigger), plus at each epoch
    end. Validation runs at each epoch end and every ``val_every_steps`` steps
    when non-zero. ``num_threads=None`` lets the trainer measure which count is fastest
    (:class:`~aeviz.core.threads.ThreadChooser`).
    """

    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 128
    epochs: int = 10
    loss: str = "auto"
    seed: int = 0
    noise: NoiseConfig | None = None
    num_threads: int | None = None
    device: str = "cpu"
    weight_decay: float = 0.0
    momentum: float = 0.9
    snapshot_every_s: float = 0.1
    snapshot_every_steps: int = 0
    val_every_steps: int = 0

    def __post_init__(self) -> None:
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f'optimizer must be "adam" or "sgd", got {self.optimizer!r}')
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"learning rate must be a positive number, got {self.lr!r}")
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= 65536):
            raise ValueError(f"batch size must be an integer between 1 and 65536, got {self.batch_size!r}")
        if not (isinstance(self.epochs, int) and 1 <= self.epochs <= 10000):
            raise ValueError(f"epochs must be an integer between 1 and 10000, got {self.epochs!r}")
        if self.loss not in ("auto", "mse", "bce"):
            raise ValueError(f'loss must be "mse", "bce" or "auto", got {self.loss!r}')
        if self.num_threads is not None and not (isinstance(self.num_threads, int) and self.num_threads >= 1):
            raise ValueError(f"threads must be a positive integer, got {self.num_threads!r}")
        if isinstance(self.noise, dict):
            object.__setattr__(self, "noise", NoiseConfig.from_dict(self.noise))

    def resolved_loss(self, model: Autoencoder) -> str:
        if self.loss != "auto":
            return self.loss
        return "bce" if model.config.kind == "vae" else "mse"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["noise"] = None if self.noise is None else self.noise.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        if not isinstance(d, dict):
            raise ValueError(f"train config must be a JSON object, got {type(d).__name__}")
        unknown = sorted(set(d) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown train config field(s): {', '.join(unknown)}")
        return cls(**d)


@dataclass(frozen=True)
class Snapshot:
    """Progress report yielded by :meth:`Trainer.run`.

    ``train_loss`` is the mean loss since the previous snapshot, or over the whole
    epoch when ``epoch_end``; ``val_loss`` is None unless validation just ran.
    ``epoch`` is 1-based (the epoch in progress, or just finished). ``preview``
    holds reconstructions of the trainer's preview images (N, H, W) when set.
    """

    epoch: int
    epochs: int
    step: int
    total_steps: int
    train_loss: float | None
    val_loss: float | None
    samples_per_s: float
    elapsed: float
    eta_s: float | None
    done: bool = False
    message: str = ""
    epoch_end: bool = False
    stopped: bool = False
    diverged: bool = False
    preview: np.ndarray | None = field(default=None, repr=False)
    threads: int = 1  # torch threads the last step ran with

    @property
    def progress(self) -> float:
        return self.step / self.total_steps if self.total_steps else 1.0


class Trainer:
    """Holds model, data, optimizer and position, so training can pause and resume."""

    def __init__(self, model: Autoencoder, train_data, config: TrainConfig | None = None,
                 val_data=None, preview_images=None):
        self.config = config or TrainConfig()
        self.device = resolve_device(self.config.device)
        self.model = model.to(self.device)
        self.x_train = images_to_tensor(train_data, model.image_shape).to(self.device)
        if self.x_train.shape[0] == 0:
            raise ValueError("the training set is empty")
        self.x_val = None if val_data is None else images_to_tensor(val_data, model.image_shape).to(self.device)
        self.x_preview = None if preview_images is None else images_to_tensor(preview_images, model.image_shape).to(self.device)
        self.loss_kind = self.config.resolved_loss(model)
        if isinstance(model, LinearAutoencoder):
            model.fit_data_mean(self.x_train)  # no-op if already fitted (e.g. a loaded bundle)
        seed = self.config.seed
        gen_device = self.device if self.device.type == "cuda" else torch.device("cpu")  # MPS: CPU draws
        self._shuffle_gen = torch.Generator().manual_seed(seed)
        self._noise_gen = torch.Generator(device=gen_device).manual_seed(seed + 1)
        self._sample_gen = torch.Generator(device=gen_device).manual_seed(seed + 2)
        self.optimizer = self._make_optimizer(self.config.lr)
        self.steps_per_epoch = math.ceil(self.x_train.shape[0] / self.config.batch_size)
        self.epoch = 0          # completed epochs
        self.global_step = 0
        self._pos = 0           # position in the current permutation
        self._perm: torch.Tensor | None = None
        self._epoch_loss_sum = 0.0
        self._epoch_loss_n = 0
        self._elapsed = 0.0
        self._stop = threading.Event()
        self._run_id = 0
        self.diverged = False
        self._best_loss = math.inf
        self.history: list[dict] = []
        self._good_state = (0, self._copy_state())
        #: Reconstructions of the preview images ride on snapshots only while this is true: a
        #: page that nobody looks at clears it (read once per snapshot, so no lock is needed).
        self.previews_wanted = True
        #: torch threads the latest step used (measured when ``config.num_threads`` is None)
        self.threads = self.config.num_threads or 1
        #: samples/s per thread count at the latest measurement (empty with a fixed count)
        self.thread_rates: dict[int, float] = {}

    # -- control --------------------------------------------------------------
    def request_stop(self) -> None:
        """Ask run() to return at the next step (thread-safe). run() again resumes."""
        self._stop.set()

    def set_learning_rate(self, lr: float) -> None:
        """Change the learning rate between runs (e.g. after a divergence)."""
        self.config = replace(self.config, lr=lr)
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def set_epochs(self, epochs: int) -> None:
        """Change the planned number of epochs (e.g. to train further after the end)."""
        self.config = replace(self.config, epochs=epochs)

    @property
    def total_steps(self) -> int:
        return self.config.epochs * self.steps_per_epoch

    @property
    def done(self) -> bool:
        return self.epoch >= self.config.epochs

    # -- internals ------------------------------------------------------------
    def _make_optimizer(self, lr: float) -> torch.optim.Optimizer:
        params = list(self.model.parameters())
        c = self.config
        kwargs = {"lr": lr, "weight_decay": c.weight_decay}
        if c.optimizer == "sgd":
            cls, kwargs = torch.optim.SGD, {**kwargs, "momentum": c.momentum}
        else:
            cls = torch.optim.Adam
        try:  # the fused kernels are ~20-40 % faster on CPU for these small models
            return cls(params, fused=True, **kwargs)
        except (RuntimeError, TypeError, ValueError):
            return cls(params, **kwargs)

    def _copy_state(self) -> dict:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def _params_finite(self) -> bool:
        """One sum per tensor: NaN and ±inf propagate through a sum (an overflowing sum of finite
        weights only skips one checkpoint). ``torch.isfinite`` on every weight took ~4 ms here."""
        with torch.no_grad():
            return bool(torch.stack([p.sum() for p in self.model.parameters()]).isfinite().all())

    def _save_good_state(self) -> None:
        if self._params_finite():
            self._good_state = (self.global_step, self._copy_state())

    @torch.no_grad()
    def evaluate(self, x=None, batch_size: int = 256) -> float | None:
        """Mean loss on images ``x`` (default: the validation set), with fixed noise so values compare.

        Batches of 256 keep the activations in cache: 2,000 MNIST images through the 784-256-64-2
        MLP took 34 ms of CPU in batches of 256 against 42 ms in batches of 1,000 on one thread
        (38 against 41 on two), once per epoch.
        """
        x = self.x_val if x is None else images_to_tensor(x, self.model.image_shape).to(self.device)
        if x is None or x.shape[0] == 0:
            return None
        was_training = self.model.training
        self.model.eval()
        gen_device = self._noise_gen.device
        noise_gen = torch.Generator(device=gen_device).manual_seed(self.config.seed + 3)
        sample_gen = torch.Generator(device=gen_device).manual_seed(self.config.seed + 4)
        total = 0.0
        try:
            for i in range(0, x.shape[0], batch_size):
                xb = x[i:i + batch_size]
                x_in = add_noise(xb, self.config.noise, noise_gen) if self.config.noise else xb
                total += float(self.model.loss(x_in, xb, self.loss_kind, sample_gen)) * xb.shape[0]
        finally:
            self.model.train(was_training)
        return total / x.shape[0]

    def _preview(self) -> np.ndarray | None:
        """Reconstructions of the preview images, straight from the training model.

        No switch to eval mode and back (two recursive ``train()`` calls, ~40 % of a preview):
        no model kind has a layer that behaves differently in training (tests/test_models.py).
        Inference mode skips autograd's bookkeeping, a little cheaper than ``no_grad``.
        """
        if self.x_preview is None or not self.previews_wanted:
            return None
        with torch.inference_mode():
            out = self.model(self.x_preview).clamp_(0.0, 1.0).cpu().numpy()
        return out[:, 0] if out.shape[1] == 1 else out

    def _snapshot(self, train_loss, val_loss, rate, **kw) -> Snapshot:
        remaining = (self.total_steps - self.global_step) * self.config.batch_size
        eta = remaining / rate if rate > 0 else None
        return Snapshot(epoch=min(self.epoch + 1, self.config.epochs), epochs=self.config.epochs,
                        step=self.global_step, total_steps=self.total_steps, train_loss=train_loss,
                        val_loss=val_loss, samples_per_s=rate, elapsed=self._elapsed, eta_s=eta,
                        preview=self._preview(), threads=self.threads, **kw)

    def _diverge(self, value: float) -> str:
        good_step, state = self._good_state
        self.model.load_state_dict(state)
        self.optimizer = self._make_optimizer(self.config.lr)  # its moments are poisoned too
        self.diverged = True
        what = "NaN" if math.isnan(value) else "infinite" if math.isinf(value) else f"huge ({value:.3g})"
        return (f"the loss became {what} at step {self.global_step + 1}: the learning rate "
                f"{self.config.lr:g} is probably too high. The weights of step {good_step} were "
                f"restored; lower the learning rate (e.g. {self._suggested_lr():g}) and resume.")

    def _suggested_lr(self) -> float:
        usual = 1e-3 if self.config.optimizer == "adam" else 1e-2
        return usual if self.config.lr > 10 * usual else self.config.lr / 10

    # -- the loop -------------------------------------------------------------
    def run(self) -> Iterator[Snapshot]:
        """Train until the planned epochs are done or a stop is requested, yielding Snapshots.

        Stopping iteration early (``break``) is also a clean pause: the state is
        consistent whenever a snapshot is yielded. Only the newest run() generator
        trains; an older, abandoned one ends at its next resumption. ``elapsed``
        counts training time only, not time spent suspended in ``yield``.
        """
        c = self.config
        self._run_id += 1
        run_id = self._run_id
        if self.done:
            self._stop.clear()
            yield self._snapshot(None, None, 0.0, done=True, message="training already finished")
            return
        self.diverged = False
        measure = not c.num_threads and self.device.type == "cpu"  # a GPU's speed does not hang on CPU threads
        chooser = ThreadChooser(thread_candidates(usable_cores())) if measure else None
        self.threads = c.num_threads or (chooser.threads if measure else default_threads(usable_cores()))
        torch.set_num_threads(self.threads)
        n, bs = self.x_train.shape[0], c.batch_size
        model, x_all = self.model, self.x_train
        model.train()
        loss_sum, loss_n, samples, rate, busy = 0.0, 0, 0, 0.0, 0.0  # busy: training time since last snapshot
        t_prev = time.perf_counter()
        good_at = t_prev  # when the weights a divergence restores were last saved

        def tick() -> None:
            nonlocal t_prev, busy
            now = time.perf_counter()
            self._elapsed += now - t_prev
            busy += now - t_prev
            if chooser is not None:
                chooser.trained(now - t_prev)
            t_prev = now

        def follow(chooser: ThreadChooser) -> None:
            if chooser.threads != self.threads:
                self.threads = chooser.threads
                torch.set_num_threads(self.threads)
            self.thread_rates = dict(chooser.rates)

        while self.epoch < c.epochs:
            if self._perm is None:
                self._perm = torch.randperm(n, generator=self._shuffle_gen).to(self.device)
                self._pos, self._epoch_loss_sum, self._epoch_loss_n = 0, 0.0, 0
            while self._pos < n:
                if self._stop.is_set():
                    self._stop.clear()
                    tick()
                    yield self._snapshot(loss_sum / loss_n if loss_n else None, None, rate, stopped=True,
                                         message=f"paused at step {self.global_step} (epoch {self.epoch + 1}); "
                                                 "run again to resume")
                    return
                timed = chooser is not None and chooser.probing
                if timed:
                    follow(chooser)
                    t_step = time.perf_counter()
                xb = x_all[self._perm[self._pos:self._pos + bs]]
                x_in = add_noise(xb, c.noise, self._noise_gen) if c.noise is not None else xb
                loss = model.loss(x_in, xb, self.loss_kind, self._sample_gen)
                value = loss.item()
                if not math.isfinite(value) or value > EXPLOSION_FACTOR * self._best_loss:
                    msg = self._diverge(value)
                    tick()
                    yield self._snapshot(value, None, rate, stopped=True, diverged=True, message=msg)
                    return
                self._best_loss = min(self._best_loss, value)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                m = xb.shape[0]
                if timed:
                    chooser.step_done(time.perf_counter() - t_step, m)
                    if not chooser.probing:
                        follow(chooser)
                self._pos += m
                self.global_step += 1
                samples += m
                loss_sum += value * m
                loss_n += m
                self._epoch_loss_sum += value * m
                self._epoch_loss_n += m
                if self._pos >= n:
                    break  # the epoch-end snapshot below reports this step
                val_due = bool(c.val_every_steps) and self.global_step % c.val_every_steps == 0
                if ((c.snapshot_every_steps and self.global_step % c.snapshot_every_steps == 0)
                        or time.perf_counter() - t_prev + busy >= c.snapshot_every_s or val_due):
                    tick()
                    rate = self._update_rate(rate, samples, busy)
                    if t_prev - good_at >= GOOD_STATE_EVERY_S:
                        self._save_good_state()
                        good_at = t_prev
                    snap = self._snapshot(loss_sum / loss_n, self.evaluate() if val_due else None, rate)
                    loss_sum, loss_n, samples, busy = 0.0, 0, 0, 0.0
                    yield snap
                    if run_id != self._run_id:
                        return
                    t_prev = time.perf_counter()
            # epoch end
            tick()
            rate = self._update_rate(rate, samples, busy)
            self.epoch += 1
            self._perm = None
            train_loss = self._epoch_loss_sum / max(1, self._epoch_loss_n)
            val_loss = self.evaluate()
            self._save_good_state()
            tick()
            good_at = t_prev
            self.history.append({"epoch": self.epoch, "step": self.global_step, "train_loss": train_loss,
                                 "val_loss": val_loss, "elapsed": round(self._elapsed, 3)})
            done = self.done
            if done:
                self._stop.clear()
            snap = replace(self._snapshot(train_loss, val_loss, rate, epoch_end=True, done=done,
                                          message="training finished" if done else ""),
                           epoch=self.epoch)  # the epoch just finished, not the next one
            loss_sum, loss_n, samples, busy = 0.0, 0, 0, 0.0
            yield snap
            if run_id != self._run_id:
                return
            t_prev = time.perf_counter()

    @staticmethod
    def _update_rate(rate: float, samples: int, dt: float) -> float:
        if dt <= 0 or samples == 0:
            return rate
        current = samples / dt
        return current if rate == 0 else 0.7 * rate + 0.3 * current

    def history_dict(self) -> list[dict]:
        return copy.deepcopy(self.history)
