"""Reading one file (size limit, binary, encodings, NUL bytes, HTML) and finding files
(ingest root, symlinks, manifests). Fast: no model, no index."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import pwd
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest import file_text
from ingest.discover import Refused, discover
from ingest.file_text import (
    UnreadableFile,
    decode_transcript_bytes,
    html_to_text,
    looks_like_html,
    read_transcript_file,
)
from tests.conftest import FIXTURES

GOOD = FIXTURES / "kremlin" / "kremlin_en_8055.txt"
MB = 1_000_000

TURNS = (
    "Question: Will the talks resume?\n\n"
    "Anna Petrova: We expect the café meeting to take place next week, as agreed.\n"
)
PAGE = """<!DOCTYPE html>
<html><head><title>Briefing</title><style>p { color: red }</style>
<script>var secret = "SCRIPT-IN-HEAD";</script></head>
<body><!-- COMMENT-TEXT -->
<h1>Press briefing</h1>
<p>Question: Will the talks resume?</p>
<script type="text/javascript">document.write("SCRIPT-IN-BODY </p><p>");</script>
<p>Anna Petrova: We expect them to resume &amp; conclude on&nbsp;time.<br>Thank you.</p>
<noscript>NOSCRIPT-TEXT</noscript><template>TEMPLATE-TEXT</template>
<svg><text>SVG-TEXT</text></svg><iframe>IFRAME-TEXT</iframe>
</body></html>
"""
HIDDEN = (
    "SCRIPT-IN-HEAD",
    "SCRIPT-IN-BODY",
    "COMMENT-TEXT",
    "NOSCRIPT-TEXT",
    "TEMPLATE-TEXT",
    "SVG-TEXT",
    "IFRAME-TEXT",
    "color: red",
    "<p>",
    "Briefing\n",
)


def reason(raw: bytes, **kwargs: bool) -> str:
    with pytest.raises(UnreadableFile) as info:
        decode_transcript_bytes(raw, **kwargs)
    return str(info.value)


def no_surrogates(text: str) -> bool:
    return not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


# --- decoding -------------------------------------------------------------------------------


def test_real_transcript_is_read_unchanged():
    read = read_transcript_file(GOOD, 20 * MB)
    assert read.text == GOOD.read_text(encoding="utf-8")
    assert read.warnings == []


def test_utf8_bom_is_dropped_silently():
    read = decode_transcript_bytes(b"\xef\xbb\xbf" + TURNS.encode())
    assert read.text == TURNS and read.warnings == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "file is empty (0 bytes)"),
        (b"  \n\t\r\n  ", "file is empty (only whitespace or NUL bytes)"),
        (b"\x00" * 100, "file is empty (only whitespace or NUL bytes)"),
    ],
)
def test_empty_files_are_refused(raw, expected):
    assert reason(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "a ZIP archive"),
        (gzip.compress(TURNS.encode() * 20), "a gzip archive"),
    ],
)
def test_known_binary_formats_are_named(raw, kind):
    message = reason(raw)
    assert message.startswith(f"this is {kind}") and "not text" in message


@pytest.mark.parametrize("size", [64, 1000, 20_000])
def test_random_bytes_are_refused_as_binary(size):
    raw = hashlib.shake_256(b"seed").digest(size)  # deterministic "random" bytes
    assert "binary file" in reason(raw)


def test_executable_like_bytes_are_binary():
    raw = b"\x7fELF" + bytes(range(256)) * 8
    assert "a program" in reason(raw)
    assert "control bytes in the first" in reason(bytes(range(1, 32)) * 50 + TURNS.encode())


def test_invalid_utf8_is_replaced_and_reported_without_surrogates():
    raw = TURNS.encode().replace(b"next week", b"next \xff week")
    raw += "Question: And the \u00e9lys\u00e9e?\n".encode() + b"\xed\xa0\x80 lone surrogate\n"
    read = decode_transcript_bytes(raw)
    assert "next \ufffd week" in read.text and "café" in read.text and "élysée" in read.text
    assert read.warnings == ["invalid UTF-8: 4 characters replaced with U+FFFD"]
    assert no_surrogates(read.text)
    read.text.encode("utf-8")  # strict: would raise on a lone surrogate


@pytest.mark.parametrize("codec", ["shift_jis", "gbk"])
def test_text_in_an_unsupported_encoding_is_refused(codec):
    raw = "記者：今日の会議について質問があります。大臣：はい、どうぞ。".encode(codec)
    assert reason(raw).endswith(
        "characters are not valid UTF-8 or Windows-1252: a binary file or an unsupported encoding"
    )


def test_cp1252_text_is_decoded_and_reported():
    text = "Minister Müller: The café’s “offer” – 50 € – stands.\n"
    read = decode_transcript_bytes(text.encode("cp1252"))
    assert read.text == text
    assert read.warnings == ["not UTF-8: decoded as Windows-1252"]


def test_a_few_bad_bytes_in_utf8_text_are_not_taken_for_cp1252():
    text = "Lavrov: “We’ll see” – at the Élysée – ".encode() + b"\x92 then.\n"
    read = decode_transcript_bytes(text)
    assert read.text == "Lavrov: “We’ll see” – at the Élysée – \ufffd then.\n"
    assert read.warnings == ["invalid UTF-8: 1 characters replaced with U+FFFD"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_is_decoded(codec):
    raw = TURNS.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    read = decode_transcript_bytes(raw)
    assert read.text == TURNS
    assert read.warnings == ["decoded as UTF-16 (byte order mark found)"]


def test_nul_bytes_inside_and_as_padding_are_dropped_and_reported():
    read = decode_transcript_bytes(TURNS.encode().replace(b"talks", b"ta\x00lks") + bytes(5000))
    assert read.text == TURNS
    assert read.warnings == [
        "dropped 5000 NUL bytes of padding at the end",
        "dropped 1 NUL byte(s)",
    ]


def test_many_nul_bytes_inside_mean_binary():
    assert "binary file" in reason(b"A\x00B\x00C\x00" * 500 + TURNS.encode())


def test_control_characters_are_dropped_and_form_feeds_become_newlines():
    read = decode_transcript_bytes(b"Question: \x1b[1mWhy?\x7f\fAnna Petrova: Because.\n")
    assert read.text == "Question: [1mWhy?\nAnna Petrova: Because.\n"
    assert read.warnings == ["dropped 2 control character(s)"]


def test_crlf_and_cr_line_ends_are_normalised():
    assert (
        decode_transcript_bytes(b"Question: Why?\r\n\r\nA: Yes.\rB: No.").text
        == "Question: Why?\n\nA: Yes.\nB: No."
    )


# --- HTML -----------------------------------------------------------------------------------


def test_html_page_keeps_visible_text_only():
    text = html_to_text(PAGE)
    assert text == (
        "Press briefing\n\nQuestion: Will the talks resume?\n\n"
        "Anna Petrova: We expect them to resume & conclude on\u00a0time.\n"
        "Thank you.\n"
    )
    assert not any(hidden in text for hidden in HIDDEN)


def test_html_file_is_converted_and_reported():
    read = decode_transcript_bytes(b"\xef\xbb\xbf" + PAGE.encode())
    assert read.text.startswith("Press briefing\n\nQuestion:")
    assert read.warnings == ["HTML converted to plain text (markup and scripts removed)"]
    assert not any(hidden in read.text for hidden in HIDDEN)


@pytest.mark.parametrize(
    "html",
    [
        # `/>` does not close a script in HTML: browsers run what follows.
        '<html><body><p>A: hi</p><script src="x.js"/>alert("LEAK")</script><p>B: yo</p>',
        # `</head>` may be left out; the body must still be read, the head not.
        "<html><head><title>LEAK</title><body><p>A: hi</p><p>B: yo</p></body></html>",
        # A transcript with a stray script but no page markup around it.
        'A: hi\n<SCRIPT type="module">alert("LEAK")</SCRIPT>\nB: yo\n',
        # Comments and an XML declaration before the page.
        '<?xml version="1.0"?><!-- LEAK --><html><style>LEAK</style><p>A: hi</p><p>B: yo</p>',
    ],
)
def test_script_text_never_survives(html):
    read = decode_transcript_bytes(html.encode())
    assert "LEAK" not in read.text and "<" not in read.text
    assert "A: hi" in read.text and "B: yo" in read.text


def test_html_suffix_forces_html_even_without_a_page_header(tmp_path):
    path = tmp_path / "fragment.html"
    path.write_text("<p>A: one &lt;two&gt;</p><p>B: three</p>", encoding="utf-8")
    assert read_transcript_file(path, MB).text == "A: one <two>\n\nB: three\n"
    plain = tmp_path / "fragment.txt"
    plain.write_text("A: 3 < 4 and <b>bold</b> stays as written\n", encoding="utf-8")
    assert read_transcript_file(plain, MB).text == "A: 3 < 4 and <b>bold</b> stays as written\n"


def test_plain_transcripts_are_not_taken_for_html():
    assert not looks_like_html(GOOD.read_text(encoding="utf-8"))
    assert not looks_like_html("Question: Is 3 < 4?\nA: Yes, and 5 > 4. <b>Sure</b>.\n")
    assert looks_like_html("  <!-- saved -->\n<!DOCTYPE HTML PUBLIC '-//W3C//DTD HTML 4.01'>")


def test_html_charref_to_a_surrogate_becomes_a_replacement_character():
    text = html_to_text("<p>A: &#xD800; and &#55296;</p>")
    assert text == "A: \ufffd and \ufffd\n" and no_surrogates(text)


def test_page_with_only_scripts_is_refused():
    assert (
        reason(b"<html><head><script>x()</script></head><body> </body></html>")
        == "no text left after cleaning"
    )


# --- files ----------------------------------------------------------------------------------


def sparse_file(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(TURNS.encode())
        handle.truncate(size)
    return path


def test_big_file_is_refused_without_being_read(tmp_path):
    path = sparse_file(tmp_path / "huge.txt", 50 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as info:
            read_transcript_file(path, 20 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        "file is 50.0 MB, over the 20.0 MB limit "
        "(setting ingest.max_file_mb, env ONRECORD_INGEST__MAX_FILE_MB)"
    )
    assert peak < MB


def test_memory_probe_does_see_a_file_that_is_read(tmp_path):
    """The probe above is meaningful: a 3 MB file under the limit shows up in the peak."""
    path = sparse_file(tmp_path / "padded.txt", 3 * MB)
    tracemalloc.start()
    try:
        read = read_transcript_file(path, 20 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read.text == TURNS and peak >= 3 * MB


def test_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "exact.txt"
    path.write_bytes(TURNS.encode())
    assert read_transcript_file(path, len(TURNS.encode())).text == TURNS
    with pytest.raises(UnreadableFile, match=r"over the 0\.0 MB limit"):
        read_transcript_file(path, len(TURNS.encode()) - 1)


def test_file_growing_past_the_limit_is_cut_off(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(TURNS.encode() * 100)
    real_fstat = os.fstat

    def fstat_when_it_was_small(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[6] = 10  # st_size
        return os.stat_result(info)

    monkeypatch.setattr(file_text.os, "fstat", fstat_when_it_was_small)
    with pytest.raises(UnreadableFile, match=r"^file grew while being read, over the 0\.0 MB"):
        read_transcript_file(path, 1000)


def test_missing_path_and_broken_symlink(tmp_path):
    with pytest.raises(UnreadableFile, match=r"^no such file$"):
        read_transcript_file(tmp_path / "gone.txt", MB)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(UnreadableFile, match=r"^broken symlink \(its target does not exist\)$"):
        read_transcript_file(tmp_path / "dangling.txt", MB)


def test_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(UnreadableFile, match=r"^cannot open: Too many levels of symbolic links$"):
        read_transcript_file(tmp_path / "a.txt", MB)


def test_folder_and_fifo_are_not_regular_files_and_do_not_block(tmp_path):
    with pytest.raises(UnreadableFile, match=r"^not a regular file$"):
        read_transcript_file(tmp_path, MB)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block without O_NONBLOCK
    with pytest.raises(UnreadableFile, match=r"^not a regular file$"):
        read_transcript_file(tmp_path / "pipe.txt", MB)


def unprivileged(action: Callable[[], object]) -> tuple[str, object]:
    """``action()`` run in a forked child that is the user nobody when this process is root
    (root reads a file whatever its mode; CI runs as root), and this user otherwise: either
    ("returned", its value) or ("raised", "ExceptionName: message"). A fork, not a new
    interpreter: nobody may not run this venv's Python when it lives under /root (nor import
    what the action imports lazily: import it here first)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: reports through the pipe, never returns to pytest
        status = 1
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                nobody = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            try:
                outcome = ("returned", action())
            except Exception as error:
                outcome = ("raised", f"{type(error).__name__}: {error}")
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(outcome))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and report, "the unprivileged child failed"
    return pickle.loads(report)  # noqa: S301 - written by our own child


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder that user nobody may enter and list (pytest's tmp_path is not: its base
    folder is its owner's only)."""
    with tempfile.TemporaryDirectory(prefix="onrecord-modes-") as folder:
        os.chmod(folder, 0o755)  # noqa: S103 - nobody must enter it
        yield Path(folder)


def test_unreadable_file(open_dir):
    readable, path = open_dir / "open.txt", open_dir / "secret.txt"
    for file, mode in ((readable, 0o644), (path, 0)):
        file.write_text(TURNS, encoding="utf-8")
        file.chmod(mode)
    assert read_transcript_file(readable, MB).text == TURNS  # and its codec is imported
    # The same child reads the file next to it: what it cannot read is the file, not the folder.
    assert unprivileged(lambda: read_transcript_file(readable, MB).text) == ("returned", TURNS)
    assert unprivileged(lambda: read_transcript_file(path, MB)) == (
        "raised",
        "UnreadableFile: cannot open: Permission denied",
    )


# --- discover -------------------------------------------------------------------------------


def write(path: Path, text: str = TURNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reasons(refused: list[Refused]) -> dict[str, str]:
    return {r.path: r.reason for r in refused}


def test_walk_picks_transcripts_in_order_and_skips_the_rest(tmp_path):
    for name in (
        "b.txt",
        "a.html",
        "sub/c.md",
        "notes.pdf",
        "README.txt",
        ".hidden.txt",
        ".git/d.txt",
        "LICENSE.md",
    ):
        write(tmp_path / name)
    write(tmp_path / "manifest.jsonl", "")
    found, refused, warnings = discover([tmp_path])
    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == [
        "a.html",
        "b.txt",
        "sub/c.md",
    ]
    assert [f.doc_id for f in found] == ["a", "b", "c"]
    assert refused == [] and warnings == []


def test_a_file_reached_twice_is_listed_once(tmp_path):
    path = write(tmp_path / "a.txt")
    (tmp_path / "alias.txt").symlink_to(path)
    (tmp_path / "sub").mkdir()
    found, refused, _ = discover([path, tmp_path, tmp_path / "sub" / ".." / "a.txt"])
    assert [f.path for f in found] == [path] and refused == []


def test_manifest_rows_apply_and_bad_lines_are_reported(tmp_path):
    write(tmp_path / "a.txt")
    write(tmp_path / "b.txt")
    write(tmp_path / "c.txt")
    rows = [
        json.dumps({"file": "a.txt", "id": "doc-a", "title": "A title", "date": "2020-01-02"}),
        '{"file": "b.txt", "id": "doc-b", ',  # cut short
        "",
        json.dumps(["c.txt"]),
        json.dumps({"id": "no-file"}),
        json.dumps({"file": "c.txt", "id": 7}),
        json.dumps({"file": "a.txt", "id": "again"}),
    ]
    manifest = write(tmp_path / "manifest.jsonl", "\n".join(rows) + "\n")
    found, refused, warnings = discover([tmp_path])
    assert {f.path.name: f.doc_id for f in found} == {"a.txt": "doc-a", "b.txt": "b", "c.txt": "c"}
    assert found[0].manifest["title"] == "A title" and found[1].manifest == {}
    bad = (
        "not a manifest row (a JSON object with a string `file` field and, if any, a string "
        "`id`); line ignored"
    )
    assert warnings == [
        f"{manifest}:2: {bad}",
        f"{manifest}:4: {bad}",
        f"{manifest}:5: {bad}",
        f"{manifest}:6: {bad}",
        f"{manifest}:7: second row for a.txt; ignored",
    ]
    assert refused == []


def test_manifest_is_used_for_a_single_file_too(tmp_path):
    path = write(tmp_path / "a.txt")
    write(tmp_path / "manifest.jsonl", json.dumps({"file": "a.txt", "id": "doc-a"}) + "\n")
    found, _, _ = discover([path])
    assert found[0].doc_id == "doc-a"


def test_unreadable_manifest_is_a_warning(open_dir):
    write(open_dir / "a.txt").chmod(0o644)
    manifest = write(open_dir / "manifest.jsonl", json.dumps({"file": "a.txt", "id": "x"}))
    manifest.chmod(0)

    def walk() -> tuple[list[str], list[Refused], list[str]]:
        found, refused, warnings = discover([open_dir])
        return [f.doc_id for f in found], refused, warnings

    # a.txt is found (the folder can be listed) under its own name: the manifest was not read.
    assert unprivileged(walk) == (
        "returned",
        (["a"], [], [f"{manifest}: cannot read manifest (Permission denied); ignored"]),
    )


def test_missing_paths_and_empty_folders(tmp_path):
    (tmp_path / "empty").mkdir()
    found, refused, warnings = discover([tmp_path / "nope", tmp_path / "empty"])
    assert found == []
    assert reasons(refused) == {str(tmp_path / "nope"): "no such file or folder"}
    assert warnings == [
        f"{tmp_path / 'empty'}: no transcript files (.htm, .html, .md, .text, .txt) in this folder"
    ]


def test_symlink_loops_are_refused_and_do_not_trap_the_walk(tmp_path):
    folder = tmp_path / "corpus"
    good = write(folder / "good.txt")
    (folder / "loop.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)  # a folder loop: not followed
    found, refused, _ = discover([folder, folder / "loop.txt"])
    assert [f.path for f in found] == [good]
    assert reasons(refused) == {
        str(folder / "loop.txt"): "symlink loop",
        str(folder / "loop2.txt"): "symlink loop",
    }
    assert len(refused) == 3  # loop.txt once from the walk, once as given


def test_paths_outside_the_root_are_refused_with_the_path_named(tmp_path, monkeypatch):
    root = tmp_path / "root"
    inside = write(root / "in" / "a.txt")
    outside = write(tmp_path / "outside" / "secret.txt")
    (root / "in" / "escape.txt").symlink_to(outside)
    (root / "in" / "alias.txt").symlink_to(inside)
    (root / "elsewhere").symlink_to(tmp_path / "outside")
    monkeypatch.chdir(root / "in")
    given = [
        Path("../../outside/secret.txt"),
        outside,
        root / "elsewhere",
        root / "in" / "escape.txt",
        Path("a.txt"),
        root / "in",
    ]
    found, refused, _ = discover(given, root=root)
    assert [f.path for f in found] == [Path("a.txt")]  # alias.txt is the same file
    real_root = root.resolve()
    expected = f"outside the ingest root {real_root} (resolves to {outside.resolve()})"
    assert reasons(refused) == {
        "../../outside/secret.txt": expected,
        str(outside): expected,
        str(root / "elsewhere"): f"outside the ingest root {real_root} "
        f"(resolves to {(tmp_path / 'outside').resolve()})",
        str(root / "in" / "escape.txt"): expected,
    }
    assert len(refused) == 5  # escape.txt: as given, and again from the walk of root/in


def test_missing_root_refuses_everything(tmp_path):
    path = write(tmp_path / "a.txt")
    found, refused, _ = discover([path], root=tmp_path / "no-root")
    assert found == []
    assert reasons(refused) == {
        str(path): f"the ingest root {(tmp_path / 'no-root').resolve()} is not an existing folder"
    }


def test_no_root_means_no_restriction(tmp_path):
    outside = write(tmp_path / "elsewhere" / "a.txt")
    (tmp_path / "x").mkdir()
    found, refused, _ = discover([tmp_path / "x" / ".." / "elsewhere" / "a.txt"])
    assert [f.path.resolve() for f in found] == [outside.resolve()] and refused == []
