"""The shipped conversation model (intent + sentiment) on real and held-out labelled text, and a
brand's own labels (`liens conversation train / evaluate`).

Held out from the shipped model (scripts/train_conversation.py never trains it on them): the
CLINC150 test split's banking and card queries (real support requests), GoEmotions' official test
split (real Reddit comments), and the team's held-out file benchmarks/data/conversation_heldout.csv.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pytest

from liens.analyses.conversation.models import SHIPPED, ConversationModel, default_model
from liens.analyses.conversation.textmodel import TextModel

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "benchmarks" / "data" / "conversation_heldout.csv"
SHARED = next((p for p in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if (p / "text").is_dir()), None)
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/data/text (real labelled text) is not here")

sys.path.insert(0, str(ROOT / "scripts"))
import train_conversation as tc  # noqa: E402


@pytest.fixture(scope="module")
def model() -> ConversationModel:
    return default_model()


def _held() -> list[dict[str, str]]:
    with HELDOUT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_model_is_small_and_says_what_it_was_trained_on(model):
    assert SHIPPED.stat().st_size <= 50 * 1024 * 1024
    sources = model.meta["sources"]
    for source in ("corpus", "corpus_sentiment", "goemotions_train", "xed_fr", "clinc_train"):
        assert sources.get(source, 0) > 0, sources
    for held_out in ("heldout", "clinc_test", "goemotions_test"):
        assert held_out not in sources, sources  # what the tests measure it on
    assert set(model.model.heads) == {"intent", "sentiment"}


def test_saved_model_predicts_exactly_as_loaded(model, tmp_path):
    texts = ["Où est ma commande ? merci", "thanks a lot for cancelling my flight", "trop beau 😍", "", "combien le sac ?"]
    again = ConversationModel(TextModel.from_bytes(model.model.to_bytes()))
    a, b = model.predict(texts), again.predict(texts)
    assert list(a["intent"]) == list(b["intent"])
    assert np.allclose(a["sentiment_score"], b["sentiment_score"], atol=1e-3)


def test_team_held_out_file_per_language(model):
    rows = _held()
    for lang, polar_min in (("en", 0.7), ("fr", 0.85)):
        mine = [r for r in rows if r["language"] == lang]
        found = model.predict([r["text"] for r in mine])
        sent = [(r["sentiment"], s) for r, s in zip(mine, found["sentiment"]) if r["sentiment"]]
        figures = tc.sentiment_figures([a for a, _ in sent], [b for _, b in sent])
        assert figures["polar_accuracy"] >= polar_min, (lang, figures)
        assert figures["negative_recall"] >= 0.7, (lang, figures)
        intents = [(r["intent"], i) for r, i in zip(mine, found["intent"]) if r["intent"]]
        figures = tc.intent_figures([a for a, _ in intents], [b for _, b in intents])
        assert figures["macro_f1"] >= 0.75, (lang, figures)
        assert figures["purchase_precision"] >= 0.9, (lang, figures)
        assert figures["purchase_recall"] >= 0.7, (lang, figures)
        assert figures["support_called_purchase"] <= 0.05, (lang, figures)


def test_complaint_formulas_politeness_and_orders_already_placed(model):
    found = model.predict([
        "merci pour rien, toujours pas de colis", "Thanks a lot, my flight got cancelled and nobody called",
        "Pouvez-vous m'envoyer la facture de ma commande ? Merci", "where is my order? I placed it two weeks ago",
        "c'est combien le grand modèle ?", "do you ship to Spain?",
    ])
    assert list(found["sentiment"][:2]) == ["negative", "negative"]
    assert found["sentiment"][2] != "positive"  # "merci" closing a request is not praise
    assert found["intent"][3] == "support"
    assert list(found["intent"][4:]) == ["purchase", "purchase"]


@needs_shared
def test_real_banking_support_queries_are_not_leads(model):
    rows = [r for r in tc.clinc(SHARED) if r["source"] == "clinc_test" and r["intent"] == "support"]
    assert len(rows) > 1000
    found = model.predict([r["text"] for r in rows])
    assert np.mean(found["intent"] == "purchase") <= 0.02
    assert np.mean(found["intent"] == "support") >= 0.85


@needs_shared
def test_real_reddit_comments_sentiment(model):
    rows = [r for r in tc.goemotions(SHARED) if r["source"] == "goemotions_test"]
    found = model.predict([r["text"] for r in rows])
    figures = tc.sentiment_figures([r["sentiment"] for r in rows], list(found["sentiment"]))
    assert figures["polar_accuracy"] >= 0.78, figures
    assert figures["macro_f1_3"] >= 0.6, figures


# --- a brand's own labels ---------------------------------------------------------------------------------

BRAND = [  # a brand whose customers say "la box" for their subscription: questions about it are support
    ("ma box n'est pas arrivée ce mois-ci", "support", "negative"),
    ("la box de mars est où ?", "support", ""),
    ("je n'ai pas reçu ma box", "support", "negative"),
    ("comment décaler ma box au mois prochain ?", "support", "neutral"),
    ("ma box est arrivée ouverte", "support", "negative"),
    ("je veux mettre ma box en pause", "support", "neutral"),
    ("la box d'avril est vraiment top", "praise", "positive"),
    ("adoré la box de ce mois", "praise", "positive"),
    ("box reçue, tout est parfait", "praise", "positive"),
    ("combien coûte l'abonnement à la box ?", "purchase", "neutral"),
    ("je peux offrir une box à ma sœur ?", "purchase", "neutral"),
    ("il reste des box de Noël à acheter ?", "purchase", "neutral"),
]


def _write_labels(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture()
def small_store(tmp_path):
    from liens.store import Store, load_path

    data = tmp_path / "data"
    data.mkdir()
    _write_labels(data / "accounts.csv", ["account_id", "platform", "is_brand"], [("brand", "instagram", "true"), ("u1", "instagram", "false")])
    _write_labels(data / "posts.csv", ["post_id", "author_id", "created_at", "caption"], [("P1", "brand", "2024-03-01T09:00:00", "La box de mars")])
    _write_labels(data / "interactions.csv", ["interaction_id", "kind", "actor_id", "created_at", "post_id", "text"],
                  [(f"c{i}", "comment", "u1", f"2024-03-0{1 + i % 8}T10:00:00", "P1", text) for i, (text, _, _) in enumerate(BRAND)])
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        load_path(store, data)
    return path


def _cli(*args: str):
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("header, rows, expected", [
    (["text", "intent"], [("bonjour", "achat"), ("ma box", "commande")], ["row 3", "column 'intent'", "unknown intent 'commande'"]),
    (["text", "sentiment"], [("bonjour", "happy")], ["row 2", "column 'sentiment'", "unknown sentiment 'happy'"]),
    (["message", "intent"], [("bonjour", "purchase")], ["row 1", "column 'text'", "no text or interaction_id column"]),
    (["text", "label"], [("bonjour", "purchase")], ["row 1", "column 'intent'", "no intent or sentiment column"]),
    (["interaction_id", "intent"], [("c1", "support"), ("nope", "support")], ["row 3", "column 'interaction_id'", "'nope' is not in the store"]),
    (["text", "intent"], [], ["row 2", "no labelled row"]),
])
def test_bad_label_files_are_refused_naming_file_row_and_column(small_store, tmp_path, header, rows, expected):
    from liens.store import Store

    labels = _write_labels(tmp_path / "labels.csv", header, rows)
    result = _cli("conversation", "train", str(labels), "--store", str(small_store))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for part in [str(labels)] + expected:
        assert part in result.output, result.output
    with Store(small_store, read_only=True) as store:
        assert not store.has_table("_liens_conversation_model")  # the store is unchanged


def test_empty_label_file(small_store, tmp_path):
    labels = tmp_path / "empty.csv"
    labels.write_text("", encoding="utf-8")
    result = _cli("conversation", "train", str(labels), "--store", str(small_store))
    assert result.exit_code == 2 and "is empty" in result.output and str(labels) in result.output


def test_brand_labels_adapt_the_model_and_analyze_uses_it(small_store, tmp_path):
    from liens.analyses.conversation import STEP as CONVERSATION
    from liens.analyses.core import STEP as CORE
    from liens.analyses.runner import run_analyses
    from liens.config import Config
    from liens.store import Store

    # Half by interaction id (text read from the store), half by text, labels in English and French.
    rows = [(f"c{i}", "", intent, sentiment) if i % 2 else ("", text, {"support": "assistance"}.get(intent, intent), sentiment)
            for i, (text, intent, sentiment) in enumerate(BRAND)]
    labels = _write_labels(tmp_path / "labels.csv", ["interaction_id", "text", "intent", "sentiment"], rows)
    result = _cli("conversation", "train", str(labels), "--store", str(small_store), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "12 labelled texts" in result.output
    evaluated = _cli("conversation", "evaluate", "--store", str(small_store), "--folds", "3", "--lang", "fr")
    assert evaluated.exit_code == 0, evaluated.output
    assert "Validation croisée" in evaluated.output and "intention" in evaluated.output
    with Store(small_store) as store:
        summary = run_analyses(store, Config(), steps=[CORE, CONVERSATION])
        assert summary["conversation_model"].startswith("trained ")
        found = {r["interaction_id"]: r["intent"] for r in store.result("interactions").to_pylist()}
    truth = {f"c{i}": intent for i, (_, intent, _) in enumerate(BRAND)}
    assert np.mean([found[k] == v for k, v in truth.items()]) >= 0.9  # it learnt the brand's words
