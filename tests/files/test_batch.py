"""reviewbait.batch: byte-for-byte preservation, every bad input, the summary's numbers, formats."""

from __future__ import annotations

import codecs
import csv
import gc
import gzip
import io
import json
import re
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewbait import batch
from reviewbait.batch import BatchError, ScoreOptions, Summary, score_file
from reviewbait.io import pool, readers, sources, writers
from reviewbait.io.formats import Format

SOLICITATION = "Leave us a 5 star review on Amazon and get a free gift card! DM me your screenshot"
ORDINARY = "Anyone know a good plumber in the Eastside area? The kitchen sink has been dripping for a week"

# Raw records (without line ending) and their line endings: quotes, embedded newlines (LF and
# CRLF), commas, unicode, empty cells, "007", "NA", a semicolon inside a quoted cell, a stray
# inch mark in an unquoted cell, and a last record with no line ending at all.
RECORDS: list[tuple[bytes, bytes]] = [
    (b"post_id,author,message,likes", b"\n"),
    (b'007,"Smith, J.","' + SOLICITATION.encode() + b'",NA', b"\n"),
    (b'008,,"He said ""hi"", then left",', b"\r\n"),
    (b'009,Zo\xc3\xab,"multi\nline\r\npost \xf0\x9f\x98\x80 with ""quotes""",0012', b"\n"),
    (b"010,NA,,", b"\n"),
    (b'011,x,"' + ORDINARY.encode() + b'",""', b"\n"),
    (b'012,x,my 5" screen cracked; seller ignores me,3', b"\n"),
    (b'013,"\xe4\xb8\xad\xe6\x96\x87","\xe5\xa5\xbd\xe8\xaf\x84\xe8\xbf\x94\xe7\x8e\xb0, 5\xe6\x98\x9f",1', b""),
]


def _write(path: Path, records: list[tuple[bytes, bytes]], prefix: bytes = b"") -> Path:
    path.write_bytes(prefix + b"".join(raw + eol for raw, eol in records))
    return path


def _split_scored(out: bytes, records: list[tuple[bytes, bytes]], delimiter: str = ",") -> list[list[str]]:
    """Assert every output record is the input record's bytes + added fields + its line ending.

    Returns the five added fields of each record (the header's names first).
    """
    position = 0
    added: list[list[str]] = []
    for raw, eol in records:
        assert out[position : position + len(raw)] == raw, f"record changed at byte {position}"
        position += len(raw)
        end = out.index(eol, position) if eol else len(out)
        suffix = out[position:end].decode("utf-8")
        fields = next(csv.reader([suffix], delimiter=delimiter))
        assert fields[0] == "" and len(fields) == 1 + len(batch.ADDED_COLUMNS), suffix
        added.append(fields[1:])
        position = end + len(eol)
    assert position == len(out), "extra bytes after the last record"
    return added


def _options(tmp_path: Path, model: Path, name: str = "in.csv", **kwargs: object) -> ScoreOptions:
    defaults: dict[str, object] = {"text_column": "message", "model": str(model), "jobs": 1, "quiet": True}
    defaults.update(kwargs)
    return ScoreOptions(input=str(tmp_path / name), **defaults)  # type: ignore[arg-type]


def _check_invariant(summary: Summary) -> None:
    assert summary.rows_read == summary.rows_written + summary.rows_rejected + summary.rows_filtered


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_csv_round_trip_preserves_every_byte(tmp_path: Path, tiny_model_dir: Path, tiny_detector) -> None:
    _write(tmp_path / "in.csv", RECORDS)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), chunk_size=3))
    added = _split_scored((tmp_path / "out.csv").read_bytes(), RECORDS)
    assert added[0] == [f"reviewbait_{name}" for name in batch.ADDED_COLUMNS]
    expected = tiny_detector.score_columns(
        [
            SOLICITATION,
            'He said "hi", then left',
            'multi\nline\r\npost 😀 with "quotes"',
            "",
            ORDINARY,
            'my 5" screen cracked; seller ignores me',
            "好评返现, 5星",
        ]
    )
    assert [row[0] for row in added[1:]] == [f"{p:.6f}" for p in expected["probability"]]
    assert [int(row[1]) for row in added[1:]] == expected["flag"].tolist()
    assert [row[2] for row in added[1:]] == expected["category"]
    assert [row[3] for row in added[1:]] == expected["incentive"]
    assert [row[5] for row in added[1:]] == expected["evidence"]
    assert summary.rows_read == 7
    assert summary.rows_written == 7
    assert summary.rows_rejected == 0
    assert summary.empty_text == 1
    assert summary.rows_flagged == int(expected["flag"].sum())
    assert summary.text_column == "message"
    assert summary.threshold == pytest.approx(tiny_detector.threshold)
    _check_invariant(summary)
    assert _leftovers(tmp_path) == []


