"""Writing tables as CSV, Parquet or JSON Lines, in chunks, with the dataset v1 types."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from liens.schema import BOOLEAN, DATE, FLOAT, INTEGER, STRING, TABLES, TIMESTAMP

FORMATS = ("csv", "parquet", "jsonl")
CHUNK = 1_000_000
ARROW_TYPES = {STRING: pa.string(), TIMESTAMP: pa.timestamp("s", tz="UTC"), DATE: pa.date32(),
               INTEGER: pa.int64(), FLOAT: pa.float64(), BOOLEAN: pa.bool_()}


def dataset_schema(table: str) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Unix seconds to UTC timestamps; negative values are missing."""
    seconds = np.asarray(seconds, dtype=np.int64)
    return pa.array(seconds, mask=seconds < 0).cast(pa.timestamp("s", tz="UTC"))


def dates(days: np.ndarray) -> pa.Array:
    """Days since 1970-01-01 to dates."""
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32()).cast(pa.date32())


def labels(prefix: str, rows: np.ndarray, table: pa.Array | None = None) -> pa.Array:
    """String ids for row numbers (-1 is missing): `prefix` + (row + 1), or looked up in `table`."""
    rows = np.asarray(rows, dtype=np.int64)
    missing = rows < 0
    if table is not None:
        return table.take(pa.array(rows, mask=missing))
    numbers = pc.cast(pa.array(rows + 1, mask=missing), pa.string())
    return pc.binary_join_element_wise(prefix, numbers, "")


def _iso(column: pa.Array) -> pa.Array:
    """Timestamps as `2025-03-01T14:05:00Z` and dates as `2025-03-01` (text formats)."""
    if pa.types.is_timestamp(column.type):
        text = pc.cast(column.cast(pa.timestamp("s")), pa.string())  # '2025-03-01 14:05:00'
        return pc.binary_join_element_wise(pc.replace_substring(text, " ", "T"), "Z", "")
    if pa.types.is_date(column.type):
        return pc.cast(column, pa.string())
    return column


class TableWriter:
    """Appends batches to one file of a dataset folder (the schema fixes column order and types)."""

    def __init__(self, folder: Path, name: str, file_format: str, schema: pa.Schema) -> None:
        if file_format not in FORMATS:
            raise ValueError(f"file_format must be one of {', '.join(FORMATS)}, not {file_format!r}")
        self.path = folder / f"{name}.{file_format}"
        self.format, self.schema = file_format, schema
        self._text_schema = pa.schema([(f.name, pa.string() if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)
                                        else f.type) for f in schema])
        self._writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        self._file: TextIO | None = None
        self.rows = 0

    def write(self, columns: dict[str, pa.Array | np.ndarray | list]) -> None:
        table = pa.table({f.name: _as_array(columns[f.name], f.type) for f in self.schema}, schema=self.schema)
        self.rows += table.num_rows
        if self.format == "parquet":
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, self.schema)
            self._writer.write_table(table, row_group_size=CHUNK)
            return
        table = pa.table([_iso(c) for c in table.columns], schema=self._text_schema)
        if self.format == "csv":
            if self._writer is None:
                self._writer = pacsv.CSVWriter(self.path, self._text_schema)
            self._writer.write_table(table)
        else:
            if self._file is None:
                self._file = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by close())
            for batch in table.to_batches(max_chunksize=200_000):
                batch.to_pandas().to_json(self._file, orient="records", lines=True, force_ascii=False)

    def close(self) -> None:
        if self._writer is None and self._file is None:
            self.write({f.name: pa.array([], type=f.type) for f in self.schema})  # header-only file
        if self._writer is not None:
            self._writer.close()
        if self._file is not None:
            self._file.close()


def _as_array(values: pa.Array | np.ndarray | list, type_: pa.DataType) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == type_ else values.cast(type_)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return pa.array(values, mask=np.isnan(values)).cast(type_)
    return pa.array(values, type=type_)


def write_table(folder: Path, name: str, file_format: str, columns: dict, schema: pa.Schema | None = None) -> int:
    """Write a whole table (in chunks); returns its row count."""
    writer = TableWriter(folder, name, file_format, schema or dataset_schema(name))
    n = len(next(iter(columns.values())))
    for lo in range(0, n, CHUNK):
        writer.write({k: v[lo:lo + CHUNK] for k, v in columns.items()})
    writer.close()
    return n


def write_truth(folder: Path, name: str, columns: dict[str, pa.Array | np.ndarray | list]) -> None:
    """A truth file: always CSV, column types taken from the values."""
    arrays = [v if isinstance(v, pa.Array) else pa.array(v) for v in columns.values()]
    pacsv.write_csv(pa.table([_iso(a) for a in arrays], names=list(columns)), folder / f"{name}.csv")
