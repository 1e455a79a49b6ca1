"""Generated worlds for the alert tests: a quiet one, and one with planted events (edited CSVs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from liens import api

PURCHASE_TEXT = "Bonjour ! Quel est le prix de la paire noire en 42 et livrez-vous en Belgique ? Je veux la commander"
CRITIQUES = [
    "Commande arrivée abîmée, très déçu du service",
    "La semelle s'est décollée au bout d'une semaine, inadmissible",
    "Toujours pas remboursé après trois semaines, c'est honteux",
    "Qualité en chute libre, je ne recommande plus cette marque",
    "Livraison en retard de dix jours et aucune réponse du SAV",
    "Mes chaussures ont craqué dès la première pluie, nul",
    "Very disappointed, the stitching came apart after two days",
    "Terrible customer service, still waiting for my refund",
    "The colour faded after one wash, awful quality",
    "Worst order ever, the box arrived crushed and the shoes scuffed",
    "Franchement déçue, taille beaucoup trop petite et échange refusé",
    "Never again, the sole peeled off within a week",
]


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / f"{name}.csv", index=False)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(text: str) -> datetime:
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")


class World:
    """A generated dataset folder with helpers to edit it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.accounts = _read(folder, "accounts")
        self.posts = _read(folder, "posts")
        self.interactions = _read(folder, "interactions")
        self.end = max(_when(t) for t in self.interactions["created_at"])
        brand = self.accounts[self.accounts["is_brand"] == "true"]
        self.brand = dict(zip(brand["platform"], brand["account_id"]))
        self.brand_ids = set(brand["account_id"])
        self.serial = 0
        truth = pd.read_csv(folder / "truth" / "accounts.csv", dtype=str, keep_default_na=False)
        ordinary = set(truth.loc[truth["role"].isin(["regular", "casual", "background", "lurker", "fan"]), "account_id"])
        fakes = set(truth.loc[truth.get("audience_label", pd.Series(dtype=str)) == "fake", "account_id"])
        pods = set(truth.loc[truth["pod_id"] != "", "account_id"]) if "pod_id" in truth else set()
        ig = self.accounts[(self.accounts["platform"] == "instagram") & (self.accounts["is_brand"] != "true")]
        self.people = [a for a in ig["account_id"] if a not in fakes and a not in pods and (not ordinary or a in ordinary)]

    def next_id(self) -> str:
        self.serial += 1
        return f"ialert{self.serial}"

    def add(self, **row: str) -> str:
        row.setdefault("interaction_id", self.next_id())
        row.setdefault("platform", "instagram")
        self.interactions = pd.concat([self.interactions, pd.DataFrame([row])], ignore_index=True).fillna("")
        return row["interaction_id"]

    def save(self) -> None:
        for name in ("accounts", "posts", "interactions"):
            _write(self.folder, name, getattr(self, name))

    # -- quiet: the planted rising themes removed, every recent text answered --------------------
    def make_quiet(self, days: int = 14) -> None:
        themes = pd.read_csv(self.folder / "truth" / "weak_signals.csv", dtype=str)
        rising = set(themes.loc[themes["kind"] == "rising", "theme"])
        texts = pd.read_csv(self.folder / "truth" / "texts.csv", dtype=str, keep_default_na=False)
        drop = set(texts.loc[texts["theme"].isin(rising), "interaction_id"])
        keep = ~self.interactions["interaction_id"].isin(drop) & ~self.interactions["parent_id"].isin(drop)
        self.interactions = self.interactions[keep].reset_index(drop=True)
        post_author = dict(zip(self.posts["post_id"], self.posts["author_id"]))
        platform_of = dict(zip(self.accounts["account_id"], self.accounts["platform"]))
        since = self.end - timedelta(days=days)
        rows = self.interactions
        recent = rows[(rows["created_at"].map(_when) >= since) & ~rows["actor_id"].isin(self.brand_ids)
                      & (rows["text"] != "")]
        for row in recent.itertuples():
            to_brand = post_author.get(row.post_id) in self.brand_ids or row.target_id in self.brand_ids
            if to_brand and row.kind in ("comment", "reply", "dm", "story_reply", "mention"):
                self.answer(row.interaction_id, row.actor_id, row.post_id, row.kind, _when(row.created_at),
                            platform_of.get(row.actor_id, "instagram"))

    def answer(self, interaction_id: str, author: str, post_id: str, kind: str, at: datetime,
               platform: str = "instagram") -> str:
        brand = self.brand.get(platform) or self.brand["instagram"]
        when = _iso(at + timedelta(minutes=30))
        if kind in ("dm", "story_reply", "mention") and not post_id:
            return self.add(kind="dm", actor_id=brand, created_at=when, target_id=author, parent_id=interaction_id,
                            text="Merci pour votre message, nous revenons vers vous", platform=platform)
        return self.add(kind="reply", actor_id=brand, created_at=when, post_id=post_id, parent_id=interaction_id,
                        text="Merci, nous regardons cela tout de suite", platform=platform)

    # -- planted events ---------------------------------------------------------------------------
    def plant_unanswered_purchase(self) -> tuple[str, str]:
        author = self.people[0]
        return self.add(kind="dm", actor_id=author, created_at=_iso(self.end - timedelta(days=2)),
                        target_id=self.brand["instagram"], text=PURCHASE_TEXT), author

    def plant_critique_spike(self) -> list[str]:
        brand_posts = self.posts[self.posts["author_id"] == self.brand["instagram"]].sort_values("created_at")
        post = brand_posts["post_id"].iloc[-1]
        ids = []
        for i, text in enumerate(CRITIQUES):
            author = self.people[10 + i]
            at = self.end - timedelta(hours=40 - 3 * i)
            ids.append(self.add(kind="comment", actor_id=author, created_at=_iso(at), post_id=post, text=text))
            self.answer(ids[-1], author, post, "comment", at)
        return ids

    def plant_bought_burst(self, n: int = 60) -> list[str]:
        owner = self.brand["instagram"]
        day = (self.end - timedelta(days=3)).replace(hour=0, minute=0, second=0)
        handles = []
        rows = []
        for i in range(n):
            account = f"igbought{i}"
            handles.append(f"user{804213 + 37 * i}")
            rows.append({"account_id": account, "platform": "instagram", "handle": handles[-1], "display_name": "",
                         "created_at": _iso(day - timedelta(days=1, minutes=i)), "followers_count": "1",
                         "following_count": "950", "posts_count": "0", "has_profile_picture": "false", "bio": "",
                         "is_brand": "false", "is_verified": "false"})
        self.accounts = pd.concat([self.accounts, pd.DataFrame(rows)], ignore_index=True).fillna("")
        follows = _read(self.folder, "follows")
        new = pd.DataFrame([{"follower_id": r["account_id"], "followee_id": owner,
                             "followed_at": _iso(day + timedelta(hours=2, minutes=7 * i)), "unfollowed_at": ""}
                            for i, r in enumerate(rows)])
        _write(self.folder, "follows", pd.concat([follows, new], ignore_index=True))
        audience_file = self.folder / "audience.csv"
        if audience_file.exists():
            audience = _read(self.folder, "audience")
            bump = (audience["account_id"] == owner) & (audience["date"] >= f"{day:%Y-%m-%d}")
            audience.loc[bump, "followers"] = (audience.loc[bump, "followers"].astype(int) + n).astype(str)
            _write(self.folder, "audience", audience)
        return ["@" + h for h in handles]


def build(folder: Path, *, pods: bool, planted: bool, accounts: int = 800, seed: int = 11) -> tuple[World, dict]:
    api.generate(folder, accounts=accounts, seed=seed, pods=pods)
    world = World(folder)
    world.make_quiet()
    truth: dict = {}
    if planted:
        truth["unanswered"] = world.plant_unanswered_purchase()
        truth["critiques"] = world.plant_critique_spike()
        truth["bought"] = world.plant_bought_burst()
    world.save()
    return world, truth
