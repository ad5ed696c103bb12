#!/usr/bin/env python3
"""Generates src/core/fhir/r4_tables.inc, the FHIR R4 (4.0.1) tables of hdl's validator.

Inputs (never committed to the repository):
  ../shared/data/fhir-r4/fhir.schema.json      the HL7 R4 JSON schema: types, elements, arrays,
                                               `required`, `enum`s of coded elements
  ../shared/data/fhir-r4/profiles-types.json   datatype StructureDefinitions: cardinality (min and
                                               max) of every element, and binding strengths
  ../shared/data/fhir-r4/profiles-resources.json  resource StructureDefinitions: cardinality of every
                                               element, and binding strengths
  ../shared/data/fhir-r4/valuesets.json        R4 ValueSets and CodeSystems: the codes of required
                                               bindings the schema does not enumerate

The schema's `enum`s are not all required bindings: Expression.language has one, but its binding
is extensible in R4 (codes outside the value set are allowed). An enum becomes a table of codes
only when the StructureDefinitions bind the element `required` (or do not describe it). A `code`
element bound `required` that the schema leaves without an enum (Procedure.status, MedicationRequest.intent,
...) gets the codes of its ValueSet, expanded from valuesets.json when the ValueSet is fully defined there
(concept lists, and whole CodeSystems whose content is complete; no filters, excludes or external systems
such as mime types and currencies: those stay unchecked). So does a Coding or CodeableConcept element
bound `required` (Condition.clinicalStatus), with the code system of the codes and the ValueSet's URL.
Every required binding left unchecked is listed, with the reason, at the top of r4_tables.inc.

Usage:
  python3 tools/fhir-tables/generate.py            write the file
  python3 tools/fhir-tables/generate.py --check    exit 1 when the committed file is out of date
  options: --definitions DIR (default ../shared/data/fhir-r4), --output FILE

Cardinality: an element with min 1 in the StructureDefinitions is required, primitives (which the
schema's `required` arrays leave out, as they may appear only as `_name`) and choice groups included;
the schema's arrays must be exactly the elements whose max is not 1 (the generator stops otherwise).
Medplum's copy backports R5 to five resources (R5_BACKPORTS): their elements are the schema's and their
min-1 elements are listed in the generator from the R4 resource pages.

The de-identification rules (deid_rules.py) are generated from the same definitions in the same run.

Standard library only. The output is deterministic (sorted everywhere).
"""

import argparse
import collections
import hashlib
import json
import os
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_DEFINITIONS = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "fhir-r4"))
DEFAULT_OUTPUT = os.path.join(REPO, "src", "core", "fhir", "r4_tables.inc")
INVARIANTS_OUTPUT = os.path.join(REPO, "src", "core", "fhir", "r4_invariants.inc")

# Primitive type name -> enumerator of hdl::fhir::r4::Primitive (src/core/fhir/r4_schema.hpp).
PRIMITIVES = {
    "base64Binary": "Base64Binary", "boolean": "Boolean", "canonical": "Canonical", "code": "Code",
    "date": "Date", "dateTime": "DateTime", "decimal": "Decimal", "id": "Id", "instant": "Instant",
    "integer": "Integer", "markdown": "Markdown", "oid": "Oid", "positiveInt": "PositiveInt",
    "string": "String", "time": "Time", "unsignedInt": "UnsignedInt", "uri": "Uri", "url": "Url",
    "uuid": "Uuid", "xhtml": "Xhtml",
}

# Resources whose StructureDefinition in profiles-resources.json is not R4: Medplum backports R5
# to them (docs: ../shared/data/fhir-r4/SOURCES.md), with elements R4 does not have and other
# cardinalities (R5 EvidenceVariable.characteristic is 0..*). Their elements are the schema's, and
# their min-1 elements the R4 resource pages' (beyond the schema's `required`, which has the
# complex ones: EvidenceVariable.characteristic, ObservationDefinition.code,
# DeviceDefinition.capability.type, property.type, material.substance).
R5_BACKPORTS = {"Binary", "DeviceDefinition", "EvidenceVariable", "ObservationDefinition", "ResearchStudy"}
R4_MIN_ONE_OF_BACKPORTS = """
Binary.contentType
DeviceDefinition.udiDeviceIdentifier.deviceIdentifier DeviceDefinition.udiDeviceIdentifier.issuer
DeviceDefinition.udiDeviceIdentifier.jurisdiction DeviceDefinition.deviceName.name
DeviceDefinition.deviceName.type DeviceDefinition.specialization.systemType
EvidenceVariable.status EvidenceVariable.characteristic.definition[x]
ResearchStudy.status ResearchStudy.arm.name
""".split()

