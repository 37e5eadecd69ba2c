"""Small-cell suppression, tested as an attacker would: every hidden cell must keep at least two
possible values, whatever the published cells, totals and hierarchy relations say.

The attackers below are written independently of core.suppression: they rebuild the published
relations themselves, and use their own elimination and their own brute force."""
import itertools
import random
from fractions import Fraction

import pytest

from core import suppression
from core.suppression import TOTAL, TOTAL_LABEL, suppress, suppress_counts, suppress_table

K = 5


# --- the attackers ------------------------------------------------------------------------------

def table_relations(rows, columns, hierarchy=None):
    """What a reader of a full table knows: every total is the sum of its parts."""
    hierarchy = hierarchy or {}
    children = {child for kids in hierarchy.values() for child in kids}
    top = [r for r in rows if r not in children]
    relations = [((r, TOTAL), [(r, c) for c in columns]) for r in rows]
    relations += [((TOTAL, c), [(r, c) for r in top]) for c in columns]
    relations.append(((TOTAL, TOTAL), [(r, TOTAL) for r in top]))
    relations.append(((TOTAL, TOTAL), [(TOTAL, c) for c in columns]))
    for parent, kids in hierarchy.items():
        relations += [((parent, c), [(kid, c) for kid in kids]) for c in [*columns, TOTAL]]
    return relations


def table_truth(table):
    """All keys of a full table with their real values, and the set of hidden keys."""
    keys = [(r, c) for r in [*table.rows, TOTAL] for c in [*table.columns, TOTAL]]
    values = {key: table.raw_value(*key) for key in keys}
    return values, {key for key in keys if table.is_suppressed(*key)}


def lone_hidden(relations, hidden):
    """Relations from which a hidden member follows by subtraction alone."""
    return [(t, p) for t, p in relations if sum(m in hidden for m in (t, *p)) == 1]


def _reduce(vector, echelon):
    vector = list(vector)
    for pivot, row in echelon:
        if vector[pivot]:
            factor = vector[pivot] / row[pivot]
            vector = [v - factor * r for v, r in zip(vector, row)]
    return vector


def linearly_recoverable(relations, hidden):
    """Hidden cells whose unit vector lies in the row space of the relations (restricted to the
    hidden cells): exactly the cells some linear combination of published figures gives back."""
    unknowns = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(unknowns)}
    echelon = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknowns)
        for sign, member in [(1, total), *((-1, p) for p in parts)]:
            if member in index:
                row[index[member]] += sign
        row = _reduce(row, echelon)
        pivot = next((i for i, v in enumerate(row) if v), None)
        if pivot is not None:
            echelon.append((pivot, row))
    unit = [[Fraction(int(i == j)) for j in range(len(unknowns))] for i in range(len(unknowns))]
    return {cell for cell in unknowns if not any(_reduce(unit[index[cell]], echelon))}


def has_other_value(values, relations, hidden, target, k=K):
    """Brute force: is there a table consistent with everything published in which `target`
    differs from its real value?  The attacker is given more than a reader has: "<K" is taken as
    a true upper bound for every hidden cell whose real value is below K, and other hidden cells
    are capped by the largest real value (fewer candidate tables only makes the attacker
    stronger)."""
    cap = max(values.values())
    domain = {c: range((k - 1 if values[c] < k else cap) + 1) for c in hidden}
    domain[target] = [v for v in domain[target] if v != values[target]]
    order = [target] + sorted(hidden - {target},
                              key=lambda c: (isinstance(c, tuple) and TOTAL in c, repr(c)))
    known = {c: v for c, v in values.items() if c not in hidden}

    def consistent():
        for total, parts in relations:
            if total in known:
                assigned = sum(known[p] for p in parts if p in known)
                room = sum(max(domain[p]) for p in parts if p not in known)
                if not assigned <= known[total] <= assigned + room:
                    return False
        return True

    def search(i):
        if i == len(order):
            return True
        for value in domain[order[i]]:
            known[order[i]] = value
            if consistent() and search(i + 1):
                return True
        known.pop(order[i], None)
        return False

    return search(0)


