#!/usr/bin/env python3
"""Builds kb/tables/aadsts-service.toml and fills in service messages on existing AADSTS entries.

Inputs:
  ../shared/data/aadsts-live-messages.tsv   the sign-in service's own message per code
  ../shared/data/aadsts-codes.tsv           the documented codes (name, reference meaning)
  scripts/aadsts-service-rows.txt           our hand-written fields for the codes that have no
                                            entry yet, one line per code:
      CODE | topic | causes | related | title | gist | meaning
    topic   a short key from TOPICS below
    causes  "id:prior id:prior" (aliases from CAUSE_ALIASES allowed)
    related "aadsts50012 aadsts700024" (may be empty)
    title   the part after "AADSTSnnn: "
    meaning our own words; the markers @int @tr @1p @ui append a standard sentence

What it does:
  * writes one [[entry]] per row to kb/tables/aadsts-service.toml, with the live message as
    `message` and, when the message is distinctive, as a `messages` template ({placeholders}
    become {} slots);
  * gives existing table rows and pages in kb/errors/entra-id/ a `message` when they lack one
    (the live message, or a short form of the documented meaning) and the live template when
    none of their templates matches the live message;
  * refuses templates that are generic, that another code's message shares, or that match
    another entry's message or variation.

Run from the repository root: python3 scripts/gen-aadsts-service.py [--check]
Python 3.11, standard library only. Running it twice changes nothing.
"""

import csv
import glob
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
KB = ROOT / "kb"
ROWS = ROOT / "scripts" / "aadsts-service-rows.txt"
OUT = KB / "tables" / "aadsts-service.toml"
TABLE = KB / "tables" / "aadsts.toml"
PAGES = KB / "errors" / "entra-id"

TOPICS = {
    "cc": "Client credentials",
    "app": "App registration and redirect URIs",
    "consent": "Consent and assignment",
    "users": "Users and accounts",
    "mfa": "MFA and Conditional Access",
    "tenant": "Tenants and authorities",
    "tok": "Tokens and sessions",
    "scope": "Scopes and resources",
    "req": "Requests and protocol",
    "svc": "Service and platform",
}

CAUSE_ALIASES = {
    "so": "service-outage",
    "irf": "invalid-request-format",
    "uir": "user-interaction-required",
    "arm": "app-registration-misconfigured",
    "cab": "conditional-access-blocked",
    "ald": "account-locked-or-disabled",
    "unt": "user-not-in-tenant",
    "cci": "certificate-credential-invalid",
    "ute": "unsupported-account-type",
    "wae": "wrong-authority-endpoint",
    "rum": "redirect-uri-mismatch",
    "spm": "service-principal-missing",
    "acr": "admin-consent-required",
    "cr": "consent-required",
    "sdk": "sdk-regression",
    "scs": "stale-cached-session",
    "mfa": "mfa-required",
    "ctm": "client-type-mismatch",
    "aci": "authorization-code-invalid",
    "rte": "refresh-token-expired",
    "isf": "invalid-scope-format",
    "rnt": "resource-not-in-tenant",
    "anf": "app-not-found-in-tenant",
    "nat": "not-assigned-to-app",
    "ck": "clock-skew",
    "ncm": "national-cloud-mismatch",
    "tnf": "tenant-not-found",
    "lic": "license-missing",
    "qle": "quota-or-limit-exceeded",
    "thr": "throttled",
    "pcf": "public-client-flow-not-enabled",
    "iuc": "invalid-user-credentials",
    "pe": "password-expired",
    "ctt": "cross-tenant-token",
    "am": "audience-mismatch",
    "te": "token-expired",
    "uo": "unsupported-operation",
    "mp": "missing-permission",
    "rnf": "resource-not-found",
    "drr": "directory-role-required",
    "nem": "no-exchange-mailbox",
    "mah": "malformed-authorization-header",
    "sent": "sent-token-differs",
}

MARKERS = {
    "@int": "It is an internal condition of the sign-in service; nothing in your tenant or app "
    "configuration causes it. Retry, and if it keeps coming back give Microsoft support the "
    "trace ID, correlation ID and timestamp.",
    "@tr": "The service itself flags the failure as temporary: retry after a short wait with "
    "backoff, and open a support case with the correlation ID only if it persists.",
    "@1p": "It concerns Microsoft's own (first-party) applications or infrastructure, so an "
    "ordinary app registration rarely meets it; when one does, the correlation ID is what "
    "Microsoft support needs.",
    "@ui": "It is a step of the sign-in experience rather than a failure: it is logged when the "
    "user is shown a page or prompt, and sign-in goes on once they respond.",
}