# Types the validator treats specially; their ids are emitted as named constants.
WELL_KNOWN = ["Element", "Extension", "Reference", "Narrative", "Meta", "Bundle", "Bundle_Entry",
              "Bundle_Request", "Bundle_Response", "ResourceList", "Coding"]


INPUTS = ["fhir.schema.json", "profiles-types.json", "profiles-resources.json", "valuesets.json"]


def load(definitions):
    """The parsed inputs (INPUTS order) and their sha256s."""
    parsed, shas = [], []
    for name in INPUTS:
        with open(os.path.join(definitions, name), "rb") as f:
            data = f.read()
        parsed.append(json.loads(data))
        shas.append(hashlib.sha256(data).hexdigest())
    return parsed, shas


def binding_strengths(*bundles):
    """(schema type name, element name) -> the set of binding strengths the StructureDefinitions
    give that element. The schema names a backbone element after its root and its own last path
    segment, with a number appended when two would collide (Bundle.entry.request ->
    Bundle_Request, CapabilityStatement.rest.resource.interaction -> CapabilityStatement_Interaction1),
    so the key drops that number and the set holds every element the name can stand for."""
    strengths = collections.defaultdict(set)
    for bundle in bundles:
        for entry in bundle["entry"]:
            sd = entry["resource"]
            if sd.get("resourceType") != "StructureDefinition" or sd.get("derivation") == "constraint":
                continue
            for el in sd.get("snapshot", {}).get("element", []):
                parts = el["path"].split(".")
                if len(parts) < 2:
                    continue
                owner = parts[0] if len(parts) == 2 else parts[0] + "_" + parts[-2][0].upper() + parts[-2][1:]
                strengths[(owner, parts[-1])].add(el.get("binding", {}).get("strength"))
    return strengths


def required_value_sets(*bundles):
    """(schema type name, element name) -> the set of ValueSet canonicals (no version) that the
    StructureDefinitions bind that element to with strength required (keys as binding_strengths)."""
    sets = collections.defaultdict(set)
    for bundle in bundles:
        for entry in bundle["entry"]:
            sd = entry["resource"]
            if sd.get("resourceType") != "StructureDefinition" or sd.get("derivation") == "constraint":
                continue
            for el in sd.get("snapshot", {}).get("element", []):
                parts = el["path"].split(".")
                binding = el.get("binding", {})
                if len(parts) < 2 or binding.get("strength") != "required" or "valueSet" not in binding:
                    continue
                owner = parts[0] if len(parts) == 2 else parts[0] + "_" + parts[-2][0].upper() + parts[-2][1:]
                sets[(owner, parts[-1])].add(binding["valueSet"].split("|")[0])
    return sets


class ValueSets:
    """The codes of R4 ValueSets that valuesets.json defines completely. expand() says why not for
    the others: a ValueSet that is not there (v3 and LOINC ones), an external code system (mime types,
    currencies, UCUM), a filter or an exclude."""

    def __init__(self, bundle):
        self.value_sets, self.code_systems = {}, {}
        for entry in bundle["entry"]:
            r = entry["resource"]
            if r["resourceType"] == "ValueSet":
                self.value_sets[r["url"]] = r
            elif r["resourceType"] == "CodeSystem":
                self.code_systems[r["url"]] = r

    @staticmethod
    def _concepts(concept_list):
        for c in concept_list:
            yield c["code"]
            yield from ValueSets._concepts(c.get("concept", []))

    def expand(self, url, depth=0):
        """([(system, code)], None), or (None, the reason it cannot be expanded from valuesets.json)."""
        vs = self.value_sets.get(url)
        if vs is None:
            return None, "the ValueSet is not in valuesets.json"
        if depth > 8:
            return None, "ValueSets imported more than 8 deep"
        compose = vs.get("compose", {})
        if compose.get("exclude"):
            return None, "the ValueSet excludes codes"
        out = []
        for inc in compose.get("include", []):
            if inc.get("filter"):
                return None, "a filter on %s" % inc.get("system")
            for imported in inc.get("valueSet", []):
                sub, why = self.expand(imported.split("|")[0], depth + 1)
                if sub is None:
                    return None, why
                out += sub
            system = inc.get("system")
            if "concept" in inc:
                out += [(system, c["code"]) for c in inc["concept"]]
            elif system is not None:
                cs = self.code_systems.get(system)
                if cs is None or cs.get("content") != "complete":
                    return None, "an external code system (%s)" % system
                out += [(system, c) for c in self._concepts(cs.get("concept", []))]
        seen = set()
        out = [p for p in out if not (p in seen or seen.add(p))]
        return (out, None) if out else (None, "the ValueSet has no codes")

    def codes(self, url):
        pairs, _ = self.expand(url)
        if pairs is None:
            return None
        seen = set()
        return [c for _, c in pairs if not (c in seen or seen.add(c))]


