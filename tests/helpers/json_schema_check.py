#!/usr/bin/env python3
"""Validate a JSON document (stdin) against a JSON Schema (argv[1]) with
python3's json module only: the subset docs/status.schema.json uses (type,
required, properties, additionalProperties false, items, enum, minimum,
local $ref).  Prints every violation; exit 1 when there is one, 2 when the
schema uses a keyword this checker does not know (a test must not pass by
ignoring a rule)."""
import json
import sys

KNOWN = {"$schema", "$id", "title", "description", "type", "required", "properties",
         "additionalProperties", "items", "enum", "minimum", "$ref", "$defs"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def check(root, schema, value, where, errors):
    unknown = set(schema) - KNOWN
    if unknown:
        print("schema keyword(s) not supported: %s" % sorted(unknown))
        sys.exit(2)
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            print("only local $ref supported: %s" % ref)
            sys.exit(2)
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        check(root, target, value, where, errors)
        return
    t = schema.get("type")
    if t is not None and not TYPES[t](value):
        errors.append("%s: %r is not of type %s" % (where, value, t))
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        errors.append("%s: %r is below %r" % (where, value, schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: missing '%s'" % (where, key))
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                check(root, props[key], v, "%s.%s" % (where, key), errors)
            elif schema.get("additionalProperties", True) is False:
                errors.append("%s: '%s' is not a documented field" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(root, schema["items"], v, "%s[%d]" % (where, i), errors)


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    doc = json.load(sys.stdin)
    errors = []
    check(schema, schema, doc, "$", errors)
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
