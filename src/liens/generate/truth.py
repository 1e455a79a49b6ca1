"""`truth/`: what was planted, as CSV files keyed by the dataset's ids, `summary.json` and `README.md`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from liens.generate import texts as tx
from liens.generate.audience import daily_audience
from liens.generate.business import CONVERSION_KINDS, INTENTS_THAT_CONVERT, LINKS, intent_rows
from liens.generate.dataset import PLATFORM_NAMES, Ids, World
from liens.generate.model import (
    BRAND,
    END,
    FAKE,
    INACTIVE,
    MASS,
    PLATFORMS,
    ROLES,
    SPAMMER,
    SURFACES,
    unique_sorted,
)
from liens.generate.observe import ambassador_kinds, brand_engagement, count, fake_labelled, persons
from liens.generate.output import dates, labels, timestamps, write_truth
from liens.schema import INTERACTION_KINDS

LABELS = ("real", "fake", "inactive", "mass_follower")
_TRUTH_LANGUAGE = np.array([tx.truth_language(i) for i in range(len(tx.LANGS))], dtype=object)


def write_truth_files(folder: Path, world: World, ids: Ids, tables: dict[str, int], seed: int,
                      file_format: str, view: str = "full") -> dict:
    """Write every truth file and `summary.json`; returns the summary."""
    folder.mkdir(parents=True, exist_ok=True)
    pop, f = world.pop, world.follows
    n = pop.n
    to_brand = f.of_brand(pop)
    ever = np.zeros(n, dtype=bool)
    ever[f.follower[to_brand]] = True
    now = np.zeros(n, dtype=bool)
    now[f.follower[to_brand & (f.unfollowed < 0)]] = True
    label = np.select([pop.role == FAKE, pop.role == INACTIVE, pop.role == MASS], list(LABELS[1:]), "real")
    label = label.astype(object)
    label[~ever] = None

    negatives = _hard_negatives(world, ids)
    kind, emergent = ambassador_kinds(pop, world.act)
    write_truth(folder, "accounts", {
        "account_id": ids.accounts, "role": np.asarray(ROLES, dtype=object)[pop.role], "audience_label": _text(label),
        "is_follower": now, "pod_id": _by_group({p.pod_id: p.members for p in pop.pods}, n),
        "ambassador_kind": _text(kind), "ambassador_emergent": emergent, "member_id": ids.member(np.arange(n)),
        "platform": PLATFORM_NAMES.take(pa.array(pop.platform)), "language": _TRUTH_LANGUAGE[pop.lang],
        "group_id": _by_group(negatives.pop("groups"), n), "near_miss_kind": _by_group(pop.near_miss, n),
    })
    pods = [(p, i) for p in pop.pods for i in range(len(p.members))]
    write_truth(folder, "pods", {
        "pod_id": pa.array([p.pod_id for p, _ in pods], pa.string()),
        "account_id": ids.account(np.array([p.members[i] for p, i in pods], dtype=np.int64)),
        "style": pa.array([p.style for p, _ in pods], pa.string()),
        "includes_brand": pa.array([p.includes_brand for p, _ in pods], pa.bool_()),
        "platform": pa.array([PLATFORMS[p.platform] for p, _ in pods], pa.string()),
        "joined_at": timestamps(np.array([p.joined[i] for p, i in pods], dtype=np.int64)),
        "left_at": timestamps(np.array([p.left[i] for p, i in pods], dtype=np.int64)),
    })
    write_truth(folder, "hard_negatives", negatives)
    texts = _texts(world, ids)
    write_truth(folder, "texts", texts)
    write_truth(folder, "bursts", {
        "date": dates(np.array([b["day"] for b in world.bursts], dtype=np.int64)),
        "kind": pa.array([b["kind"] for b in world.bursts], pa.string()),
        "followers_gained": pa.array([b["followers_gained"] for b in world.bursts], pa.int64()),
        "account_id": ids.account(np.array([b["account"] for b in world.bursts], dtype=np.int64)),
    })
    c = world.conversions
    write_truth(folder, "conversions", {
        "conversion_id": labels("c", np.arange(len(c.kind))), "account_id": ids.account(c.person),
        "member_id": ids.member(c.person), "linked_by": np.asarray(LINKS, dtype=object)[c.linked_by],
        "kind": pa.array(CONVERSION_KINDS).take(pa.array(c.kind)), "interaction_id": ids.interaction(c.evidence),
        "data_account_id": ids.account(c.account),
    })
    write_truth(folder, "weak_signals", _themes(world))
    summary = _summary(world, ids, label, ever, now, negatives, texts, tables, seed, file_format)
    summary["view"] = view
    summary["circle"] = {k: len(v) for k, v in world.act.circle.items()} if world.plan.circle else None
    summary["emergent_ambassadors"] = {k: int((emergent & (kind == k)).sum()) for k in pop.ambassadors}
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string())


def _by_group(groups: dict[str, np.ndarray], n: int) -> pa.Array:
    """Per account, the name of the group it belongs to (empty if none)."""
    name = np.full(n, None, dtype=object)
    for key, rows in groups.items():
        name[rows] = key
    return _text(name)


def _hard_negatives(world: World, ids: Ids) -> dict:
    """Groups that look like pods and are not: fan clubs (star + fans), friend groups, viral engagers."""
    pop = world.pop
    parts = []  # (group id, rows, kind, member role, anchor id)
    for i, (star, fans) in enumerate(zip(pop.stars, pop.fan_clubs)):
        star_id = ids.accounts[int(star)].as_py()
        parts += [(f"fanclub{i + 1}", np.array([star]), "fan_club", "star", star_id),
                  (f"fanclub{i + 1}", fans, "fan_club", "fan", star_id)]
    parts += [(f"friends{i + 1}", g, "friend_group", "friend", None) for i, g in enumerate(pop.friend_groups)]
    viral_post = ids.posts[world.act.marks.viral_post].as_py()
    parts.append(("viral1", world.act.viral_engagers, "viral", "engager", viral_post))
    # The brand's circle (Plan.circle): hard negatives of the brand-centred detector.
    brand_id = ids.accounts[int(pop.brand[0])].as_py()
    for kind, rows in world.act.circle.items():
        if len(rows):
            anchor = ids.posts[world.act.contest_post].as_py() if kind == "contest" else brand_id
            parts.append((kind, rows, kind, "entrant" if kind == "contest" else kind, anchor))

    def spread(field: int) -> pa.Array:
        return pa.array([p[field] for p in parts for _ in range(len(p[1]))], pa.string())

    rows = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in parts])
    groups: dict[str, list] = {}
    for gid, members, *_ in parts:
        groups.setdefault(gid, []).append(members)
    return {"group_id": spread(0), "account_id": ids.account(rows), "kind": spread(2), "member_role": spread(3),
            "anchor_id": spread(4), "groups": {k: np.concatenate(v) for k, v in groups.items()}}


def _texts(world: World, ids: Ids) -> dict:
    """Every text not written by the brand, with its intent and the brand's answer (if any)."""
    V, pop = world.act.buf.view(), world.pop
    said = np.flatnonzero((V["intent"] >= 0) & (pop.role[V["actor"]] != BRAND))
    said = said[np.argsort(ids.rank[said], kind="stable")]
    replies = np.flatnonzero(V["voice"] == tx.BRAND_REPLY)
    reply_of = np.full(len(V["kind"]), -1, dtype=np.int64)
    reply_of[V["parent"][replies]] = replies
    reply = reply_of[said]
    needs, answered = V["needs"][said], reply >= 0
    minutes = np.where(answered, (V["time"][np.maximum(reply, 0)] - V["time"][said]) // 60, -1)
    return {
        "interaction_id": ids.interaction(said), "language": _TRUTH_LANGUAGE[world.language[said]],
        "intent": np.asarray(tx.INTENTS, dtype=object)[V["intent"][said]], "needs_answer": needs, "answered": answered,
        "response_minutes": pa.array(minutes, mask=~(needs & answered)), "reply_id": ids.interaction(reply),
        "kind": pa.array(INTERACTION_KINDS).take(pa.array(V["kind"][said])),
        "surface": np.asarray(SURFACES, dtype=object)[V["surface"][said]], "account_id": ids.account(V["actor"][said]),
        "theme": _THEME_NAMES[_theme_codes(world)[said]],
    }


_THEME_NAMES = np.array([t.name for t in tx.THEMES] + [None], dtype=object)  # code -1: no theme


def _theme_codes(world: World) -> np.ndarray:
    """Per interaction row, the index of the planted theme it belongs to (-1 if none)."""
    code = np.full(world.act.buf.count, -1, dtype=np.int8)
    for i, rows in enumerate(world.act.theme_rows):
        code[rows] = i
    return code


def _themes(world: World) -> dict:
    """One row per planted theme: its keywords (as normalised text: lower case, no accents), the
    window it was planted in, and how many texts and distinct authors name it."""
    V, act = world.act.buf.view(), world.act
    themes = tx.THEMES
    return {
        "theme": pa.array([t.name for t in themes], pa.string()),
        "kind": pa.array([t.kind for t in themes], pa.string()),
        "keywords": pa.array([" ".join(k for lang in (tx.FR, tx.EN) for k in t.keywords[lang]) for t in themes],
                             pa.string()),
        "window_start": timestamps(np.array([w[0] for w in act.theme_windows], dtype=np.int64)),
        "window_end": timestamps(np.array([w[1] for w in act.theme_windows], dtype=np.int64)),
        "texts": pa.array([len(rows) for rows in act.theme_rows], pa.int64()),
        "authors": pa.array([len(unique_sorted(V["actor"][rows])) for rows in act.theme_rows], pa.int64()),
    }


def _counts(names: tuple[str, ...], codes: np.ndarray) -> dict[str, int]:
    found = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(names))
    return {name: int(found[i]) for i, name in enumerate(names)}