def code_table_wanted(strengths, tname, name):
    """True when the schema's enum of tname.name is a required binding: the StructureDefinitions
    bind it `required`, or do not describe the element (EvidenceVariable is not in
    profiles-resources.json). Exits when they disagree about it."""
    found = strengths.get((tname.rstrip("0123456789"), name))
    if not found:
        return True
    if len(found) > 1:
        sys.exit("generate.py: %s.%s has binding strengths %s" % (tname, name, sorted(map(str, found))))
    return found == {"required"}


# Element types whose required bindings get a table of codes when the schema has no enum for them.
BOUND_TYPES = ("code", "Coding", "CodeableConcept")


def bound_codes(expander, tname, name, etype, value_sets, bindings):
    """(codes, (system, ValueSet)) of a required binding the schema does not enumerate, or (None, ("", ""))
    when valuesets.json cannot give them; records the binding and how it is checked (or why not) in
    bindings. A Coding or CodeableConcept is checked only where its codes are in one code system: a
    coding of that system must have one of them."""
    if len(value_sets) != 1:
        bindings.append((tname, name, etype, " ".join(sorted(value_sets)), "bound to several ValueSets"))
        return None, ("", "")
    url = next(iter(value_sets))
    pairs, why = expander.expand(url)
    systems = sorted({system or "" for system, _ in pairs or []})
    if pairs and etype != "code" and (len(systems) != 1 or not systems[0]):
        pairs, why = None, "codes of %d code systems" % len(systems)
    if pairs is None:
        bindings.append((tname, name, etype, url, why))
        return None, ("", "")
    bindings.append((tname, name, etype, url, "valuesets.json"))
    codes = []
    for _, code in pairs:
        if code not in codes:
            codes.append(code)
    return codes, (systems[0], url) if etype != "code" else ("", "")


def ref_name(prop):
    ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def choice_groups(props, type_names):
    """Groups element names into choice groups ("valueString" -> "value"). A group is real when
    it has two or more single-valued members whose suffixes name types and whose descriptions
    agree (the schema copies one description to every member of a choice)."""
    capitalised = {t[0].upper() + t[1:]: t for t in type_names if "_" not in t}
    candidates = collections.defaultdict(list)
    for name, prop in props.items():
        if name.startswith("_") or "items" in prop:
            continue
        for i in range(1, len(name)):
            if name[i].isupper() and name[i:] in capitalised:
                candidates[name[:i]].append((name, capitalised[name[i:]], prop.get("description")))
                break
    groups = {}
    for base, members in candidates.items():
        if len(members) >= 2 and len({m[2] for m in members}) == 1:
            for member, type_name, _ in members:
                groups[member] = (base, type_name)
    return groups


class Pool:
    """One string pool; each distinct string is stored once."""

    def __init__(self):
        self.text = []
        self.size = 0
        self.offsets = {}

    def add(self, s):
        if s not in self.offsets:
            data = s.encode("utf-8")
            self.offsets[s] = (self.size, len(data))
            self.text.append(s)
            self.size += len(data)
        return self.offsets[s]