def test_empty_and_missing_cells_score_zero(tmp_path: Path, tiny_model_dir: Path) -> None:
    records = [(b"id,message", b"\n"), (b"1,", b"\n"), (b'2,""', b"\n"), (b"3,   ", b"\n"), (b"4,NA", b"\n")]
    _write(tmp_path / "in.csv", records)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    added = _split_scored((tmp_path / "out.csv").read_bytes(), records)
    assert [row[:2] for row in added[1:]] == [["0.000000", "0"]] * 4
    assert summary.empty_text == 3  # "NA" is text: scored (0 by the model), not counted as empty


def test_bom_semicolon_and_latin1_are_preserved(tmp_path: Path, tiny_model_dir: Path) -> None:
    records = [(b"id;message", b"\n"), (b'1;"a; b"', b"\n"), (b"2;" + SOLICITATION.encode(), b"\n")]
    _write(tmp_path / "in.csv", records, prefix=b"\xef\xbb\xbf")
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    out = (tmp_path / "out.csv").read_bytes()
    assert out.startswith(b"\xef\xbb\xbf")
    _split_scored(out[3:], records, delimiter=";")

    latin = [(b"id,message", b"\n"), ("1,café crème brûlée".encode("cp1252"), b"\n")]
    _write(tmp_path / "latin.csv", latin)
    summary = score_file(
        _options(tmp_path, tiny_model_dir, "latin.csv", output=str(tmp_path / "latin.out.csv"), encoding="cp1252")
    )
    _split_scored((tmp_path / "latin.out.csv").read_bytes(), latin)
    assert summary.replaced_bytes == 0


def test_utf16_is_transcoded_and_written_back_in_utf16(tmp_path: Path, tiny_model_dir: Path) -> None:
    text = f'id,message\r\n007,héllo wörld\r\n8,"{SOLICITATION}"\r\n'
    (tmp_path / "in.csv").write_bytes(text.encode("utf-16"))
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    out = (tmp_path / "out.csv").read_bytes()
    assert out.startswith(b"\xff\xfe")
    decoded = out.decode("utf-16")
    records = [(line.encode(), b"\r\n") for line in text.split("\r\n")[:-1]]
    _split_scored(decoded.encode("utf-8"), records)
    assert summary.rows_read == 2


def test_undecodable_bytes_are_counted_and_kept_or_refused_under_strict(tmp_path: Path, tiny_model_dir: Path) -> None:
    records = [(b"id,message", b"\n"), (b"1,fine", b"\n"), (b"2,caf\xe9 \xff", b"\n"), (b"3,bad \xe9", b"\n")]
    _write(tmp_path / "in.csv", records)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    _split_scored((tmp_path / "out.csv").read_bytes(), records)  # the original bytes, not U+FFFD
    assert summary.replaced_bytes == 3
    assert summary.first_replaced_line == 3
    assert "replaced bytes" in summary.render()

    with pytest.raises(BatchError, match=r"line 3: bytes e9 are not valid utf-8.*--encoding"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "strict.csv"), strict=True))
    assert not (tmp_path / "strict.csv").exists()
    assert _leftovers(tmp_path) == []


BAD = [
    (b"id,message", b"\n"),
    (b"1,ok", b"\n"),
    (b"2,too,many", b"\n"),
    (b'3,"never closed', b"\n"),
    (b"4,fine", b"\n"),
    (b"5,also fine", b"\n"),
]


