"""Size limits on what aeviz accepts from files, checked before any memory is spent.

Each limit is generous for teaching (the course's models have under a million
parameters and 28×28 images) yet keeps a hostile or mistaken file from exhausting a
student's laptop: a model within these limits loads in well under a second and a few
hundred megabytes. Errors name the limit they hit, so raising one is a conscious choice.
"""

from __future__ import annotations

MIB = 2 ** 20

#: Largest model a file may describe (weights and buffers, in numbers).
MAX_PARAMS = 20_000_000
#: Height and width of the images a model works on, and of images read as data.
MAX_IMAGE_SIDE = 256
#: Colour channels of a model's images (aeviz works in grey; RGBA is the most anything has).
MAX_IMAGE_CHANNELS = 4
#: Hidden layers (mlp, vae) or stride-2 levels (conv) of a model.
MAX_LAYERS = 8
#: Channels of one convolution layer.
MAX_CONV_CHANNELS = 1024

#: meta.json of a model file (its training history included).
MAX_META_BYTES = 16 * MIB
#: The JSON header of the weights (one short entry per tensor).
MAX_WEIGHTS_HEADER_BYTES = 1 * MIB
#: Dimensions of one stored tensor.
MAX_TENSOR_DIMS = 8
#: Members of a model file's zip container, and the size of its directory.
MAX_ZIP_MEMBERS = 16
MAX_ZIP_DIRECTORY_BYTES = 64 * 1024
#: Entries in a model file's training history (one per epoch).
MAX_HISTORY = 100_000

#: Pixels of one IDX file (MNIST's training set is 47 million) or one image folder.
MAX_DATASET_BYTES = 128 * MIB
#: Images (and labels) of one data set: EMNIST's largest split has 700 000.
MAX_DATASET_IMAGES = 2_000_000
#: Pixels of one image file, checked from its header before it is decoded (a 12-megapixel phone photo fits).
MAX_IMAGE_PIXELS = 16_000_000
#: A settings file (a few hundred bytes in practice).
MAX_SETTINGS_BYTES = 1 * MIB