def build(schema, profiles, resource_profiles, valuesets):
    defs = schema["definitions"]
    strengths = binding_strengths(profiles, resource_profiles)
    bound = required_value_sets(profiles, resource_profiles)
    expander = ValueSets(valuesets)
    primitives = sorted(n for n, d in defs.items() if "properties" not in d and n != "ResourceList")
    unknown = set(primitives) - set(PRIMITIVES)
    if unknown:
        sys.exit("generate.py: unknown primitive types %s" % sorted(unknown))
    resources = sorted(r["$ref"].rsplit("/", 1)[1] for r in defs["ResourceList"]["oneOf"])
    complex_types = sorted(n for n, d in defs.items() if "properties" in d and n not in resources)
    type_order = primitives + ["ResourceList"] + complex_types + resources
    type_id = {n: i for i, n in enumerate(type_order)}

    # Per type: element name -> dict(type, array, enum, binding, choice, required, ext)
    elements = {}
    bindings = []  # every required binding: (type, element, element type, ValueSet, how or why not)
    choices = {}
    for tname in complex_types + resources:
        props = defs[tname]["properties"]
        groups = choice_groups(props, defs.keys())
        els = {}
        for name, prop in props.items():
            if name.startswith("_") or (name == "resourceType" and tname in resources):
                continue
            enum = prop.get("enum") or prop.get("items", {}).get("enum")
            binding = ("", "")  # (system, ValueSet) of a Coding or CodeableConcept's codes
            if enum is not None:
                etype = "code"
                if not code_table_wanted(strengths, tname, name):
                    enum = None  # an extensible (or weaker) binding: any code is allowed
                else:
                    bindings.append((tname, name, "code", "", "schema enum"))
            elif name in groups and "$ref" not in prop:
                etype = groups[name][1]  # inline primitive choice member
            else:
                etype = ref_name(prop)
                sets = bound.get((tname.rstrip("0123456789"), name), set())
                if etype in BOUND_TYPES and sets:
                    enum, binding = bound_codes(expander, tname, name, etype, sets, bindings)
            if etype not in type_id:
                sys.exit("generate.py: %s.%s has no known type" % (tname, name))
            els[name] = {
                "type": etype, "array": prop.get("type") == "array" or "items" in prop,
                "enum": tuple(enum) if enum else None, "binding": binding,
                "choice": groups[name][0] if name in groups else None,
                "required": name in defs[tname].get("required", []),
                "ext": ("_" + name) in props or etype == "canonical",
            }
        elements[tname] = els
        choices[tname] = {}
        for name, el in els.items():
            if el["choice"]:
                choices[tname][el["choice"]] = False

    def resolve(path):
        """FHIR path (Claim.item.sequence) -> (schema type, element name or choice base)."""
        parts = path.split(".")
        tname = parts[0]
        for step in parts[1:-1]:
            el = elements[tname].get(step)
            if el is None:
                sys.exit("generate.py: cannot resolve %s" % path)
            tname = el["type"]
        return tname, parts[-1]

    def require(path):
        tname, last = resolve(path)
        if last.endswith("[x]"):
            base = last[:-3]
            if base not in choices[tname]:
                sys.exit("generate.py: %s is not a choice group" % path)
            choices[tname][base] = True
        elif last in elements[tname]:
            elements[tname][last]["required"] = True
        else:
            sys.exit("generate.py: no element %s" % path)

    def known(path):
        """True when the schema has the element (or choice group) of this FHIR path."""
        parts = path.split(".")
        tname = parts[0]
        for step in parts[1:]:
            el = elements.get(tname, {}).get(step)
            if el is None:
                return step == parts[-1] and step.endswith("[x]") and step[:-3] in choices.get(tname, {})
            tname = el["type"]
        return True

    def check_max(path, el):
        """The schema's arrays must be the elements whose max is not 1 (max 0 only in profiles)."""
        tname, last = resolve(path)
        if last.endswith("[x]"):
            if el.get("max") != "1":
                sys.exit("generate.py: choice group %s has max %s" % (path, el.get("max")))
            return
        schema_el = elements[tname].get(last)
        if schema_el is None:
            sys.exit("generate.py: no element %s" % path)
        if schema_el["array"] != (el.get("max") != "1"):
            sys.exit("generate.py: %s has max %s but the schema %s an array" % (
                path, el.get("max"), "makes it" if schema_el["array"] else "does not make it"))

    # Cardinality of every element, from the StructureDefinitions of the datatypes and of the
    # resources (the schema's `required` arrays leave out primitives, which may appear only as
    # `_name`, and choice groups): min 1 -> required; max 1 -> a single value, else an array.
    for bundle, kind in ((profiles, "complex-type"), (resource_profiles, "resource")):
        for entry in bundle["entry"]:
            sd = entry["resource"]
            if sd.get("resourceType") != "StructureDefinition" or sd.get("kind") != kind:
                continue
            if sd.get("derivation") == "constraint" or sd.get("abstract"):
                continue
            if sd["id"] not in elements or sd["id"] in R5_BACKPORTS:
                continue  # SubscriptionStatus (R4B) is in profiles-resources.json, not in the schema
            for el in sd["snapshot"]["element"]:
                path = el["path"]
                if "." not in path:
                    continue
                if not known(path):
                    # Medplum's additions (Meta.project, HealthcareService.offeredIn): optional, and
                    # not R4 elements, which the schema is the authority on.
                    if el.get("min", 0) >= 1:
                        sys.exit("generate.py: %s is required but not in the schema" % path)
                    continue
                check_max(path, el)
                if el.get("min", 0) >= 1:
                    require(path)
    for path in R4_MIN_ONE_OF_BACKPORTS:
        require(path)

    pool = Pool()
    enum_index = {}
    enum_list = []
    for tname in sorted(elements):
        for name in sorted(elements[tname]):
            el = elements[tname][name]
            key = (el["enum"],) + el["binding"]
            if el["enum"] and key not in enum_index:
                enum_index[key] = len(enum_list) + 1
                enum_list.append(key)

    rows_types, rows_elements, rows_required, rows_choices = [], [], [], []
    max_choice = max_required = 0
    for tname in type_order:
        name_ref = pool.add(tname)
        if tname in PRIMITIVES:
            rows_types.append((name_ref, "Primitive", PRIMITIVES[tname], 0, 0, 0, 0, 0, 0))
            continue
        if tname == "ResourceList":
            rows_types.append((name_ref, "ResourceList", "None", 0, 0, 0, 0, 0, 0))
            continue
        els = elements[tname]
        group_names = sorted(choices[tname])
        group_slot = {g: i for i, g in enumerate(group_names)}
        first_choice = len(rows_choices)
        for g in group_names:
            rows_choices.append((pool.add(g), 1 if choices[tname][g] else 0))
        first_element = len(rows_elements)
        first_required = len(rows_required)
        required_slot = 0
        for name in sorted(els, key=lambda s: s.encode("utf-8")):
            el = els[name]
            flags = 0
            if el["array"]:
                flags |= 1  # ElementDef::kArray
            if el["ext"]:
                flags |= 8  # ElementDef::kPrimitiveExtension
            slot_required = 0
            if el["required"]:
                flags |= 2  # ElementDef::kRequired
                slot_required = required_slot
                required_slot += 1
                rows_required.append(len(rows_elements))
            slot_choice = 0
            if el["choice"]:
                flags |= 4  # ElementDef::kChoice
                slot_choice = group_slot[el["choice"]]
            rows_elements.append((pool.add(name), flags, type_id[el["type"]],
                                  enum_index.get((el["enum"],) + el["binding"], 0), slot_choice, slot_required))
        max_choice = max(max_choice, len(group_names))
        max_required = max(max_required, required_slot)
        kind = "Resource" if tname in resources else "Complex"
        rows_types.append((name_ref, kind, "None", first_element, len(els), first_required,
                           required_slot, first_choice, len(group_names)))
    if max_choice > 64 or max_required > 64:
        sys.exit("generate.py: more than 64 choice groups or required elements in one type")

    rows_enums, rows_codes = [], []
    for enum, system, value_set in enum_list:
        rows_enums.append((len(rows_codes), len(enum), pool.add(system) if system else (0, 0),
                           pool.add(value_set) if value_set else (0, 0)))
        for code in sorted(enum, key=lambda s: s.encode("utf-8")):
            rows_codes.append(pool.add(code))

    return {
        "types": rows_types, "elements": rows_elements, "required": rows_required,
        "choices": rows_choices, "enums": rows_enums, "codes": rows_codes, "pool": pool,
        "resources": [type_id[r] for r in resources], "type_id": type_id, "bindings": sorted(bindings),
        "primitive_count": len(primitives),
        "invariants": invariants(profiles, resource_profiles, elements, type_id),
    }


