"""The mesh's value schemas as this job reads them: from schemas/ (the contract), with named types
expanded as libs/contracts/src/schema-files.js does, and with every field marked `"pii": true`
left out.

Avro schema resolution skips a writer's field that the reader schema lacks, so decoding with these
reader schemas never builds the claim's personal data in this process at all: no later step can
copy it into the dataset by mistake.
"""
import json
from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "enum", "fixed"}


def _full_name(schema):
    name = schema["name"]
    return name if "." in name or not schema.get("namespace") else f"{schema['namespace']}.{name}"


def _named_types(directory):
    by_name = {}
    for file in [*sorted((directory / "types").glob("*.avsc")), *sorted(directory.glob("*.avsc"))]:
        schema = json.loads(file.read_text())
        by_name[schema["name"]] = schema
        by_name[_full_name(schema)] = schema
    return by_name


def _expand(schema, by_name, defined):
    """The first use of each named type becomes its definition, later uses stay references."""
    if isinstance(schema, str):
        if schema in PRIMITIVES or schema in defined:
            return schema
        if schema not in by_name:
            raise ValueError(f"schemas: unknown type {schema!r}")
        return _expand(by_name[schema], by_name, defined)
    if isinstance(schema, list):
        return [_expand(branch, by_name, defined) for branch in schema]
    copy = dict(schema)
    if copy.get("type") in NAMED:
        defined.update({copy["name"], _full_name(copy)})
    if copy.get("type") == "record":
        copy["fields"] = [{**field, "type": _expand(field["type"], by_name, defined)} for field in copy["fields"]]
    elif copy.get("type") == "array":
        copy["items"] = _expand(copy["items"], by_name, defined)
    elif copy.get("type") == "map":
        copy["values"] = _expand(copy["values"], by_name, defined)
    elif copy.get("type") not in NAMED and not (isinstance(copy.get("type"), str) and copy["type"] in PRIMITIVES):
        copy["type"] = _expand(copy["type"], by_name, defined)
    return copy


def value_schema(name, directory=SCHEMAS_DIR):
    """The self-contained value schema of schemas/NAME.avsc, as the mesh registers it."""
    directory = Path(directory)
    return _expand(json.loads((directory / f"{name}.avsc").read_text()), _named_types(directory), set())


def _branches(field_type):
    return field_type if isinstance(field_type, list) else [field_type]


def pii_paths(schema, prefix=""):
    """Dotted paths of the fields marked pii, at any depth (e.g. `claim.customerId`)."""
    paths = []
    for field in schema["fields"]:
        path = prefix + field["name"]
        if field.get("pii"):
            paths.append(path)
        for branch in _branches(field["type"]):
            if isinstance(branch, dict) and branch.get("type") == "record":
                paths.extend(pii_paths(branch, path + "."))
    return paths


def without_pii(schema):
    """A reader schema of the same records minus every pii field (same names, so it resolves
    against any writer of them)."""
    def strip(node):
        if isinstance(node, list):
            return [strip(branch) for branch in node]
        if isinstance(node, dict) and node.get("type") == "record":
            return {**node, "fields": [{**f, "type": strip(f["type"])} for f in node["fields"] if not f.get("pii")]}
        return node
    return strip(schema)


def _definitions(node, found):
    """Every named type defined in an expanded schema, by short and full name."""
    if isinstance(node, list):
        for branch in node:
            _definitions(branch, found)
    elif isinstance(node, dict):
        if node.get("type") in NAMED:
            found[node["name"]] = found[_full_name(node)] = node
        for field in node.get("fields", []):
            _definitions(field["type"], found)
    return found


def field_type(schema, path):
    """The Avro type of the field at a dotted path (through unions and named references)."""
    named = _definitions(schema, {})
    node = schema
    for name in path.split("."):
        branches = [named.get(b, b) if isinstance(b, str) else b for b in _branches(node)]
        record = next(b for b in branches if isinstance(b, dict) and b.get("type") == "record")
        node = next(f["type"] for f in record["fields"] if f["name"] == name)
    return named.get(node, node) if isinstance(node, str) else node