def test_bad_line_stops_with_line_number_and_hint(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", BAD)
    with pytest.raises(BatchError, match=r"line 3 of .*expected 2 fields, saw 3.*--on-bad-lines skip"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert not (tmp_path / "out.csv").exists()
    assert _leftovers(tmp_path) == []


def test_skip_writes_rejected_file_and_scores_the_rest(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", BAD)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), on_bad_lines="skip"))
    kept = [BAD[0], BAD[1], BAD[4], BAD[5]]  # the unclosed quote costs its own line only
    _split_scored((tmp_path / "out.csv").read_bytes(), kept)
    with (tmp_path / "out.rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["line_number"], r["raw"]) for r in rejected] == [("3", "2,too,many"), ("4", '3,"never closed')]
    assert rejected[0]["reason"].startswith("wrong number of fields")
    assert rejected[1]["reason"].startswith("unbalanced quotes")
    assert (summary.rows_read, summary.rows_written, summary.rows_rejected) == (5, 3, 2)
    assert summary.rejected_by_reason == {"wrong number of fields": 1, "unbalanced quotes": 1}
    assert summary.rejected_file == str(tmp_path / "out.rejected.csv")
    _check_invariant(summary)


def test_unclosed_quote_in_the_middle_costs_one_line(tmp_path: Path, tiny_model_dir: Path) -> None:
    records = [(b"id,message,likes", b"\n"), (b'1,"oops,2', b"\n")]
    records += [(f"{i},row {i},{i}".encode(), b"\n") for i in range(2, 8)]
    _write(tmp_path / "in.csv", records)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), on_bad_lines="skip"))
    _split_scored((tmp_path / "out.csv").read_bytes(), [records[0], *records[2:]])
    assert (summary.rows_read, summary.rows_written, summary.rows_rejected) == (7, 6, 1)


def test_blank_lines_are_counted_not_rows(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "in.csv").write_bytes(b"id,message\n1,a b c\n\n2,d e f\n\n")
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert (summary.rows_read, summary.rows_written, summary.blank_lines) == (2, 2, 2)
    assert (tmp_path / "out.csv").read_bytes().count(b"\n") == 3


def test_empty_file_is_an_error(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "in.csv").write_bytes(b"")
    with pytest.raises(BatchError, match="is empty"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("content", [b"id,message\n", b"id,message\r\n\r\n", b"id,message"])
@pytest.mark.parametrize("text_column", ["message", None])
def test_header_only_file_gives_an_empty_scored_file(
    tmp_path: Path, tiny_model_dir: Path, content: bytes, text_column: str | None
) -> None:
    """A cron job on a quiet day: the header and the added columns, exit 0."""
    (tmp_path / "in.csv").write_bytes(content)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), text_column=text_column))
    eol = b"\r\n" if b"\r" in content else b"\n"
    names = ",".join("reviewbait_" + n for n in batch.ADDED_COLUMNS).encode()
    assert (tmp_path / "out.csv").read_bytes() == b"id,message," + names + eol
    assert (summary.rows_read, summary.rows_written) == (0, 0)
    assert "rows read               0" in summary.render()


def test_header_only_file_still_checks_the_text_column(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "in.csv").write_bytes(b"id,message\n")
    with pytest.raises(BatchError, match="text column 'body' not found"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), text_column="body"))
    assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"]


def test_paths_are_checked_before_anything_is_written(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", RECORDS)
    with pytest.raises(BatchError, match="does not exist"):
        score_file(_options(tmp_path, tiny_model_dir, "missing.csv"))
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(BatchError, match="is a directory"):
        score_file(_options(tmp_path, tiny_model_dir, "folder.csv"))
    with pytest.raises(BatchError, match="would overwrite the input"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "in.csv"), overwrite=True))
    (tmp_path / "out.csv").write_text("keep me")
    with pytest.raises(BatchError, match="already exists; pass --overwrite"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert (tmp_path / "out.csv").read_text() == "keep me"
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), overwrite=True))
    _split_scored((tmp_path / "out.csv").read_bytes(), RECORDS)


def test_unreadable_file(tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "in.csv", RECORDS)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sources, "open", denied, raising=False)
    with pytest.raises(BatchError, match=r"cannot read .*permission denied"):
        score_file(_options(tmp_path, tiny_model_dir))