# Invariants the validator's walk checks natively (validator_rules.cpp): not evaluated again.
NATIVE_INVARIANTS = {"ext-1", "dom-2", "dom-3", "dom-4", "ref-1", "bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7",
                     "bdl-11", "bdl-12"}
# What the FHIRPath engine cannot do inside one resource: such invariants are skipped.
UNSUPPORTED_FUNCTIONS = [("resolve()", "resolve(): references are not resolved against the server"),
                         ("conformsTo(", "conformsTo(): profiles are not evaluated"),
                         ("memberOf(", "memberOf(): no terminology server"),
                         ("htmlChecks(", "htmlChecks(): the XHTML rules of the narrative are not checked")]


def invariants(profiles, resource_profiles, schema_elements, type_id):
    """Rows (owner schema type, element name or "", key, severity, human, expression, skip reason)
    of the base invariants of the R4 datatypes and resources, each where it applies: a type's own
    invariants and those of the types it derives from (DomainResource's dom-*, Quantity's qty-3 for
    Age, Count, Distance and Duration), a backbone element's at its schema type (Observation.component
    -> Observation_Component, every level of Questionnaire.item), another element's at its owner with
    the element's name (Narrative.div). Sorted by owner type id, then key."""
    sds = {}
    for bundle in (profiles, resource_profiles):
        for entry in bundle["entry"]:
            sd = entry["resource"]
            if sd.get("resourceType") == "StructureDefinition" and sd.get("kind") in ("complex-type", "resource"):
                sds[sd["id"]] = sd

    def own(sd):
        for el in sd.get("differential", {}).get("element", []):
            for c in el.get("constraint", []):
                yield el["path"], c

    def owner_of(path):
        parts = path.split(".")
        tname, name = parts[0], ""
        for i, step in enumerate(parts[1:]):
            el = schema_elements.get(tname, {}).get(step.replace("[x]", ""))
            if el is None and step.endswith("[x]"):
                return (tname, step[:-3]) if i == len(parts) - 2 else None
            if el is None:
                return None
            if "_" in el["type"] and el["type"] in schema_elements:  # a backbone element
                tname, name = el["type"], ""
            elif i == len(parts) - 2:
                name = step
            else:
                return None
        return tname, name

    rows, seen = [], set()
    for sid in sorted(sds):
        sd = sds[sid]
        chain, base = [sd], sd.get("baseDefinition", "").rsplit("/", 1)[-1]
        while base in sds:
            chain.append(sds[base])
            base = sds[base].get("baseDefinition", "").rsplit("/", 1)[-1]
        in_schema = sid in schema_elements and not sd.get("abstract")
        for i, definer in enumerate(chain):
            if i > 0 and not definer.get("abstract") and definer.get("kind") == "resource":
                continue
            for path, c in own(definer):
                owner = None
                reason = ""
                if c["key"] == "ele-1" and definer["id"] != "Element":
                    continue  # copied onto elements of some definitions; Element's is counted once
                if definer["id"] == "Element":
                    reason = "ele-1 on every element: the walk refuses empty objects and arrays"
                    if sid != "Element":
                        continue
                elif definer["id"] in ("BackboneElement", "Resource"):
                    continue
                elif not in_schema:
                    if i > 0 or sd.get("abstract") and sid != "DomainResource":
                        continue
                    if sid == "DomainResource":
                        continue  # counted at every resource that derives from it
                    reason = "%s is a profile of %s, which the schema uses for its elements" % (
                        sid, sd.get("baseDefinition", "").rsplit("/", 1)[-1])
                else:
                    path = sid + path[len(definer["id"]):]
                    owner = owner_of(path)
                    if sid in R5_BACKPORTS and i == 0:
                        reason = "R5 backport in Medplum's copy: not R4's invariant"
                        owner = owner or (sid, "")
                    elif owner is None:
                        sys.exit("generate.py: invariant %s: cannot place %s" % (c["key"], path))
                expression = c.get("expression", "")
                if not reason:
                    if c["key"] in NATIVE_INVARIANTS:
                        reason = "checked natively by the walk (validator_rules.cpp)"
                    elif c["severity"] != "error":
                        reason = "severity %s: does not refuse a resource" % c["severity"]
                    else:
                        for needle, why in UNSUPPORTED_FUNCTIONS:
                            if needle in expression:
                                reason = why
                                break
                if owner is None:
                    owner = (sid if sid in type_id else "Element", "")
                row = (type_id[owner[0]], owner[0], owner[1], c["key"], c["severity"], c.get("human", ""),
                       expression, reason)
                if (row[0], row[2], row[3]) in seen:
                    continue
                seen.add((row[0], row[2], row[3]))
                rows.append(row)
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    return rows


