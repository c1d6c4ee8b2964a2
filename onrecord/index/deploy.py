"""Deploy artifacts: an index generation packed with a manifest and a checksum, and its
installation into an index folder where ingest cannot run (e.g. Streamlit Community Cloud,
whose file system starts empty at every wake).

    deploy/index/
      manifest.json   what built it (the index identity: what shaped it, its hash, library
                      versions), counts, sources, files, sha256 of the archive
      index.tar.gz    one generation: catalog.sqlite3, chroma/, lexical/

Installing checks the manifest against the running code and settings (the identity hash),
checks the archive's sha256, extracts it into a new generation (every file's size and sha256
checked again) and publishes it with the same atomic ``CURRENT`` switch as an ingest.
``DEPLOYED`` in the index folder records which generation came from which archive, so a
changed artifact replaces an installed one, while an index built by ingest is never touched.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import zlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path, PurePosixPath

from onrecord import __version__
from onrecord.index import layout
from onrecord.index.generations import (
    WriterLock,
    current_generation,
    new_generation,
    publish,
)
from onrecord.index.identity import identity_differences
from onrecord.settings import Settings

ARTIFACT_FORMAT = 1
MANIFEST, ARCHIVE = "manifest.json", "index.tar.gz"  # the artifact folder's two files
INSTALL_WAIT_SECONDS = 120  # another page run (or process) may be installing it already


class DeployIndexError(Exception):
    """The deploy artifact cannot be used (mismatch or corruption); ``str(err)`` says why and
    what to do."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def passage_digest(ids: Iterable[str]) -> str:
    """One sha256 over the sorted passage ids: equal exactly when the passages are."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def chromadb_series(version: str | None = None) -> str:
    """``1.5.9`` -> ``1.5``: Chroma's on-disk format is kept within a minor series."""
    version = version or metadata.version("chromadb")
    return ".".join(version.split(".")[:2])


# --- writing -------------------------------------------------------------------------------
def generation_files(generation: Path) -> list[dict]:
    """Every file of a generation, sorted: path (POSIX, relative), bytes, sha256."""
    files = sorted(p for p in generation.rglob("*") if p.is_file())
    return [
        {"path": p.relative_to(generation).as_posix(), "bytes": p.stat().st_size}
        | {"sha256": sha256_file(p)}
        for p in files
    ]


