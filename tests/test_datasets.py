import gzip
import struct

import numpy as np
import pytest

from aeviz.core.datasets import (
    Dataset, DatasetError, load_idx_pair, load_image_folder, load_mnist, mnist_dir,
    parse_idx, read_idx, train_val_split,
)

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def idx_bytes(arr: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(np.uint8).tobytes()


def write_pair(tmp_path, n_images=5, n_labels=5, gz=False):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (n_images, 6, 7), dtype=np.uint8)
    labels = rng.integers(0, 3, n_labels, dtype=np.uint8)
    ip, lp = tmp_path / "imgs.idx3", tmp_path / "labels.idx1"
    opener = gzip.compress if gz else (lambda b: b)
    ip.write_bytes(opener(idx_bytes(imgs)))
    lp.write_bytes(opener(idx_bytes(labels)))
    return ip, lp, imgs, labels


def test_mnist_shapes_and_counts():
    train, test = load_mnist("train"), load_mnist("test")
    assert train.images.shape == (60000, 28, 28) and train.images.dtype == np.uint8
    assert train.labels.dtype == np.int64 and test.images.shape == (10000, 28, 28)
    assert train.class_counts().tolist() == MNIST_TRAIN_COUNTS
    assert load_mnist("train") is train  # cached
    with pytest.raises(ValueError):
        load_mnist("validation")


def test_subset_is_stratified_and_deterministic():
    train = load_mnist("train")
    a, b, c = train.subset(1000, seed=1), train.subset(1000, seed=1), train.subset(1000, seed=2)
    assert len(a) == 1000 and np.array_equal(a.images, b.images)
    assert not np.array_equal(a.labels, c.labels) or not np.array_equal(a.images, c.images)
    expected = np.array(MNIST_TRAIN_COUNTS) * 1000 / 60000
    assert np.all(np.abs(a.class_counts() - expected) <= 1)
    f = a.as_float()
    assert f.dtype == np.float32 and f.min() >= 0 and f.max() <= 1 and f.max() > 0.99
    assert load_mnist("train", limit=50).images.shape == (50, 28, 28)


def test_train_val_split():
    ds = load_mnist("test").subset(500)
    tr, va = train_val_split(ds, 0.2, seed=0)
    assert len(tr) + len(va) == 500 and len(va) == 100
    tr2, va2 = train_val_split(ds, 0.2, seed=0)
    assert np.array_equal(va.labels, va2.labels) and np.array_equal(tr.images, tr2.images)
    with pytest.raises(ValueError):
        train_val_split(ds, 1.5)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_pair_roundtrip(tmp_path, gz):
    ip, lp, imgs, labels = write_pair(tmp_path, gz=gz)
    ds = load_idx_pair(ip, lp)
    assert np.array_equal(ds.images, imgs) and np.array_equal(ds.labels, labels)
    assert ds.class_names == [str(i) for i in range(int(labels.max()) + 1)]


def test_idx_pair_count_mismatch(tmp_path):
    ip, lp, *_ = write_pair(tmp_path, n_images=5, n_labels=4)
    with pytest.raises(DatasetError, match="5 images.*4 labels"):
        load_idx_pair(ip, lp)


def test_truncated_idx_names_file(tmp_path):
    data = idx_bytes(np.zeros((3, 4, 4), np.uint8))
    p = tmp_path / "cut.idx"
    p.write_bytes(data[:-5])
    with pytest.raises(DatasetError, match="cut.idx.*truncated"):
        read_idx(p)
    p.write_bytes(data[:10])  # inside the header
    with pytest.raises(DatasetError, match="cut.idx.*truncated"):
        read_idx(p)
    p.write_bytes(data + b"xx")
    with pytest.raises(DatasetError, match="unexpected bytes"):
        read_idx(p)


def test_truncated_gzip_names_file(tmp_path):
    p = tmp_path / "cut.gz"
    p.write_bytes(gzip.compress(idx_bytes(np.zeros((30, 8, 8), np.uint8)))[:-20])
    with pytest.raises(DatasetError, match="cut.gz"):
        read_idx(p)


def test_wrong_magic_and_dtype(tmp_path):
    p = tmp_path / "labels.idx"
    p.write_bytes(idx_bytes(np.zeros(4, np.uint8)))
    with pytest.raises(DatasetError, match="labels.idx.*magic"):
        read_idx(p, expected_magic=0x00000803)
    bad = bytearray(idx_bytes(np.zeros(4, np.uint8)))
    bad[2] = 0x0D  # float32
    with pytest.raises(DatasetError, match="0x0D"):
        parse_idx(bytes(bad), "x")


def test_foreign_file(tmp_path):
    p = tmp_path / "photo.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(DatasetError, match="photo.png.*not an IDX"):
        read_idx(p)
    with pytest.raises(DatasetError, match="not found"):
        read_idx(tmp_path / "missing.idx")


def test_bundled_file_truncated_copy(tmp_path):
    raw = gzip.decompress((mnist_dir() / "t10k-labels-idx1-ubyte.gz").read_bytes())
    p = tmp_path / "t10k-labels-idx1-ubyte"
    p.write_bytes(raw[:5000])
    with pytest.raises(DatasetError, match="t10k-labels-idx1-ubyte.*truncated"):
        read_idx(p)


def test_image_folder(tmp_path):
    from PIL import Image

    for cls, value in (("cats", 30), ("dogs", 220)):
        (tmp_path / cls).mkdir()
        for i in range(3):
            Image.new("L", (40, 30), value).save(tmp_path / cls / f"{i}.png")
    (tmp_path / "dogs" / "broken.png").write_bytes(b"not an image")
    (tmp_path / "dogs" / "notes.txt").write_text("ignored")
    ds = load_image_folder(tmp_path, size=28)
    assert ds.class_names == ["cats", "dogs"] and ds.images.shape == (6, 28, 28)
    assert ds.skipped == 1 and ds.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert ds.images[0].mean() == 30  # dark background kept
    assert ds.images[-1].mean() == 255 - 220  # light background inverted to look like MNIST
    assert load_image_folder(tmp_path, invert=False).images[-1].mean() == 220


def test_image_folder_errors(tmp_path):
    with pytest.raises(DatasetError, match="no readable image"):
        load_image_folder(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.png").write_bytes(b"junk")
    with pytest.raises(DatasetError, match="1 unreadable"):
        load_image_folder(tmp_path)
    with pytest.raises(DatasetError, match="not a folder"):
        load_image_folder(tmp_path / "nope")


def test_dataset_validates_dtypes():
    with pytest.raises(DatasetError):
        Dataset(np.zeros((2, 3, 3), np.float32), np.zeros(2, np.int64), ["a"], "x")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_only_raise_dataset_error(data):
    try:
        arr = parse_idx(data, "fuzz.idx")
    except DatasetError as exc:
        assert "fuzz.idx" in str(exc)
    else:
        assert arr.dtype == np.uint8


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=1, max_value=4 + 12 + 2 * 3 * 4))
def test_every_truncation_is_refused(cut):
    data = idx_bytes(np.ones((2, 3, 4), np.uint8))
    with pytest.raises(DatasetError, match="fuzz"):
        parse_idx(data[:len(data) - cut], "fuzz")
