#!/usr/bin/env python3
"""Scores `dossier extract` on the independent 'wild' corpus (fixtures/wild/<family>/<name>.expected.json).

usage: score_wild.py DOSSIER_BINARY [--split tuning|holdout|unseen|all] [--family NAME] [--verbose] [--json OUT]

Mirrors /work/shared/tools/score-documents (same normalisation, same 'wrong at high confidence':
a present value with confidence >= 0.8 that differs from the truth, or a wrong kind given at high
confidence / on a document that is 'unknown'). Adds:
  - "absent" violations: a field the document does not state, given by the extractor with
    confidence >= 0.8, counts as wrong at high confidence; at lower confidence it counts as invented;
  - attendance sheets: an uncertain cell (ambiguous mark) counted as signed in the extractor's
    `sessions`/`signatures` detail is reported; signed_slots/hours_by_trainee truth already count
    such cells as not signed;
  - objects (hours_by_trainee, sections) are scored one key at a time; lists of objects (sessions)
    are compared as sets of normalised (date, period[, hours]) tuples.
Exit status 0 always unless the usage is wrong (2).
"""
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
WILD = os.path.join(HERE, "..", "fixtures", "wild")
HIGH = 0.8
SKIP_KEYS = {"invalid_siret"}  # scored like any other field when present; listed here only for clarity


def norm(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, list):
        if any(isinstance(x, dict) for x in v):
            return sorted(norm_obj(x) for x in v)
        return sorted(str(x) for x in v)
    s = str(v).strip()
    try:
        return Decimal(s).normalize()
    except (InvalidOperation, ValueError):
        return " ".join(s.replace("\u00a0", " ").split()).casefold()


def norm_obj(x):
    if not isinstance(x, dict):
        return str(norm(x))
    return repr(sorted((k, str(norm(v))) for k, v in x.items()))


def sessions_equal(got, want):
    """Lists of {date, period[, hours]}: hours compared only when the truth gives them."""
    if not isinstance(got, list):
        return False
    def key(s, with_hours):
        if not isinstance(s, dict):
            return None
        k = (str(s.get("date")), str(s.get("period")))
        return k + ((str(norm(s.get("hours"))),) if with_hours else ())
    with_hours = all(isinstance(s, dict) and "hours" in s for s in want)
    return sorted(map(str, (key(s, with_hours) for s in got))) == sorted(map(str, (key(s, with_hours) for s in want)))


def equal(name, got, want):
    if name == "sessions":
        return sessions_equal(got, want)
    if name == "certifier" and isinstance(got, str) and isinstance(want, str):
        return norm(got) == norm(want)
    return norm(got) == norm(want)