def write_archive(generation: Path, archive: Path, files: list[dict]) -> None:
    """A reproducible tar.gz of ``files`` (fixed order, times and owners)."""
    with (
        archive.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for entry in files:
            info = tar.gettarinfo(generation / entry["path"], arcname=entry["path"])
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            info.mode = 0o644
            with (generation / entry["path"]).open("rb") as handle:
                tar.addfile(info, handle)


def write_artifact(generation: Path, out_dir: Path, description: dict) -> dict:
    """Pack ``generation`` into ``out_dir`` (archive first, then the manifest that names its
    checksum; each written to a temporary file and renamed) and return the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = generation_files(generation)
    tmp_archive = layout.temp_file(out_dir / ARCHIVE)
    write_archive(generation, tmp_archive, files)
    manifest = {
        "artifact_format": ARTIFACT_FORMAT,
        "archive": ARCHIVE,
        "sha256": sha256_file(tmp_archive),
        "bytes": tmp_archive.stat().st_size,
        "onrecord_version": __version__,
        **description,
        "files": files,
    }
    os.replace(tmp_archive, out_dir / ARCHIVE)
    write_json(out_dir / MANIFEST, manifest)
    return manifest


def write_json(path: Path, data: dict) -> None:
    tmp = layout.temp_file(path)
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --- checking ------------------------------------------------------------------------------
def read_manifest(artifact: Path) -> dict:
    try:
        manifest = json.loads((artifact / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise DeployIndexError(f"cannot read {artifact / MANIFEST}: {err}") from err
    if not isinstance(manifest, dict) or not {"sha256", "identity", "files"} <= manifest.keys():
        raise DeployIndexError(f"{artifact / MANIFEST} is not a deploy index manifest")
    if manifest.setdefault("archive", ARCHIVE) != Path(str(manifest["archive"])).name:
        raise DeployIndexError(f"{artifact / MANIFEST} names an archive outside its folder")
    return manifest


def incompatibilities(manifest: dict, settings: Settings) -> list[str]:
    """Why the running code and settings cannot use this artifact (empty: they can)."""
    identity = manifest["identity"]
    built_chroma = identity.get("versions", {}).get("chromadb", "?")
    wanted = [
        ("artifact format", manifest.get("artifact_format"), ARTIFACT_FORMAT),
        *identity_differences(identity, settings),
        ("chromadb series", chromadb_series(built_chroma), chromadb_series()),
    ]
    return [
        f"{name} is {had!r} in the artifact but {now!r} here"
        for name, had, now in wanted
        if had != now
    ]


def check_artifact(artifact: Path, settings: Settings) -> dict:
    """The manifest, once the artifact is known compatible and its archive intact."""
    manifest = read_manifest(artifact)
    problems = incompatibilities(manifest, settings)
    if problems:
        raise DeployIndexError(
            f"the deploy index {artifact} was built differently: {'; '.join(problems)}. "
            f"Rebuild it with this code and settings: `onrecord build-deploy-index PATH... "
            f"--out {artifact}`."
        )
    archive = artifact / manifest["archive"]
    actual = sha256_file(archive) if archive.is_file() else "missing"
    if actual != manifest["sha256"] and is_lfs_pointer(archive):
        raise DeployIndexError(
            f"{archive} is a Git LFS pointer, not the archive: this checkout did not fetch "
            "LFS files (`git lfs pull`), or commit the archive to git itself."
        )
    if actual != manifest["sha256"]:
        raise DeployIndexError(
            f"the deploy index archive {archive} is corrupt or incomplete (sha256 {actual[:12]}, "
            f"the manifest says {manifest['sha256'][:12]}). Rebuild it with "
            "`onrecord build-deploy-index`, or restore both files from git."
        )
    return manifest


def _plain(member: tarfile.TarInfo) -> bool:
    path = PurePosixPath(member.name)
    return member.isfile() and not path.is_absolute() and ".." not in path.parts


def is_lfs_pointer(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(64).startswith(b"version https://git-lfs.github.com/spec/")
    except OSError:
        return False


# --- installing ----------------------------------------------------------------------------
def read_marker(index_dir: Path) -> dict | None:
    try:
        return json.loads(layout.deployed_file(index_dir).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def has_index_data(index_dir: Path) -> bool:
    """Anything an ingest left (a pointer or a generation): then the folder is not empty."""
    return layout.current_file(index_dir).exists() or bool(layout.generation_entries(index_dir))


def pending_artifact(settings: Settings) -> Path | None:
    """The artifact to install now, if any: when the index folder holds no index at all, or
    holds one installed from an artifact whose archive has changed since."""
    artifact = settings.deploy_index
    if artifact is None or not (artifact / MANIFEST).is_file():
        return None
    index_dir = settings.index_dir
    if not has_index_data(index_dir):
        return artifact
    marker, current = read_marker(index_dir), current_generation(index_dir)
    if marker is None or current is None or marker.get("generation") != current.name:
        return None  # built or changed by ingest, or half-removed: not ours to replace
    try:
        sha = json.loads((artifact / MANIFEST).read_text(encoding="utf-8")).get("sha256")
    except (OSError, json.JSONDecodeError):
        return artifact  # let the install report the broken manifest
    return artifact if sha != marker.get("sha256") else None


def install_artifact(artifact: Path, settings: Settings) -> dict | None:
    """Check and install ``artifact`` into ``settings.index_dir``; the manifest installed, or
    None when another process did it meanwhile. Raises DeployIndexError, IndexBusy, OSError."""
    index_dir = settings.index_dir
    with WriterLock(index_dir, wait=INSTALL_WAIT_SECONDS):
        if pending_artifact(settings) is None:
            return None
        manifest = check_artifact(artifact, settings)
        generation = new_generation(index_dir, None)
        try:
            extract(artifact / manifest["archive"], generation, manifest["files"])
            marker = {"generation": generation.name, "sha256": manifest["sha256"]}
            write_json(layout.deployed_file(index_dir), marker)
            publish(index_dir, generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
    return manifest


def extract(archive: Path, generation: Path, files: list[dict]) -> None:
    """Unpack into ``generation`` and check each file against the manifest's list. Only
    regular files with plain relative paths are accepted."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            names = sorted(m.name for m in members)
            if names != sorted(f["path"] for f in files) or not all(map(_plain, members)):
                raise DeployIndexError(f"{archive} does not hold the files its manifest lists")
            for member in members:
                target = generation / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file, checked above
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, zlib.error) as err:
        raise DeployIndexError(f"{archive} cannot be unpacked: {err}") from err
    for entry in files:
        path = generation / entry["path"]
        if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
            raise DeployIndexError(f"{entry['path']} in {archive} does not match its manifest")
