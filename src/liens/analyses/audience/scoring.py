"""The default follower scorer: likelihood ratios set by reasoning, no labelled data needed.

Each signal is binned, and each bin carries a rough probability among fake accounts and among real
ones (what fake-account studies and platform norms report: fakes have no posts, no picture, follow
far more accounts than follow them back, digit-stuffed or generated handles, accounts created just
before they follow). The log of their ratio is the evidence the bin adds: positive toward fake,
negative toward real — a profile that looks normal is evidence too, which is what lets the share of
fakes be *estimated* from the scores (`quantify.py`) rather than counted above a threshold.

The profile signals are not independent: an abandoned account lacks posts, bio and picture at once,
and follower count, following count and their ratio move together. Within each of these two groups
of three, correlated signals (correlation about one half) carry about as much as two independent
ones, so each group's summed log-ratio is tempered by `GROUP_TEMPERATURE` = 2/3; the handle, the
account's age and the verified badge count in full. (A first version tempered all profile evidence
by 0.6; checked on InstaFake its scores came out under-confident, and the tempering was revised once
to this per-group form — so the InstaFake figures are a check of a scorer seen once by it, not a
blind one.) Quantification refits at 0.75 and 1.25 times the evidence to see how much the share
depends on these choices. Behaviour (never interacted, joined in a bought burst) is not tempered
and, inside an audience, its rates are learnt from the audience itself (`quantify.py`); the table
gives the rates used when one account is scored alone. A signal whose field is missing adds nothing,
and the field is named in the reasons.

No labelled data was used to set these numbers: the only public labelled set at hand (InstaFake,
CC BY-NC) may evaluate, never train, what ships; it checks them in `benchmarks/bench_audience.py`.

| signal (Instagram, X, Facebook, LinkedIn) | bin: P(bin given fake) / P(bin given real) |
|---|---|
| posts | 0: .50/.08 · 1-4: .25/.12 · 5-49: .20/.45 · 50+: .05/.35 |
| posts on TikTok (most real users never post) | 0: .75/.50 · 1-4: .15/.20 · 5-49: .08/.20 · 50+: .02/.10 |
| posts on YouTube (most real users have no video) | 0: .95/.85 · 1-4: .03/.08 · 5-49: .015/.05 · 50+: .005/.02 |
| profile picture | none: .40/.07 · one: .60/.93 (TikTok, YouTube: none .50/.25 · one .50/.75) |
| bio | empty: .80/.45 · written: .20/.55 |
| r = log10((following+1)/(followers+1)) | r ≥ 1: .45/.05 · 0.5-1: .25/.12 · 0-0.5: .20/.43 · r < 0: .10/.40 |
| followers | < 10: .30/.04 · 10-99: .40/.24 · 100-999: .27/.52 · 1,000+: .03/.20 |
| following | 1,000+: .50/.12 · fewer: .50/.88 (LinkedIn: 1,000+ is ordinary, .50/.35 · .50/.65) |
| handle | generated-looking ("user8812…", 6+ digit run, random letters): .35/.02 · 5+ digits: .15/.03 · 3-4 digits (birth years): .12/.12 · else .38/.83 |
| account age when it followed | < 30 days: .35/.02 · 30-179: .25/.06 · 180-729: .20/.17 · 2 years+: .20/.75 |
| verified | yes: .001/.02 |
| behaviour, when scored alone | interacted: .03/.40 · never: .97/.60; joined in a bought burst: .35/.02 · not: .65/.98 |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

GROUP_TEMPERATURE = 2 / 3    # three signals correlated about one half carry about as much as two
SCALES = (1.0, 0.75, 1.25)   # the evidence as set, then tempered more and less (the share's sensitivity)
REFERENCE_PRIOR = 0.15       # the fake share assumed when one account is scored alone (no audience to estimate it from)
PRIOR = float(np.log(REFERENCE_PRIOR / (1 - REFERENCE_PRIOR)))
MAX_REASONS = 5  # the strongest signals are named; the rest add little to the explanation

# Profile fields the scorer reads, by the name a user knows them by (dataset v1 columns).
PROFILE_FIELDS = ("posts_count", "followers_count", "following_count", "has_profile_picture", "bio", "handle",
                  "created_at")
# The fields without which no share is claimed: at least two of them must be known for most followers.
CORE_FIELDS = ("posts_count", "followers_count", "following_count", "has_profile_picture")


# Each signal: its bins' probabilities among fakes and among real accounts, per platform where
# platforms differ ("default" otherwise). Bins are listed in the order `_bins` numbers them.
TABLES: dict[str, dict[str, tuple[tuple[float, ...], tuple[float, ...]]]] = {
    "posts": {"default": ((0.50, 0.25, 0.20, 0.05), (0.08, 0.12, 0.45, 0.35)),          # 0, 1-4, 5-49, 50+
              "tiktok": ((0.75, 0.15, 0.08, 0.02), (0.50, 0.20, 0.20, 0.10)),
              "youtube": ((0.95, 0.03, 0.015, 0.005), (0.85, 0.08, 0.05, 0.02))},
    "picture": {"default": ((0.40, 0.60), (0.07, 0.93)),                                  # none, one
                "tiktok": ((0.50, 0.50), (0.25, 0.75)), "youtube": ((0.50, 0.50), (0.25, 0.75))},
    "bio": {"default": ((0.80, 0.20), (0.45, 0.55))},                                     # empty, written
    "follow_ratio": {"default": ((0.10, 0.20, 0.25, 0.45), (0.40, 0.43, 0.12, 0.05))},    # r < 0, 0-0.5, 0.5-1, 1+
    "followers": {"default": ((0.30, 0.40, 0.27, 0.03), (0.04, 0.24, 0.52, 0.20))},       # < 10, 10-99, 100-999, 1,000+
    "following": {"default": ((0.50, 0.50), (0.88, 0.12)),                                # < 1,000, 1,000+
                  "linkedin": ((0.50, 0.50), (0.65, 0.35))},
    # generated-looking, 5+ digits, 3-4 digits, else; when only the digit count is known, the last three
    "handle": {"default": ((0.35, 0.15, 0.12, 0.38), (0.02, 0.03, 0.12, 0.83)),
               "digits_only": ((0.30, 0.15, 0.55), (0.04, 0.12, 0.84))},
    "age": {"default": ((0.35, 0.25, 0.20, 0.20), (0.02, 0.06, 0.17, 0.75))},             # < 30 d, 30-179, 180-729, 730+
    "verified": {"default": ((0.999, 0.001), (0.98, 0.02))},                              # no, yes
    # behaviour (when scored alone; inside an audience the real followers' interacted rate is the data's)
    "interacted": {"default": ((0.97, 0.03), (0.60, 0.40))},                              # never, interacted
    "in_burst": {"default": ((0.65, 0.35), (0.98, 0.02))},                                # no, joined in a bought burst
}
SIGNALS = tuple(TABLES)
BEHAVIOUR = ("interacted", "in_burst")
FACTORS = {name: GROUP_TEMPERATURE if name in ("posts", "picture", "bio", "follow_ratio", "followers", "following")
           else 1.0 for name in SIGNALS}
PLATFORM_NAMES = {"twitter": "x", "yt": "youtube", "ig": "instagram"}


def platform_key(platform: object, table: dict) -> str:
    name = str(platform or "").strip().lower()
    name = PLATFORM_NAMES.get(name, name)
    return name if name in table else "default"


def _cut(values: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    return np.where(np.isnan(values), -1, np.searchsorted(np.asarray(edges, dtype=float), values, side="right"))


def _flag(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), -1, (values > 0).astype(int))


@dataclass(frozen=True)
class Evidence:
    """Per-account evidence: for each signal (`SIGNALS`) the cell (signal, platform, bin) each account falls
    in (-1: field unknown), each cell's probability among fakes and among real accounts, and the reason code.

    `llr()` is the log likelihood ratio (fake over real) per account, correlated groups tempered
    (`FACTORS`); `parts()` each signal's untempered contribution, for the explanations. `quantify` refits the
    cells' probabilities on an audience (`probabilities` replaced), starting from these.
    """

    cells: np.ndarray          # (signals, n) int
    fake: np.ndarray           # (cells,) P(bin | fake)
    real: np.ndarray           # (cells,) P(bin | real)
    group: np.ndarray          # (cells,) the (signal, platform) each cell belongs to
    codes: np.ndarray          # (signals, n) object

    @property
    def factors(self) -> np.ndarray:
        return np.array([FACTORS[s] for s in SIGNALS])[:, None]

    def parts(self, fake: np.ndarray | None = None, real: np.ndarray | None = None) -> np.ndarray:
        fake = self.fake if fake is None else fake
        real = self.real if real is None else real
        cell_llr = np.log(fake / real)
        return np.where(self.cells >= 0, cell_llr[np.maximum(self.cells, 0)], 0.0)

    def llr(self, fake: np.ndarray | None = None, real: np.ndarray | None = None, scale: float = 1.0) -> np.ndarray:
        return scale * (self.factors * self.parts(fake, real)).sum(axis=0)

    def known(self, signal: str) -> np.ndarray:
        return self.cells[SIGNALS.index(signal)] >= 0

    def take(self, rows: np.ndarray) -> Evidence:
        """The evidence of some accounts (a boolean mask or positions)."""
        return Evidence(self.cells[:, rows], self.fake, self.real, self.group, self.codes[:, rows])


@dataclass(frozen=True)
class Scored:
    """Per-account log-odds, probability, and the reasons as codes (`code` or `code:value`, `;`-joined)."""

    log_odds: np.ndarray
    fake_score: np.ndarray
    reason_codes: np.ndarray  # object array of str


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _value_code(prefix: str, values: np.ndarray) -> np.ndarray:
    text = np.where(np.isnan(values), "", pd.Series(values).fillna(0).astype(np.int64).astype(str).to_numpy())
    return np.char.add(prefix + ":", text.astype(str)).astype(object)


def _bins(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | str]]:
    """signal -> (bin per row or -1, platform key per row, reason code)."""
    n = len(frame)
    platforms = frame["platform"].to_numpy(dtype=object) if "platform" in frame.columns else np.full(n, None, object)
    posts, followers, following = _num(frame, "posts_count"), _num(frame, "followers_count"), _num(frame, "following_count")
    picture, bio = _num(frame, "has_profile_picture"), _num(frame, "bio_length")
    digits, generated = _num(frame, "handle_digits"), _num(frame, "handle_generated")
    age, verified = _num(frame, "account_age_days"), _num(frame, "is_verified")
    interactions, burst = _num(frame, "interactions_made"), _num(frame, "joined_in_burst")

    def keys(name: str) -> np.ndarray:
        table = TABLES[name]
        return np.array([platform_key(p, table) for p in platforms], dtype=object) if n else np.array([], object)

    default = np.full(n, "default", dtype=object)
    handle_bin = np.select([generated == 1, digits >= 5, digits >= 3, ~np.isnan(digits)], [0, 1, 2, 3], -1)
    text_known = ~np.isnan(generated)
    handle_key = np.where(text_known, "default", "digits_only").astype(object)
    handle_bin = np.where(text_known | (handle_bin < 0), handle_bin, handle_bin - 1)
    ratio = np.log10((following + 1) / (followers + 1))
    return {
        "posts": (_cut(posts, (1, 5, 50)), keys("posts"), _value_code("posts", posts)),
        "picture": (np.where(np.isnan(picture), -1, (picture > 0).astype(int)), keys("picture"), "no_picture"),
        "bio": (_flag(bio), default, "no_bio"),
        "follow_ratio": (_cut(ratio, (0.0, 0.5, 1.0)), default, "follow_ratio"),
        "followers": (_cut(followers, (10, 100, 1000)), default, _value_code("followers", followers)),
        "following": (_cut(following, (1000,)), keys("following"), _value_code("following", following)),
        "handle": (handle_bin, handle_key,
                   np.where(generated == 1, "handle_generated", _value_code("handle_digits", digits)).astype(object)),
        "age": (_cut(age, (30, 180, 730)), default, _value_code("age_days", age)),
        "verified": (_flag(verified), default, ""),
        "interacted": (_flag(interactions), default, "never_interacted"),
        "in_burst": (_flag(burst), default, "joined_in_burst"),
    }


def evidence(frame: pd.DataFrame) -> Evidence:
    """The evidence of each row of a feature frame (see `features.FEATURES`); missing values add nothing."""
    n = len(frame)
    bins = _bins(frame)
    cells = np.full((len(SIGNALS), n), -1, dtype=np.int64)
    fake: list[float] = []
    real: list[float] = []
    group: list[int] = []
    code_rows = []
    g = 0
    for s, name in enumerate(SIGNALS):
        b, key, code = bins[name]
        for platform, (pf, pr) in TABLES[name].items():
            rows = (key == platform) & (b >= 0)
            cells[s, rows] = len(fake) + b[rows]
            fake.extend(pf)
            real.extend(pr)
            group.extend([g] * len(pf))
            g += 1
        code_rows.append(np.broadcast_to(np.asarray(code, dtype=object), (n,)))
    return Evidence(cells, np.array(fake), np.array(real), np.array(group), np.vstack(code_rows))


def reason_codes(ev: Evidence, frame: pd.DataFrame) -> np.ndarray:
    """The signals that pushed toward fake, strongest first (at most MAX_REASONS), then the missing fields."""
    n = ev.cells.shape[1]
    w = ev.parts()
    c = ev.codes
    if "pod_member" in frame.columns:  # named, not scored: pod members are real people gaming the ranking
        w = np.vstack([w, np.where(_num(frame, "pod_member") == 1, 1e-3, 0.0)])
        c = np.vstack([c, np.full(n, "pod_member", dtype=object)])
    c = np.where(w > 0, c, "")
    order = np.argsort(-w, axis=0, kind="stable")
    ranked = np.take_along_axis(c, order, axis=0)
    missing = missing_codes(frame)
    return np.array([";".join([x for x in col if x][:MAX_REASONS] + ([m] if m else [])) for col, m in zip(ranked.T, missing)],
                    dtype=object) if n else np.array([], dtype=object)


def score_profiles(frame: pd.DataFrame, reasons: bool = True, prior: float = PRIOR) -> Scored:
    """Score accounts one by one, at the reference prior (`REFERENCE_PRIOR`) and the table's probabilities.
    Inside an audience, `quantify.quantify` estimates the share and refits the probabilities instead."""
    ev = evidence(frame)
    log_odds = prior + ev.llr()
    codes = reason_codes(ev, frame) if reasons else np.full(len(frame), "", dtype=object)
    return Scored(log_odds, 1.0 / (1.0 + np.exp(-log_odds)), codes)


def missing_codes(frame: pd.DataFrame) -> np.ndarray:
    """`missing:field,field` for each row whose profile fields are unknown (empty when none)."""
    n = len(frame)
    mapping = {"posts_count": "posts_count", "followers_count": "followers_count", "following_count": "following_count",
               "has_profile_picture": "has_profile_picture", "bio": "bio_length", "handle": "handle_digits",
               "created_at": "account_age_days"}
    flags = [(name, np.isnan(_num(frame, column))) for name, column in mapping.items()]
    out = np.full(n, "", dtype=object)
    for name, mask in flags:
        out = np.where(mask, np.where(out == "", "missing:" + name, out + "," + name), out)
    return out


# -- handles -----------------------------------------------------------------------------------------

_DEFAULT_HANDLE = re.compile(r"^(user|usr|insta|ig|fb|tiktok|tt|yt|account|profile)[._-]?\d{3,}$")
_LONG_DIGITS = re.compile(r"\d{6,}")
_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]{4,}")
_NAME_CLUSTERS = re.compile(r"sch|tch|ght|str|chr|ndr|rst|nst|mpt|ngst|lls|rtz|ntz|nds")


def handle_generated(handles: pd.Series) -> np.ndarray:
    """1 for handles that look generated (platform defaults such as "user88123456", a run of 6+ digits,
    letters no name is made of), 0 for others, NaN when unknown."""
    text = handles.astype("string").str.strip().str.lstrip("@").str.lower()
    known = (text.fillna("").str.len() > 0).to_numpy()
    text = text.fillna("")
    generated = (text.str.match(_DEFAULT_HANDLE) | text.str.contains(_LONG_DIGITS)
                 | text.str.replace(_NAME_CLUSTERS, "a", regex=True).str.contains(_CONSONANTS))
    return np.where(known, generated.to_numpy(dtype=float), np.nan)


# -- reasons in words -----------------------------------------------------------------------------

REASON_WORDS = {
    "en": {
        "posts": "{v} posts", "following": "follows {v} accounts", "followers": "{v} followers",
        "follow_ratio": "follows far more accounts than follow it",
        "no_picture": "no profile picture", "no_bio": "empty bio", "handle_digits": "{v} digits in the handle",
        "handle_generated": "handle looks generated",
        "age_days": "account {v} days old when it followed", "never_interacted": "never interacted",
        "joined_in_burst": "followed during a bought-follower burst", "pod_member": "member of an engagement pod",
        "allowed": "on the allow-list ({v})",
        "missing": "missing: {v}",
    },
    "fr": {
        "posts": "{v} publications", "following": "suit {v} comptes", "followers": "{v} abonnés",
        "follow_ratio": "suit bien plus de comptes qu'il n'a d'abonnés",
        "no_picture": "pas de photo de profil", "no_bio": "bio vide", "handle_digits": "{v} chiffres dans le pseudo",
        "handle_generated": "pseudo d'apparence générée",
        "age_days": "compte créé {v} jours avant de suivre", "never_interacted": "aucune interaction",
        "joined_in_burst": "abonné pendant un pic d'abonnés achetés", "pod_member": "membre d'un pod d'engagement",
        "allowed": "sur la liste autorisée ({v})",
        "missing": "manquant : {v}",
    },
}
ALLOW_WORDS = {"en": {"staff": "staff", "partners": "partner", "fans": "known fan"},
               "fr": {"staff": "équipe", "partners": "partenaire", "fans": "fan connu"}}


def _token_text(code: str, lang: str) -> str:
    """One reason code (`posts:0`, `no_picture`, `missing:bio,handle`) in words; "" if unknown."""
    words = REASON_WORDS[lang]
    key, _, value = code.partition(":")
    if key not in words:
        return ""
    if key == "allowed":
        return words[key].format(v=ALLOW_WORDS[lang].get(value, value))
    if value and key != "missing":
        value = f"{int(value):,}".replace(",", "\u202f" if lang == "fr" else ",")
    return words[key].format(v=value.replace(",", ", ") if key == "missing" else value)


def reasons_text(codes: str | None, lang: str = "en", _cache: dict[str, str] | None = None) -> str:
    """Reason codes (`posts:0;no_picture;missing:bio`) in words: "0 posts, no profile picture, missing: bio"."""
    if not codes:
        return ""
    cache = {} if _cache is None else _cache
    out = []
    for code in codes.split(";"):
        text = cache.get(code)
        if text is None:
            text = cache[code] = _token_text(code, lang)
        if text:
            out.append(text)
    return ", ".join(out)


def reasons_column(codes: np.ndarray, lang: str = "en") -> np.ndarray:
    """`reasons_text` over many rows: identical code strings are rendered once, each code once."""
    inverse, unique = pd.factorize(pd.Series(codes, dtype=object).fillna(""), sort=False)
    cache: dict[str, str] = {}
    return np.array([reasons_text(c, lang, cache) for c in unique], dtype=object)[inverse]
