"""Label files: reading, validation errors that name file, row and fix."""

import pytest

from stance.labels import LabelError, check_labels, load_labels, near_duplicate_key

HEADER = "id,text,stance,tone\n"


def write(tmp_path, name, body, header=HEADER):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def messages(problems):
    return [str(p) for p in problems]


def test_clean_file_has_no_problems(tmp_path):
    path = write(tmp_path, "a.csv", "1,We condemn the launch.,condemning,firm\n2,Talks are welcome.,open_to_dialogue,conciliatory\n")
    assert check_labels([path]) == []


def test_missing_column_suggests_the_close_name(tmp_path):
    path = write(tmp_path, "a.csv", "1,x,condemning,firm\n", header="id,text,stanse,tone\n")
    [problem] = check_labels([path])
    assert "missing required column 'stance'" in str(problem) and "'stanse'" in str(problem)


def test_wrong_delimiter_is_explained(tmp_path):
    path = write(tmp_path, "a.csv", "1;x;condemning;firm\n", header="id;text;stance;tone\n")
    assert any("delimiter" in m for m in messages(check_labels([path])))


@pytest.mark.parametrize(
    "row, expected",
    [
        ("1,,condemning,firm", "row 2: empty text"),
        ("1,Text.,,firm", "row 2: empty stance"),
        ("1,Text.,condemnig,firm", "unknown stance 'condemnig'; did you mean 'condemning'?"),
        ("1,Text.,condemning,angry", "unknown tone 'angry'"),
    ],
)
def test_row_problems_name_file_and_row(tmp_path, row, expected):
    path = write(tmp_path, "bad.csv", row + "\n")
    found = messages(check_labels([path]))
    assert any("bad.csv" in m and expected in m for m in found), found


def test_duplicate_ids_and_conflicting_labels_across_files(tmp_path):
    write(tmp_path, "a.csv", "1,We condemn the launch.,condemning,firm\n")
    write(tmp_path, "b.csv", "1,Another text.,neutral,neutral\n2,We condemn the launch!,neutral,firm\n")
    found = messages(check_labels([tmp_path]))
    assert any("duplicate id '1'" in m for m in found)
    assert any("different stance labels" in m for m in found)


def test_excluded_rows_are_not_checked_or_loaded(tmp_path):
    path = write(tmp_path, "a.csv", "1,Caption,,,yes\n2,We condemn it.,condemning,firm,\n", header="id,text,stance,tone,exclude\n")
    assert check_labels([path]) == []
    assert load_labels([path])["id"].tolist() == ["2"]


def test_custom_labels_accepted_when_asked(tmp_path):
    path = write(tmp_path, "a.csv", "1,Text.,pro,firm\n2,Other.,anti,neutral\n")
    assert check_labels([path]) != []
    assert check_labels([path], targets=["stance"], allowed={}) == []


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\x01\x02id,text")
    with pytest.raises(LabelError, match="empty"):
        load_labels([empty])
    with pytest.raises(LabelError, match="NUL"):
        load_labels([binary])


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,text,stance,tone\n1,Text.,neutral,neutral\n".encode("utf-8"))
    assert load_labels([path])["id"].tolist() == ["1"]


def test_working_folders_are_skipped(tmp_path):
    write(tmp_path, "a.csv", "1,We condemn it.,condemning,firm\n")
    (tmp_path / "work").mkdir()
    write(tmp_path / "work", "pool.csv", "1,We condemn it.,neutral,neutral\n")
    assert check_labels([tmp_path]) == []


def test_near_duplicates_share_a_group():
    assert near_duplicate_key("On May 3, 2021, we met.") == near_duplicate_key("On May 4, 2022 — we met!")
    assert near_duplicate_key("We met.") != near_duplicate_key("We did not meet.")


def test_shipped_labels_pass_the_checker():
    from pathlib import Path

    labels = Path(__file__).resolve().parents[1] / "labels"
    assert check_labels([labels]) == []


def test_a_row_glued_onto_the_one_before_is_reported_not_dropped(tmp_path):
    """The 12-column file `stance label` writes, with a row appended after a missing final
    newline: pandas would take the first 11 fields as an index and silently lose a row."""
    header = "id,text,stance,tone,speaker,speaker_side,date,source,source_ref,labelled_by,reviewed,notes\n"
    body = "1,First.,neutral,neutral,,,,,,a:read,single,2,Second.,condemning,firm,,,,,,a:read,single,\n3,Third.,neutral,firm,,,,,,a:read,single,\n"
    path = write(tmp_path, "glued.csv", body, header=header)
    found = messages(check_labels([path]))
    assert any("glued.csv, row 2: 23 fields but the header has 12 columns" in m for m in found), found
    with pytest.raises(LabelError, match="row 2: 23 fields"):
        load_labels([path])


def test_cells_neutralised_for_spreadsheets_are_read_back(tmp_path):
    path = write(tmp_path, "a.csv", "1,'=1+2 is not a formula,neutral,neutral\n2,'-5,neutral,neutral\n3,''@x,neutral,neutral\n")
    assert load_labels([path])["text"].tolist() == ["=1+2 is not a formula", "'-5", "'@x"]


