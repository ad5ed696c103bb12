#!/usr/bin/env python3
"""hdl's validator against the HL7 Java validator on the HL7 validator suite's R4 cases.

usage: scripts/hl7-conformance.py [--validator PATH] [--shared DIR] [--list]

For every case in SHARED/fhir-test-cases/validator/cases.json, runs hdl-fhir-validate (level
strict) on the case's file and compares the verdict with the Java validator's expected outcome
(java_outcome: invalid when it has an issue of severity error or fatal). Prints each disagreement
with its reason, then a summary line:

  HL7 validator suite: A of N cases agree with the Java validator (P%); F false rejections, M missed

A false rejection (hdl refuses what the Java validator accepts) is a failure: the exit status is 1
when there is any, 0 otherwise, 2 on usage errors. "Missed" cases are grouped by what the Java
validator checked that hdl does not (terminology, profiles and extensions, invariants, narrative,
signatures, ...): docs/validation.md explains which are out of a base-spec validator's reach.
Skips with a message (exit 0) when ../shared is absent.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Why the Java validator refused what hdl accepts, by the text of its first error.
REASONS = [
    ("invariant", r"^Constraint failed"),
    ("terminology", r"Unknown code|Display Name|CodeSystem|ValueSet|value set|code is required|not valid in the system|ECL|filter|Supplements"),
    ("profile or extension definition", r"extension|[Pp]rofile|Snapshot|magic LOINC|StructureDefinition|derivedFrom|SearchParameter"),
    ("narrative (XHTML)", r"XHTML|Hyperlink|entity"),
    ("signature", r"signature"),
    ("attachment content", r"[Aa]ttachment"),
    ("Bundle and reference rules", r"fullUrl|[Rr]eference|link relationship|matches in bundle"),
    ("URI and canonical rules", r"URI|URL|UUID|absolute"),
]


def reason_of(text):
    for name, pattern in REASONS:
        if re.search(pattern, text):
            return name
    return "other"


def java_errors(case):
    return [i for i in case.get("java_outcome", {}).get("issue", []) if i.get("severity") in ("error", "fatal")]


def issue_text(issue):
    text = issue.get("details", {}).get("text") or issue.get("diagnostics") or ""
    where = ",".join(issue.get("expression", []))
    return f"{text} @ {where}" if where else text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--validator", default=os.path.join(ROOT, "build/tools/hdl-fhir-validate/hdl-fhir-validate"))
    parser.add_argument("--shared", default=os.environ.get("HDL_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
    parser.add_argument("--list", action="store_true", help="also list the cases that agree")
    args = parser.parse_args()
    cases_file = os.path.join(args.shared, "fhir-test-cases", "validator", "cases.json")
    if not os.path.isfile(cases_file):
        print(f"HL7 validator suite: skipped ({cases_file} not found; ../shared is not part of the repository)")
        return 0
    if not os.access(args.validator, os.X_OK):
        print(f"hl7-conformance: {args.validator} is not built (cmake --build build --target hdl-fhir-validate)",
              file=sys.stderr)
        return 2
    cases = json.load(open(cases_file))["cases"]
    folder = os.path.dirname(cases_file)
    agree, false_rejections, missed = 0, [], []
    for case in cases:
        run = subprocess.run([args.validator, "--level", "strict", os.path.join(folder, case["file"])],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            print(f"hl7-conformance: {case['file']}: hdl-fhir-validate failed: {run.stderr.strip()}", file=sys.stderr)
            return 2
        hdl_invalid = run.returncode == 1
        errors = java_errors(case)
        if hdl_invalid == bool(errors):
            agree += 1
            if args.list:
                print(f"agree     {case['name']}: {'invalid' if errors else 'valid'}")
        elif hdl_invalid:
            first = run.stdout.splitlines()[0] if run.stdout else "(no issue printed)"
            false_rejections.append((case["name"], first))
        else:
            missed.append((reason_of(issue_text(errors[0])), case["name"], issue_text(errors[0])))
    for name, why in false_rejections:
        print(f"FALSE REJECTION {name}: hdl says {why[:300]}")
    for reason, name, why in sorted(missed):
        print(f"missed    {name} [{reason}]: Java says {why[:200]}")
    by_reason = {}
    for reason, _, _ in missed:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    if by_reason:
        print("missed by reason: " + ", ".join(f"{r} {n}" for r, n in sorted(by_reason.items(), key=lambda x: -x[1])))
    total = len(cases)
    print(f"HL7 validator suite: {agree} of {total} cases agree with the Java validator ({100.0 * agree / total:.1f}%); "
          f"{len(false_rejections)} false rejections, {len(missed)} missed")
    return 1 if false_rejections else 0


if __name__ == "__main__":
    sys.exit(main())