def usage():
    print(__doc__)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("--"):
        usage()
    binary = args[0]
    opts = {"--split": "all", "--family": None, "--json": None}
    verbose = False
    i = 1
    while i < len(args):
        a = args[i]
        if a == "--verbose":
            verbose = True
            i += 1
        elif a in opts and i + 1 < len(args):
            opts[a] = args[i + 1]
            i += 2
        else:
            usage()
    split = opts["--split"]
    families = json.load(open(os.path.join(WILD, "families.json")))
    # Splits are whatever families.json names (tuning, holdout, unseen, ...), or "all".
    if split != "all" and split not in {meta.get("split") for meta in families.values()}:
        usage()
    chosen = [f for f, meta in sorted(families.items())
              if (split == "all" or meta.get("split") == split) and (not opts["--family"] or f == opts["--family"])]
    if opts["--family"] and not chosen:
        print(f"no family {opts['--family']!r} in split {split}", file=sys.stderr)
        sys.exit(2)
    env = dict(os.environ, OMP_THREAD_LIMIT="1", DOSSIER_LOG="off")
    kinds = defaultdict(lambda: [0, 0])
    fields = defaultdict(lambda: [0, 0, 0])       # right, expected, wrong at high confidence
    fams = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # kinds right, kinds, fields right, fields, wrong high, invented
    wrong_kind_high = 0
    invented = 0
    absent_high = 0
    uncertain_signed = 0
    lines = []
    for fam in chosen:
        fdir = os.path.join(WILD, fam)
        for ej in sorted(os.listdir(fdir)):
            if not ej.endswith(".expected.json"):
                continue
            t = json.load(open(os.path.join(fdir, ej)))
            base = ej[: -len(".expected.json")]
            cands = [t["file"]] if t.get("file") else [base + e for e in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")]
            path = next((os.path.join(fdir, c) for c in cands if os.path.exists(os.path.join(fdir, c))), None)
            rel = f"{fam}/{os.path.basename(path) if path else base}"
            try:
                if path is None:
                    raise FileNotFoundError(base)
                p = subprocess.run([binary, "extract", path, "--format", "json"], capture_output=True,
                                   text=True, timeout=300, env=env)
                d = json.loads(p.stdout)
            except Exception as e:  # no answer is a miss on every count
                d = {"kind": f"<no output: {type(e).__name__}>", "fields": {}}
            fm = fams[fam]
            k = d.get("kind")
            kinds[t["kind"]][1] += 1
            fm[1] += 1
            if k == t["kind"]:
                kinds[t["kind"]][0] += 1
                fm[0] += 1
                if verbose:
                    lines.append(f"{rel}: kind {k} ok")
            else:
                conf = d.get("kind_confidence") or 0
                high = t["kind"] == "unknown" or conf >= HIGH
                wrong_kind_high += high
                fm[4] += high
                lines.append(f"{rel}: kind {k} ({conf}) want {t['kind']}{'  WRONG AT HIGH CONFIDENCE' if high else ''}")
                continue
            got_fields = d.get("fields") or {}
            expected = {}
            for name, want in t.get("fields", {}).items():
                if isinstance(want, dict):  # object (hours_by_trainee, sections): one field per key
                    expected.update({f"{name}.{sk}": sv for sk, sv in want.items()})
                else:
                    expected[name] = want
            for name, want in expected.items():
                top, _, sub = name.partition(".")
                f = got_fields.get(top)
                value = f.get("value") if isinstance(f, dict) and "value" in f else f
                if sub:
                    value = value.get(sub) if isinstance(value, dict) else None
                conf = f.get("confidence", 1.0) if isinstance(f, dict) else 1.0
                fields[name if not sub or top != "hours_by_trainee" else "hours_by_trainee.*"][1] += 1
                key = name if not sub or top != "hours_by_trainee" else "hours_by_trainee.*"
                fm[3] += 1
                if value is not None and equal(top, value, want):
                    fields[key][0] += 1
                    fm[2] += 1
                    if verbose:
                        lines.append(f"{rel}: {name} ok")
                else:
                    high = value is not None and conf >= HIGH
                    fields[key][2] += high
                    fm[4] += high
                    lines.append(f"{rel}: {name}={value!r} ({conf if value is not None else '-'}) "
                                 f"want {want!r}{'  WRONG AT HIGH CONFIDENCE' if high else ''}")
            for name in t.get("absent", []):
                f = got_fields.get(name)
                value = f.get("value") if isinstance(f, dict) and "value" in f else f
                if value is None:
                    continue
                conf = f.get("confidence", 1.0) if isinstance(f, dict) else 1.0
                if conf >= HIGH:
                    absent_high += 1
                    fm[4] += 1
                    lines.append(f"{rel}: {name}={value!r} ({conf}) but the document does not state it  WRONG AT HIGH CONFIDENCE")
                else:
                    invented += 1
                    fm[5] += 1
                    lines.append(f"{rel}: {name}={value!r} ({conf}) invented (document does not state it)")
            # uncertain attendance cells reported as signed (in a per-cell detail, when the output has one)
            for uc in t.get("uncertain_cells", []):
                for detail_name in ("signatures", "cells", "slots"):
                    det = got_fields.get(detail_name)
                    det = det.get("value") if isinstance(det, dict) and "value" in det else det
                    if not isinstance(det, list):
                        continue
                    for c in det:
                        if (isinstance(c, dict) and norm(c.get("trainee")) == norm(uc["trainee"])
                                and str(c.get("date")) == uc["date"] and c.get("period") == uc["period"]
                                and c.get("signed") is True):
                            uncertain_signed += 1
                            lines.append(f"{rel}: uncertain cell {uc} counted as signed")
    for line in lines:
        print(line)
    print("\nkind                  right/total")
    for k, (r, n) in sorted(kinds.items()):
        print(f"  {k:20s} {r}/{n}")
    print("field                 right/total  wrong-at-high-confidence")
    for name, (r, n, w) in sorted(fields.items()):
        print(f"  {name:20s} {r}/{n}  {w}")
    print("family                      kinds    fields   wrong-high  invented")
    for fam, (kr_, kn_, fr_, fn_, w_, inv_) in sorted(fams.items()):
        print(f"  {fam:26s} {kr_}/{kn_}  {fr_}/{fn_}  {w_}  {inv_}")
    kr, kn = sum(v[0] for v in kinds.values()), sum(v[1] for v in kinds.values())
    fr, fn = sum(v[0] for v in fields.values()), sum(v[1] for v in fields.values())
    fw = sum(v[2] for v in fields.values())
    wrong_high = fw + wrong_kind_high + absent_high
    summary = {"split": split, "kinds_right": kr, "kinds": kn, "fields_right": fr, "fields": fn,
               "wrong_high_confidence": wrong_high, "invented": invented, "absent_violations_high": absent_high,
               "uncertain_cells_signed": uncertain_signed,
               "families": {f: dict(zip(["kinds_right", "kinds", "fields_right", "fields", "wrong_high_confidence", "invented"], v))
                            for f, v in fams.items()}}
    if opts["--json"]:
        json.dump(summary, open(opts["--json"], "w"), indent=1)
    print(f"wild ({split}): kinds {kr}/{kn} ({kr / max(kn, 1):.0%}), fields {fr}/{fn} "
          f"({fr / max(fn, 1):.0%}), wrong at high confidence {wrong_high}, invented {invented}")
    sys.exit(0)


if __name__ == "__main__":
    main()