# Words that say nothing about which error this is: a template made only of these (plus fewer
# than MIN_DISTINCT other words) is too generic to count as Microsoft's wording.
GENERIC = set(
    """a an the is are was were be been being has have had do does did not no nor or and but if
    of to in on at by for from with as it its this that these those there their them they you
    your we us our i me my he she his her can cannot can't could should would will must may
    might shall than then so too very any all some one more most other such only own same
    error errors occurred occured has happened invalid valid request requests failed failure
    fail please try again later retry retried unable unexpected unexpectedly transient
    internal use server service services temporarily unavailable busy bad missing required
    provided given value values found exist exists supported unsupported allowed not
    message content runtime specific returned exception details see see detail information
    contact administrator admin reach out after some time when while which what who
    authentication failed user users application applications app apps client id
    doesn isn don didn wasn aren contain contains expected received provided""".split()
)
MIN_DISTINCT = 5
# Words that only Microsoft's identity stack prints (its components, claims and parameter
# names); each counts twice. Identifiers in camelCase or with an underscore count the same way.
MICROSOFT_TERMS = set(
    """ngc mam msa dsts dstscache desktopsso fido otp rdp fairfax intune passthrough verifiable
    prt boundrt vsm optin diskcache azureadssoacc immutableid signingkey assertionid xsd
    customclaimstransformer userprincipal userhandle userobjectid claimtype errorcode""".split()
)


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def template_of(message):
    return re.sub(r"\{[^{}]*\}", "{}", message)


def norm(template):
    return re.sub(r"\s+", " ", template.lower().strip())


def distinct_words(template):
    literal = template.replace("{}", " ")
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", literal)}
    return {w for w in words if len(w) >= 3 and w not in GENERIC}


def is_distinctive(template):
    """Enough words of its own to stand for Microsoft's wording, not any vendor's."""
    literal = template.replace("{}", " ")
    words = distinct_words(template)
    marked = {
        w.lower()
        for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", literal)
        if "_" in w.strip("_") or re.search(r"[a-z][A-Z]", w) or w.lower() in MICROSOFT_TERMS
    }
    return len(words) + len(marked & words) >= MIN_DISTINCT


def template_regex(template):
    """The same translation as the decoder's template_to_regex, in Python."""
    template = template
    while template.startswith("{}"):
        template = template[2:]
    while template.endswith("{}"):
        template = template[:-2]
    pattern = ""
    for i, part in enumerate(template.split("{}")):
        if i > 0:
            pattern += r"(?s:.)*?"
        words = [re.escape(w) for w in part.split()]
        literal = r"\s+".join(words)
        if part[:1].isspace() and literal:
            literal = r"\s*" + literal
        if part[-1:].isspace() and literal:
            literal += r"\s*"
        pattern += literal
    return re.compile(pattern, re.IGNORECASE)


def toml_str(text):
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_block(text):
    if "'''" in text:
        return toml_str(text)
    return "'''\n" + text.strip() + "\n'''"


def code_key(code):
    return int(code[6:])