def test_test_folder_is_never_training_data(tmp_path):
    """A label folder's test/ (and agreement/, work/) sub-folders are skipped: the frozen test
    set is read only when named (`stance evaluate --test labels/test/`)."""
    from stance.labels import load_labels

    row = "id,text,stance,tone\n{id},{text},neutral,neutral\n"
    (tmp_path / "test").mkdir()
    (tmp_path / "train.csv").write_text(row.format(id="a", text="We met on Monday."), encoding="utf-8")
    (tmp_path / "test" / "natural.csv").write_text(row.format(id="b", text="They met on Tuesday."), encoding="utf-8")
    assert load_labels([tmp_path])["id"].tolist() == ["a"]
    assert load_labels([tmp_path / "test"])["id"].tolist() == ["b"]


def test_shipped_test_set_shares_no_statement_with_training():
    from pathlib import Path

    from stance.labels import load_labels, near_duplicate_key

    labels = Path(__file__).resolve().parents[1] / "labels"
    train, test = load_labels([labels]), load_labels([labels / "test"])
    assert len(test) >= 800
    assert not set(train["id"]) & set(test["id"])
    assert not set(train["text"].map(near_duplicate_key)) & set(test["text"].map(near_duplicate_key))


# --- friendly columns: other people's CSVs ---------------------------------------------


def test_a_file_without_ids_gets_stable_ids_from_the_text(tmp_path):
    from stance.labels import text_id

    path = write(
        tmp_path,
        "theirs.csv",
        "We condemn the launch.,condemning,firm\nTalks are welcome.,open_to_dialogue,conciliatory\n",
        "text,stance,tone\n",
    )
    frame = load_labels([path])
    assert frame["id"].tolist() == [text_id("We condemn the launch."), text_id("Talks are welcome.")]
    assert frame["id"].str.fullmatch(r"t_[0-9a-f]{12}").all()
    assert load_labels([path])["id"].tolist() == frame["id"].tolist()  # stable from run to run
    assert check_labels([path]) == []


def test_an_empty_id_is_filled_from_the_text_when_training(tmp_path):
    from stance.labels import text_id

    path = write(tmp_path, "a.csv", "1,We condemn it.,condemning,firm\n,Talks are welcome.,open_to_dialogue,conciliatory\n")
    assert load_labels([path])["id"].tolist() == ["1", text_id("Talks are welcome.")]
    assert any("row 3: empty id" in m for m in messages(check_labels([path])))  # a file with ids should have them all


def test_an_upper_case_id_column_is_used(tmp_path):
    path = write(tmp_path, "a.csv", "A1,We condemn it.,condemning,firm\n", header="ID,text,stance,tone\n")
    assert load_labels([path])["id"].tolist() == ["A1"]
    assert check_labels([path]) == []


def test_id_and_text_columns_by_name(tmp_path):
    path = write(tmp_path, "a.csv", "x1,We condemn it.,condemning,firm,old\n", header="Key,Tweet,stance,tone,text\n")
    frame = load_labels([path], text_column="Tweet", id_column="Key")
    assert frame["id"].tolist() == ["x1"] and frame["text"].tolist() == ["We condemn it."]
    assert check_labels([path], text_column="Tweet", id_column="Key") == []


def test_a_named_id_column_must_exist(tmp_path):
    path = write(tmp_path, "a.csv", "x1,We condemn it.,condemning,firm\n", header="key,text,stance,tone\n")
    with pytest.raises(
        LabelError, match=r"a\.csv: missing required column 'Key'\. Did you mean 'key'\? Rename that column or pass --id-column key"
    ):
        load_labels([path], id_column="Key")


@pytest.mark.parametrize(
    "header, column, suggestion, option",
    [
        ("id,Text,stance,tone\n", "text", "Text", "--text-column"),
        ("id,TEXT,stance,tone\n", "text", "TEXT", "--text-column"),
        ("id,text,Stance,tone\n", "stance", "Stance", "--target"),
        ("id,text,stance,TONES\n", "tone", "TONES", "--target"),
    ],
)
def test_missing_column_hint_ignores_case_and_names_the_option(tmp_path, header, column, suggestion, option):
    path = write(tmp_path, "theirs.csv", "1,We condemn it.,condemning,firm\n", header=header)
    [problem] = check_labels([path])
    assert str(problem) == (
        f"{path}: missing required column {column!r}. Did you mean {suggestion!r}? Rename that column or pass {option} {suggestion}."
    )
    with pytest.raises(LabelError, match="Did you mean"):
        load_labels([path])


def test_missing_column_without_a_close_name_lists_the_columns(tmp_path):
    path = write(tmp_path, "a.csv", "1,We condemn it.,firm\n", header="id,body,tone\n")
    found = messages(check_labels([path]))
    assert any("missing required column 'text'. Columns found: id, body, tone." in m for m in found), found
