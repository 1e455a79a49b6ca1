"""Configuration: one typed object, read from `liens.toml` in the working folder (or `--config`).

Every threshold an analysis uses lives here with its documented default; `liens config` prints
them. Unknown sections or keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_FILE = "liens.toml"


@dataclass
class BrandSettings:
    """Which accounts are the brand's. Empty: accounts with `is_brand`, else the most prolific author."""

    account_ids: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class Config:
    brand: BrandSettings = field(default_factory=BrandSettings)
    # Goals are parsed and checked by the business analysis; kept raw here.
    goals: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""  # the file this came from, for messages


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
        default = getattr(cls(), key)
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a table of settings")
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
            continue
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
            value = type(default)(value) if isinstance(default, float) else value
        if isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}.{key}: expected text, got {value!r}")
        if isinstance(default, (list, dict)) and not isinstance(value, type(default)):
            raise ConfigError(f"{where}.{key}: expected a {'list' if isinstance(default, list) else 'table'}")
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> Config:
    """Read `path`, or `liens.toml` in the working folder when it exists, else the defaults."""
    if path is None:
        candidate = Path.cwd() / CONFIG_FILE
        if not candidate.exists():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    goals = data.pop("goals", [])
    if isinstance(goals, dict):
        goals = [dict(v, name=k) if isinstance(v, dict) else {"name": k, "target": v} for k, v in goals.items()]
    if not isinstance(goals, list):
        raise ConfigError(f"{path}: [goals] must be a table or an array of tables")
    config = _build(Config, data, str(path))
    config.goals = goals
    config.source = str(path)
    return config


def describe(config: Config) -> list[tuple[str, Any, str]]:
    """(setting, value, meaning) rows for `liens config`; meanings come from each settings class's docstring."""
    rows: list[tuple[str, Any, str]] = []

    def walk(obj: Any, prefix: str) -> None:
        doc = (type(obj).__doc__ or "").strip()
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("goals", "source"):
                continue
            if is_dataclass(value):
                walk(value, f"{prefix}{f.name}.")
            else:
                rows.append((prefix + f.name, value, f.metadata.get("help", doc)))

    walk(config, "")
    return rows
