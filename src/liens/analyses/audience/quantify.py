"""How many followers are fake: the share estimated from the evidence of the whole audience, with its interval.

Counting the accounts above a threshold gets the share wrong whenever the audience's prevalence or
its data differ from where the threshold was set (an audience with 50 % fakes, or one whose profiles
hold fewer fields). Quantification estimates the share directly: each account's evidence is a
likelihood ratio (fake over real, `scoring.evidence`), and the audience is a mixture

    P(evidence) = share × P(evidence | fake) + (1 − share) × P(evidence | real),

whose share is fitted by expectation-maximisation (Saerens, Latinne & Decaestecker 2002, "Adjusting
the outputs of a classifier to new a priori probabilities"): the posterior of each account at the
current share, then the share as the mean posterior, until it settles. The behaviour signals
(interacted, joined in a bought burst) have rates that depend on what the data holds (an export with
only comments shows few interactions), so their rates among fakes and among real followers are fitted
in the same EM, with weak priors. At the fixed point the estimated share is the mean of the
posteriors: the posteriors (`fake_score`) add up to the estimated number of fakes, and labelling the
top-k accounts with k = that number keeps labels and share consistent.

(Refitting the table on the audience was added after a first check on InstaFake, where the fixed table's
share came out at 11 % for a true 16.75 %: like the scorer's tempering, it was chosen having seen that
set once, so the InstaFake figures are not a blind check.)

The interval joins two uncertainties: sampling (the observed Fisher information of the share,
sum of (p/s − (1 − p)/(1 − s))², gives its standard error) and the scorer's own (the share refitted
with the profile evidence tempered more and less, `scoring.TEMPERATURE_RANGE`): the interval spans
the sampling intervals of the three fits. A well-separated audience moves little when the evidence
is tempered; an ambiguous one moves a lot, and its interval says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit
from scipy.stats import norm

from .scoring import FACTORS, SCALES, SIGNALS, Evidence

PRIOR_WEIGHT = 50.0  # pseudo-accounts, per class and signal, behind the scorer's table when it is refitted
ITERATIONS = 500
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Fit:
    share: float
    posterior: np.ndarray
    fake: np.ndarray        # refitted P(cell | fake)
    real: np.ndarray        # refitted P(cell | real)
    standard_error: float
    scale: float
    base: np.ndarray | None = None


@dataclass(frozen=True)
class Quantified:
    """The estimated share (the fit at scale 1), its interval, and the fits behind it."""

    share: float
    low: float
    high: float
    fit: Fit
    fits: list[Fit] = field(default_factory=list)

    @property
    def posterior(self) -> np.ndarray:
        return self.fit.posterior


def _normalise(weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    totals = np.bincount(group, weights=weights)
    return weights / totals[group]


def fit(ev: Evidence, *, base: np.ndarray | None = None, signals: tuple[str, ...] = SIGNALS, scale: float = 1.0,
        start: float = 0.2) -> Fit:
    """EM of the share (and of the cells' probabilities, starting from the scorer's table with the weight of
    `PRIOR_WEIGHT` accounts per class) over the accounts of `ev`. `base`: fixed log-ratio evidence per account
    (a trained model's), added to that of `signals`. The real followers' interacted rate starts from the
    rate observed over the audience (what the data shows of interactions)."""
    n = ev.cells.shape[1]
    use = np.array([name in signals for name in SIGNALS])
    cells = np.where(use[:, None], ev.cells, -1)
    prior_f, prior_r = ev.fake.copy(), ev.real.copy()
    inter = SIGNALS.index("interacted")
    seen = cells[inter] >= 0
    if seen.any():
        rate = float(np.clip(np.mean(cells[inter][seen] == cells[inter][seen].max()), 0.01, 0.99))
        ids = np.unique(cells[inter][seen])
        first = int(ev.group.tolist().index(ev.group[ids[0]]))
        prior_r[first:first + 2] = (1 - rate, rate)
    if not n:
        return Fit(0.0, np.zeros(0), prior_f, prior_r, float("nan"), scale, base)
    factors = np.array([FACTORS[name] for name in SIGNALS])[:, None]
    flat_cells = cells.ravel()
    known = flat_cells >= 0
    fake, real = prior_f.copy(), prior_r.copy()
    share = start
    posterior = np.full(n, share)
    extra = np.zeros(n) if base is None else np.asarray(base, dtype=float)
    for _ in range(ITERATIONS):
        cell_llr = np.log(fake / real)
        llr = scale * (extra + (factors * np.where(cells >= 0, cell_llr[np.maximum(cells, 0)], 0.0)).sum(axis=0))
        posterior = expit(np.log(share / (1 - share)) + llr)
        new = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        p = np.broadcast_to(posterior, cells.shape).ravel()[known]
        wf = np.bincount(flat_cells[known], weights=p, minlength=len(fake))
        wr = np.bincount(flat_cells[known], weights=1 - p, minlength=len(real))
        fake = np.clip(_normalise(wf + PRIOR_WEIGHT * prior_f, ev.group), 1e-4, 1.0)
        real = np.clip(_normalise(wr + PRIOR_WEIGHT * prior_r, ev.group), 1e-4, 1.0)
        done = abs(new - share) < TOLERANCE
        share = new
        if done:
            break
    score = posterior / share - (1 - posterior) / (1 - share)
    information = float(np.sum(score * score))
    se = 1.0 / np.sqrt(information) if information > 0 else float("inf")
    return Fit(float(posterior.mean()), posterior, fake, real, se, scale, base)


def quantify(ev: Evidence, *, base: np.ndarray | None = None, signals: tuple[str, ...] = SIGNALS,
             level: float = 0.95, scales: tuple[float, ...] = SCALES) -> Quantified:
    """The share at scale 1 (the first of `scales`), and an interval spanning every scale's sampling interval."""
    z = float(norm.ppf(0.5 + level / 2))
    fits = [fit(ev, base=base, signals=signals, scale=s) for s in scales]
    main = fits[0]
    low = min(max(0.0, f.share - z * f.standard_error) for f in fits)
    high = max(min(1.0, f.share + z * f.standard_error) for f in fits)
    return Quantified(main.share, min(low, main.share), max(high, main.share), main, fits)


def posterior_at(ev: Evidence, result: Fit, *, base: np.ndarray | None = None,
                 signals: tuple[str, ...] = SIGNALS) -> np.ndarray:
    """Posteriors of other accounts (past followers) at a fit's share and probabilities."""
    use = np.array([name in signals for name in SIGNALS])
    cells = np.where(use[:, None], ev.cells, -1)
    factors = np.array([FACTORS[name] for name in SIGNALS])[:, None]
    cell_llr = np.log(result.fake / result.real)
    extra = np.zeros(cells.shape[1]) if base is None else np.asarray(base, dtype=float)
    llr = result.scale * (extra + (factors * np.where(cells >= 0, cell_llr[np.maximum(cells, 0)], 0.0)).sum(axis=0))
    share = min(max(result.share, 1e-6), 1 - 1e-6)
    return expit(np.log(share / (1 - share)) + llr)


def top_k(scores: np.ndarray, share: float, ids: np.ndarray | None = None) -> np.ndarray:
    """True for the round(share × n) highest scores (ties broken by id, then position): the labels whose
    count is the estimated number of fakes."""
    n = len(scores)
    k = int(round(share * n))
    mask = np.zeros(n, dtype=bool)
    if k <= 0 or not n:
        return mask
    keys = (np.arange(n) if ids is None else np.asarray(ids, dtype=str), -np.asarray(scores, dtype=float))
    order = np.lexsort(keys)
    mask[order[:k]] = True
    return mask
