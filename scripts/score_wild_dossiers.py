#!/usr/bin/env python3
"""Scores `dossier validate` on the independent whole-dossier corpus (fixtures/wild-dossiers/).

usage: score_wild_dossiers.py DOSSIER_BINARY [--split dtuning|dunseen|all] [--root DIR]
                              [--verbose] [--json OUT]

Each dossier folder holds dossier.json, its documents and expected.json:
  {"status": "pass|review|fail", "fires": [rule ids], "must_not_fire": [rule ids],
   "must_not_fire_v1_1": [rule ids], "v1.1": bool, "notes": "..."}
(`rules` is accepted for `fires`, as in fixtures/samples/*/expected.json.)

For every dossier it runs `DOSSIER_BINARY validate DIR --format json` (exit 0 = verdict, whatever
its status; exit 2 or unparsable output = no verdict, counted as an error and as a wrong status),
then compares the verdict's status and the rule ids of its findings with the expectation:
  - wrong pass: expected review or fail, got pass;
  - wrong fail: expected pass or review, got fail;
  - expected findings fired: rules of `fires` present among the findings;
  - wrong findings: rules of `must_not_fire` (and `must_not_fire_v1_1`) present among the findings.
Prints one line per dossier and the summary line
  "status N/M correct; wrong pass P; wrong fail F; expected findings fired X/Y; wrong findings W"
over the core dossiers, then the same counts on a second line for dossiers marked "v1.1": true
(contract §7 additions), which are kept out of the core line.
With --root pointing at a folder without dtuning/ or dunseen/ (e.g. fixtures/samples), its direct
sub-folders holding a dossier.json are scored. Exit status 0 unless the usage is wrong (2).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "wild-dossiers"))
SPLITS = ("dtuning", "dunseen")
# A dossier of ~5 PDFs, some scanned, on a shared 2-core machine: generous, but not unbounded.
TIMEOUT_SECONDS = 600


class Tally:
    """Counts of one group of dossiers (the core v1 ones, or those marked "v1.1")."""

    def __init__(self):
        self.n = self.correct = self.wrong_pass = self.wrong_fail = 0
        self.fired = self.expected = self.wrong_findings = self.without_verdict = 0

    def add(self, ok, wp, wf, fired, expected, wrong, no_verdict):
        self.n += 1
        self.correct += ok
        self.wrong_pass += wp
        self.wrong_fail += wf
        self.fired += fired
        self.expected += expected
        self.wrong_findings += wrong
        self.without_verdict += no_verdict

    def line(self):
        s = (f"status {self.correct}/{self.n} correct; wrong pass {self.wrong_pass}; wrong fail {self.wrong_fail}; "
             f"expected findings fired {self.fired}/{self.expected}; wrong findings {self.wrong_findings}")
        return s + (f" ({self.without_verdict} without verdict)" if self.without_verdict else "")

    def as_dict(self):
        return dict(vars(self))


def find_dossiers(root, split):
    present = [s for s in SPLITS if os.path.isdir(os.path.join(root, s))]
    if not present:
        bases = [("", root)]
    else:
        wanted = SPLITS if split == "all" else (split,)
        bases = [(s, os.path.join(root, s)) for s in wanted if s in present]
    out = []
    for name, base in bases:
        for d in sorted(os.listdir(base)):
            path = os.path.join(base, d)
            if os.path.isfile(os.path.join(path, "dossier.json")):
                out.append((name, d, path))
    return out


def load_expected(path):
    try:
        with open(os.path.join(path, "expected.json"), encoding="utf-8") as f:
            e = json.load(f)
    except (OSError, ValueError):
        return None
    fires = e.get("fires", e.get("rules", []))
    if fires and isinstance(fires[0], dict):  # tolerate [{"rule": ...}] lists
        fires = [x.get("rule") for x in fires]
    return {"status": e.get("status"), "fires": list(fires or []),
            "must_not_fire": list(e.get("must_not_fire", [])) + list(e.get("must_not_fire_v1_1", [])),
            "v1_1": bool(e.get("v1.1", False))}


def run_validate(binary, path):
    try:
        p = subprocess.run([binary, "validate", path, "--format", "json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {TIMEOUT_SECONDS} s"
    except OSError as e:
        return None, f"cannot run {binary}: {e}"
    text = p.stdout.decode("utf-8", errors="replace").strip()
    verdict = None
    for line in [text] + text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and "status" in obj:
            verdict = obj
            break
    if verdict is None:
        err = p.stderr.decode("utf-8", errors="replace").strip().splitlines()
        return None, f"no verdict (exit {p.returncode}): {err[-1] if err else text[:200]}"
    return verdict, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--split", choices=["dtuning", "dunseen", "all"], default="all")
    ap.add_argument("--root", default=DEFAULT_ROOT)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    if not (os.path.isfile(a.binary) and os.access(a.binary, os.X_OK)):
        print(f"not an executable: {a.binary}", file=sys.stderr)
        sys.exit(2)
    dossiers = find_dossiers(a.root, a.split)
    if not dossiers:
        print(f"no dossier under {a.root} (split {a.split})", file=sys.stderr)
        sys.exit(2)

    core, v11 = Tally(), Tally()
    results = []
    for split, name, path in dossiers:
        exp = load_expected(path)
        verdict, err = run_validate(a.binary, path)
        got_status = verdict.get("status") if verdict else "error"
        rules = sorted({f.get("rule") for f in (verdict or {}).get("findings", []) if isinstance(f, dict)})
        r = {"split": split, "dossier": name, "got_status": got_status, "rules": rules, "error": err}
        if exp is None or exp["status"] is None:
            r["expected_status"] = None
            results.append(r)
            print(f"{split + '/' if split else ''}{name}: got {got_status} {rules} (no expected.json)")
            continue
        t = v11 if exp["v1_1"] else core
        ok = got_status == exp["status"]
        wp = exp["status"] in ("review", "fail") and got_status == "pass"
        wf = exp["status"] in ("pass", "review") and got_status == "fail"
        hit = [x for x in exp["fires"] if x in rules]
        missed = [x for x in exp["fires"] if x not in rules]
        wrong = [x for x in exp["must_not_fire"] if x in rules]
        t.add(ok, wp, wf, len(hit), len(exp["fires"]), len(wrong), err is not None)
        r.update({"expected_status": exp["status"], "status_ok": ok, "wrong_pass": wp, "wrong_fail": wf,
                  "fired": hit, "missed": missed, "wrong_findings": wrong, "v1_1": exp["v1_1"]})
        results.append(r)
        tag = "ok " if ok else ("WRONG PASS" if wp else ("WRONG FAIL" if wf else "wrong"))
        line = (f"{tag:10s} {split + '/' if split else ''}{name}: expected {exp['status']}, got {got_status}"
                f"{' [v1.1]' if exp['v1_1'] else ''}")
        if missed:
            line += f"; missed {missed}"
        if wrong:
            line += f"; wrong findings {wrong}"
        if err:
            line += f"; {err}"
        print(line)
        if a.verbose and verdict:
            for f in verdict.get("findings", []):
                print(f"      {f.get('severity', '?'):8s} {f.get('rule')}: {f.get('message', '')}")
    summary = core.line()
    print(summary)
    if v11.n:
        print("v1.1 dossiers (contract §7, not in the line above): " + v11.line())
    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as f:
            json.dump({"summary": core.as_dict(), "summary_v1_1": v11.as_dict(), "line": summary, "dossiers": results},
                      f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
