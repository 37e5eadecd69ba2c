"""Small-cell suppression for every aggregate the portal shows.

A count that describes fewer than K people (settings.EAP_SUPPRESSION_THRESHOLD, default 5) is
shown as "<K": in a small unit, "2 employees used counselling this quarter" is close enough to
naming them. Zero is shown as it is, because it describes nobody.

Hiding the small cells alone is not enough, because the page also publishes totals. A row total
minus the row's published cells gives back a lone hidden cell, and so does a parent agency's
figure minus its children's, so further cells are hidden as well (complementary suppression):

1. a relation (a total and its parts) with exactly one hidden member gets a second one;
2. combinations of relations can still isolate a hidden cell when every relation holds two of
   them, so an exact check (reduced row echelon form over Fraction) finds every hidden cell that
   the published linear relations determine;
3. counts are never negative and a "<K" cell is below K, so hidden parts that must add up to 0
   are all 0, and two "<5" cells adding up to 8 are both 4. Interval propagation catches these.

Each round hides at least one more cell, so the loop ends (at worst with everything hidden).
Complements are the smallest positive cells: they lose the least information, and a hidden zero
is exactly what attack 3 pins down. Hidden complements show "<K" too, so that readers cannot tell
which hidden cells are the small ones.

A page and its CSV/XLSX export must show the same cells, so both read the result objects here.
"""
import math
from collections import defaultdict
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class _Total:
    def __repr__(self):
        return "TOTAL"


TOTAL = _Total()  # the key of a total: (row, TOTAL), (TOTAL, column), (TOTAL, TOTAL)
TOTAL_LABEL = _("Total")


def get_threshold(threshold=None):
    k = getattr(settings, "EAP_SUPPRESSION_THRESHOLD", 5) if threshold is None else threshold
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"The suppression threshold must be a positive integer, not {k!r}.")
    return k


class SuppressionResult:
    """Which cells are published. Hidden values never leave except through raw_value()."""

    def __init__(self, values, hidden, threshold):
        self._values, self._hidden = values, frozenset(hidden)
        self.threshold, self.marker = threshold, f"<{threshold}"

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):
        return iter(self._values)

    def is_suppressed(self, key):
        self._values[key]  # an unknown key is a KeyError, not "published"
        return key in self._hidden

    def display(self, key):
        return self.marker if self.is_suppressed(key) else self._values[key]

    def items(self):
        return [(key, self.display(key)) for key in self._values]

    def raw_value(self, key):
        """The real value, hidden or not: for tests and internal checks only, never for display."""
        return self._values[key]


def suppress(cells, relations, threshold=None, force_hidden=()):
    """Suppress `cells` (key -> count) given `relations`, each (total_key, [part_keys]).

    `force_hidden`: keys hidden whatever their value — a count of sessions or answers that
    describes fewer than K people (one person's five sessions) is as small as a count of people."""
    k = get_threshold(threshold)
    values = dict(cells)
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"Cell {key!r} is not a count: {value!r}.")
    relations = [(total, *parts) for total, parts in relations]  # the total comes first
    for members in relations:
        if len(set(members)) != len(members) or any(m not in values for m in members):
            raise ValueError(f"Relation for {members[0]!r} repeats or names unknown cells.")
        if values[members[0]] != sum(values[p] for p in members[1:]):
            raise ValueError(f"{members[0]!r} is not the sum of its parts.")
    hidden = {key for key, value in values.items() if 1 <= value < k}
    hidden |= {key for key in force_hidden if values.get(key, 0) > 0}
    if hidden:
        _add_complements(values, relations, hidden, k)
    return SuppressionResult(values, hidden, k)


