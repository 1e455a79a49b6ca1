"""The exceptions Liens raises.

LiensError                  base of everything the user can act on; the CLI prints it, no traceback
├── DatasetError            input that does not follow the dataset format (file, row, column named)
│   └── ReaderError         a platform export or payload that cannot be read as what it claims to be
├── StoreError              a store file that cannot be opened or holds no data yet
├── ConfigError             a liens.toml or option that is malformed or names something unknown
├── AnalysisError           an analysis that cannot run on the data given (and says what it needs)
└── ContractError           a step or an engine that broke the contract it declared (a bug in Liens or
                            in a plug-in, not in the data: the message names the step and the rule)
"""

from __future__ import annotations


class LiensError(Exception):
    """An error the user can act on. Its message is complete and safe to print."""


class DatasetError(LiensError):
    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.expected = file, row, column, expected
        parts = []
        if file is not None:
            parts.append(f"file {file}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column '{column}'")
        where = ", ".join(parts)
        text = f"{where}: {message}" if where else message
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


class ReaderError(DatasetError):
    pass


class StoreError(LiensError):
    pass


class ConfigError(LiensError):
    pass


class AnalysisError(LiensError):
    pass


class ContractError(LiensError):
    pass