def render_invariants(rows, shas):
    out = []
    out.append("// GENERATED FILE, do not edit. The base invariants of the FHIR R4 (4.0.1) datatypes and")
    out.append("// resources, for hdl's validator (src/core/fhir/invariants.cpp).")
    out.append("// Generated by tools/fhir-tables/generate.py from ../shared/data/fhir-r4/")
    for name, sha in zip(INPUTS, shas):
        if name.startswith("profiles"):
            out.append("//   %-24s sha256 %s" % (name, sha))
    out.append("// Regenerate: python3 tools/fhir-tables/generate.py   (check: --check)")
    skipped = collections.Counter(r[7] for r in rows if r[7])
    out.append("// %d invariants where they apply, %d to evaluate, %d skipped:" % (
        len(rows), sum(1 for r in rows if not r[7]), sum(skipped.values())))
    for reason, n in sorted(skipped.items()):
        out.append("//   %4d %s" % (n, reason))
    out.append("")
    out.append("namespace hdl::fhir::r4::tables {")
    out.append("")
    out.append("// owner type, element (\"\": the owner itself), key, severity, human, expression, skip reason")
    out.append("// (\"\": evaluated). Sorted by owner type id.")
    out.append("static const InvariantDef kInvariants[] = {")
    for r in rows:
        out.append('\t{%d /* %s */, "%s", "%s", "%s",' % (r[0], r[1], c_string(r[2]), c_string(r[3]), c_string(r[4])))
        out.append('\t "%s",' % c_string(r[5]))
        out.append('\t "%s",' % c_string(r[6]))
        out.append('\t "%s"},' % c_string(r[7]))
    out.append("};")
    out.append("")
    out.append("} // namespace hdl::fhir::r4::tables")
    return "\n".join(out) + "\n"


