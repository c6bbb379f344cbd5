"""Matching quality on judged data: nDCG@10 and recall@10 of `flask match`, beside a plain BM25 baseline.

The baseline is SQLite FTS5 over the same solution text, queried with the
challenge's words OR-ed, computed in the same run. Each data set is an import
file with a judgement file ({challenge key: {solution key: grade}}, grade 2 =
answers it, 1 = partly; unjudged = 0).

    .venv/bin/python bench/quality.py                       # the shared dev set and our hard set
    .venv/bin/python bench/quality.py DATA.json QRELS.json  # any other pair
"""
import json
import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

SHARED = HERE.parent.parent / "shared"
DEFAULT_SETS = [
    ("dev (shared)", SHARED / "sample.json", SHARED / "sample-qrels.json"),
    ("hard (ours)", HERE / "hard_cases.json", HERE / "hard_qrels.json"),
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


def portal_rankings(data_path, judged):
    """`flask match` for each judged challenge, on a fresh database and index."""
    from portal.challenges.services import get
    from portal.imports.services import import_text
    from portal.matching.services import solutions_for_challenge
    from portal.search.services import rebuild_index

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
        with app.app_context():
            db.create_all()
            import_text(Path(data_path).read_text(encoding="utf-8"))
            db.session.commit()
            rebuild_index()
            rankings = {key: [match.record.key for match in solutions_for_challenge(get(key), K)]
                        for key in judged}
            db.engine.dispose()
    return rankings


def evaluate(name, data_path, qrels_path):
    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    judged = json.loads(Path(qrels_path).read_text(encoding="utf-8"))
    language = {item["key"]: item["language"] for item in data["challenges"]}
    ours, baseline = portal_rankings(data_path, judged), baseline_rankings(data, judged)
    groups = defaultdict(list)
    for key, grades in judged.items():
        row = (ndcg(ours[key], grades), recall(ours[key], grades),
               ndcg(baseline[key], grades), recall(baseline[key], grades))
        groups["all"].append(row)
        groups[language[key]].append(row)
    lines = []
    for group in ("all", "en", "ko"):
        rows = groups.get(group)
        if rows:
            means = [sum(column) / len(rows) for column in zip(*rows, strict=True)]
            lines.append(f"| {name} | {group} | {len(rows)} | {means[0]:.3f} | {means[2]:.3f} | "
                         f"{means[1]:.3f} | {means[3]:.3f} |")
    return lines


def main(argv):
    sets = DEFAULT_SETS if not argv else [(Path(argv[0]).stem, Path(argv[0]), Path(argv[1]))]
    print(f"| set | challenges | n | nDCG@{K} CoCity | nDCG@{K} BM25 | recall@{K} CoCity | recall@{K} BM25 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, data_path, qrels_path in sets:
        if not Path(data_path).exists() or not Path(qrels_path).exists():
            print(f"| {name} | skipped: {data_path} not found | | | | | |")
            continue
        for line in evaluate(name, data_path, qrels_path):
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