def assert_protected(values, relations, hidden, brute_force=False):
    assert not lone_hidden(relations, hidden)
    assert not linearly_recoverable(relations, hidden)
    if brute_force:
        pinned = [c for c in hidden if not has_other_value(values, relations, hidden, c)]
        assert not pinned


def assert_table_protected(table, hierarchy=None, brute_force=False):
    values, hidden = table_truth(table)
    relations = table_relations(table.rows, table.columns, hierarchy)
    assert_protected(values, relations, hidden, brute_force)


# --- primary suppression and the threshold ------------------------------------------------------

def test_small_counts_are_hidden_zero_and_threshold_are_shown():
    result = suppress_counts({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12}, total=False)
    assert [result.display(key) for key in "abcde"] == [0, "<5", "<5", 5, 12]
    assert [result.is_suppressed(key) for key in "abcde"] == [False, True, True, False, False]


def test_threshold_comes_from_the_setting(settings):
    settings.EAP_SUPPRESSION_THRESHOLD = 3
    result = suppress_counts({"a": 2, "b": 3, "c": 4}, total=False)
    assert [result.display(key) for key in "abc"] == ["<3", 3, 4]


def test_threshold_defaults_to_5_without_the_setting(settings):
    if hasattr(settings, "EAP_SUPPRESSION_THRESHOLD"):
        del settings.EAP_SUPPRESSION_THRESHOLD
    assert suppress_counts({"a": 4}, total=False).display("a") == "<5"


