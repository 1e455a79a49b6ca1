"""Alerts (issue 21): rules on planted worlds, state without duplicates, delivery by webhook, SMTP
(STARTTLS, a real server on 127.0.0.1) and terminal with retries, the digest, and `liens run`."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from typer.testing import CliRunner

from alert_worlds import PURCHASE_TEXT, build
from liens import api
from liens.alerts import state
from liens.alerts.delivery import DeliveryError, EmailChannel, Message, WebhookChannel, send_with_retries
from liens.alerts.hours import parse_business_hours
from liens.alerts.inputs import AlertInputs
from liens.alerts.rules import evaluate, parse_rules, spike_test
from liens.alerts.run import acquire_lock, lock_path
from liens.config import AlertingSettings, Config, load_config
from liens.presentation.cli import app
from liens.presentation.cli.alert_texts import Renderer
from liens.store import Store


@dataclass
class Worlds:
    quiet: Path
    planted: Path
    planted_data: Path
    truth: dict


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Worlds:
    root = tmp_path_factory.mktemp("alert_worlds")
    paths = {}
    truth: dict = {}
    for name, pods, planted in (("quiet", False, False), ("planted", True, True)):
        _, planted_truth = build(root / name, pods=pods, planted=planted)
        truth.update(planted_truth)
        paths[name] = root / f"{name}.duckdb"
        with Store(paths[name]) as store:
            api.load(root / name, store)
            api.analyze(store, config=Config())
    return Worlds(paths["quiet"], paths["planted"], root / "planted", truth)


def _events(store: Path, config: Config | None = None) -> dict[str, list]:
    checks = api.check_alerts(store, config or Config())
    return {c.rule.name: c.events for c in checks}


# -- rules on generated worlds --------------------------------------------------------------------
def test_quiet_world_raises_no_alert(worlds: Worlds) -> None:
    events = _events(worlds.quiet)
    assert {k: len(v) for k, v in events.items()} == {k: 0 for k in events}


def test_every_planted_event_raises_exactly_one_alert(worlds: Worlds) -> None:
    events = _events(worlds.planted)
    assert {k: len(v) for k, v in events.items()} == {"unanswered": 1, "critique_spike": 1, "pod": 1,
                                                      "bought_burst": 1, "goal_off_track": 0, "response_rate": 0}
    question, _ = worlds.truth["unanswered"]
    (unanswered,) = events["unanswered"]
    assert unanswered.key == f"unanswered:{question}"
    assert unanswered.facts["intent"] == "purchase" and unanswered.facts["waited_hours"] >= 24
    assert unanswered.evidence[0]["text"] == PURCHASE_TEXT and unanswered.evidence[0]["name"].startswith("@")
    (spike,) = events["critique_spike"]
    assert spike.facts["recent_authors"] >= 12 and spike.facts["p_value"] <= 0.01
    assert sum(1 for e in spike.evidence if e["type"] == "message") >= 5
    (pod,) = events["pod"]
    assert any(e["name"] == "@rivage.paris" for e in pod.evidence)  # the brand's own handle, by name
    (burst,) = events["bought_burst"]
    assert burst.facts["excess"] >= 40
    named = {e["name"] for e in burst.evidence}
    assert named and named <= set(worlds.truth["bought"])


def test_alert_texts_in_both_languages_name_the_evidence(worlds: Worlds) -> None:
    events = [dict(alert_id=e.key, rule=e.rule, kind=e.kind, key=e.key, facts=e.facts, evidence=e.evidence)
              for v in _events(worlds.planted).values() for e in v]
    fr, en = Renderer().alerts(events, "fr"), Renderer().alerts(events, "en")
    assert "sans réponse" in fr.text and "Que faire" in fr.text and "Pic de" in fr.text
    assert "waiting for an answer" in en.text and "What to do" in en.text and "Engagement pod" in en.text
    assert PURCHASE_TEXT in en.text and "@rivage.paris" in en.text
    assert api.alert_language(worlds.planted, Config()) in ("fr", "en")


def test_goal_off_track_and_disabled_rules(tmp_path: Path, worlds: Worlds) -> None:
    toml = tmp_path / "liens.toml"
    toml.write_text('[[goals]]\nname = "Sales"\nmetric = "conversions"\ntarget = 100000\nperiod = "2025"\n'
                    '[[alerts]]\nrule = "pod"\nenabled = false\n', encoding="utf-8")
    config = load_config(toml)
    store = tmp_path / "copy.duckdb"
    shutil.copy(worlds.planted, store)
    with Store(store) as opened:
        api.analyze(opened, config=config)
    events = _events(store, config)
    assert len(events["goal_off_track"]) == 1 and events["goal_off_track"][0].facts["goal"] == "Sales"
    assert events["pod"] == []


def test_response_rate_floor_and_business_hours() -> None:
    ref = datetime(2025, 6, 30, 12, 0)  # a Monday
    rows = [{"interaction_id": f"t{i}", "intent": "purchase", "kind": "comment", "created_at": datetime(2025, 6, 27, 8 + i),
             "answered": i < 2, "response_minutes": 30.0 if i < 2 else None} for i in range(6)]
    inputs = AlertInputs(ref, needs_answer=rows, response_target_hours=4.0,
                         unanswered=[dict(r, author=f"@p{i}", text="prix ?", platform="instagram", caption=None)
                                     for i, r in enumerate(rows) if not r["answered"]])
    config = Config()
    config.conversation.response_target_hours = 4.0
    rules = [r for r in parse_rules(config) if r.kind in ("response_rate", "unanswered")]
    always = evaluate(inputs, rules, parse_business_hours(""))
    assert [len(c.events) for c in always] == [4, 1]
    assert always[1].value == pytest.approx(2 / 6)
    # Friday 12:00..17:00 waited, then Monday 09:00-12:00: in office hours, Friday 13:00 has waited 4 + 3 h.
    office = parse_business_hours("lun-ven 09:00-17:00 UTC")
    assert office.hours_between(datetime(2025, 6, 27, 13), ref) == pytest.approx(7.0)
    assert office.hours_between(datetime(2025, 6, 28, 10), datetime(2025, 6, 29, 20)) == 0.0  # a weekend
    paris = parse_business_hours("mon-fri 09:00-12:30 14:00-18:00; sat 10:00-13:00 Europe/Paris")
    assert paris.hours_between(datetime(2025, 6, 28, 6), datetime(2025, 6, 28, 12)) == pytest.approx(3.0)  # sat, UTC+2


@pytest.mark.parametrize("spec, message", [("mon-fri", "needs days then hours"), ("mon-fri 9h-18h", "not a time"),
                                           ("xyz 09:00-18:00", "not a day"), ("mon 18:00-09:00", "closes before"),
                                           ("mon 09:00-18:00 Mars/Olympus", "unknown time zone")])
def test_bad_business_hours(spec: str, message: str) -> None:
    with pytest.raises(api.ConfigError, match=message):
        parse_business_hours(spec)


def test_spike_test_holds_at_a_dozen_messages_a_day() -> None:
    # 12 authors a day, 10 % of them critical; 3-day windows, 28 baseline windows.
    rng = np.random.default_rng(0)
    fired = 0
    for _ in range(2000):
        n_r, n_b = rng.poisson(36), rng.poisson(36 * 28)
        p, lift = spike_test(int(rng.binomial(n_r, 0.1)), n_r, int(rng.binomial(n_b, 0.1)), n_b)
        fired += p <= 0.01 and lift >= 2
    assert fired / 2000 <= 0.01  # false alarms under no change stay under the level
    p, lift = spike_test(12, 36, 100, 1000)  # a third of the authors critical, against 10 %
    assert p < 0.001 and lift > 3
    detected = 0
    for _ in range(500):  # a real spike (35 % critical for 3 days) is caught most of the time
        n_r, n_b = rng.poisson(36), rng.poisson(36 * 28)
        p, lift = spike_test(int(rng.binomial(n_r, 0.35)), n_r, int(rng.binomial(n_b, 0.1)), n_b)
        detected += p <= 0.01 and lift >= 2
    assert detected / 500 >= 0.8


# -- bad rule files -------------------------------------------------------------------------------
@pytest.mark.parametrize("body, line, message", [
    ('[[alerts]]\nrule = "weather"\n', 2, "rule 'weather'"),
    ('[brand]\nname = "x"\n\n[[alerts]]\nrule = "unanswered"\nthreshold = "soon"\n', 6, "threshold: expected a number"),
    ('[[alerts]]\nrule = "pod"\n\n[[alerts]]\nrule = "unanswered"\nchannels = ["terminal", "pigeon"]\n', 6, "unknown channel 'pigeon'"),
    ('[[alerts]]\nrule = "critique_spike"\nwindow = 3\n', 3, "unknown key 'window'"),
    ('[[alerts]]\nrule = "unanswered"\nmode = "later"\n', 3, "mode: expected immediate or digest"),
])
def test_bad_rule_files_name_the_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    toml = tmp_path / "liens.toml"
    toml.write_text(body, encoding="utf-8")
    with pytest.raises(api.ConfigError, match=f"line {line}: .*{message}"):
        parse_rules(load_config(toml))
    result = CliRunner().invoke(app, ["alerts", "--explain", "--config", str(toml), "--store", str(toml)])
    assert result.exit_code != 0


# -- delivery --------------------------------------------------------------------------------------
class _Receiver(BaseHTTPRequestHandler):
    bodies: ClassVar[list] = []
    fail_first = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls = type(self)
        cls.bodies.append(body)
        code = 500 if len(cls.bodies) <= cls.fail_first else 200
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"bodies": [], "fail_first": 0})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", handler
    server.shutdown()
    server.server_close()


def _message() -> Message:
    return Message("Liens: 1 alert", "plain", "**md**", "<p>html</p>", {"alerts": [{"kind": "pod"}]}, ["**md**"])


def test_webhook_retries_with_backoff_then_delivers(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.fail_first = 2
    waits: list[float] = []
    outcome = send_with_retries(WebhookChannel(url), _message(), retries=3, backoff_seconds=0.5, sleep=waits.append)
    assert outcome.ok and outcome.attempts == 3 and waits == [0.5, 1.0]
    assert handler.bodies[-1]["subject"] == "Liens: 1 alert" and handler.bodies[-1]["alerts"] == [{"kind": "pod"}]
    slack = WebhookChannel(url, "slack")
    slack.send(_message())
    assert handler.bodies[-1]["text"] == "Liens: 1 alert" and handler.bodies[-1]["blocks"][1]["text"]["text"] == "**md**"


def test_webhook_failure_is_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed: nobody listens
    waits: list[float] = []
    outcome = send_with_retries(WebhookChannel(f"http://127.0.0.1:{port}/"), _message(), 2, 1.0, waits.append)
    assert not outcome.ok and outcome.attempts == 3 and waits == [1.0, 2.0] and "ConnectError" in (outcome.error or "")


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[int, list, Path]]:
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.smtp import AuthResult

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"liens" and auth_data.password == b"s3cret-pass"
        return AuthResult(success=ok)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context,
                                     require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    yield port, received, cert
    controller.stop()


def test_email_through_a_real_smtp_server_with_starttls(smtp_server: tuple[int, list, Path]) -> None:
    port, received, cert = smtp_server
    settings = AlertingSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_ca_file=str(cert), smtp_from="liens@brand.test",
                                smtp_to=["cm@brand.test"])
    EmailChannel(settings, {"LIENS_SMTP_USER": "liens", "LIENS_SMTP_PASSWORD": "s3cret-pass"}).send(_message())
    (envelope,) = received
    body = envelope.content.decode()
    assert envelope.rcpt_tos == ["cm@brand.test"] and "Subject: Liens: 1 alert" in body
    assert "text/plain" in body and "text/html" in body
    settings.timeout_seconds = 2.0  # aiosmtpd answers a refused AUTH LOGIN by waiting
    with pytest.raises(DeliveryError) as failure:
        EmailChannel(settings, {"LIENS_SMTP_USER": "liens", "LIENS_SMTP_PASSWORD": "wrong-pass"}).send(_message())
    assert "wrong-pass" not in str(failure.value) and len(received) == 1
    untrusted = AlertingSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.test", smtp_to=["c@d.test"],
                                 timeout_seconds=2.0)
    with pytest.raises(DeliveryError, match=r"CERTIFICATE_VERIFY_FAILED|SSL"):
        EmailChannel(untrusted, {}).send(_message())


# -- state and the unattended run ---------------------------------------------------------------
class Recorder:
    def __init__(self, name: str, failures: int = 0) -> None:
        self.name, self.failures, self.sent = name, failures, []

    def send(self, message: Message) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError(f"{self.name} down")
        self.sent.append(message)


def _inbox_copy(source: Path, inbox: Path, name: str) -> None:
    inbox.mkdir(exist_ok=True)
    shutil.copytree(source, inbox / name, ignore=shutil.ignore_patterns("truth"))


def test_run_loads_alerts_once_and_resolves(tmp_path: Path, worlds: Worlds) -> None:
    store, inbox = tmp_path / "brand.duckdb", tmp_path / "inbox"
    _inbox_copy(worlds.planted_data, inbox, "export-1")
    (inbox / "broken").mkdir()
    (inbox / "broken" / "accounts.csv").write_text("account_id,platform\nx,instagram\n", encoding="utf-8")
    config = Config()
    config.alerting.channels = ["terminal", "webhook"]
    config.alerting.retries, config.alerting.digest_every_days = 1, 7
    terminal, webhook = Recorder("terminal"), Recorder("webhook", failures=4)  # down for the whole first run
    channels = {"terminal": terminal, "webhook": webhook}
    first = api.run(store, Renderer(), config, inbox=inbox, settle_seconds=0, channels=channels, sleep=lambda s: None)
    assert first.status == "done" and first.loaded == ["export-1"] and first.analysed
    assert [a["entry"] for a in first.set_aside] == ["broken"] and (inbox / "failed" / "broken.error.txt").exists()
    assert first.raised == 4 and first.digest_sent is False and first.failures
    assert len(terminal.sent) == 2 and "4" in terminal.sent[0].subject  # the alerts, then the digest
    kept = api.kept_alerts(store)
    assert len(kept) == 4 and {k["status"] for k in kept} == {"raised"}  # webhook pending: nothing lost
    # Nothing new: the webhook is back, only what it missed goes to it; the terminal gets nothing twice.
    second = api.run(store, Renderer(), config, inbox=inbox, settle_seconds=0, channels=channels, sleep=lambda s: None)
    assert second.status == "done" and not second.analysed and second.raised == 0 and second.digest_sent
    assert len(terminal.sent) == 2 and len(webhook.sent) == 2  # the alerts and the digest, to the webhook only
    assert webhook.sent[0].data["alerts"][0]["title"] == terminal.sent[0].data["alerts"][0]["title"]
    assert {k["status"] for k in api.kept_alerts(store)} == {"delivered"}
    third = api.run(store, Renderer(), config, inbox=inbox, settle_seconds=0, channels=channels, sleep=lambda s: None)
    assert third.status == "nothing_new" and third.seconds < 2 and len(terminal.sent) == 2
    # The same export again, plus the brand's answer to the purchase question: analysed, nothing re-sent,
    # the unanswered alert resolved.
    question, author = worlds.truth["unanswered"]
    again = tmp_path / "again"
    shutil.copytree(worlds.planted_data, again, ignore=shutil.ignore_patterns("truth"))
    with (again / "interactions.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"ianswer1,dm,ig167,2025-06-30T20:00:00Z,,{author},{question},\"Bonjour ! 89 €, livraison en Belgique offerte\",,instagram\n")
    shutil.move(str(again), inbox / "export-2")
    fourth = api.run(store, Renderer(), config, inbox=inbox, settle_seconds=0, channels=channels, sleep=lambda s: None)
    assert fourth.analysed and fourth.raised == 0 and fourth.resolved == 1 and len(terminal.sent) == 2
    statuses = {k["kind"]: k["status"] for k in api.kept_alerts(store, include_resolved=True)}
    assert statuses["unanswered"] == "resolved"
    log = [json.loads(line) for line in (tmp_path / "brand.run.log").read_text().splitlines()]
    assert [entry["status"] for entry in log] == ["done", "done", "nothing_new", "done"]


def test_reconcile_cooldown_does_not_page_twice() -> None:
    from liens.alerts.rules import AlertEvent, RuleCheck, default_rule

    rule = default_rule("critique_spike", Config())
    event = AlertEvent(rule.name, rule.kind, rule.name, {"x": 1}, [])
    t0, t1, t2 = datetime(2025, 6, 1), datetime(2025, 6, 2), datetime(2025, 6, 3)
    first = state.reconcile([], [RuleCheck(rule, 0.001, True, [event])], t0, t0, "en")
    rows = [state.mark_delivery(first.rows[0], "terminal", True, 1, None, t0)]
    gone = state.reconcile(rows, [RuleCheck(rule, 0.5, False, [])], t1, t1, "en")
    assert len(gone.resolved) == 1
    back = state.reconcile(gone.rows, [RuleCheck(rule, 0.001, True, [event])], t2, t2, "en")
    assert back.raised == [] and len(back.reopened) == 1 and back.reopened[0]["status"] == "delivered"
    later = datetime(2025, 6, 20)
    new = state.reconcile(gone.rows, [RuleCheck(rule, 0.001, True, [event])], later, later, "en")
    assert len(new.raised) == 1  # after the cooldown, a new occurrence is a new alert


def test_two_runs_at_once_do_not_both_run(tmp_path: Path) -> None:
    store = tmp_path / "brand.duckdb"
    lock = lock_path(store)
    assert acquire_lock(lock)  # held by this (live) process
    report = api.run(store, Renderer(), Config(), settle_seconds=0, channels={})
    assert report.status == "locked" and not store.exists()
    lock.write_text("999999999 2025-01-01\n")  # a dead run's lock is taken over
    report = api.run(store, Renderer(), Config(), settle_seconds=0, channels={})
    assert report.status == "no_data" and not lock.exists()


# -- digest and the CLI ------------------------------------------------------------------------------
def test_digest_in_text_markdown_and_html(worlds: Worlds, tmp_path: Path) -> None:
    digest = api.digest(worlds.planted, Config(), since="2025-06-23")
    assert digest.figures["members_gained"][0] is not None and digest.figures["response_rate"][0] is not None
    assert digest.figures["bought_bursts"] == (1.0, 0.0)
    digest.names["members_gained"] = ["<script>alert(1)</script>"]
    message = Renderer().digest(digest, [], "fr")
    assert "Membres gagnés" in message.text and "| Membres gagnés |" in message.markdown
    assert "<script>alert" not in message.html and "&lt;script&gt;" in message.html
    runner = CliRunner()
    out = tmp_path / "digest.html"
    result = runner.invoke(app, ["digest", "--store", str(worlds.planted), "--since", "2025-06-23", "--format", "html",
                                 "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output and "Members gained" in out.read_text()
    result = runner.invoke(app, ["digest", "--store", str(worlds.planted), "--since", "next week"])
    assert result.exit_code == 2 and "expected a date" in result.output


def test_cli_alerts_explain_lists_every_rule(worlds: Worlds) -> None:
    result = CliRunner().invoke(app, ["alerts", "--store", str(worlds.planted), "--explain", "--lang", "en"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("unanswered", "critique_spike", "pod", "bought_burst", "goal_off_track", "response_rate"):
        assert name in result.output
    result = CliRunner().invoke(app, ["alerts", "--store", str(worlds.quiet), "--lang", "fr"])
    assert result.exit_code == 0 and "Aucune alerte" in result.output


def test_cli_run_nothing_new_is_quick(tmp_path: Path, worlds: Worlds) -> None:
    store = tmp_path / "brand.duckdb"
    shutil.copy(worlds.quiet, store)
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--store", str(store), "--settle", "0"])  # never run before: analyses
    assert first.exit_code == 0, first.output
    started = time.perf_counter()
    again = runner.invoke(app, ["run", "--store", str(store), "--settle", "0", "--lang", "en"])
    assert again.exit_code == 0 and "Nothing new" in again.output
    assert time.perf_counter() - started < 5  # the timed figure is in benchmarks/bench_alerts.py


def test_forget_removes_the_alerts_about_a_person(tmp_path: Path, worlds: Worlds) -> None:
    store, inbox = tmp_path / "brand.duckdb", tmp_path / "inbox"
    _inbox_copy(worlds.planted_data, inbox, "export-1")
    config = Config()
    config.alerting.channels = ["terminal"]
    api.run(store, Renderer(), config, inbox=inbox, settle_seconds=0, channels={"terminal": Recorder("terminal")},
            sleep=lambda s: None)
    _question, author = worlds.truth["unanswered"]
    kept = api.kept_alerts(store)
    assert any(PURCHASE_TEXT in json.dumps(k, ensure_ascii=False, default=str) for k in kept)
    with Store(store, read_only=True) as opened:
        (handle,) = opened.con.execute("SELECT handle FROM accounts WHERE account_id = ?", [author]).fetchone()
    api.forget(store, author)
    after = api.kept_alerts(store)
    assert 0 < len(after) < len(kept)  # the other alerts stay
    raw = store.read_bytes()
    # (The generated id, e.g. ig37, is a prefix of other ids: the handle and the message are the traces.)
    for trace in (PURCHASE_TEXT, handle):
        assert trace.encode("utf-8") not in raw, trace
