"""Matching quality on judged data: nDCG@10 and recall@10 of `flask match`, beside a plain BM25 baseline.

It also measures where pages fold the weaker matches away (STRONG_MATCH in
portal/matching/strategies.py): over the top ten of every judged challenge,
which share of the results above and below the fold are relevant, and what
recall@10 counts above the fold only, for a range of fold lines, as a fit
score of its own or relative to the best match's.

Our sets: hard_cases.json (near-misses that share words but not purpose,
Korean challenges answered in English) and korean_cases.json (ten Korean and
six English challenges on topics of their own, written and judged without
looking at the glossary or the rankings).

The baseline is SQLite FTS5 over the same solution text, queried with the
challenge's words OR-ed, computed in the same run. Each data set is an import
file with a judgement file ({challenge key: {solution key: grade}}, grade 2 =
answers it, 1 = partly; unjudged = 0).

    .venv/bin/python bench/quality.py                       # the shared dev set and our two sets
    .venv/bin/python bench/quality.py DATA.json QRELS.json  # any other pair
    .venv/bin/python bench/quality.py --backend postgres    # the same with the postgres search backend

The postgres backend works in a schema of its own (dropped afterwards) in
DATABASE_URL, by default postgresql://postgres@127.0.0.1:5432/test.
"""
import argparse
import json
import math
import os
import random
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

SHARED = HERE.parent.parent / "shared"
DEFAULT_SETS = [
    ("dev (shared)", SHARED / "sample.json", SHARED / "sample-qrels.json"),
    ("hard (ours)", HERE / "hard_cases.json", HERE / "hard_qrels.json"),
    ("korean (ours)", HERE / "korean_cases.json", HERE / "korean_qrels.json"),
]
K = 10
WORD = re.compile(r"\w+")