def test_explicit_threshold_wins_and_must_be_positive():
    assert suppress_counts({"a": 9}, total=False, threshold=10).display("a") == "<10"
    with pytest.raises(ValueError):
        suppress_counts({"a": 9}, threshold=0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        suppress({"t": 5, "a": 2}, [("t", ["a"])])  # 5 != 2
    with pytest.raises(ValueError):
        suppress({"a": -1}, [])
    with pytest.raises(ValueError):
        suppress_table(["A"], ["x"], {("B", "x"): 1})
    with pytest.raises(ValueError):  # the parent is not the sum of its children
        suppress_table(["P", "C"], ["x"], {("P", "x"): 7, ("C", "x"): 6}, hierarchy={"P": ["C"]})
    with pytest.raises(ValueError):
        suppress_table(["P", "C"], ["x"], {}, hierarchy={"P": ["C"], "C": ["P"]})


def test_hidden_value_is_only_reachable_through_raw_value():
    result = suppress_counts({"a": 3, "b": 40})
    assert 3 not in [display for _, display in result.items()]
    assert result.raw_value("a") == 3


# --- one-dimensional lists ----------------------------------------------------------------------

def test_a_lone_small_item_gets_the_smallest_positive_complement():
    result = suppress_counts({"a": 3, "b": 0, "c": 20, "d": 9})
    assert {k for k, d in result.items() if d == "<5"} == {"a", "d"}
    assert result.display(TOTAL) == 32


def test_two_small_items_that_must_be_the_maximum_get_a_complement():
    # 4 + 4 = 18 - 10: both "<5" cells would have to be 4.
    result = suppress_counts({"a": 4, "b": 4, "c": 10})
    assert result.is_suppressed("c")
    values = {key: result.raw_value(key) for key in result}
    hidden = {key for key in values if result.is_suppressed(key)}
    assert all(has_other_value(values, [(TOTAL, ["a", "b", "c"])], hidden, c) for c in hidden)


def test_without_the_bounds_guard_the_maximum_attack_succeeds(monkeypatch):
    """The brute-force attacker has teeth: switch the guard off and it pins both cells."""
    monkeypatch.setattr(suppression, "_pinned_by_bounds", lambda *args: [])
    result = suppress_counts({"a": 4, "b": 4, "c": 10})
    values = {key: result.raw_value(key) for key in result}
    hidden = {key for key in values if result.is_suppressed(key)}
    assert hidden == {"a", "b"}
    assert not has_other_value(values, [(TOTAL, ["a", "b", "c"])], hidden, "a")


# --- tables -------------------------------------------------------------------------------------

ROWS, COLUMNS = ["A", "B", "C", "D"], ["x", "y", "z"]
GRID = [[12, 3, 20], [7, 8, 9], [0, 2, 15], [30, 6, 1]]
COUNTS = {(r, c): GRID[i][j] for i, r in enumerate(ROWS) for j, c in enumerate(COLUMNS)}


def test_table_totals_are_computed_and_small_cells_hidden():
    table = suppress_table(ROWS, COLUMNS, COUNTS)
    assert table.display("A", "y") == table.display("C", "y") == table.display("D", "z") == "<5"
    assert table.display("C", "x") == 0
    assert table.grand_total_display() == 113
    assert table.raw_value("A", TOTAL) == 35


@pytest.mark.parametrize("relation_kind", ["row", "column", "grand"])
def test_no_total_minus_published_cells_pins_a_hidden_cell(relation_kind):
    table = suppress_table(ROWS, COLUMNS, COUNTS)
    _, hidden = table_truth(table)
    relations = {
        "row": [((r, TOTAL), [(r, c) for c in COLUMNS]) for r in ROWS],
        "column": [((TOTAL, c), [(r, c) for r in ROWS]) for c in COLUMNS],
        "grand": [((TOTAL, TOTAL), [(r, TOTAL) for r in ROWS]),
                  ((TOTAL, TOTAL), [(TOTAL, c) for c in COLUMNS])],
    }[relation_kind]
    assert not lone_hidden(relations, hidden)


def test_table_survives_every_attack():
    assert_table_protected(suppress_table(ROWS, COLUMNS, COUNTS), brute_force=True)


def test_parent_minus_children_does_not_give_a_child_away():
    rows = ["P", "P: own staff", "P1", "P2", "Q", "R"]
    hierarchy = {"P": ["P: own staff", "P1", "P2"]}
    grid = {"P: own staff": [10, 7], "P1": [2, 9], "P2": [15, 8], "Q": [11, 6], "R": [9, 14]}
    counts = {(r, c): v for r, vs in grid.items() for c, v in zip("xy", vs)}
    counts.update({("P", c): sum(counts[(kid, c)] for kid in hierarchy["P"]) for c in "xy"})
    table = suppress_table(rows, "xy", counts, hierarchy=hierarchy)
    assert table.display("P1", "x") == "<5"
    assert table.column_total_display("x") == 27 + 11 + 9  # children are not counted twice
    family = [("P", "x")] + [(kid, "x") for kid in hierarchy["P"]]
    assert sum(table.is_suppressed(*key) for key in family) >= 2
    assert_table_protected(table, hierarchy)


def test_nothing_small_hides_nothing():
    counts = {(r, c): v for (r, c), v in COUNTS.items()}
    counts.update({key: 5 + v for key, v in counts.items() if 0 < v < 5})
    table = suppress_table(ROWS, COLUMNS, counts)
    assert not table_truth(table)[1]


@pytest.mark.parametrize("size", [1, 2, 4])
def test_everything_small_still_terminates(size):
    rows, columns = range(size), range(size)
    table = suppress_table(rows, columns, {(r, c): 1 + (r + c) % 4 for r in rows for c in columns})
    assert all(table.is_suppressed(r, c) for r in rows for c in columns)
    assert_table_protected(table, brute_force=size < 4)


def test_zero_only_neighbours_force_zero_complements_and_stay_protected():
    """A bad configuration: every small cell's row and column hold only zeros, so complements
    must be zeros, which nonnegativity and the "<5" bound would pin down if left alone."""
    grid = [[4, 0, 0], [0, 4, 0], [0, 0, 9]]
    counts = {(r, c): grid[i][j] for i, r in enumerate("ABC") for j, c in enumerate("xyz")}
    table = suppress_table("ABC", "xyz", counts)
    values, hidden = table_truth(table)
    assert any(values[key] == 0 for key in hidden)
    assert_table_protected(table, brute_force=True)


def test_as_rows_shows_exactly_what_display_shows():
    table = suppress_table(ROWS, COLUMNS, COUNTS)
    lines = table.as_rows(row_label="Agency")
    assert [str(x) for x in lines[0]] == ["Agency", *COLUMNS, str(TOTAL_LABEL)]
    for line, row in zip(lines[1:], [*ROWS, TOTAL]):
        assert line[0] == row or (row is TOTAL and str(line[0]) == str(TOTAL_LABEL))
        assert line[1:] == [table.display(row, c) for c in [*COLUMNS, TOTAL]]
    assert len(lines) == len(ROWS) + 2
    assert table.as_rows(include_totals=False) == [["", *COLUMNS]] + [
        [r, *(table.display(r, c) for c in COLUMNS)] for r in ROWS]


def test_only_some_totals():
    table = suppress_table(ROWS, COLUMNS, COUNTS, column_totals=False, grand_total=False)
    with pytest.raises(KeyError):
        table.column_total_display("x")
    assert table.as_rows()[-1][0] == "D"
    relations = [((r, TOTAL), [(r, c) for c in COLUMNS]) for r in ROWS]
    hidden = {(r, c) for r in ROWS for c in [*COLUMNS, TOTAL] if table.is_suppressed(r, c)}
    assert_protected(None, relations, hidden)


# --- randomized ---------------------------------------------------------------------------------

def random_tables(count, sizes, high, seed):
    rng = random.Random(seed)
    for _ in range(count):
        rows, columns = range(rng.choice(sizes)), range(rng.choice(sizes))
        yield rows, columns, {(r, c): rng.randint(0, high) for r in rows for c in columns}


def test_random_tables_survive_the_linear_attack():
    for rows, columns, counts in random_tables(200, [3, 4], 12, seed=20240501):
        table = suppress_table(rows, columns, counts)
        assert all(table.is_suppressed(*key) for key, v in counts.items() if 0 < v < K)
        assert_table_protected(table)
        assert not table.is_suppressed(TOTAL, TOTAL)  # the grand total here is never small


def test_random_tiny_tables_survive_brute_force():
    for rows, columns, counts in random_tables(40, [2, 3], 9, seed=7):
        assert_table_protected(suppress_table(rows, columns, counts), brute_force=True)


def test_random_hierarchies_survive_the_linear_attack():
    rng = random.Random(11)
    for _ in range(50):
        kids = [f"k{i}" for i in range(rng.randint(1, 3))]
        rows = ["P", *kids, "Q", "R"]
        counts = {(r, c): rng.randint(0, 12) for r in rows[1:] for c in "xyz"}
        counts.update({("P", c): sum(counts[(k, c)] for k in kids) for c in "xyz"})
        table = suppress_table(rows, "xyz", counts, hierarchy={"P": kids})
        assert_table_protected(table, {"P": kids})


def test_generic_relations_with_itertools_product_attack():
    """Two overlapping published sums over three cells: enumerate every candidate directly."""
    cells = {"a": 2, "b": 6, "c": 7, "s": 8, "t": 13}
    relations = [("s", ["a", "b"]), ("t", ["b", "c"])]
    result = suppress(cells, relations)
    hidden = {key for key in cells if result.is_suppressed(key)}
    shown = {key: v for key, v in cells.items() if key not in hidden}
    worlds = []
    domains = [range(K if cells[key] < K else 14) for key in sorted(hidden)]
    for guess in itertools.product(*domains):
        world = {**shown, **dict(zip(sorted(hidden), guess))}
        if all(world[t] == sum(world[p] for p in ps) for t, ps in relations):
            worlds.append(world)
    assert all(len({w[key] for w in worlds}) >= 2 for key in hidden)
