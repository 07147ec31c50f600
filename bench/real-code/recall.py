#!/usr/bin/env python3
"""Recall of adalint's findings against the hand-labelled ADAL sites of sites.tsv.

    recall.py [SITES_TSV] [JSON_DIR]

SITES_TSV defaults to sites.tsv beside this script; JSON_DIR to target/real-code/json, where
run.sh leaves `adalint --format json` of each original tree as <owner>+<name>.json (paths
relative to the repository root).

A labelled site (path, line) is found when a finding of that file starts on that line, or
spans it (start line <= line <= end line) while covering at most SPAN lines: an acquire call
over four lines finds a site labelled on its second line, a whole-file finding finds nothing.
A finding is a false positive when no labelled site lies in its lines; those are printed so
a human can check them (a finding on a line the labeller missed is a labelling miss, not an
adalint error). Standard library only.
"""
import collections
import json
import os
import sys

SPAN = 15


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sites_tsv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "sites.tsv")
    json_dir = sys.argv[2] if len(sys.argv) > 2 else "target/real-code/json"

    sites = collections.defaultdict(list)  # repo -> [(path, line, what)]
    for line in open(sites_tsv, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or parts[0] == "repo" or parts[0].startswith("#"):
            continue
        sites[parts[0]].append((parts[1], int(parts[2]), parts[3]))

    total_sites = total_found = total_fp = total_findings = 0
    missed_all, fp_all = [], []
    by_kind = collections.defaultdict(lambda: [0, 0])
    rows = []
    for repo in sites:
        path = os.path.join(json_dir, repo.replace("/", "+") + ".json")
        if not os.path.exists(path):
            rows.append((repo, len(sites[repo]), "-", "-", "-", "-"))
            continue
        diags = json.load(open(path, encoding="utf-8"))["diagnostics"]
        found = 0
        labelled = {(p, l) for p, l, _ in sites[repo]}
        for p, l, what in sites[repo]:
            hit = any(
                d["path"] == p and (d["start"]["line"] == l or (
                    d["start"]["line"] <= l <= d["end"]["line"] and d["end"]["line"] - d["start"]["line"] < SPAN))
                for d in diags)
            kind = what.split(" (")[0]
            by_kind[kind][1] += 1
            if hit:
                found += 1
                by_kind[kind][0] += 1
            else:
                missed_all.append(f"{repo}:{p}:{l}  {what}")
        fp = 0
        for d in diags:
            s, e = d["start"]["line"], d["end"]["line"]
            if not any(p == d["path"] and s <= l <= e for p, l in labelled):
                fp += 1
                fp_all.append(f"{repo}:{d['path']}:{s}  {d['rule']}")
        n = len(sites[repo])
        rows.append((repo, n, found, f"{100.0 * found / n:.0f}%", len(diags), fp))
        total_sites += n
        total_found += found
        total_fp += fp
        total_findings += len(diags)

    header = ("repo", "sites", "found", "recall", "findings", "unlabelled")
    rows.append(("TOTAL", total_sites, total_found,
                 f"{100.0 * total_found / total_sites:.1f}%" if total_sites else "-", total_findings, total_fp))
    w = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        if r[0] == "TOTAL":
            print("-" * (sum(w) + 2 * len(w)))
        print("  ".join(str(v).ljust(w[i]) if i == 0 else str(v).rjust(w[i]) for i, v in enumerate(r)))
    print()
    print("recall by kind of site (the `what` column up to its first parenthesis):")
    for kind, (f, n) in sorted(by_kind.items(), key=lambda kv: (-kv[1][1], kv[0])):
        print(f"  {f:3d}/{n:<3d} {kind}")
    print()
    print(f"missed sites ({len(missed_all)}):")
    for m in missed_all:
        print("  " + m)
    print()
    print(f"findings on unlabelled lines ({len(fp_all)}), to check by hand:")
    for m in fp_all:
        print("  " + m)


if __name__ == "__main__":
    main()