def _add_complements(values, relations, hidden, k):
    order = {key: i for i, key in enumerate(values)}
    in_relations = defaultdict(list)
    for index, members in enumerate(relations):
        for member in members:
            in_relations[member].append(index)

    def preference(member, index):  # smallest positive part, then positive total, then zeros
        value = values[member]
        return (value == 0, member == relations[index][0], value, order[member])

    def nearest_complement(cell):  # through fully hidden relations if need be
        frontier, seen_cells, seen_relations = [cell], {cell}, set()
        while frontier:
            candidates, next_frontier = [], []
            for hidden_cell in frontier:
                for index in in_relations[hidden_cell]:
                    if index in seen_relations:
                        continue
                    seen_relations.add(index)
                    for member in relations[index]:
                        if member not in hidden:
                            candidates.append((preference(member, index), member))
                        elif member not in seen_cells:
                            seen_cells.add(member)
                            next_frontier.append(member)
            if candidates:
                return min(candidates)[1]
            frontier = next_frontier
        return None

    while True:
        for index, members in enumerate(relations):
            shown = [m for m in members if m not in hidden]
            if shown and len(members) - len(shown) == 1:
                hidden.add(min(shown, key=lambda m: preference(m, index)))
                break
        else:
            exposed = _linearly_determined(relations, hidden, order)
            exposed = exposed or _pinned_by_bounds(values, relations, hidden, k, order)
            added = set()
            for cell in exposed:  # one complement per exposed cell, unless a neighbour just got one
                near = {m for i in in_relations[cell] for m in relations[i]}
                complement = None if near & added else nearest_complement(cell)
                if complement is not None:
                    hidden.add(complement)
                    added.add(complement)
            if not added:
                return


def _linearly_determined(relations, hidden, order):
    """Hidden cells that some combination of the relations gives back exactly.

    The hidden cells are the unknowns and each relation an equation; a cell is determined iff
    its row in the reduced row echelon form names no other unknown.
    """
    basis = {}  # pivot -> its row {unknown: coefficient}, kept fully reduced
    for total, *parts in relations:
        row = {p: Fraction(-1) for p in parts if p in hidden}
        if total in hidden:
            row[total] = Fraction(1)
        for pivot in [c for c in row if c in basis]:
            _subtract(row, basis[pivot], row[pivot])
        if not row:
            continue
        pivot = min(row, key=order.get)
        row = {c: v / row[pivot] for c, v in row.items()}
        for other in basis.values():
            if pivot in other:
                _subtract(other, row, other[pivot])
        basis[pivot] = row
    return sorted((c for c, row in basis.items() if len(row) == 1), key=order.get)


def _subtract(row, pivot_row, factor):
    for column, value in pivot_row.items():
        new = row.get(column, 0) - factor * value
        if new:
            row[column] = new
        else:
            row.pop(column, None)


def _pinned_by_bounds(values, relations, hidden, k, order):
    """Hidden cells whose possible range shrinks to one value, given that counts are >= 0 and
    that "<K" bounds every hidden cell whose real value is below K (the label is true for it)."""
    low = {c: 0 for c in hidden}
    high = {c: k - 1 if values[c] < k else math.inf for c in hidden}
    equations = []  # (signed hidden terms, constant): sum(sign * x) == constant
    for total, *parts in relations:
        terms = [(1, total)] if total in hidden else []
        terms += [(-1, p) for p in parts if p in hidden]
        if terms:
            known = sum(values[p] for p in parts if p not in hidden)
            equations.append((terms, known - (0 if total in hidden else values[total])))
    changed = True
    while changed:  # ends: integer bounds only ever close in on the real values
        changed = False
        for terms, constant in equations:
            for sign, cell in terms:
                rest = [(s, c) for s, c in terms if c != cell]
                rest_low = sum(low[c] if s > 0 else -high[c] for s, c in rest)
                rest_high = sum(high[c] if s > 0 else -low[c] for s, c in rest)
                # sign * cell == constant - rest
                lo, hi = constant - rest_high, constant - rest_low
                if sign < 0:
                    lo, hi = -hi, -lo
                if lo > low[cell]:
                    low[cell], changed = lo, True
                if hi < high[cell]:
                    high[cell], changed = hi, True
    return sorted((c for c in hidden if low[c] == high[c]), key=order.get)


def suppress_counts(counts, total=True, threshold=None):
    """A simple list of counts, plus its total under the key TOTAL when `total` is true."""
    cells = dict(counts)
    relations = []
    if total:
        cells[TOTAL] = sum(cells.values())
        relations.append((TOTAL, list(counts)))
    return suppress(cells, relations, threshold)


