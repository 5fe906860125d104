"""The demo's literal rows live in tab-separated files under `data/`, one row a line, a header
line naming the columns: this reads one of them as the tuples the seeding loops unpack."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def table(name: str, ints: tuple[str, ...] = ()) -> list[tuple]:
    """The rows of `data/<name>.tsv` as tuples in column order; the columns named in `ints` are
    whole numbers, every other one text ("" for an empty cell)."""
    with open(DATA / f"{name}.tsv", encoding="utf-8", newline="") as source:
        reader = csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        whole = {header.index(column) for column in ints}
        rows = [
            tuple(int(cell) if i in whole else cell for i, cell in enumerate(row)) for row in reader
        ]
    if any(len(row) != len(header) for row in rows):
        raise ValueError(f"{name}.tsv: every row has {len(header)} cells")
    return rows
