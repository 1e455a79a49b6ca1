"""Personal data: forget one person everywhere; pseudonymise with a keyed hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liens import Store, StoreError
from liens.presentation.cli import app
from liens.store import load_path
from liens.store.privacy import forget, pseudonymise
from test_load import write_dataset


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    data = write_dataset(
        tmp_path / "d",
        interactions="interaction_id,kind,actor_id,created_at,post_id,parent_id,target_id,text\n"
                     "i1,like,u1,2025-01-01T10:05:00Z,p1,,,\n"
                     "i2,comment,u2,2025-01-01T11:00:00Z,p1,,,C'est combien ?\n"
                     "i3,reply,b1,2025-01-01T12:00:00Z,p1,i2,,25 €\n"
                     "i4,dm,b1,2025-01-01T12:30:00Z,,,u2,Merci Bob\n",
        identities="member_id,account_id\nm2,u2\nm2,fb:u2\n",
        conversions="conversion_id,kind,occurred_at,account_id\nc1,sale,2025-01-05T10:00:00Z,fb:u2\nc2,sale,2025-01-05T10:00:00Z,u1\n",
    )
    opened = Store(tmp_path / "s.duckdb")
    load_path(opened, data)
    yield opened
    opened.close()


def q(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_forget_removes_the_person_and_their_other_accounts(store: Store) -> None:
    report = forget(store, "u2")
    assert report.accounts == ["fb:u2", "u2"]
    assert q(store, "SELECT count(*) FROM accounts WHERE account_id = 'u2'") == [(0,)]
    assert q(store, "SELECT interaction_id FROM interactions ORDER BY 1") == [("i1",), ("i3",), ("i4",)]
    assert q(store, "SELECT target_id FROM interactions WHERE interaction_id = 'i4'") == [(None,)]
    assert q(store, "SELECT conversion_id, account_id FROM conversions ORDER BY 1") == [("c1", None), ("c2", "u1")]
    assert q(store, "SELECT count(*) FROM identities") == [(0,)]
    assert report.conversions_unlinked == 1


def test_forget_unknown_account_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no account 'nobody'"):
        forget(store, "nobody")


def test_pseudonymise_is_keyed_consistent_and_drops_names(store: Store) -> None:
    pseudonymise(store, "a long enough secret")
    ids = dict(q(store, "SELECT interaction_id, actor_id FROM interactions"))
    assert all(v.startswith("p_") for v in ids.values())
    assert ids["i3"] == ids["i4"]  # the brand keeps one pseudonym
    assert q(store, "SELECT count(*) FROM accounts WHERE handle IS NOT NULL") == [(0,)]
    brand = q(store, "SELECT account_id FROM accounts WHERE is_brand")[0][0]
    assert q(store, "SELECT DISTINCT author_id FROM posts") == [(brand,)]
    assert q(store, "SELECT text FROM interactions WHERE interaction_id = 'i2'") == [("C'est combien ?",)]
    assert q(store, "SELECT account_id FROM conversions WHERE conversion_id = 'c2'") == [(ids["i1"],)]


def test_cli_pseudonymise_needs_a_secret(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(store.path)
    store.close()
    monkeypatch.delenv("LIENS_SECRET", raising=False)
    result = CliRunner().invoke(app, ["pseudonymise", "--store", path])
    assert result.exit_code == 2 and "LIENS_SECRET" in result.output
    monkeypatch.setenv("LIENS_SECRET", "another long secret")
    result = CliRunner().invoke(app, ["pseudonymise", "--store", path, "--drop-text"])
    assert result.exit_code == 0, result.output
    with Store(path) as reopened:
        assert q(reopened, "SELECT count(*) FROM interactions WHERE text IS NOT NULL") == [(0,)]
        assert q(reopened, "SELECT count(*) FROM accounts WHERE account_id NOT LIKE 'p_%'") == [(0,)]
