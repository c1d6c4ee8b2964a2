"""The files Streamlit Community Cloud reads: requirements.txt (kept in step with
pyproject.toml), .streamlit/config.toml, and the secrets example; and settings when there are
no secrets, or broken ones."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
import streamlit as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from streamlit import config as st_config

from onrecord.settings import Settings, settings_rows
from onrecord.ui.resources import current_settings
from tests.conftest import REPO

CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
# Cloud takes the first of these it finds next to the entry point, then at the repo root.
CLOUD_DEPENDENCY_FILES = ("uv.lock", "Pipfile", "environment.yml", "requirements.txt")


def requirements_file() -> tuple[list[str], list[Requirement]]:
    """(option lines, requirements) of requirements.txt, comments dropped."""
    options, requirements = [], []
    for raw in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line.startswith("-"):
            options.append(line)
        elif line:
            requirements.append(Requirement(line))
    return options, requirements


def as_table(requirements: list[Requirement]) -> dict[str, tuple[str, str]]:
    return {
        canonicalize_name(r.name): (str(r.specifier), str(r.marker or "")) for r in requirements
    }


def test_requirements_txt_is_the_runtime_dependencies_of_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = as_table([Requirement(r) for r in pyproject["project"]["dependencies"]])
    _, cloud = requirements_file()
    assert as_table(cloud) == declared, (
        "requirements.txt (what Streamlit Community Cloud installs) and "
        "[project.dependencies] in pyproject.toml differ: change both"
    )
    assert len(cloud) == len(declared)  # no package twice


def test_cloud_reads_requirements_txt_and_gets_cpu_torch_and_pysqlite3_on_linux():
    present = [name for name in CLOUD_DEPENDENCY_FILES if (REPO / name).exists()]
    assert present == ["requirements.txt"]  # app.py is at the root: this is the file Cloud uses
    options, requirements = requirements_file()
    assert options == [CPU_INDEX]
    by_name = {canonicalize_name(r.name): r for r in requirements}
    torch = by_name["torch"].specifier
    assert len(torch) == 1 and next(iter(torch)).operator == "=="  # a range pulls CUDA builds
    assert torch.contains("2.13.0+cpu")
    marker = by_name["pysqlite3-binary"].marker
    assert marker.evaluate({"sys_platform": "linux", "platform_machine": "x86_64"})
    assert not marker.evaluate({"sys_platform": "darwin", "platform_machine": "arm64"})
    assert not marker.evaluate({"sys_platform": "linux", "platform_machine": "aarch64"})


def test_every_package_the_code_imports_is_declared():
    sources = [
        REPO / "app.py",
        *(REPO / "onrecord").rglob("*.py"),
        *(REPO / "ingest").rglob("*.py"),
    ]
    modules: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"onrecord", "ingest", "__future__"}
    providers = packages_distributions()
    declared = set(as_table(requirements_file()[1]))
    missing = {
        module: providers.get(module)
        for module in third_party
        if not {canonicalize_name(d) for d in providers.get(module, [])} & declared
    }
    assert missing == {}


def test_streamlit_config_is_headless_private_and_shows_no_tracebacks():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    options = {f"{section}.{k}": v for section, values in config.items() for k, v in values.items()}
    for name in options:  # every option is one this Streamlit knows
        st_config.get_option(name)
    assert options["server.headless"] is True and options["server.showEmailPrompt"] is False
    assert options["browser.gatherUsageStats"] is False
    assert options["client.showErrorDetails"] in {"type", "none"}


def test_streamlit_config_spends_no_page_run_on_watching_sources_or_full_collections():
    """Two Streamlit defaults that cost a page run of this app more than its answer: the
    source watcher walking every loaded module after each run, and a full garbage collection
    after each run (docs/performance.md, "Load": p95 under eight sessions 5.6 s -> 0.7 s)."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False


def example_secrets() -> dict:
    """Every assignment in .streamlit/secrets.toml.example, commented or not, as TOML."""
    text = (REPO / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    lines = [
        re.sub(r"^#\s*", "", line)
        for line in text.splitlines()
        if re.match(r"^#?\s*[A-Z][A-Z0-9_]*\s*=", line)
    ]
    return tomllib.loads("\n".join(lines))


def test_the_secrets_example_lists_real_settings_with_valid_values(monkeypatch, tmp_path):
    secrets = example_secrets()
    known = {env for env, _, _ in settings_rows()}
    assert {"OPENAI_API_KEY", "OPENAI_BASE_URL", "ONRECORD_LLM__MODEL"} <= secrets.keys()
    assert secrets.keys() <= known, secrets.keys() - known
    monkeypatch.chdir(tmp_path)
    for name, value in secrets.items():  # as Streamlit puts top-level secrets in the environment
        monkeypatch.setenv(name, str(value))
    settings = Settings()
    assert settings.llm_enabled() and settings.openai_base_url == secrets["OPENAI_BASE_URL"]
    assert settings.llm.model == secrets["ONRECORD_LLM__MODEL"]


@pytest.mark.parametrize("secrets_file", [None, "OPENAI_API_KEY = [unclosed\n"])
def test_missing_or_broken_secrets_never_raise(monkeypatch, tmp_path, secrets_file):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "secrets.toml"
    if secrets_file is not None:
        path.write_text(secrets_file, encoding="utf-8")
    saved = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(path)])
    st.secrets._reset()
    try:
        settings = current_settings()
    finally:
        st_config.set_option("secrets.files", saved)
        st.secrets._reset()
    assert settings.openai_api_key is None and not settings.llm_enabled()
