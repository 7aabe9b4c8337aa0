"""Names and defaults shared by the core, the CLI and the pages, importable without torch.

The command-line parser and the window are built before torch is loaded (torch costs
about a second to import), so what they need to know lives here.
"""

from __future__ import annotations

MODEL_KINDS = ("linear", "mlp", "conv", "vae")
LATENT_RANGE = (1, 128)
BUNDLE_SUFFIX = ".aeviz"