def _tally(values: np.ndarray | pa.Array) -> dict[str, int]:
    values = values.to_numpy(zero_copy_only=False) if isinstance(values, pa.Array) else values
    names, counts = np.unique(np.asarray(values, dtype=str), return_counts=True)
    return {str(k): int(v) for k, v in zip(names, counts)}


def _summary(world: World, ids: Ids, label: np.ndarray, ever: np.ndarray, now: np.ndarray, negatives: dict,
             texts: dict, tables: dict[str, int], seed: int, file_format: str) -> dict:
    plan, pop, act, c = world.plan, world.pop, world.act, world.conversions
    V, P = act.buf.view(), act.P
    by_label = {k: int((label == k).sum()) for k in LABELS}
    total = max(1, int(ever.sum()))
    share = {k: round(by_label[k] / total, 4) for k in LABELS[1:]}
    share["not_real"] = round((total - by_label["real"]) / total, 4)
    needs, answered = texts["needs_answer"], texts["answered"]

    # The funnel counts people (members), not accounts.
    member = pop.member
    real_actor = ~np.isin(pop.role[V["actor"]], (BRAND, FAKE, INACTIVE, MASS, SPAMMER))
    funnel = {
        "followers": len(unique_sorted(member[now & (label == "real")])),
        "engaged_members": len(unique_sorted(member[V["actor"][act.to_brand() & real_actor]])),
        "members_with_intent": len(unique_sorted(member[V["actor"][intent_rows(pop, act)]])),
        "converted_members": len(unique_sorted(member[c.person[c.person >= 0]])),
    }
    account, _, daily = daily_audience(plan, pop, world.follows)
    themes = _themes(world)
    return {
        "seed": seed, "file_format": file_format, "days": plan.days,
        "window": {"start": _iso(plan.start), "end": _iso(END)},
        "accounts": pop.n, "accounts_by_role": _counts(ROLES, pop.role),
        "accounts_by_platform": _counts(PLATFORMS, pop.platform),
        "posts": len(P["time"]), "brand_posts": int((pop.role[P["author"]] == BRAND).sum()),
        "interactions": len(V["kind"]), "interactions_requested": plan.interactions,
        "interactions_by_kind": _counts(INTERACTION_KINDS, V["kind"]),
        "followers": {"ever": int(ever.sum()), "current": int(now.sum()), "by_label": by_label, "share": share,
                      "unfollows": int(((world.follows.unfollowed >= 0) & world.follows.of_brand(pop)).sum()),
                      "final_audience": {ids.accounts[int(b)].as_py(): int(daily[account == b][-1])
                                         for b in pop.brand}},
        "pods": {"count": len(pop.pods), "members": sum(len(p.members) for p in pop.pods),
                 "by_style": {s: sum(p.style == s for p in pop.pods) for s in ("tight", "rotating", "partial")},
                 "with_brand": [p.pod_id for p in pop.pods if p.includes_brand]},
        "ambassadors": {k: len(v) for k, v in pop.ambassadors.items()},
        "near_misses": {k: len(v) for k, v in pop.near_miss.items()},
        "hard_negatives": _tally(negatives["kind"]),
        "texts": len(needs), "texts_by_intent": _tally(texts["intent"]), "texts_by_language": _tally(texts["language"]),
        "answers": {"needing": int(needs.sum()), "answered": int((needs & answered).sum()),
                    "unanswered": int((needs & ~answered).sum())},
        "burst_days": {k: len({b["day"] for b in world.bursts if b["kind"] == k})
                       for k in ("bought", "viral", "campaign")},
        "conversions": {"total": len(c.kind), "by_kind": _counts(CONVERSION_KINDS, c.kind),
                        "by_linked_by": _counts(LINKS, c.linked_by)},
        "funnel": funnel,
        "funnel_observable": _observable_funnel(world, now, label),
        "weak_signals": {name: {"kind": kind, "texts": int(n), "authors": int(a)} for name, kind, n, a in zip(
            themes["theme"].to_pylist(), themes["kind"].to_pylist(), themes["texts"].to_pylist(),
            themes["authors"].to_pylist())},
        "tables": tables,
    }


