#!/usr/bin/python3
"""tests/validate_json.py: checks vouch's JSON output against docs/results.schema.json.

    python3 tests/validate_json.py SCHEMA.json FILE.json...   (FILE "-" reads stdin)

Prints "FILE: valid" per file, or each violation as "FILE: at PATH: MESSAGE";
exits 1 if any file is invalid, 2 if the schema itself is broken or
python3-jsonschema (Debian) is missing. Used by the golden tests.
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        print("usage: validate_json.py SCHEMA.json FILE.json...", file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_json: python3-jsonschema is not installed (apt-get install python3-jsonschema)",
              file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print("validate_json: %s: not a valid schema: %s" % (argv[1], e.message), file=sys.stderr)
        return 2
    validator = cls(schema)
    bad = 0
    for name in argv[2:]:
        try:
            if name == "-":
                doc = json.load(sys.stdin)
            else:
                with open(name, encoding="utf-8") as f:
                    doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: not JSON: %s" % (name, e))
            bad += 1
            continue
        if validator.is_valid(doc):
            print("%s: valid" % name)
            continue
        bad += 1
        # The top level is oneOf(check, coverage): explain the failure
        # against the branch the document means to be.
        kind = "check" if isinstance(doc, dict) and "findings" in doc else "coverage"
        sub = {k: v for k, v in schema.items() if k != "oneOf"}
        sub["$ref"] = "#/$defs/" + kind
        branch = cls(sub)
        errors = sorted(branch.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print("%s: at %s: %s" % (name, where, e.message))
        if not errors:
            print("%s: matches both or neither kind of result" % name)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