def test_text_column_missing_ambiguous_or_detected(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", RECORDS)
    with pytest.raises(BatchError, match=r"text column 'body' not found.*'post_id', 'author', 'message', 'likes'"):
        score_file(_options(tmp_path, tiny_model_dir, text_column="body"))
    summary = score_file(_options(tmp_path, tiny_model_dir, text_column=None, output=str(tmp_path / "auto.csv")))
    assert summary.text_column == "message"

    (tmp_path / "two.csv").write_text(f"a,b\n{ORDINARY},{SOLICITATION}\n", encoding="utf-8")
    with pytest.raises(BatchError, match=r"several columns look like free text.*--text-column, one of: 'a', 'b'"):
        score_file(_options(tmp_path, tiny_model_dir, "two.csv", text_column=None))
    (tmp_path / "none.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BatchError, match=r"no column looks like free text.*'a', 'b'"):
        score_file(_options(tmp_path, tiny_model_dir, "none.csv", text_column=None))


def test_added_column_clash_suggests_prefix(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "in.csv").write_text(f"message,reviewbait_flag\n{ORDINARY},x\n", encoding="utf-8")
    with pytest.raises(BatchError, match=r"'reviewbait_flag'.*--prefix"):
        score_file(_options(tmp_path, tiny_model_dir))
    score_file(_options(tmp_path, tiny_model_dir, prefix="rb_", output=str(tmp_path / "out.csv")))
    header = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "message,reviewbait_flag,rb_probability,rb_flag,rb_category,rb_incentive,rb_sentiment_conditioned,rb_evidence"
    )


def test_only_flagged_limit_and_threshold(tmp_path: Path, tiny_model_dir: Path, tiny_detector) -> None:
    rows = [SOLICITATION, ORDINARY] * 5
    (tmp_path / "in.csv").write_text(
        "id,message\n" + "".join(f"{i:03d},{t}\n" for i, t in enumerate(rows)), encoding="utf-8"
    )
    flags = tiny_detector.score_columns(rows)["flag"].tolist()
    assert sum(flags) > 0, "the tiny model should flag the solicitation"
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "f.csv"), only_flagged=True))
    assert summary.rows_written == sum(flags)
    assert summary.rows_filtered == len(rows) - sum(flags)
    _check_invariant(summary)
    written = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[0] for line in written] == [f"{i:03d}" for i, f in enumerate(flags) if f]

    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "l.csv"), limit=3, chunk_size=2))
    assert (summary.rows_read, summary.rows_written) == (3, 3)
    assert len((tmp_path / "l.csv").read_text(encoding="utf-8").splitlines()) == 4

    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "t.csv"), threshold="1"))
    assert summary.rows_flagged == 0 and summary.threshold == 1.0
    with pytest.raises(ValueError, match="unknown operating point 'loose'"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "x.csv"), threshold="loose"))
    assert not (tmp_path / "x.csv").exists()