def _observable_funnel(world: World, now: np.ndarray, label: np.ndarray) -> dict[str, int]:
    """The funnel as the data shows it (rules in `observe` and README.md), to be recovered exactly."""
    pop, act, c = world.pop, world.act, world.conversions
    V = act.buf.view()
    person = persons(pop)
    engaged = brand_engagement(pop, act, fake_labelled(pop, world.follows))
    actor = V["actor"][engaged]
    intent = np.isin(V["intent"][engaged], INTENTS_THAT_CONVERT)
    never = np.iinfo(np.int64).max
    first = np.full(pop.n, never, dtype=np.int64)  # per person: first brand engagement
    np.minimum.at(first, person[actor], V["time"][engaged])
    recorded = c.account >= 0
    who, when = person[c.account[recorded]], c.time[recorded]
    return {
        "followers": count(person[now & (label == "real")]),
        "followers_all": count(person[now]),
        "engaged_members": count(person[actor]),
        "members_with_intent": count(person[actor[intent]]),
        "converted_members": count(who),
        "converted_after_engaging": count(who[first[who] <= when]),
    }


README = """# truth/: what the generator planted

Every file is keyed by the dataset's ids. `summary.json` holds the totals.

- `accounts.csv`: role, audience label (followers only), follower now, pod, ambassador kind, true person
  (`member_id`: the owner, even of two accounts that nothing in the data links), hard-negative group.
  `ambassador_kind` is the kind the person's behaviour meets, planted or not: heavy ordinary accounts
  that comment in at least 8 distinct weeks and in at least half of the weeks the brand published on
  their platforms between their first and last comment are regulars, those with at least 3 mentions
  of the brand that are neither spam nor critiques are sharers (`ambassador_emergent` = true when the
  account was not planted as an ambassador). Persons are linked as in `funnel_observable` below, pod
  engagement does not count. A person holding several kinds gets the most telling: defender, then
  sharer, then regular. Planted counts are in `summary.json` (`ambassadors`), emergent ones in
  `emergent_ambassadors`.
- `pods.csv`, `hard_negatives.csv`, `bursts.csv`: planted pods (members, style, membership span),
  look-alikes that are not pods, follower bursts. With the brand's circle (`summary.json` `circle`),
  `hard_negatives.csv` also holds `loyal_fan` (comment most brand posts within minutes, in their own
  words, never engaged back), `staff` (the same with short cheers, and the brand likes their posts:
  only an allow-list tells them from a pod), `brand_friend` (the brand and they engage each other's
  posts, hours later) and `contest` (the entrants of one contest post, `anchor_id`).
- `summary.json` `view`: `full` (every interaction of the world) or `brand` (what the brand's own
  sources hold: comments, replies and story replies on its posts, DMs and mentions to it, what the
  brand itself did, its followers and followings; likes, saves, shares and views of its posts as
  counts in `post_metrics`). Interaction ids are the same in both views, so every truth file holds
  for both; in the brand's view only the pods that include the brand are visible at all.
- `texts.csv`: every text not written by the brand, with its language, intent, whether the brand owed
  and gave an answer, the delay, and `theme` (the planted theme it belongs to, if any).
- `weak_signals.csv`: planted themes. `rising`: a defect nobody named before, named by new authors at
  the end of the window (`window_start`..`window_end`); `steady`: a decoy named at a constant rate all
  along (at least three mentions per language in any 7 days), so never a weak signal. `keywords` are
  space-separated, written as normalised text (lower case, no accents); every text of a theme holds
  its language's first keyword.
- `conversions.csv`: `account_id`/`member_id` are the planted person (-: none); `data_account_id` is
  the account the conversion is recorded on in the data. `linked_by` follows what the data shows:
  `identity` when the recorded account is listed in `identities` and has no brand engagement of its
  own (its person engaged through another account, or only viewed/clicked); `account` for any other
  recorded account; `campaign` when no account is recorded but the campaign or a social source is;
  `none` otherwise.

Two funnels in `summary.json`, counted in people:

- `funnel`: the planted world as it is (true people, views and clicks count as contact, bots and
  spammers left out, every planted buyer).
- `funnel_observable`: what an analysis can recover exactly from the data plus perfect earlier steps.
  A person is an `identities` member for the accounts listed there, else the account alone. Brand
  engagement is a like, reaction, comment, reply, share, save, story reply, DM or mention on a brand
  post or addressed to a brand account, not by the brand, not by an account labelled fake, and not
  pod engagement (a member of a planted pod on a post by another member of the same pod, at any time).
  `followers`: people following a brand account now, labelled real (`followers_all`: any label);
  `engaged_members`: people with brand engagement; `members_with_intent`: people with brand
  engagement showing a purchase, job or co-creation intent; `converted_members`: people a recorded
  conversion account belongs to (linked by account or identity); `converted_after_engaging`: those
  whose first brand engagement came at or before one of their conversions.
"""


def _iso(t: int) -> str:
    return np.datetime_as_string(np.datetime64(int(t), "s"), unit="s") + "Z"
