#!/usr/bin/env python3
"""Writes kb/permissions/graph-endpoints.tsv from Microsoft's Graph permissions file.

The table holds every path and method of `permissions.json` (microsoft-graph-devx-content,
MIT), with the delegated and application permissions each accepts, in the order the decoder
shows them. Refresh it when Microsoft's file changes:

    python3 scripts/gen-endpoint-permissions.py ../shared/data/graph-permissions/permissions.json

The same rules are applied by `PermissionIndex::from_microsoft_json` in
crates/errdecode-core/src/permissions.rs (for `--permissions FILE`); a test holds the two equal.
Only names of permissions and paths are taken over; no text.

Rules:
- paths are lower-cased, every `{placeholder}` is `{id}`, a mail folder's well-known name
  (`inbox`, `sentitems` ...) is `{id}`, `fn(arg={value})` is `fn(...)`;
- `/me` paths take no application permission (a signed-in user is needed);
- an application scheme the file gives a delegated name without an app role of its own
  (no privilege level, e.g. `Calendars.ReadBasic`) is the `.All` one (`Calendars.ReadBasic.All`);
- order per method and scheme: the least-privileged marks first (a mark on a path set shared
  by GET and writes does not make a write permission least-privileged for GET), then
  permissions of the endpoint's own resource, then `Directory.*`, then the rest; read before
  write for GET; then privilege level and name;
- Teams resource-specific consent permissions (authorizationType RSC) go last and are marked
  `rsc`: they work only through a Teams app installed in the team or chat.
"""
import json
import sys
from collections import Counter, defaultdict

SCHEMES = ("DelegatedWork", "Application")
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
METHOD_ORDER = ("GET", "POST", "PATCH", "PUT", "DELETE")
MAIL_FOLDERS = ("inbox", "sentitems", "drafts", "deleteditems", "archive", "junkemail", "outbox",
                "msgfolderroot", "recoverableitemsdeletions", "clutter", "conflicts",
                "conversationhistory", "localfailures", "scheduled", "searchfolders",
                "serverfailures", "syncissues")
MAILBOX_SEGMENTS = ("messages", "mailfolders", "sendmail", "events", "calendar", "calendars",
                    "calendarview", "calendargroups", "contacts", "contactfolders", "mailboxsettings",
                    "inferenceclassification", "outlook", "findmeetingtimes", "getschedule")
NOT_MAILBOX = ("chats", "channels", "joinedteams", "teamwork", "onlinemeetings", "chat")


def normalize(path):
    """The table's form of a path template (crates/errdecode-core/src/permissions.rs
    `normalize_template` does the same)."""
    out = []
    for segment in path.lower().split("/")[1:]:
        if "{" in segment and "(" not in segment:
            segment = "{id}:" if segment.endswith(":") else "{id}"
        elif "(" in segment:
            if segment.endswith(")"):
                segment = segment[: segment.index("(")] + "(...)"
        elif out and out[-1] in ("mailfolders", "childfolders") and segment in MAIL_FOLDERS:
            segment = "{id}"
        elif out and out[-1] == "items" and segment == "root":
            segment = "{id}"
        out.append(segment)
    return "/" + "/".join(out)


def needs_mailbox(path):
    segments = path.split("/")
    return (len(segments) > 1 and segments[1] in ("me", "users")
            and not any(s in NOT_MAILBOX for s in segments)
            and any(s in MAILBOX_SEGMENTS for s in segments))


def is_read(name):
    action = name.split(".")[1] if "." in name else ""
    return action.startswith("Read") and "Write" not in action


def family(name):
    return name.split(".")[0].split("-")[0].lower()


def singular(word):
    return word[:-1] if word.endswith("s") else word


def build(permissions):
    """{(method, path): {scheme: {name: (least, level, rsc)}}} with the rules above."""
    app_alias = {}
    for name, permission in permissions.items():
        app = permission.get("schemes", {}).get("Application")
        other = permissions.get(name + ".All", {}).get("schemes", {})
        if app is not None and app.get("privilegeLevel") is None and "Application" in other:
            app_alias[name] = name + ".All"
    table = defaultdict(lambda: {s: {} for s in SCHEMES})
    for name, permission in sorted(permissions.items()):
        rsc = permission.get("authorizationType") == "RSC"
        for path_set in permission.get("pathSets", []):
            methods = [m.upper() for m in path_set.get("methods", [])]
            shared_with_writes = any(m in WRITE_METHODS for m in methods)
            for raw_path, value in path_set.get("paths", {}).items():
                path = normalize(raw_path)
                least = [s for pair in value.split(";") if pair.strip().startswith("least=")
                         for s in pair.strip()[6:].split(",")]
                for method in methods:
                    for scheme in path_set.get("schemeKeys", []):
                        if scheme not in SCHEMES:
                            continue
                        if scheme == "Application" and (path == "/me" or path.startswith("/me/")):
                            continue
                        shown = app_alias.get(name, name) if scheme == "Application" else name
                        source = permissions.get(shown, permission)
                        level = source.get("schemes", {}).get(scheme, {}).get("privilegeLevel") or 3
                        marked = scheme in least and not (
                            method == "GET" and shared_with_writes and not is_read(shown))
                        entries = table[(method, path)][scheme]
                        old = entries.get(shown)
                        if old is None or (marked and not old[0]):
                            entries[shown] = (marked, level, rsc)
    return table