def test_interrupted_or_failed_write_leaves_nothing(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "in.csv", RECORDS)
    calls = {"n": 0}
    original = writers._SpliceWriter.write

    def interrupt_second_chunk(self: object, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(writers._SpliceWriter, "write", interrupt_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), chunk_size=2))
    assert not (tmp_path / "out.csv").exists()
    assert _leftovers(tmp_path) == []

    def disk_full(self: object, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers._SpliceWriter, "write", original)
    monkeypatch.setattr(writers._Sink, "write", disk_full)
    with pytest.raises(OSError, match="No space left"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert not (tmp_path / "out.csv").exists()
    assert _leftovers(tmp_path) == []


def test_tsv_and_gzip_round_trip(tmp_path: Path, tiny_model_dir: Path) -> None:
    records = [(b"id\tmessage", b"\n"), (b"007\t" + SOLICITATION.encode(), b"\n"), (b"NA\t", b"\n")]
    _write(tmp_path / "in.tsv", records)
    score_file(_options(tmp_path, tiny_model_dir, "in.tsv"))
    _split_scored((tmp_path / "in.scored.tsv").read_bytes(), records, delimiter="\t")

    with gzip.open(tmp_path / "in.csv.gz", "wb") as handle:
        handle.write(b"".join(raw + eol for raw, eol in RECORDS))
    summary = score_file(_options(tmp_path, tiny_model_dir, "in.csv.gz"))
    assert summary.output == str(tmp_path / "in.scored.csv.gz")
    _split_scored(gzip.decompress((tmp_path / "in.scored.csv.gz").read_bytes()), RECORDS)


def test_jsonl_keeps_its_bytes_and_rejects_bad_lines(tmp_path: Path, tiny_model_dir: Path) -> None:
    lines = [
        b'{"id": "007", "message": "' + SOLICITATION.encode() + b'", "n": 1.50}',
        b'{"id":"008","message":null,"extra":[1,2]}',
        b"not json",
        b"[1, 2]",
        b"{}",
    ]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    summary = score_file(_options(tmp_path, tiny_model_dir, "in.jsonl", on_bad_lines="skip"))
    out = (tmp_path / "in.scored.jsonl").read_bytes().splitlines()
    assert len(out) == 3
    for original, scored in zip([lines[0], lines[1], lines[4]], out, strict=True):
        assert scored.startswith(original[:-1])  # the object's own bytes, then the added keys
        record = json.loads(scored)
        assert set(record) >= {"reviewbait_probability", "reviewbait_flag", "reviewbait_evidence"}
    assert json.loads(out[0])["n"] == 1.5
    assert json.loads(out[1])["reviewbait_probability"] == 0.0
    assert summary.rejected_by_reason == {"invalid JSON": 1, "not a JSON object": 1}
    assert summary.empty_text == 2
    _check_invariant(summary)


def test_parquet_out_and_in(tmp_path: Path, tiny_model_dir: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _write(tmp_path / "in.csv", RECORDS)
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.parquet"), chunk_size=3))
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 7
    assert table.column("post_id").to_pylist()[:4] == ["007", "008", "009", "010"]
    assert table.column("likes").to_pylist()[:2] == ["NA", ""]
    assert table.schema.field("message").type == pa.string()
    assert table.schema.field("reviewbait_probability").type == pa.float64()
    assert table.schema.field("reviewbait_flag").type == pa.int8()

    source = pa.table({"id": pa.array([7, 8, 9], pa.int64()), "message": [SOLICITATION, None, ORDINARY]})
    pq.write_table(source, tmp_path / "typed.parquet")
    summary = score_file(_options(tmp_path, tiny_model_dir, "typed.parquet", only_flagged=False))
    back = pq.read_table(tmp_path / "typed.scored.parquet")
    assert back.schema.field("id").type == pa.int64()  # a Parquet input keeps its types
    assert back.column("message").to_pylist() == [SOLICITATION, None, ORDINARY]
    assert summary.empty_text == 1

    summary = score_file(_options(tmp_path, tiny_model_dir, "typed.parquet", output=str(tmp_path / "t.jsonl")))
    assert [json.loads(line)["id"] for line in (tmp_path / "t.jsonl").read_text().splitlines()] == [7, 8, 9]


def test_progress_only_when_asked_or_on_a_terminal(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", RECORDS)
    pipe = io.StringIO()
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "a.csv"), quiet=False), stderr=pipe)
    assert pipe.getvalue() == ""  # not a terminal: nothing

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    score_file(
        _options(tmp_path, tiny_model_dir, output=str(tmp_path / "b.csv"), quiet=False, chunk_size=1), stderr=terminal
    )
    assert "\r" in terminal.getvalue() and "rows/s" in terminal.getvalue() and "ETA" in terminal.getvalue()
    quiet = Terminal()
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "c.csv"), quiet=True), stderr=quiet)
    assert quiet.getvalue() == ""


def test_default_output_names() -> None:
    assert batch.default_output("data/posts.csv") == "data/posts.scored.csv"
    assert batch.default_output("posts.csv.gz") == "posts.scored.csv.gz"
    assert batch.default_output("a.b/posts") == "a.b/posts.scored"
    assert batch.default_output("posts.parquet") == "posts.scored.parquet"
    assert batch.default_output("-") == "-"
    assert batch.default_output("posts.csv", Format("parquet")) == "posts.scored.parquet"


def test_summary_json_round_trip() -> None:
    summary = Summary(input="a", output="b", rows_read=3, rows_written=3, seconds=1.5, threshold=0.5)
    data = summary.to_dict()
    assert data["rows_per_second"] == 2.0
    assert json.loads(json.dumps(data))["rows_read"] == 3


_CELL = st.text(
    alphabet=st.sampled_from(list("ab ,;\"\n\r\t'0NA.é😀中\u2028\x85|")) | st.characters(codec="utf-8"), max_size=12
).filter(lambda s: "\x00" not in s)