class SuppressedTable:
    """A suppressed table; pages and exports both render as_rows(), so they show the same cells.
    Totals are addressed with TOTAL: display(row, TOTAL), is_suppressed(TOTAL, column)."""

    def __init__(self, rows, columns, result, row_totals, column_totals, grand_total):
        self.rows, self.columns, self._result = rows, columns, result
        self._totals = (row_totals, column_totals, grand_total)
        self.threshold, self.marker = result.threshold, result.marker

    def is_suppressed(self, row, column):
        return self._result.is_suppressed((row, column))

    def display(self, row, column):
        return self._result.display((row, column))

    def row_total_display(self, row):
        return self.display(row, TOTAL)

    def column_total_display(self, column):
        return self.display(TOTAL, column)

    def grand_total_display(self):
        return self.display(TOTAL, TOTAL)

    def raw_value(self, row, column):
        """For tests and internal checks only, never for display."""
        return self._result.raw_value((row, column))

    def as_rows(self, row_label="", include_totals=True):
        """Header row first, then one list per row of display values (the total row last)."""
        row_totals, column_totals, grand_total = self._totals
        total_column = include_totals and (row_totals or grand_total)
        total_row = include_totals and (column_totals or grand_total)
        columns = list(self.columns) + ([TOTAL] if total_column else [])
        lines = [[row_label, *(TOTAL_LABEL if c is TOTAL else c for c in columns)]]
        for row in list(self.rows) + ([TOTAL] if total_row else []):
            cells = [self.display(row, c) if (row, c) in self._result else "" for c in columns]
            lines.append([TOTAL_LABEL if row is TOTAL else row, *cells])
        return lines


def suppress_table(rows, columns, counts, row_totals=True, column_totals=True, grand_total=True,
                   hierarchy=None, threshold=None, force_hidden=()):
    """Suppress a table of `counts` ((row, column) -> int; missing pairs count 0).

    Totals are computed here, so they are always consistent. `hierarchy` maps a parent row to its
    child rows: each parent cell must equal the sum of its children's cells (ValueError if not),
    and column and grand totals add up only the rows that are nobody's child.
    """
    rows, columns = tuple(rows), tuple(columns)
    if len(set(rows)) != len(rows) or len(set(columns)) != len(columns):
        raise ValueError("Row and column keys must be unique.")
    cells = {(r, c): 0 for r in rows for c in columns}
    if any(key not in cells for key in counts):
        raise ValueError("Counts name rows or columns that the table does not have.")
    cells.update(counts)
    hierarchy = {parent: tuple(children) for parent, children in (hierarchy or {}).items()}
    parent_of = {}
    for parent, children in hierarchy.items():
        for child in children:
            if parent not in rows or child not in rows or child in parent_of:
                raise ValueError(f"Bad hierarchy entry {parent!r} -> {child!r}.")
            parent_of[child] = parent
    for row in rows:
        seen = [row]
        while seen[-1] in parent_of:
            seen.append(parent_of[seen[-1]])
            if seen[-1] in seen[:-1]:
                raise ValueError("The hierarchy has a cycle.")
    top = [r for r in rows if r not in parent_of]

    relations = [((p, c), [(child, c) for child in children])
                 for p, children in hierarchy.items() for c in columns]
    if row_totals:
        for r in rows:
            cells[(r, TOTAL)] = sum(cells[(r, c)] for c in columns)
            relations.append(((r, TOTAL), [(r, c) for c in columns]))
        relations += [((p, TOTAL), [(child, TOTAL) for child in children])
                      for p, children in hierarchy.items()]
    if column_totals:
        for c in columns:
            cells[(TOTAL, c)] = sum(cells[(r, c)] for r in top)
            relations.append(((TOTAL, c), [(r, c) for r in top]))
    if grand_total:
        cells[(TOTAL, TOTAL)] = sum(cells[(r, c)] for r in top for c in columns)
        if row_totals:
            relations.append(((TOTAL, TOTAL), [(r, TOTAL) for r in top]))
        if column_totals:
            relations.append(((TOTAL, TOTAL), [(TOTAL, c) for c in columns]))
        if not (row_totals or column_totals):
            relations.append(((TOTAL, TOTAL), [(r, c) for r in top for c in columns]))
    result = suppress(cells, relations, threshold, force_hidden=force_hidden)
    return SuppressedTable(rows, columns, result, row_totals, column_totals, grand_total)