def c_string(s):
    out = []
    for ch in s.encode("utf-8"):
        if ch in (0x22, 0x5C):
            out.append("\\" + chr(ch))
        elif 0x20 <= ch < 0x7F:
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return "".join(out)


def rows(items, per_line, fmt):
    lines = []
    for i in range(0, len(items), per_line):
        lines.append("\t" + " ".join(fmt(x) + "," for x in items[i:i + per_line]))
    return "\n".join(lines)


def binding_summary(bindings):
    """Comment lines: how many required bindings of the schema's elements are checked, from where, and
    each one that is not, with the reason (docs/validation.md, Tables, quotes these counts)."""
    out = ["//", "// Required bindings of the schema's elements:"]
    checked = collections.Counter((etype == "code", how) for _, _, etype, _, how in bindings
                                  if how in ("schema enum", "valuesets.json"))
    out.append("//   %d code elements checked from the schema's enums" % checked[(True, "schema enum")])
    out.append("//   %d code elements checked from valuesets.json" % checked[(True, "valuesets.json")])
    out.append("//   %d Coding and CodeableConcept elements checked from valuesets.json" %
               checked[(False, "valuesets.json")])
    for kind, is_code in (("code", True), ("Coding and CodeableConcept", False)):
        left = [b for b in bindings if (b[2] == "code") == is_code and b[4] not in ("schema enum", "valuesets.json")]
        out.append("//   %d %s elements not checked:" % (len(left), kind))
        for tname, name, _, url, why in left:
            out.append("//     %s.%s (%s): %s" % (tname, name, url, why))
    return out