def _csv_field(value: str, force_quotes: bool) -> bytes:
    if force_quotes or any(c in value for c in ',"\r\n'):
        return b'"' + value.replace('"', '""').encode() + b'"'
    return value.encode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(_CELL, _CELL, _CELL, st.booleans(), st.sampled_from([b"\n", b"\r\n"])), min_size=1, max_size=8
    ),
    last_eol=st.booleans(),
)
def test_any_valid_csv_round_trips_byte_for_byte(
    tiny_model_dir: Path, rows: list[tuple[str, str, str, bool, bytes]], last_eol: bool
) -> None:
    records = [(b"id,message,extra", b"\n")]
    for a, b, c, quoted, eol in rows:
        records.append((b",".join(_csv_field(v, quoted) for v in (a, b, c)), eol))
    if not last_eol:
        records[-1] = (records[-1][0], b"")
    if records[-1] == (b",,", b""):  # an empty unterminated last line is no record at all
        records[-1] = (b'"",,', b"")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        _write(directory / "in.csv", records)
        summary = score_file(_options(directory, tiny_model_dir, output=str(directory / "out.csv")))
        _split_scored((directory / "out.csv").read_bytes(), records)
    assert summary.rows_read == summary.rows_written == len(rows)


def test_workers_reuse_the_model_the_forkserver_preloaded(tiny_model_dir, monkeypatch) -> None:
    """The forkserver loads the model once; a worker takes it only when it is the same model."""

    from reviewbait.text import cues

    monkeypatch.setattr(pool, "_WORKER", {})
    monkeypatch.setattr(cues, "_FINDER", None)  # a fresh cue finder, its prefilter not yet built
    handler = signal.getsignal(signal.SIGINT)
    try:
        monkeypatch.setenv(pool.PRELOAD_ENV, pool._model_spec(str(tiny_model_dir), "balanced", False))
        gc.unfreeze()
        pool.preload_in_forkserver()
        assert gc.get_freeze_count() > 0  # the model is out of the collector's reach: pages stay shared
        # the cue search's RE2 supersets are compiled in the server, for the workers to share
        assert cues._finder()._supersets is not None
        spec, preloaded = pool._WORKER["preloaded"]
        assert spec == pool._model_spec(str(tiny_model_dir), "balanced", False)
        assert preloaded.probabilities(["leave a 5 star review for a free gift"]).shape == (1,)
        pool._init_worker(str(tiny_model_dir), "balanced", False)
        assert pool._WORKER["detector"] is preloaded
        pool._init_worker(str(tiny_model_dir), "precise", False)  # another operating point: its own load
        assert pool._WORKER["detector"] is not preloaded
        assert pool._WORKER["detector"].threshold == preloaded.resolve_threshold("precise")
        monkeypatch.setenv(pool.PRELOAD_ENV, pool._model_spec(str(tiny_model_dir / "missing"), "balanced", False))
        pool._WORKER.clear()
        pool.preload_in_forkserver()  # a bad model is left for the worker to report
        assert "preloaded" not in pool._WORKER
    finally:
        gc.unfreeze()
        signal.signal(signal.SIGINT, handler)


# --------------------------------------------------------------------------- hostile and broken CSV

STRAY = [
    (b"post_id,created_at,source,author,message,likes", b"\n"),
    (b'p1,2026-01-01,fb,ann,"Loved it! 5 stars,3', b"\n"),
    (b"p2,2026-01-01,fb,bob,plain question about shipping,4", b"\n"),
    (b'p3,2026-01-02,fb,cy,"Leave a 5 star review and get a $10 gift card",5', b"\n"),
    (b"p4,2026-01-02,fb,dee,thanks all,6", b"\n"),
]


def test_a_stray_quote_stops_the_run_where_it_happens(tmp_path: Path, tiny_model_dir: Path) -> None:
    """p1's open quote would swallow p2 and p3 (the field count happens to match) and hide p3's offer."""
    _write(tmp_path / "in.csv", STRAY)
    with pytest.raises(BatchError, match=r"line 2 of .*stray quote.*on line 4, closing the field opened on line 2"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"]


def test_a_stray_quote_costs_its_own_line_with_skip(tmp_path: Path, tiny_model_dir: Path) -> None:
    _write(tmp_path / "in.csv", STRAY)
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), on_bad_lines="skip"))
    _split_scored((tmp_path / "out.csv").read_bytes(), [STRAY[0], *STRAY[2:]])
    with (tmp_path / "out.rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["line_number"], r["raw"]) for r in rejected] == [("2", STRAY[1][0].decode())]
    assert (summary.rows_read, summary.rows_written, summary.rows_rejected) == (4, 3, 1)
    assert summary.rejected_by_reason == {"stray quote": 1}


@pytest.mark.parametrize(
    ("record", "line"),
    [(b'1,"said "hi" to me",2', 2), (b'1,"closed" then text,2', 2), (b'1,"two\nlines"x,2', 3)],
)
def test_text_after_a_closing_quote_is_refused(tmp_path: Path, tiny_model_dir: Path, record: bytes, line: int) -> None:
    (tmp_path / "in.csv").write_bytes(b"id,message,likes\n" + record + b"\n3,fine row here,4\n")
    with pytest.raises(BatchError, match=rf"line 2 of .*stray quote \(a quote on line {line}\b"):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))


