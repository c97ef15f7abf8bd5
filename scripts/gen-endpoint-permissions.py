#!/usr/bin/env python3
"""Writes kb/permissions/graph-endpoints.tsv from Microsoft's Graph permissions file.

The knowledge base ships a small table of the Graph endpoints people call most, with the
delegated and application permissions each accepts, least-privileged first. This script derives
it from `permissions.json` (microsoft-graph-devx-content, MIT) so that the table can be
refreshed when Microsoft's file changes:

    python3 scripts/gen-endpoint-permissions.py ../shared/data/graph-permissions/permissions.json

Only names of permissions and paths are taken over; no text.
"""
import json
import sys

# (method, path) pairs, as Microsoft writes paths: lower-case, {id} slots, no version prefix.
# Change-notification subscriptions (/subscriptions) are not listed: creating one needs the
# permission that reads the resource being watched, which the decoder cannot know from the path.
ENDPOINTS = [
    ("GET", "/users"), ("GET", "/users/{id}"), ("PATCH", "/users/{id}"), ("POST", "/users"),
    ("DELETE", "/users/{id}"), ("GET", "/me"), ("PATCH", "/me"),
    ("GET", "/me/events"), ("GET", "/users/{id}/events"), ("POST", "/users/{id}/events"), ("POST", "/me/events"),
    ("GET", "/me/calendar/events"), ("GET", "/users/{id}/calendar/events"), ("POST", "/users/{id}/calendar/events"),
    ("GET", "/me/calendarview"), ("GET", "/users/{id}/calendarview"), ("GET", "/users/{id}/calendar/calendarview"),
    ("GET", "/me/calendars"), ("GET", "/users/{id}/calendars"), ("GET", "/users/{id}/calendar"),
    ("GET", "/me/messages"), ("GET", "/users/{id}/messages"), ("GET", "/users/{id}/messages/{id}"),
    ("GET", "/me/mailfolders"), ("GET", "/users/{id}/mailfolders"), ("GET", "/me/mailfolders/{id}/messages"),
    ("GET", "/users/{id}/mailfolders/{id}/messages"), ("POST", "/me/sendmail"), ("POST", "/users/{id}/sendmail"),
    ("GET", "/me/contacts"), ("GET", "/users/{id}/contacts"), ("GET", "/users/{id}/mailboxsettings"),
    ("GET", "/groups"), ("GET", "/groups/{id}"), ("POST", "/groups"), ("GET", "/groups/{id}/members"),
    ("POST", "/groups/{id}/members/$ref"), ("GET", "/groups/{id}/owners"), ("GET", "/users/{id}/memberof"),
    ("GET", "/me/memberof"), ("GET", "/me/drive"), ("GET", "/me/drive/root/children"), ("GET", "/users/{id}/drive"),
    ("GET", "/drives/{id}"), ("GET", "/drives/{id}/items/{id}"), ("GET", "/drives/{id}/root/children"),
    ("GET", "/sites/{id}"), ("GET", "/sites/{id}/lists"), ("GET", "/sites/{id}/lists/{id}/items"), ("GET", "/sites/{id}/drives"),
    ("GET", "/teams/{id}"), ("GET", "/teams/{id}/channels"), ("GET", "/teams/{id}/channels/{id}/messages"),
    ("POST", "/teams/{id}/channels/{id}/messages"), ("GET", "/me/joinedteams"), ("GET", "/users/{id}/joinedteams"),
    ("GET", "/chats"), ("GET", "/chats/{id}/messages"), ("POST", "/chats/{id}/messages"), ("GET", "/me/chats"), ("GET", "/users/{id}/chats"),
    ("GET", "/applications"), ("GET", "/applications/{id}"), ("POST", "/applications"), ("PATCH", "/applications/{id}"),
    ("GET", "/serviceprincipals"), ("GET", "/serviceprincipals/{id}"), ("POST", "/serviceprincipals/{id}/approleassignments"),
    ("GET", "/directoryroles"), ("GET", "/directoryroles/{id}/members"),
    ("GET", "/auditlogs/signins"), ("GET", "/auditlogs/directoryaudits"),
    ("GET", "/reports/getemailactivityuserdetail(period={value})"), ("GET", "/reports/getoffice365activeuserdetail(period={value})"),
    ("GET", "/reports/getteamsuseractivityuserdetail(period={value})"), ("GET", "/reports/getsharepointsiteusagedetail(period={value})"),
    ("GET", "/me/presence"), ("GET", "/users/{id}/presence"), ("GET", "/communications/presences/{id}"), ("POST", "/communications/getpresencesbyuserid"),
    ("GET", "/me/onlinemeetings"), ("POST", "/me/onlinemeetings"), ("GET", "/users/{id}/onlinemeetings"),
    ("POST", "/users/{id}/onlinemeetings"), ("GET", "/users/{id}/onlinemeetings/{id}/transcripts"),
    ("GET", "/organization"), ("GET", "/me/todo/lists"), ("GET", "/users/{id}/todo/lists"),
]

MAILBOX = ("messages", "mailfolders", "sendmail", "events", "calendar", "calendars", "calendarview", "contacts", "mailboxsettings")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/graph-permissions/permissions.json"
    permissions = json.load(open(path, encoding="utf-8"))["permissions"]
    rows = []
    for method, endpoint in ENDPOINTS:
        ranked = {"DelegatedWork": [], "Application": []}
        for name, permission in sorted(permissions.items()):
            for path_set in permission.get("pathSets", []):
                if method not in path_set.get("methods", []) or endpoint not in path_set.get("paths", {}):
                    continue
                value = path_set["paths"][endpoint]
                least = [s for pair in value.split(";") if pair.startswith("least=") for s in pair[6:].split(",")]
                for scheme in path_set.get("schemeKeys", []):
                    if scheme in ranked:
                        level = permission.get("schemes", {}).get(scheme, {}).get("privilegeLevel", 3)
                        ranked[scheme].append((scheme not in least, level, name))
        if not ranked["DelegatedWork"] and not ranked["Application"]:
            print(f"warning: no permissions for {method} {endpoint}", file=sys.stderr)
            continue

        def ordered(items):
            names = []
            for _, _, name in sorted(items):
                if name not in names:
                    names.append(name)
            return ",".join(names) or "-"

        segments = endpoint.split("/")
        mailbox = "yes" if segments[1] in ("me", "users") and any(s in MAILBOX for s in segments) else "no"
        rows.append(f"{method}\t{endpoint}\t{ordered(ranked['DelegatedWork'])}\t{ordered(ranked['Application'])}\t{mailbox}")
    out = open("kb/permissions/graph-endpoints.tsv", "w", encoding="utf-8")
    out.write("# Graph endpoints and the permissions that let a caller use them, least-privileged first.\n")
    out.write("# Derived by scripts/gen-endpoint-permissions.py from Microsoft's permissions.json (MIT).\n")
    out.write("method\tpath\tdelegated\tapplication\tmailbox\n")
    out.write("\n".join(rows) + "\n")
    print(f"{len(rows)} endpoints written", file=sys.stderr)


if __name__ == "__main__":
    main()