def render(t, shas):
    out = []
    out.append("// GENERATED FILE, do not edit. FHIR R4 (4.0.1) tables of hdl's validator.")
    out.append("// Generated by tools/fhir-tables/generate.py from ../shared/data/fhir-r4/")
    for name, sha in zip(INPUTS, shas):
        out.append("//   %-24s sha256 %s" % (name, sha))
    out.append("// Regenerate: python3 tools/fhir-tables/generate.py   (check: --check)")
    out.append("// Included once, by src/core/fhir/r4_schema.cpp; the structs are in r4_schema.hpp.")
    out.append("// Sizes: %d types, %d elements, %d enums, %d codes, %d bytes of names." % (
        len(t["types"]), len(t["elements"]), len(t["enums"]), len(t["codes"]), t["pool"].size))
    out.extend(binding_summary(t["bindings"]))
    out.append("")
    out.append("namespace hdl::fhir::r4::tables {")
    out.append("")
    out.append("// Every name and code, concatenated; Str{offset, length} points into it.")
    out.append("static const char kPool[] =")
    line = ""
    for s in t["pool"].text:
        piece = c_string(s)
        if len(line) + len(piece) > 100:
            out.append('\t"%s"' % line)
            line = ""
        line += piece
    out.append('\t"%s";' % line)
    out.append("")
    out.append("// name, kind, primitive, firstElement, elementCount, firstRequired, requiredCount,")
    out.append("// firstChoice, choiceCount. Primitives first, then ResourceList, complex types, resources.")
    out.append("static const TypeDef kTypes[] = {")
    out.append(rows(t["types"], 2, lambda r: "{{%d, %d}, TypeKind::%s, Primitive::%s, %d, %d, %d, %d, %d, %d}" % (
        r[0][0], r[0][1], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])))
    out.append("};")
    out.append("")
    out.append("// Per type, sorted by name (bytes): name, flags, type, enum, choiceSlot, requiredSlot.")
    out.append("// flags: 1 array, 2 required, 4 choice member, 8 may have a _name primitive extension.")
    out.append("static const ElementDef kElements[] = {")
    out.append(rows(t["elements"], 3, lambda r: "{{%d, %d}, %d, %d, %d, %d, %d}" % (
        r[0][0], r[0][1], r[1], r[2], r[3], r[4], r[5])))
    out.append("};")
    out.append("")
    out.append("// Element indexes of required (min 1) elements, per type in requiredSlot order.")
    out.append("static const uint16_t kRequired[] = {")
    out.append(rows(t["required"], 16, str))
    out.append("};")
    out.append("")
    out.append("// Choice groups per type (\"value\" for value[x]), sorted: name, required.")
    out.append("static const ChoiceDef kChoices[] = {")
    out.append(rows(t["choices"], 6, lambda r: "{{%d, %d}, %d}" % (r[0][0], r[0][1], r[1])))
    out.append("};")
    out.append("")
    out.append("// Codes of required bindings: firstCode, codeCount, and for a Coding or CodeableConcept the")
    out.append("// code system of the codes and the ValueSet (index 0 is \"no enum\").")
    out.append("static const EnumDef kEnums[] = {")
    out.append(rows([(0, 0, (0, 0), (0, 0))] + t["enums"], 3, lambda r: "{%d, %d, {%d, %d}, {%d, %d}}" % (
        r[0], r[1], r[2][0], r[2][1], r[3][0], r[3][1])))
    out.append("};")
    out.append("static const Str kCodes[] = {")
    out.append(rows(t["codes"], 10, lambda r: "{%d, %d}" % r))
    out.append("};")
    out.append("")
    out.append("// Resource types, sorted by name.")
    out.append("static const TypeId kResourceTypes[] = {")
    out.append(rows(t["resources"], 16, str))
    out.append("};")
    out.append("")
    for name in WELL_KNOWN:
        out.append("constexpr TypeId kType%s = %d;" % (name.replace("_", ""), t["type_id"][name]))
    out.append("")
    out.append("} // namespace hdl::fhir::r4::tables")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--definitions", default=DEFAULT_DEFINITIONS)
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    parser.add_argument("--invariants-output", default=INVARIANTS_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    args = parser.parse_args()
    (schema, profiles, resource_profiles, valuesets), shas = load(args.definitions)
    tables = build(schema, profiles, resource_profiles, valuesets)
    outputs = [(args.output, render(tables, shas)),
               (args.invariants_output, render_invariants(tables["invariants"], shas))]
    if args.check:
        status = 0
        for path, text in outputs:
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                print("%s is out of date: run python3 tools/fhir-tables/generate.py" % path, file=sys.stderr)
                status = 1
            else:
                print("%s is up to date" % path)
        return status
    for path, text in outputs:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    status = main()
    import deid_rules  # the de-identification rules: their own module and outputs (deid_rules.py)
    sys.exit(max(status, deid_rules.main(sys.argv[1:])))