def test_cells_over_128_kib_are_read(tmp_path: Path, tiny_model_dir: Path) -> None:
    """The csv module's default cell limit is 128 KiB; a 200 KB cell and a 197 KB multi-line quoted
    cell are valid CSV and score like any other, also with --on-bad-lines skip (no invented rows)."""
    plain = ("a long post without any quote " * 7000).encode()
    assert len(plain) > 200_000
    lines = "\n".join(f"line {i} of a long post, with a comma" for i in range(5000))
    quoted = b'"' + lines.encode() + b'"'
    assert 190_000 < len(quoted) < 200_000 and quoted.count(b"\n") == 4999
    records = [(b"id,message,likes", b"\n"), (b"1," + plain + b",3", b"\n"), (b"2," + quoted + b",4", b"\r\n")]
    records.append((b"3," + SOLICITATION.encode() + b",5", b"\n"))
    _write(tmp_path / "in.csv", records)
    for on_bad_lines in ("error", "skip"):
        out = tmp_path / f"out_{on_bad_lines}.csv"
        summary = score_file(_options(tmp_path, tiny_model_dir, output=str(out), on_bad_lines=on_bad_lines))
        _split_scored(out.read_bytes(), records)
        assert (summary.rows_read, summary.rows_written, summary.rows_rejected) == (3, 3, 0)
    assert not (tmp_path / "out_skip.rejected.csv").exists()


def test_a_cell_over_the_limit_stops_with_its_line(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the cap the end of the record is unknown: stop (even with skip) rather than invent rows."""
    monkeypatch.setattr(readers, "MAX_CELL_CHARS", 1000)
    previous = csv.field_size_limit(1000)
    try:
        body = "\n".join(f"{i},row {i},1" for i in range(3, 300))
        (tmp_path / "in.csv").write_text(f'id,message,likes\n1,fine,2\n2,"never closed,2\n{body}\n')
        for on_bad_lines in ("error", "skip"):
            with pytest.raises(BatchError, match=r"line 3 of .*over 1,000 characters.*unclosed quote on line 3"):
                score_file(
                    _options(tmp_path, tiny_model_dir, output=str(tmp_path / "o.csv"), on_bad_lines=on_bad_lines)
                )
            assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"]
    finally:
        csv.field_size_limit(previous)


_RAW_CSV = st.lists(st.sampled_from(["a", "b c", ",", '"', '""', "\n", "\r\n", "\r", "é", "😀", ";"]), max_size=40)


def _strict_rows(text: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_RAW_CSV)
def test_any_strict_csv_round_trips_or_stops_with_a_line_number(tiny_model_dir: Path, body: list[str]) -> None:
    """Whatever the bytes: what Python's csv module reads in strict mode comes back with every
    record's original bytes; anything else stops the run with a line number, never a silent merge."""
    text = "id,message\n" + "".join(body)
    rows = _strict_rows(text)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "in.csv").write_bytes(text.encode())
        out = directory / "out.csv"
        try:
            summary = score_file(_options(directory, tiny_model_dir, output=str(out)))
        except BatchError as exc:
            assert re.match(r"line \d+ of ", str(exc)), exc
            assert not out.exists()
            return
        assert rows is not None, "the csv module in strict mode refuses this, reviewbait read it"
        assert summary.rows_read == summary.rows_written == len([r for r in rows[1:] if r])
        # every record's original bytes, then the added fields (texts without a review word score 0)
        expected = ""
        for lines in _strict_records(text):
            record = "".join(lines)
            body = record.rstrip("\r\n")
            suffix = (
                "," + ",".join("reviewbait_" + n for n in batch.ADDED_COLUMNS)
                if not expected
                else ",0.000000,0,,,0,"  # probability, flag, category, incentive, sentiment, evidence
            )
            expected += body + suffix + (record[len(body) :] or ("\n" if not expected else ""))
        assert out.read_bytes().decode() == expected


