"""Personal data: forget one person everywhere (no byte of them left in any file written), keyed
tombstones on later loads; pseudonymise with a keyed hash, idempotent, every column that can name a person."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liens import Store, StoreError
from liens.presentation.cli import app
from liens.store import load_path
from liens.store.privacy import forget, pseudonymise
from liens.store.results_folder import write_results
from test_load import write_dataset

# The person to forget, with every trace they leave; and a bystander whose data must stay.
PERSON = {
    "id": "person-7f3a", "other_account": "fb-person-7f3a", "handle": "bobthebuilder", "name": "Robert Martineau",
    "comment": "secret-comment-xyz", "member": "member-bob-42", "thread": "ig:thread:bobthebuilder_1234",
    "url": "https://instagram.com/p/bobthebuilder-post", "bio": "bio-of-bob-qq",
}
ACCOUNTS = (
    "account_id,platform,handle,display_name,bio,is_brand,followers_count\n"
    "brand-b1,instagram,maisonlumiere,Maison Lumière,,true,1000\n"
    "alice-0001,instagram,alicewonder,Alice Liddell,bio-of-alice,false,10\n"
    f"{PERSON['id']},instagram,{PERSON['handle']},{PERSON['name']},{PERSON['bio']},false,5\n"
    f"{PERSON['other_account']},facebook,{PERSON['handle']},{PERSON['name']},,false,3\n"
)
POSTS = (
    "post_id,author_id,created_at,caption,url\n"
    "post-1,brand-b1,2025-01-01T10:00:00Z,Hello world,https://instagram.com/p/brand-post-1\n"
    f"post-2,{PERSON['id']},2025-01-02T10:00:00Z,my own post,{PERSON['url']}\n"
)
INTERACTIONS = (
    "interaction_id,kind,actor_id,created_at,post_id,parent_id,target_id,text,thread_id\n"
    "int-1,like,alice-0001,2025-01-01T10:05:00Z,post-1,,,,\n"
    f"int-2,comment,{PERSON['id']},2025-01-01T11:00:00Z,post-1,,,{PERSON['comment']},\n"
    "int-3,reply,brand-b1,2025-01-01T12:00:00Z,post-1,int-2,,25 euros,\n"
    f"int-4,dm,brand-b1,2025-01-01T12:30:00Z,,,{PERSON['id']},Merci {PERSON['name']} !,{PERSON['thread']}\n"
    "int-5,comment,alice-0001,2025-01-01T13:00:00Z,post-1,,,bystander-text-ok,\n"
)
OTHERS = {
    "identities": f"member_id,account_id\n{PERSON['member']},{PERSON['id']}\n{PERSON['member']},{PERSON['other_account']}\n",
    "conversions": f"conversion_id,kind,occurred_at,account_id\nconv-1,sale,2025-01-05T10:00:00Z,{PERSON['other_account']}\n"
                   "conv-2,sale,2025-01-05T10:00:00Z,alice-0001\n",
    "follows": f"follower_id,followee_id,followed_at\n{PERSON['id']},brand-b1,2024-12-01T00:00:00Z\n"
               "alice-0001,brand-b1,2024-12-02T00:00:00Z\n",
}
SECRET = "a long enough secret"


def person_dataset(folder: Path) -> Path:
    return write_dataset(folder, accounts=ACCOUNTS, posts=POSTS, interactions=INTERACTIONS, **OTHERS)


@pytest.fixture()
def world(tmp_path: Path) -> tuple[Path, Path]:
    """(dataset folder named after the person, as Instagram export folders are; store file) with results written."""
    data = person_dataset(tmp_path / f"export_{PERSON['handle']}")
    path = tmp_path / "store" / "s.duckdb"
    path.parent.mkdir()
    with Store(path) as store:
        load_path(store, data)
        # A result table and the results folder written from it, as `liens analyze --out` leaves them.
        store.con.execute("CREATE TABLE result_accounts AS SELECT * FROM accounts")
        store.con.execute("CREATE TABLE result_interactions AS SELECT * FROM interactions")
        write_results(store, tmp_path / "results")
    return data, path


def q(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def found_in_files(root: Path, needles: list[str], skip: Path | None = None) -> dict[str, list[str]]:
    """Each needle -> the files under root whose bytes hold it (every file, the store, its WAL, results)."""
    hits: dict[str, list[str]] = {}
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        if skip is not None and skip in file.parents:
            continue
        data = file.read_bytes()
        for needle in needles:
            if needle.encode() in data or needle.lower().encode() in data.lower():
                hits.setdefault(needle, []).append(file.name)
    return hits


def test_forget_leaves_no_byte_of_the_person_in_any_file(tmp_path: Path, world: tuple[Path, Path]) -> None:
    data, path = world
    traces = [PERSON[k] for k in ("id", "other_account", "handle", "name", "comment", "bio", "url")]
    before = found_in_files(tmp_path, traces, skip=data)
    assert set(before) == set(traces), before  # the search can find them: they are in the store and results
    assert any(name.endswith(".csv") for name in before[PERSON["handle"]])
    with Store(path) as store:
        report = forget(store, PERSON["id"])
        assert report.accounts == sorted([PERSON["id"], PERSON["other_account"]])
        assert report.files_removed and not (tmp_path / "results" / "accounts.csv").exists()
        assert q(store, "SELECT interaction_id FROM interactions ORDER BY 1") == [("int-1",), ("int-3",), ("int-4",), ("int-5",)]
        assert q(store, "SELECT target_id, text FROM interactions WHERE interaction_id = 'int-4'") == [(None, "Merci [forgotten] !")]
        assert q(store, "SELECT conversion_id, account_id FROM conversions ORDER BY 1") == [("conv-1", None), ("conv-2", "alice-0001")]
        assert q(store, "SELECT count(*) FROM identities") == [(0,)]
        assert q(store, "SELECT post_id FROM posts") == [("post-1",)]
        assert q(store, "SELECT text FROM interactions WHERE interaction_id = 'int-5'") == [("bystander-text-ok",)]
        assert report.conversions_unlinked == 1
        assert not store.result_names()
        sources = [r[0] for r in q(store, "SELECT DISTINCT source FROM _liens_loads")]
        assert sources and all(PERSON["handle"] not in s for s in sources)
    after = found_in_files(tmp_path, traces + [PERSON["thread"]], skip=data)
    assert after == {}, after
    # The bystander is still there, byte for byte.
    assert found_in_files(path.parent, ["alicewonder", "bystander-text-ok"]).keys() == {"alicewonder", "bystander-text-ok"}


def test_forgotten_people_stay_forgotten_on_later_loads(world: tuple[Path, Path]) -> None:
    data, path = world
    with Store(path) as store:
        forget(store, PERSON["id"])
        after_forget = {t: store.count(t) for t in ("accounts", "posts", "interactions", "follows", "identities")}
        report = load_path(store, data)  # the same export again: the person must not come back
        assert {t: store.count(t) for t in after_forget} == after_forget
        assert report.rows_new["accounts"] == 0
        assert q(store, "SELECT target_id FROM interactions WHERE interaction_id = 'int-4'") == [(None,)]
        assert q(store, "SELECT account_id FROM conversions WHERE conversion_id = 'conv-1'") == [(None,)]
        # The tombstones are keyed hashes: no plain id in them.
        stones = [r[0] for r in q(store, "SELECT hash FROM _liens_forgotten")]
        assert len(stones) == 2 and all(PERSON["id"] not in s and len(s) == 64 for s in stones)
    # Their rows stay out; what others wrote about them (a DM naming them, a thread or export folder
    # named after them) comes back with the export: the tombstones know ids only, as hashes.
    assert found_in_files(path.parent, [PERSON["id"], PERSON["other_account"], PERSON["comment"], PERSON["bio"]]) == {}


def test_forget_unknown_account_is_a_clear_error(world: tuple[Path, Path]) -> None:
    with Store(world[1]) as store, pytest.raises(StoreError, match="no account 'nobody'"):
        forget(store, "nobody")


def test_pseudonymise_leaves_no_id_or_name_and_is_idempotent(tmp_path: Path, world: tuple[Path, Path]) -> None:
    data, path = world
    traces = [PERSON[k] for k in ("id", "other_account", "handle", "name", "member", "thread", "url", "bio")]
    traces += ["alice-0001", "alicewonder", "Alice Liddell", "brand-b1", "maisonlumiere", "int-2", "post-2", "conv-1"]
    with Store(path) as store:
        pseudonymise(store, SECRET)
        first = {t: sorted(map(str, q(store, f'SELECT * FROM "{t}"'))) for t in store.tables() if t != "_liens_loads"}
        actors = dict(q(store, "SELECT text, actor_id FROM interactions WHERE text IS NOT NULL"))
        assert all(v.startswith("p_") for v in actors.values())
        assert actors["25 euros"] == actors[f"Merci {PERSON['name']} !"]  # the brand keeps one pseudonym
        # Tables still join: the reply's parent is the pseudonymised comment.
        assert q(store, "SELECT count(*) FROM interactions r JOIN interactions p ON r.parent_id = p.interaction_id") == [(1,)]
        assert q(store, "SELECT count(*) FROM accounts WHERE handle IS NOT NULL OR display_name IS NOT NULL") == [(0,)]
        assert q(store, "SELECT count(*) FROM identities WHERE member_id NOT LIKE 'p_%'") == [(0,)]
        # Same secret again: nothing changes (no re-hashing).
        pseudonymise(store, SECRET)
        again = {t: sorted(map(str, q(store, f'SELECT * FROM "{t}"'))) for t in store.tables() if t != "_liens_loads"}
        assert again == first
        with pytest.raises(StoreError, match="another secret"):
            pseudonymise(store, "a different long secret")
    # Texts are kept (the conversation analysis reads them), except where they name a person: drop_text.
    hits = found_in_files(tmp_path, traces, skip=data)
    assert hits == {PERSON["name"]: ["s.duckdb"]}, hits  # only inside the kept DM text "Merci Robert Martineau !"
    assert not (tmp_path / "results" / "accounts.csv").exists()
    with Store(path) as store:
        pseudonymise(store, SECRET, drop_text=True)
    assert found_in_files(tmp_path, traces + [PERSON["comment"]], skip=data) == {}


def test_pseudonymise_again_after_a_later_load_gives_the_same_pseudonyms(world: tuple[Path, Path]) -> None:
    data, path = world
    with Store(path) as store:
        pseudonymise(store, SECRET)
        before = q(store, "SELECT account_id FROM accounts ORDER BY 1")
        load_path(store, data)  # a raw export again: plain ids beside the pseudonyms
        pseudonymise(store, SECRET)
        assert q(store, "SELECT DISTINCT account_id FROM accounts ORDER BY 1") == before


def test_cli_pseudonymise_needs_a_secret(world: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(world[1])
    monkeypatch.delenv("LIENS_SECRET", raising=False)
    result = CliRunner().invoke(app, ["pseudonymise", "--store", path])
    assert result.exit_code == 2 and "LIENS_SECRET" in result.output
    monkeypatch.setenv("LIENS_SECRET", "another long secret")
    result = CliRunner().invoke(app, ["pseudonymise", "--store", path, "--drop-text"])
    assert result.exit_code == 0, result.output
    with Store(path) as reopened:
        assert q(reopened, "SELECT count(*) FROM interactions WHERE text IS NOT NULL") == [(0,)]
        assert q(reopened, "SELECT count(*) FROM accounts WHERE account_id NOT LIKE 'p_%'") == [(0,)]