def parse_rows():
    rows = {}
    for number, line in enumerate(ROWS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ", 6)]
        if len(parts) != 7:
            sys.exit(f"{ROWS}:{number}: expected 7 fields, got {len(parts)}")
        code, topic, causes, related, title, gist, meaning = parts
        if topic not in TOPICS:
            sys.exit(f"{ROWS}:{number}: unknown topic key {topic!r}")
        cause_list = []
        for item in causes.split():
            cid, prior = item.rsplit(":", 1)
            cid = CAUSE_ALIASES.get(cid, cid)
            if not (KB / "causes" / f"{cid}.md").is_file():
                sys.exit(f"{ROWS}:{number}: unknown cause {cid!r}")
            cause_list.append((cid, float(prior)))
        if not cause_list:
            sys.exit(f"{ROWS}:{number}: {code} has no cause")
        for marker, sentence in MARKERS.items():
            if marker in meaning:
                meaning = meaning.replace(marker, "").rstrip() + " " + sentence
        meaning = re.sub(r"\s+", " ", meaning).strip()
        if code in rows:
            sys.exit(f"{ROWS}:{number}: {code} given twice")
        rows[code] = dict(
            topic=TOPICS[topic],
            causes=cause_list,
            related=[r for r in related.split() if r != code.lower()],
            title=f"{code}: {title}",
            gist=gist,
            meaning=meaning,
        )
    return rows


def frontmatter(path):
    text = path.read_text(encoding="utf-8")
    return tomllib.loads(text.split("+++")[1])


def main():
    check_only = "--check" in sys.argv
    live = {r["code"]: r["message"] for r in read_tsv(DATA / "aadsts-live-messages.tsv")}
    doc = {r["code"]: r for r in read_tsv(DATA / "aadsts-codes.tsv")}
    union = set(live) | set(doc)
    rows = parse_rows()

    table = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    existing = {}  # code -> dict(kind, messages, message)
    for entry in table["entry"]:
        for code in entry["codes"]:
            existing[code] = dict(kind="table", entry=entry)
    for path in sorted(PAGES.glob("*.md")):
        fm = frontmatter(path)
        for code in fm.get("codes", []):
            existing[code] = dict(kind="page", entry=fm, path=path)

    missing = sorted(union - set(existing) - set(rows), key=code_key)
    if missing:
        print(f"{len(missing)} codes have no row yet, e.g. {missing[:8]}", file=sys.stderr)
    extra = sorted(set(rows) - union, key=code_key)
    if extra:
        sys.exit(f"rows for codes outside the fact sources: {extra}")
    clash = sorted(set(rows) & set(existing), key=code_key)
    if clash:
        sys.exit(f"rows for codes that already have an entry: {clash}")

    # Candidate templates for every code with a live message: distinctive, and not shared
    # with another code (the lowest code keeps a shared one).
    candidates = {}
    owner_of = {}
    for code in sorted(live, key=code_key):
        template = template_of(live[code])
        if not is_distinctive(template):
            continue
        key = norm(template)
        if key in owner_of:
            continue
        owner_of[key] = code
        candidates[code] = template

    # Every message and variation elsewhere in the knowledge base, by entry id, to make sure
    # that a new template never matches another entry's text.
    others = {}  # id -> list of texts
    other_templates = {}  # id -> list of templates
    for toml_path in sorted((KB / "tables").glob("*.toml")):
        if toml_path.name == OUT.name:
            continue
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        for entry in data.get("entry", []):
            eid = entry.get("id") or entry["codes"][0].lower()
            texts = list(entry.get("variations", []))
            if entry.get("message"):
                texts.append(entry["message"])
            others[eid] = texts
            other_templates[eid] = list(entry.get("messages", []))
    for path in sorted((KB / "errors").glob("*/*.md")):
        fm = frontmatter(path)
        texts = list(fm.get("variations", []))
        if fm.get("message"):
            texts.append(fm["message"])
        others[fm["id"]] = texts
        other_templates[fm["id"]] = list(fm.get("messages", []))
    for code, message in live.items():
        others.setdefault(code.lower(), []).append(message)

    def foreign_hits(code, template):
        regex = template_regex(template)
        hits = []
        for eid, texts in others.items():
            if eid == code.lower():
                continue
            twin = live.get(eid.upper())
            if twin is not None and norm(template_of(twin)) == norm(template):
                continue  # the same message under another code: the lowest code keeps it
            for text in texts:
                stripped = re.sub(r"AADSTS\d+", "", text)
                if regex.search(stripped):
                    hits.append(eid)
                    break
        return hits

    def existing_templates_match(code, templates):
        return any(template_regex(t).search(live[code]) for t in templates)

    dropped = {}
    chosen = {}
    for code, template in candidates.items():
        if code in existing:
            current = existing[code]["entry"].get("messages", [])
            if current and existing_templates_match(code, current):
                continue
        hits = foreign_hits(code, template)
        if hits:
            dropped[code] = hits
            continue
        chosen[code] = template

    # Templates of other entries that would now match one of the new messages.
    stolen = []
    for eid, templates in other_templates.items():
        for template in templates:
            regex = template_regex(template)
            for code in rows:
                if code.lower() != eid and code in live and regex.search(live[code]):
                    stolen.append((eid, template, code))

    # --- the new table -------------------------------------------------------------------
    out = [
        "# Generated by scripts/gen-aadsts-service.py from scripts/aadsts-service-rows.txt (our",
        "# words) and the service's messages in shared/data/aadsts-live-messages.tsv. Edit the rows",
        "# file and run the script again rather than editing this file.",
        "",
        "[defaults]",
        'product = "entra-id"',
        'topic = "Service and platform"',
        'sources = ["shared/data/aadsts-live-messages.tsv"]',
        "last_reviewed = 2026-12-05",
    ]
    templates_added = 0
    for code in sorted(rows, key=code_key):
        row = rows[code]
        message = live.get(code)
        sources = ["shared/data/aadsts-live-messages.tsv"]
        if code in doc:
            sources.insert(0, "shared/data/aadsts-codes.tsv")
        if message is None:
            message = short_form(doc[code])
        out += ["", "[[entry]]", f'codes = ["{code}"]', f"title = {toml_str(row['title'])}"]
        out.append(f"topic = {toml_str(row['topic'])}")
        out.append(f"message = {toml_str(code + ': ' + message)}")
        if code in chosen:
            out.append(f"messages = [{toml_str(chosen[code])}]")
            templates_added += 1
        out.append(f"gist = {toml_str(row['gist'])}")
        out.append(f"meaning = {toml_block(row['meaning'])}")
        causes = ", ".join(f'{{ id = "{c}", prior = {p} }}' for c, p in row["causes"])
        out.append(f"causes = [{causes}]")
        if row["related"]:
            out.append("related = [" + ", ".join(f'"{r}"' for r in row["related"]) + "]")
        if sources != ["shared/data/aadsts-live-messages.tsv"]:
            out.append("sources = [" + ", ".join(f'"{s}"' for s in sources) + "]")
    new_text = "\n".join(out) + "\n"

    # --- existing entries ------------------------------------------------------------------
    table_text = TABLE.read_text(encoding="utf-8")
    table_text, table_added = fill_table(table_text, live, doc, chosen)
    page_changes = {}
    for path in sorted(PAGES.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        changed, added = fill_page(text, live, doc, chosen)
        if changed != text:
            page_changes[path] = changed
        templates_added += added
    templates_added += table_added

    print(f"rows {len(rows)}, existing {len(existing)}, union {len(union)}, missing {len(missing)}")
    print(f"templates: candidates {len(candidates)}, added {templates_added}, "
          f"dropped for matching other text {len(dropped)}")
    for code, hits in sorted(dropped.items(), key=lambda kv: code_key(kv[0])):
        print(f"  dropped {code}: matches {', '.join(hits[:5])}")
    for eid, template, code in stolen:
        print(f"  NOTE existing template of {eid} matches {code}'s message: {template}")
    internal = sum(
        1 for r in rows.values() if MARKERS["@int"] in r["meaning"] or MARKERS["@1p"] in r["meaning"]
    )
    print(f"rows marked internal or first-party: {internal}")
    if check_only:
        return
    OUT.write_text(new_text, encoding="utf-8")
    TABLE.write_text(table_text, encoding="utf-8")
    for path, text in page_changes.items():
        path.write_text(text, encoding="utf-8")


def short_form(row):
    """A message for a documented code the service's list lacks: the documented wording, short."""
    meaning = row["reference_meaning"].strip()
    name = row["name"].strip()
    if meaning and name:
        return f"{name} - {meaning}"
    return meaning or name


def fill_table(text, live, doc, chosen):
    """Adds `message` (and a template) to rows of aadsts.toml that lack them."""
    blocks = re.split(r"(?m)^(?=\[\[entry\]\]\s*$)", text)
    added = 0
    for i, block in enumerate(blocks):
        m = re.search(r'(?m)^codes = \["(AADSTS\d+)"', block)
        if not m:
            continue
        code = m.group(1)
        insert = []
        if not re.search(r"(?m)^message = ", block):
            message = live.get(code) or (short_form(doc[code]) if code in doc else None)
            if message:
                insert.append(f"message = {toml_str(code + ': ' + message)}")
        if code in chosen:
            mm = re.search(r"(?m)^messages = \[(.*)\]\s*$", block)
            if mm is None:
                insert.append(f"messages = [{toml_str(chosen[code])}]")
                added += 1
            elif toml_str(chosen[code]) not in mm.group(1):
                new_line = f"messages = [{mm.group(1)}, {toml_str(chosen[code])}]"
                block = block[: mm.start()] + new_line + block[mm.end():]
                added += 1
        if insert:
            t = re.search(r"(?m)^title = .*$", block)
            block = block[: t.end()] + "\n" + "\n".join(insert) + block[t.end():]
        blocks[i] = block
    return "".join(blocks), added


def fill_page(text, live, doc, chosen):
    head, sep, rest = text.partition("+++\n")
    fm, sep2, body = rest.partition("\n+++")
    m = re.search(r'(?m)^codes = \["(AADSTS\d+)"', fm)
    if not m:
        return text, 0
    code = m.group(1)
    added = 0
    insert = []
    if not re.search(r"(?m)^message = ", fm):
        message = live.get(code) or (short_form(doc[code]) if code in doc else None)
        if message:
            insert.append(f"message = {toml_str(code + ': ' + message)}")
    if code in chosen:
        mm = re.search(r"(?m)^messages = \[(.*)\]\s*$", fm)
        if mm is None:
            insert.append(f"messages = [{toml_str(chosen[code])}]")
            added += 1
        elif toml_str(chosen[code]) not in mm.group(1):
            fm = fm[: mm.start()] + f"messages = [{mm.group(1)}, {toml_str(chosen[code])}]" + fm[mm.end():]
            added += 1
    if insert:
        t = re.search(r"(?m)^title = .*$", fm)
        fm = fm[: t.end()] + "\n" + "\n".join(insert) + fm[t.end():]
    return head + sep + fm + sep2 + body, added


if __name__ == "__main__":
    main()
