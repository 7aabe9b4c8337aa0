"""aeviz: touch autoencoders and (transposed) convolutions."""

__version__ = "0.1.0"
