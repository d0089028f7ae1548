"""read_integer_table: fast parse of good files, RecbenchError with file and line number for bad ones."""

from __future__ import annotations

import pytest

from recbench.data._formats import read_integer_table
from recbench.errors import RecbenchError

COLUMNS = ["user", "item", "rating", "timestamp"]


def _write(tmp_path, text: str, name: str = "u.data"):
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


def test_reads_tab_separated_integers(tmp_path):
    path = _write(tmp_path, "1\t10\t5\t881250949\n2\t20\t3\t881250950\n")
    frame = read_integer_table(path, "\t", COLUMNS)
    assert list(frame.columns) == COLUMNS
    assert frame.values.tolist() == [[1, 10, 5, 881250949], [2, 20, 3, 881250950]]
    assert all(str(t) == "int64" for t in frame.dtypes)


def test_reads_double_colon_separated_integers(tmp_path):
    path = _write(tmp_path, "1::1193::5::978300760\r\n1::661::3::978302109\r\n", "ratings.dat")
    frame = read_integer_table(path, "::", COLUMNS)
    assert frame.values.tolist() == [[1, 1193, 5, 978300760], [1, 661, 3, 978302109]]


GOOD = "1\t10\t5\t100\n"


@pytest.mark.parametrize(
    "text, separator, line",
    [
        (GOOD + GOOD + "3\t30\t4\n", "\t", 3),  # too few fields
        (GOOD + "3\t30\t4\t100\t7\n" + GOOD, "\t", 2),  # too many fields
        (GOOD + "x\t30\t4\t100\n", "\t", 2),  # non-numeric id
        (GOOD + GOOD + GOOD + "3\t30\t4.5\t100\n", "\t", 4),  # not an integer
        ("1,10,5,100\n", "\t", 1),  # wrong delimiter
        (GOOD + "\n" + GOOD + "1 10 5 100\n", "\t", 4),  # blank lines still count
        ("1::10::5::100\n1::x::5::100\n", "::", 2),
        ("1::10::5::100\n1::10::5\n", "::", 2),
        ("1::10::5::100\n1:10:5:100\n", "::", 2),
    ],
)
def test_malformed_line_names_the_file_and_its_line_number(tmp_path, text, separator, line):
    path = _write(tmp_path, text)
    with pytest.raises(RecbenchError) as info:
        read_integer_table(path, separator, COLUMNS)
    assert str(info.value).startswith(f"{path}, line {line}:")


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_file_is_a_recbench_error(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(RecbenchError, match="no rows") as info:
        read_integer_table(path, "\t", COLUMNS)
    assert str(path) in str(info.value)


def test_every_line_with_an_extra_field_is_rejected(tmp_path):
    path = _write(tmp_path, "1\t10\t5\t100\t9\n2\t20\t3\t200\t9\n")
    with pytest.raises(RecbenchError, match=", line 1:"):
        read_integer_table(path, "\t", COLUMNS)


def test_tab_separated_line_in_a_double_colon_file_is_rejected(tmp_path):
    path = _write(tmp_path, "1::10::5::100\n2\t20\t3\t200\n", "ratings.dat")
    with pytest.raises(RecbenchError, match=", line 2:"):
        read_integer_table(path, "::", COLUMNS)


def test_integer_overflow_is_a_recbench_error_naming_the_line(tmp_path):
    path = _write(tmp_path, GOOD + "99999999999999999999\t10\t5\t100\n")
    with pytest.raises(RecbenchError, match=", line 2:"):
        read_integer_table(path, "\t", COLUMNS)


def test_error_quotes_the_line_as_written_in_the_file(tmp_path):
    path = _write(tmp_path, "1::10::5::100\n1::10::5\n", "ratings.dat")
    with pytest.raises(RecbenchError, match="'1::10::5'"):
        read_integer_table(path, "::", COLUMNS)
