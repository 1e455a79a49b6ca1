"""A synthetic brand world with planted truth, written as a dataset v1 folder plus `truth/`.

The world is a small French sneaker brand ("Rivage") on four platforms, its audience and ecosystem:
ordinary members, engagement pods (one includes the brand), hard negatives that look like pods but
are not (a star's fan club, real friend groups, a viral post), fake/inactive/mass followers with
bought bursts, ambassadors and near-misses, texts with known intents, rising and steady complaint
themes (weak signals), brand replies with known delays, conversions, costs and identities.
`truth/` names what was planted so that detectors can be scored against it (`truth/README.md`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pyarrow as pa

from liens.generate import texts as tx
from liens.generate.activity import Activity
from liens.generate.audience import build_follows
from liens.generate.business import build_conversions
from liens.generate.dataset import VIEWS, Ids, World, write_dataset
from liens.generate.model import Plan, Rng
from liens.generate.observe import fake_labelled
from liens.generate.output import FORMATS
from liens.generate.population import Population, build_population
from liens.generate.truth import write_truth_files
from liens.schema import TABLE_ORDER


class WorldOptions(TypedDict, total=False):
    """The options of `generate_world` besides the folder, size and seed (`liens.api.generate` takes these)."""

    interactions: int | None
    days: int
    file_format: str
    pods: bool
    view: str
    circle: bool | None
    fake_share: float | None
    progress: Callable[[float], None] | None


def generate_world(out: Path, *, accounts: int = 5000, seed: int = 0, interactions: int | None = None,
                   days: int = 180, file_format: str = "csv", pods: bool = True, view: str = "full",
                   circle: bool | None = None, progress: Callable[[float], None] | None = None,
                   fake_share: float | None = None) -> dict[str, Any]:
    """Write a planted-truth world to `out/` (dataset v1) and `out/truth/`; return the summary.

    `interactions` defaults to about 10 per account. `pods=False` plants no engagement pod.
    `view="brand"` writes only what the brand's own sources would hold (its platforms' APIs and its
    export: see `dataset.brand_view`); `truth/` is the same for both views. `circle` plants the
    brand's own circle, the hard negatives of a brand-centred pod detector (loyal fans, staff, the
    brand's friends, a contest; `Activity.plant_circle`); it defaults to on for the brand's view and
    off otherwise (so earlier full-view worlds stay byte for byte the same).
    `fake_share` (0 to 0.7) sets the share of the brand's followers that are fake (default: about 9 % of
    the accounts are fakes, some 12 % of the followers).
    The same arguments always produce the same bytes. `progress` receives the fraction done.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {', '.join(FORMATS)}, not {file_format!r}")
    if accounts < 500:
        raise ValueError("a world needs at least 500 accounts")
    if days < 30:
        raise ValueError("a world spans at least 30 days")
    interactions = 10 * accounts if interactions is None else int(interactions)
    if interactions < 2 * accounts:
        raise ValueError("ask for at least 2 interactions per account")
    report = progress or (lambda _: None)
    out = Path(out)

    plan = Plan(accounts, interactions, days, pods, circle=view == "brand" if circle is None else bool(circle),
                fake_share=fake_share)
    rngs = Rng(seed)
    bank = tx.TextBank(seed)
    pop = build_population(plan, rngs, bank)
    report(0.03)
    act = Activity(plan, pop, rngs)
    act.build(lambda f: report(0.03 + 0.45 * f))
    follows, bursts = build_follows(plan, pop, act, rngs)
    conversions = build_conversions(plan, pop, act, rngs, fake_labelled(pop, follows))
    pool, text_of, language = _texts(pop, act, bank, rngs)
    world = World(plan, pop, act, follows, bursts, conversions, pool, text_of, language)
    ids = Ids(world)
    report(0.55)

    out.mkdir(parents=True, exist_ok=True)
    for name in TABLE_ORDER:  # a previous run in another format would leave a second file per table
        for suffix in FORMATS:
            (out / f"{name}.{suffix}").unlink(missing_ok=True)
    tables = write_dataset(out, file_format, world, ids, bank, rngs, lambda f: report(0.55 + 0.4 * f), view)
    summary = write_truth_files(out / "truth", world, ids, tables, seed, file_format, view)
    report(1.0)
    return summary


def _texts(pop: Population, act: Activity, bank: tx.TextBank, rngs: Rng) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Text of every interaction that carries one: (pool, pool index per row or -1, actual language per row)."""
    rng = rngs("texts")
    V = act.buf.view()
    n = len(V["kind"])
    reply = V["voice"] == tx.BRAND_REPLY
    said = np.flatnonzero((V["intent"] >= 0) & ~reply)
    pool, index, used = bank.sample(V["voice"][said], V["intent"][said], pop.lang[V["actor"][said]], rng)
    language = np.full(n, -1, dtype=np.int8)
    language[said] = used
    text_of = np.full(n, -1, dtype=np.int32)
    text_of[said] = index
    # The brand answers in the language it was addressed in (French, else English).
    answers = np.flatnonzero(reply)
    asked = language[V["parent"][answers]]
    pool2, index2, used2 = bank.sample(V["voice"][answers], V["intent"][answers],
                                       np.where(np.isin(asked, (tx.FR, tx.UND)), tx.FR, tx.EN).astype(np.int8), rng)
    text_of[answers] = index2 + len(pool)
    language[answers] = used2
    return pa.array(pool + pool2, type=pa.string()), text_of, language
