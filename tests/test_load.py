"""The loader: formats, idempotence, incremental loads, extra columns, types."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from liens import Store, load
from liens.schema import TABLES
from liens.store import load_path


def write_dataset(folder: Path, *, accounts: str | None = None, posts: str | None = None,
                  interactions: str | None = None, **others: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "accounts.csv": accounts if accounts is not None else (
            "account_id,platform,handle,is_brand,followers_count,favourite_colour\n"
            "b1,instagram,brand,true,1000,blue\n"
            "u1,instagram,alice,false,10,red\n"
            "u2,instagram,bob,,5,\n"
        ),
        "posts.csv": posts if posts is not None else (
            "post_id,author_id,created_at,format,caption\n"
            "p1,b1,2025-01-01T10:00:00Z,photo,\"Hello, world\"\n"
            "p2,b1,2025-01-02T10:00:00+01:00,reel,Nouveauté\n"
        ),
        "interactions.csv": interactions if interactions is not None else (
            "interaction_id,kind,actor_id,created_at,post_id,parent_id,text\n"
            "i1,like,u1,2025-01-01T10:05:00Z,p1,,\n"
            "i2,comment,u2,2025-01-01T11:00:00Z,p1,,C'est combien ?\n"
            "i3,reply,b1,2025-01-01T12:00:00Z,p1,i2,25 €\n"
        ),
    }
    files.update({f"{name}.csv": text for name, text in others.items()})
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_csv_dataset_loads_with_types_and_utc(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d")
    with Store(tmp_path / "s.duckdb") as store:
        report = load(data, store)
        assert report.rows_in == {"accounts": 3, "posts": 2, "interactions": 3}
        assert rows(store, "SELECT typeof(created_at) FROM posts LIMIT 1") == [("TIMESTAMP",)]
        # +01:00 is converted to UTC
        assert rows(store, "SELECT strftime(created_at, '%H:%M') FROM posts WHERE post_id = 'p2'") == [("09:00",)]
        assert rows(store, "SELECT is_brand, followers_count FROM accounts ORDER BY account_id") == [
            (True, 1000), (False, 10), (None, 5)]
        # unknown extra columns are kept
        assert rows(store, "SELECT favourite_colour FROM accounts WHERE account_id = 'u1'") == [("red",)]
        assert rows(store, "SELECT caption FROM posts WHERE post_id = 'p2'") == [("Nouveauté",)]


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d")
    with Store(tmp_path / "s.duckdb") as store:
        load(data, store)
        before = rows(store, "SELECT * FROM interactions ORDER BY interaction_id")
        second = load(data, store)
        assert second.rows_new == {"accounts": 0, "posts": 0, "interactions": 0}
        assert rows(store, "SELECT * FROM interactions ORDER BY interaction_id") == before


def test_newer_export_adds_what_is_new_and_updates_changed_rows(tmp_path: Path) -> None:
    first = write_dataset(tmp_path / "d1")
    newer = write_dataset(
        tmp_path / "d2",
        accounts="account_id,platform,followers_count\nb1,instagram,1200\nu3,instagram,7\n",
        posts="post_id,author_id,created_at\np3,b1,2025-01-03T10:00:00Z\n",
        interactions="interaction_id,kind,actor_id,created_at,post_id\ni4,save,u3,2025-01-03T10:30:00Z,p3\n",
    )
    with Store(tmp_path / "s.duckdb") as store:
        load(first, store)
        report = load(newer, store)
        assert report.rows_new == {"accounts": 1, "posts": 1, "interactions": 1}
        assert store.count("interactions") == 4
        assert rows(store, "SELECT followers_count FROM accounts WHERE account_id = 'b1'") == [(1200,)]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_jsonl_and_parquet_and_mixed(tmp_path: Path, fmt: str) -> None:
    data = write_dataset(tmp_path / "d")
    records = [
        {"interaction_id": "i1", "kind": "like", "actor_id": "u1", "created_at": "2025-01-01T10:05:00Z", "post_id": "p1"},
        {"interaction_id": "i2", "kind": "DM", "actor_id": "u2", "created_at": "2025-01-01T11:00:00Z", "target_id": "b1",
         "text": "Bonjour, où envoyer mon CV ?", "dwell_seconds": 3},
    ]
    (data / "interactions.csv").unlink()
    if fmt == "jsonl":
        (data / "interactions.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    else:
        columns = sorted({key for record in records for key in record})
        table = pa.table({c: [r.get(c) for r in records] for c in columns})
        pq.write_table(table, data / "interactions.parquet")
    with Store(tmp_path / "s.duckdb") as store:
        load(data, store)
        assert rows(store, "SELECT kind, target_id, dwell_seconds FROM interactions ORDER BY interaction_id") == [
            ("like", None, None), ("dm", "b1", 3.0)]


def test_folder_of_parts_and_semicolon_csv(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d")
    (data / "interactions.csv").unlink()
    parts = data / "interactions"
    parts.mkdir()
    (parts / "part-0.csv").write_text(
        "interaction_id;kind;actor_id;created_at;post_id\ni1;like;u1;2025-01-01T10:05:00Z;p1\n", encoding="utf-8")
    (parts / "part-1.csv").write_text(
        "interaction_id;kind;actor_id;created_at;post_id\ni2;save;u2;2025-01-01T10:06:00Z;p1\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        load(data, store)
        assert rows(store, "SELECT count(*) FROM interactions") == [(2,)]


def test_optional_tables_load(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "d",
        follows="follower_id,followee_id,followed_at,unfollowed_at\nu1,b1,2024-12-01T00:00:00Z,\nu2,b1,2024-12-02,2025-01-01\n",
        audience="account_id,date,followers\nb1,2025-01-01,998\nb1,2025-01-02,1000\n",
        conversions="conversion_id,kind,occurred_at,account_id,value,currency\nc1,sale,2025-01-05T10:00:00Z,u2,49.9,EUR\n",
        costs="period_start,period_end,amount,hours\n2025-01-01,2025-01-31,300,12.5\n",
        identities="member_id,account_id\nm1,u1\nm1,fb:u1\n",
    )
    with Store(tmp_path / "s.duckdb") as store:
        report = load(data, store)
        assert report.rows_in["follows"] == 2 and report.rows_in["identities"] == 2
        assert rows(store, "SELECT value FROM conversions") == [(49.9,)]
        assert rows(store, "SELECT count(*) FROM follows WHERE unfollowed_at IS NULL") == [(1,)]


def test_exact_duplicate_rows_are_deduplicated(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "d",
        interactions="interaction_id,kind,actor_id,created_at,post_id\n"
                     "i1,like,u1,2025-01-01T10:05:00Z,p1\ni1,like,u1,2025-01-01T10:05:00Z,p1\n",
    )
    with Store(tmp_path / "s.duckdb") as store:
        load(data, store)
        assert store.count("interactions") == 1


def test_duckdb_file_as_dataset(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d")
    with Store(tmp_path / "first.duckdb") as store:
        load(data, store)
    with Store(tmp_path / "second.duckdb") as store:
        load_path(store, tmp_path / "first.duckdb")
        assert store.count("interactions") == 3


PLATFORMS = Path(__file__).parent / "fixtures" / "platforms"


def test_auto_format_reads_a_reddit_folder_and_a_mapped_csv(tmp_path: Path) -> None:
    """A Reddit export also holds posts.csv: detection must not take it for a dataset folder."""
    with Store(tmp_path / "s.duckdb") as store:
        report = load_path(store, PLATFORMS / "reddit" / "export_maisonlumiere_20240320")
        assert report.rows_in["posts"] > 0 and report.rows_in["interactions"] > 0
        assert store.con.execute("SELECT count(*) FROM posts WHERE post_id NOT LIKE 'reddit:%'").fetchone() == (0,)
    with Store(tmp_path / "m.duckdb") as store:
        report = load_path(store, PLATFORMS / "csv_map", mapping=PLATFORMS / "csv_map" / "mapping.toml")
        assert report.rows_in["interactions"] > 0


def test_timestamp_forms_are_read_as_utc(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "d",
        posts="post_id,author_id,created_at\n"
              "a,b1,2025-01-01T10:00:00Z\nb,b1,2025-01-01T10:00:00-0500\nc,b1,2025-01-01 10:00:00+02\n"
              "d,b1,2025-01-01T10:00:00.250+05:30\ne,b1,2025-01-01 10:00\nf,b1,2025-01-01\n",
    )
    with Store(tmp_path / "s.duckdb", compact=True) as store:
        load(data, store)
        got = dict(rows(store, "SELECT post_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%g') FROM posts"))
    assert got == {
        "a": "2025-01-01 10:00:00.000", "b": "2025-01-01 15:00:00.000", "c": "2025-01-01 08:00:00.000",
        "d": "2025-01-01 04:30:00.250", "e": "2025-01-01 10:00:00.000", "f": "2025-01-01 00:00:00.000",
    }


# table -> (first file, later file without one column, (key column, key, kept column, kept value),
#           (key, column the later file empties explicitly) or None)
INCREMENTAL = {
    "accounts": ("account_id,platform,handle,followers_count\nu1,instagram,alice,10\nu2,instagram,bob,5\n",
                 "account_id,platform,handle\nu1,instagram,alice2\nu2,instagram,\n",
                 ("account_id", "u1", "followers_count", 10), ("u2", "handle")),
    "posts": ("post_id,author_id,created_at,caption,campaign\np1,b1,2025-01-01T10:00:00Z,Hello,spring\n"
              "p2,b1,2025-01-02T10:00:00Z,Bye,winter\n",
              "post_id,author_id,created_at,campaign\np1,b1,2025-01-01T10:00:00Z,summer\np2,b1,2025-01-02T10:00:00Z,\n",
              ("post_id", "p1", "caption", "Hello"), ("p2", "campaign")),
    "interactions": ("interaction_id,kind,actor_id,created_at,post_id,text\ni1,like,u1,2025-01-01T10:05:00Z,p1,\n"
                     "i2,comment,u2,2025-01-01T11:00:00Z,p1,nice\n",
                     "interaction_id,kind,actor_id,created_at,text\ni1,like,u1,2025-01-01T10:05:00Z,\n"
                     "i2,comment,u2,2025-01-01T11:00:00Z,\n",
                     ("interaction_id", "i1", "post_id", "p1"), ("i2", "text")),
    "follows": ("follower_id,followee_id,followed_at,unfollowed_at,origin\nu1,b1,2024-12-01T00:00:00Z,2025-01-01T00:00:00Z,ad\n"
                "u2,b1,2024-12-02T00:00:00Z,,organic\n",
                "follower_id,followee_id,followed_at,origin\nu1,b1,2024-12-01T00:00:00Z,\n",
                ("follower_id", "u1", "unfollowed_at", "2025-01-01 00:00:00"), ("u1", "origin")),
    "audience": ("account_id,date,followers,note\nb1,2025-01-01,998,first\nb1,2025-01-02,1000,second\n",
                 "account_id,date,followers\nb1,2025-01-01,999\n",
                 ("date", "2025-01-01", "note", "first"), None),
    "post_metrics": ("post_id,measured_at,likes,saves\np1,2025-01-03T00:00:00Z,40,3\np2,2025-01-03T00:00:00Z,20,1\n",
                     "post_id,measured_at,likes\np1,2025-01-03T00:00:00Z,41\np2,2025-01-03T00:00:00Z,\n",
                     ("post_id", "p1", "saves", 3), ("p2", "likes")),
    "conversions": ("conversion_id,kind,occurred_at,account_id,value,currency\nc1,sale,2025-01-05T10:00:00Z,u2,49.9,EUR\n"
                    "c2,lead,2025-01-06T10:00:00Z,u1,,\n",
                    "conversion_id,kind,occurred_at,currency\nc1,sale,2025-01-05T10:00:00Z,USD\nc2,lead,2025-01-06T10:00:00Z,\n",
                    ("conversion_id", "c1", "value", 49.9), None),
    "costs": ("period_start,period_end,amount,hours,platform\n2025-01-01,2025-01-31,300,12.5,instagram\n",
              "period_start,period_end,amount,platform\n2025-01-01,2025-01-31,320,instagram\n",
              ("platform", "instagram", "hours", 12.5), None),
    "identities": ("member_id,account_id,confidence\nm1,u1,high\nm1,fb:u1,low\n",
                   "member_id,account_id\nm1,u1\n",
                   ("account_id", "u1", "confidence", "high"), None),
}


@pytest.mark.parametrize("table", sorted(INCREMENTAL))
def test_incremental_load_never_erases_a_column_the_file_lacks(tmp_path: Path, table: str) -> None:
    """A later export without a column keeps the stored values; only an explicit empty value changes one."""
    first_text, later_text, (key_col, key, kept_col, kept_value), emptied = INCREMENTAL[table]
    first = write_dataset(tmp_path / "d1", **{table: first_text})
    later = write_dataset(tmp_path / "d2", **{table: later_text})
    with Store(tmp_path / "s.duckdb") as store:
        load(first, store)
        n = store.count(table)
        report = load(later, store)
        assert report.rows_new[table] == 0 and store.count(table) == n
        got = rows(store, f'SELECT CAST("{kept_col}" AS VARCHAR) FROM "{table}" WHERE CAST("{key_col}" AS VARCHAR) = ?'
                   .replace("?", "'" + key + "'"))
        assert got == [(str(kept_value),)], (table, got)
        spec_key = TABLES[table].key[0]
        if emptied is not None:
            which, column = emptied
            assert rows(store, f'SELECT "{column}" FROM "{table}" WHERE "{spec_key}" = \'{which}\'') == [(None,)]
        # The values the later file does hold replaced the stored ones.
        if table == "accounts":
            assert rows(store, "SELECT handle FROM accounts WHERE account_id = 'u1'") == [("alice2",)]
        if table == "audience":
            assert rows(store, "SELECT followers FROM audience WHERE date = '2025-01-01'") == [(999,)]
