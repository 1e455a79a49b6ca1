"""What the data alone shows: the observable rules behind `linked_by` and `funnel_observable`.

The planted truth knows more than any analysis can (who owns two accounts that nothing links,
which views came from whom). Figures meant to be recovered *exactly* use these rules instead,
which only need the dataset plus perfect earlier steps (audience labels and pods as planted):

- a person is a `member_id` of `identities` for the accounts listed there, else the account alone;
- pod engagement: an interaction by a member of a planted pod on a post by another member of the
  same pod, at any time (what the pods step marks `is_authentic = false` once it finds the pod);
- brand engagement: a like, reaction, comment, reply, share, save, story reply, DM or mention
  (never a view or a click) on a brand post or addressed to a brand account, not made by the
  brand, not pod engagement, and not made by an account labelled fake (spam counts, as in the
  business step).
"""

from __future__ import annotations

import numpy as np

from liens.generate.activity import Activity
from liens.generate.audience import Follows
from liens.generate.model import BRAND, FAKE, KIND, unique_sorted
from liens.generate.population import Population

# The business step's ENGAGEMENT_KINDS (liens.analyses.common), kept here so that the generator
# does not depend on the analyses it is meant to test.
ENGAGING = ("like", "reaction", "comment", "reply", "share", "save", "story_reply", "dm", "mention")


def persons(pop: Population) -> np.ndarray:
    """The person of each account as the data says it: its identities member, else itself."""
    return np.where(pop.identity_listed, pop.member, np.arange(pop.n, dtype=np.int64))


def fake_labelled(pop: Population, follows: Follows) -> np.ndarray:
    """Accounts the truth labels `fake`: fake accounts that followed a brand account."""
    ever = np.zeros(pop.n, dtype=bool)
    ever[follows.follower[follows.of_brand(pop)]] = True
    return ever & (pop.role == FAKE)


def pod_engagement(pop: Population, act: Activity) -> np.ndarray:
    """Per interaction row: made by a pod member on a post by another member of the same pod."""
    V = act.buf.view()
    pod_of = np.full(pop.n, -1, dtype=np.int32)
    for i, pod in enumerate(pop.pods):
        pod_of[pod.members] = i
    on_post = V["post"] >= 0
    author = np.where(on_post, act.P["author"][np.maximum(V["post"], 0)], -1)
    mine = pod_of[V["actor"]]
    return on_post & (mine >= 0) & (mine == pod_of[np.maximum(author, 0)]) & (V["actor"] != author)


def brand_engagement(pop: Population, act: Activity, fake: np.ndarray) -> np.ndarray:
    """Per interaction row: clean engagement with the brand (see the module docstring)."""
    V = act.buf.view()
    engaging = np.isin(V["kind"], [KIND[k] for k in ENGAGING])
    actor = V["actor"]
    return (engaging & act.to_brand() & (pop.role[actor] != BRAND) & ~fake[actor]
            & ~pod_engagement(pop, act))


def count(values: np.ndarray) -> int:
    return len(unique_sorted(np.asarray(values, dtype=np.int64)))