def _strict_records(text: str) -> list[list[str]]:
    """The physical lines of each record the csv module reads (blank lines left out)."""
    physical = text.splitlines(keepends=True)
    records: list[list[str]] = []
    consumed = 0
    reader = csv.reader(iter(physical), strict=True)
    for row in reader:
        lines = physical[consumed : reader.line_num]
        consumed = reader.line_num
        if row:
            records.append(lines)
    return records


def test_utf16_big_endian_stays_big_endian(tmp_path: Path, tiny_model_dir: Path) -> None:
    text = "id,message\n1," + SOLICITATION + "\n2,caf\u00e9 \U0001f600 ok\n"
    (tmp_path / "in.csv").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    out = (tmp_path / "out.csv").read_bytes()
    assert out.startswith(codecs.BOM_UTF16_BE)
    lines = out[2:].decode("utf-16-be").splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["1", SOLICITATION.split(",")[0]],
        ["2", "caf\u00e9 \U0001f600 ok"],
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (gzip.compress(b"id,message\n1,hello there\n"), "is gzip-compressed: name it .gz"),
        (
            "id,message\n1,hello there\n".encode("utf-16-le"),
            "UTF-16 without a byte order mark: pass --encoding utf-16-le",
        ),
        (
            "id,message\n1,hello there\n".encode("utf-16-be"),
            "UTF-16 without a byte order mark: pass --encoding utf-16-be",
        ),
        (b"PAR1\x15\x04", "is a Parquet file"),
        (b"PK\x03\x04\x14\x00", "is a zip archive"),
    ],
)
def test_a_misnamed_file_is_named_for_what_it_is(
    tmp_path: Path, tiny_model_dir: Path, content: bytes, message: str
) -> None:
    (tmp_path / "in.csv").write_bytes(content)
    with pytest.raises(BatchError, match=message):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))


def test_bom_less_utf16_reads_with_the_named_encoding(tmp_path: Path, tiny_model_dir: Path) -> None:
    text = "id,message\n1,hello there\n"
    (tmp_path / "in.csv").write_bytes(text.encode("utf-16-le"))
    summary = score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv"), encoding="utf-16-le"))
    assert summary.rows_written == 1
    assert (tmp_path / "out.csv").read_bytes().decode("utf-16-le").startswith("id,message,reviewbait_probability")


def test_jsonl_refuses_a_repeated_key_and_unreadable_numbers(tmp_path: Path, tiny_model_dir: Path) -> None:
    """json.loads keeps the last of two equal keys: one of the two texts would be lost unseen."""
    lines = [
        b'{"id": 1, "message": "first text", "message": "second text"}',
        b'{"id": 2, "message": "fine"}',
        b'{"id": 3, "message": "deep", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"id": 4, "message": "long number", "x": ' + b"9" * 5000 + b"}",
    ]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    summary = score_file(
        _options(tmp_path, tiny_model_dir, "in.jsonl", output=str(tmp_path / "out.jsonl"), on_bad_lines="skip")
    )
    assert (summary.rows_read, summary.rows_written, summary.rows_rejected) == (4, 1, 3)
    assert summary.rejected_by_reason == {"duplicate key": 1, "invalid JSON": 2}


def test_ctrl_c_as_the_temporary_output_is_created_leaves_nothing(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch
) -> None:
    """A Ctrl-C that lands between creating the temporary file and the run naming it (seen
    once on a loaded machine) used to leave the ``.part`` file behind."""
    import os

    from reviewbait.io import writers

    _write(tmp_path / "in.csv", RECORDS)
    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args: object, **kwargs: object) -> tuple[int, str]:
        created = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)  # delivered at the next bytecode, inside _Sink
        return created  # type: ignore[no-any-return]

    monkeypatch.setattr(writers.tempfile, "mkstemp", mkstemp_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        score_file(_options(tmp_path, tiny_model_dir, output=str(tmp_path / "out.csv")))
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "out.csv").exists()