def ndcg(ranked, grades, k=K):
    gain = sum((2 ** grades.get(key, 0) - 1) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k]))
    ideal = sum((2 ** grade - 1) / math.log2(rank + 2)
                for rank, grade in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return gain / ideal if ideal else 0.0


def recall(ranked, grades, k=K):
    relevant = {key for key, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def solution_text(item):
    return " ".join([item.get("title", ""), item.get("title_ko", ""), item.get("summary", ""),
                     item.get("summary_ko", ""), item.get("description", ""), " ".join(item.get("tags", []))])


def challenge_text(item):
    return " ".join(item.get(field, "") for field in ("title", "title_ko", "summary", "summary_ko",
                                                      "problem", "outcomes"))


def baseline_rankings(data, judged):
    """BM25 (SQLite FTS5, unicode61 tokens) with the challenge's words OR-ed."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE solutions USING fts5(key UNINDEXED, body, tokenize='unicode61')")
    connection.executemany("INSERT INTO solutions VALUES (?, ?)",
                           [(item["key"], solution_text(item)) for item in data["solutions"]])
    rankings = {}
    for item in data["challenges"]:
        if item["key"] not in judged:
            continue
        words = list(dict.fromkeys(word.lower() for word in WORD.findall(challenge_text(item))))
        query = " OR ".join('"' + word.replace('"', "") + '"' for word in words)
        rows = connection.execute("SELECT key FROM solutions WHERE solutions MATCH ? ORDER BY bm25(solutions) "
                                  "LIMIT ?", (query, K)).fetchall()
        rankings[item["key"]] = [key for (key,) in rows]
    return rankings


def portal_rankings(data_path, judged, backend):
    """`flask match` for each judged challenge, on a fresh database and index."""
    with tempfile.TemporaryDirectory() as folder, database(folder, backend) as config:
        app = create_app({"TESTING": True, "INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "SEARCH_BACKEND": backend, **config})
        # After the app: importing a service builds its loading options, which need every model mapped.
        from portal.challenges.services import get
        from portal.imports.services import import_text
        from portal.matching.services import solutions_for_challenge
        from portal.search.services import rebuild_index

        with app.app_context():
            db.create_all()
            import_text(Path(data_path).read_text(encoding="utf-8"))
            db.session.commit()
            rebuild_index()
            rankings = {key: [(match.record.key, match.score) for match in solutions_for_challenge(get(key), K)]
                        for key in judged}
            db.session.remove()
            db.engine.dispose()
    return rankings


@contextmanager
def database(folder, backend):
    """App configuration for a fresh database: SQLite in `folder`, or a PostgreSQL schema of its own."""
    if backend != "postgres":
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"}
        return
    from sqlalchemy import create_engine, text

    from portal.config import database_url

    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    url, schema = database_url(folder), f"bench_quality_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {"SQLALCHEMY_DATABASE_URI": url,
               "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def mean(values):
    return sum(values) / len(values)


def language_gap(rows_by_language, column, rounds=10_000):
    """Korean minus English mean of a column, with a 95% bootstrap interval (each language resampled)."""
    korean = [row[column] for row in rows_by_language["ko"]]
    english = [row[column] for row in rows_by_language["en"]]
    rng = random.Random(2026)
    gaps = sorted(mean(rng.choices(korean, k=len(korean))) - mean(rng.choices(english, k=len(english)))
                  for _ in range(rounds))
    return mean(korean) - mean(english), gaps[int(0.025 * rounds)], gaps[int(0.975 * rounds)]


def table_line(name, group, rows):
    means = [mean(column) for column in zip(*rows, strict=True)]
    return f"| {name} | {group} | {len(rows)} | {means[0]:.3f} | {means[2]:.3f} | {means[1]:.3f} | {means[3]:.3f} |"


def evaluate(name, data_path, qrels_path, backend):
    """({"all"|"en"|"ko": [(nDCG, recall, BM25 nDCG, BM25 recall) per challenge]},
    [(grades, [(key, fit score)] best first) per challenge])."""
    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    judged = json.loads(Path(qrels_path).read_text(encoding="utf-8"))
    language = {item["key"]: item["language"] for item in data["challenges"]}
    ours, baseline = portal_rankings(data_path, judged, backend), baseline_rankings(data, judged)
    groups = defaultdict(list)
    for key, grades in judged.items():
        ranked = [solution for solution, _score in ours[key]]
        row = (ndcg(ranked, grades), recall(ranked, grades),
               ndcg(baseline[key], grades), recall(baseline[key], grades))
        groups["all"].append(row)
        groups[language[key]].append(row)
    return groups, [(grades, ours[key]) for key, grades in judged.items()]


# What the fold may cost: recall@10 above it at most this much below the whole list's (one relevant
# result in about 33 folded away); within that, the fold line that folds the most non-relevant results wins.
FOLD_RECALL_BUDGET = 0.03


def fold_figures(results, strong):
    """Where a fold puts the results; `strong(score, best score)` keeps a result above it."""
    counts = defaultdict(int)
    recalls = []
    for grades, ranked in results:
        best = ranked[0][1] if ranked else 0.0
        above = [key for key, score in ranked if strong(score, best)]
        for key, _score in ranked:
            place = "above" if key in above else "folded"
            counts[place] += 1
            counts[place, grades.get(key, 0) > 0] += 1
        recalls.append(recall(above, grades))

    def share(place):  # of the results in this place, the relevant ones
        return counts[place, True] / counts[place] if counts[place] else 0.0

    return {"folded": counts["folded"], "shown": counts["above"] + counts["folded"],
            "non-relevant folded": counts["folded", False] / max(1, counts["above", False] + counts["folded", False]),
            "relevant above": share("above"), "relevant folded": share("folded"),
            "recall above": mean(recalls) if recalls else 0.0,
            "recall all": mean([recall([key for key, _ in ranked], grades) for grades, ranked in results])}


def fold_line(label, figures):
    return (f"| {label} | {figures['folded']} of {figures['shown']} | {figures['non-relevant folded']:.0%} "
            f"| {figures['relevant above']:.0%} | {figures['relevant folded']:.0%} "
            f"| {figures['recall above']:.3f} | {figures['recall all']:.3f} |")


def print_fold(results):
    """The fold lines tried, the best within FOLD_RECALL_BUDGET for each kind of score, and STRONG_MATCH's."""
    from portal.matching.strategies import STRONG_MATCH

    rules = [("absolute", f"fit < {line:.2f}", lambda score, best, line=line: score >= line)
             for line in (0.26 + step / 50 for step in range(13))]
    rules += [("relative", f"fit < {line:.2f} × the best's", lambda score, best, line=line: score >= line * best)
              for line in (0.30 + step / 25 for step in range(11))]
    print(f"\nWeaker matches folded (top {K} of every judged challenge, every set pooled; relevant = graded 1 or 2):")
    print(f"| fold below | folded | non-relevant folded | relevant above the fold | relevant folded "
          f"| recall@{K} above the fold | recall@{K} all |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    tried = []
    for kind, label, strong in rules:
        figures = fold_figures(results, strong)
        tried.append((kind, label, figures))
        print(fold_line(label, figures))
    for kind in ("absolute", "relative"):
        affordable = [(figures["non-relevant folded"], label) for rule_kind, label, figures in tried
                      if rule_kind == kind and figures["recall all"] - figures["recall above"] <= FOLD_RECALL_BUDGET]
        if affordable:
            folded, label = max(affordable)
            print(f"Within a recall@{K} cost of {FOLD_RECALL_BUDGET}, {kind}: {label} folds {folded:.0%} "
                  "of the non-relevant results")
    chosen = fold_figures(results, lambda score, best: score >= STRONG_MATCH)
    print(f"\nAs pages fold today:\n{fold_line(f'fit < {STRONG_MATCH} (STRONG_MATCH)', chosen)}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", metavar="DATA.json QRELS.json")
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    args = parser.parse_args(argv)
    if len(args.files) not in (0, 2):
        parser.error("give an import file and its judgements, or nothing")
    sets = [(Path(args.files[0]).stem, *map(Path, args.files))] if args.files else DEFAULT_SETS
    print(f"Search backend: {args.backend}\n")
    print(f"| set | challenges | n | nDCG@{K} CoCity | nDCG@{K} BM25 | recall@{K} CoCity | recall@{K} BM25 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    pooled, results = defaultdict(list), []
    for name, data_path, qrels_path in sets:
        if not Path(data_path).exists() or not Path(qrels_path).exists():
            print(f"| {name} | skipped: {data_path} not found | | | | | |")
            continue
        groups, ranked = evaluate(name, data_path, qrels_path, args.backend)
        results += ranked
        for group in ("all", "en", "ko"):
            if groups.get(group):
                print(table_line(name, group, groups[group]))
                pooled[group] += groups[group]
    if len(sets) > 1:
        for group in ("all", "en", "ko"):
            if pooled.get(group):
                print(table_line("every set", group, pooled[group]))
    if pooled.get("en") and pooled.get("ko"):
        print(f"\nKorean minus English challenges, nDCG@{K} over every set (95% bootstrap interval):")
        for label, column in (("CoCity", 0), ("BM25", 2)):
            gap, low, high = language_gap(pooled, column)
            print(f"  {label}: {gap:+.3f} ({low:+.3f} to {high:+.3f})")
    if results:
        print_fold(results)


if __name__ == "__main__":
    main(sys.argv[1:])