def ordered(method, path, schemes):
    """The two lists, each as [(name, least, rsc)], in display order."""
    relevant = {family(n) for s in schemes.values() for n, (least, _, _) in s.items() if least}
    segments = {singular(s) for s in path.split("/") if s and not s.startswith("{")}
    out = {}
    for scheme, entries in schemes.items():
        def key(item):
            name, (least, level, rsc) = item
            fam = family(name)
            tier = 0 if fam in relevant or singular(fam) in segments else 1 if fam == "directory" else 2
            write = method == "GET" and not is_read(name)
            return (rsc, not least, tier, write, level, name)
        out[scheme] = [(name, least and not rsc, rsc) for name, (least, _, rsc) in
                       sorted(entries.items(), key=key)]
    return out


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/graph-permissions/permissions.json"
    target = sys.argv[2] if len(sys.argv) > 2 else "kb/permissions/graph-endpoints.tsv"
    permissions = json.load(open(source, encoding="utf-8"))["permissions"]
    table = build(permissions)
    rows = {key: ordered(key[0], key[1], value) for key, value in table.items()
            if value["DelegatedWork"] or value["Application"]}
    # Names numbered by how often they are used, so the common ones are short.
    uses = Counter(name for lists in rows.values() for entries in lists.values() for name, _, _ in entries)
    rsc_names = {name for lists in rows.values() for entries in lists.values() for name, _, rsc in entries if rsc}
    names = sorted(uses, key=lambda n: (-uses[n], n))
    number = {name: i for i, name in enumerate(names)}

    def encode(entries):
        return ",".join(f"{number[n]}{'*' if least else ''}" for n, least, _ in entries) or "-"

    by_path = defaultdict(dict)
    for (method, path), lists in rows.items():
        by_path[path][method] = (encode(lists["DelegatedWork"]), encode(lists["Application"]))
    lines = [
        "# Every Microsoft Graph endpoint (path template and method) of Microsoft's permissions.json",
        "# (microsoft-graph-devx-content, MIT) and the permissions that let a caller use it.",
        "# Written by scripts/gen-endpoint-permissions.py; do not edit by hand.",
        "#",
        "# `=Name` lines number the permissions from 0 in order; `rsc` marks a Teams",
        "# resource-specific consent permission (needs a Teams app installed in the team or chat).",
        "# Endpoint lines: path, `m` when the data lives in an Exchange Online mailbox (else `-`),",
        "# methods (`,`-separated, sharing the lists), delegated and application permission numbers",
        "# in the order to show them, `*` after the least-privileged ones, `-` for none. A line",
        "# with an empty path and flag continues the path above. A path written `N/rest` is the",
        "# first N segments of the path above followed by `/rest` (`2/messages` after `/users/{id}`",
        "# is `/users/{id}/messages`).",
    ]
    for name in names:
        lines.append(f"={name}\trsc" if name in rsc_names else f"={name}")
    previous = []
    for path in sorted(by_path):
        methods = by_path[path]
        groups = defaultdict(list)
        for method in sorted(methods, key=lambda m: (METHOD_ORDER.index(m) if m in METHOD_ORDER else 9, m)):
            groups[methods[method]].append(method)
        segments = path.split("/")[1:]
        kept = 0
        while kept < min(len(segments), len(previous)) - 0 and segments[kept] == previous[kept]:
            kept += 1
        kept = min(kept, len(segments) - 1)
        written = ("/" if kept == 0 else f"{kept}/") + "/".join(segments[kept:])
        previous = segments
        first = True
        for lists, group in groups.items():
            lead = f"{written}\t{'m' if needs_mailbox(path) else '-'}" if first else "\t"
            lines.append(f"{lead}\t{','.join(group)}\t{lists[0]}\t{lists[1]}")
            first = False
    paths = len(by_path)
    with open(target, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{paths} paths, {len(rows)} endpoints, {len(names)} permissions written", file=sys.stderr)


if __name__ == "__main__":
    main()
