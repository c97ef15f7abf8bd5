//! The endpoint permission table (`permissions/*.tsv`), as written by
//! `scripts/gen-endpoint-permissions.py`:
//!
//! - `=Name` lines number the permissions from 0 in order; `=Name<TAB>rsc` marks a Teams
//!   resource-specific consent permission;
//! - endpoint lines are `path<TAB>mailbox<TAB>methods<TAB>delegated<TAB>application`: `mailbox`
//!   is `m` (the data lives in an Exchange Online mailbox) or `-`; `methods` are `,`-separated
//!   and share the lists; a list is `,`-separated permission numbers in the order to show them,
//!   `*` after the least-privileged ones (which come first), or `-`;
//! - an empty path and mailbox continue the path above; a path written `N/rest` is the first
//!   `N` segments of the path above followed by `/rest`.

use std::collections::HashMap;

use crate::{EndpointRow, EndpointTable, Problem};

/// How many endpoints (method and path) a table file holds, without building its rows.
pub fn count_rows(text: &str) -> usize {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#') && !line.starts_with('='))
        .filter_map(|line| line.split('\t').nth(2))
        .map(|methods| methods.split(',').filter(|m| !m.trim().is_empty()).count())
        .sum()
}

/// Adds the rows of one table file to `table`.
pub fn parse_table(path: &str, text: &str, table: &mut EndpointTable, problems: &mut Vec<Problem>) {
    // This file's numbers to the table's.
    let mut local: Vec<u16> = Vec::new();
    let mut known: HashMap<String, u16> =
        table.names.iter().enumerate().map(|(i, n)| (n.clone(), i as u16)).collect();
    let mut previous: Vec<String> = Vec::new();
    let mut mailbox = false;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let problem = |message: String| Problem::new(path, Some(line_number), message);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('=') {
            let (name, flag) = name.split_once('\t').unwrap_or((name, ""));
            let rsc = match flag.trim() {
                "" => false,
                "rsc" => true,
                other => {
                    problems.push(problem(format!("unknown permission flag `{other}`")));
                    false
                }
            };
            let number = match known.get(name.trim()) {
                Some(&n) => {
                    table.resource_specific[n as usize] |= rsc;
                    n
                }
                None => {
                    table.names.push(name.trim().to_string());
                    table.resource_specific.push(rsc);
                    let n = (table.names.len() - 1) as u16;
                    known.insert(name.trim().to_string(), n);
                    n
                }
            };
            local.push(number);
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 5 {
            problems.push(
                problem(format!("expected 5 tab-separated fields, found {}", fields.len()))
                    .with_hint("path, mailbox, methods, delegated, application"),
            );
            continue;
        }
        if !fields[0].is_empty() {
            let written = fields[0].trim().to_ascii_lowercase();
            let (kept, rest) = match written.split_once('/') {
                Some(("", rest)) => (0, rest),
                Some((count, rest)) => match count.parse::<usize>() {
                    Ok(n) if n <= previous.len() => (n, rest),
                    _ => {
                        problems.push(problem(format!(
                            "`{count}/` keeps more segments than the path above has"
                        )));
                        continue;
                    }
                },
                None => {
                    problems.push(problem("the path must start with `/` or `N/`".into()));
                    continue;
                }
            };
            previous.truncate(kept);
            previous.extend(rest.split('/').map(String::from));
            mailbox = match fields[1].trim() {
                "m" => true,
                "-" => false,
                other => {
                    problems.push(problem(format!("mailbox must be `m` or `-`, not `{other}`")));
                    false
                }
            };
        } else if previous.is_empty() {
            problems.push(problem("a continuation line needs a path above it".into()));
            continue;
        }
        // Microsoft writes a few paths with a trailing `/`; the lookups' spelling has none.
        let full = format!(
            "/{}",
            previous.iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join("/")
        );
        let mut list = |field: &str| -> (Vec<u16>, u8) {
            let mut numbers = Vec::new();
            let mut least = 0u8;
            for item in field.split(',').map(str::trim).filter(|p| !p.is_empty() && *p != "-") {
                let (digits, marked) = match item.strip_suffix('*') {
                    Some(digits) => (digits, true),
                    None => (item, false),
                };
                match digits.parse::<usize>().ok().and_then(|n| local.get(n)) {
                    Some(&n) => {
                        if marked {
                            if least as usize != numbers.len() {
                                problems.push(problem(format!(
                                    "least-privileged `{item}` after one that is not"
                                )));
                            }
                            least = least.saturating_add(1);
                        }
                        numbers.push(n);
                    }
                    None => problems.push(problem(format!("no permission numbered `{digits}`"))),
                }
            }
            (numbers, least)
        };
        let (delegated, delegated_least) = list(fields[3]);
        let (application, application_least) = list(fields[4]);
        for method in fields[2].split(',').map(str::trim).filter(|m| !m.is_empty()) {
            table.rows.push(EndpointRow {
                method: method.to_ascii_uppercase(),
                path: full.clone(),
                delegated: delegated.clone(),
                application: application.clone(),
                delegated_least,
                application_least,
                needs_mailbox: mailbox,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_compact_table() {
        let text = "# comment\n=User.Read\n=User.ReadWrite.All\n=ChannelMessage.Read.Group\trsc\n\
                    /me\t-\tGET\t0*,1\t-\n\t\tPATCH\t1*\t-\n\
                    /teams/{id}/channels/{id}/messages\t-\tGET\t-\t1,2\n\
                    4/replies\t-\tGET,POST\t-\t2\n\
                    /users/{id}/messages\tm\tGET\t0\t0\n";
        let mut table = EndpointTable::default();
        let mut problems = Vec::new();
        parse_table("permissions/t.tsv", text, &mut table, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let paths: Vec<(&str, &str)> =
            table.rows.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("GET", "/me"),
                ("PATCH", "/me"),
                ("GET", "/teams/{id}/channels/{id}/messages"),
                ("GET", "/teams/{id}/channels/{id}/replies"),
                ("POST", "/teams/{id}/channels/{id}/replies"),
                ("GET", "/users/{id}/messages"),
            ]
        );
        let me = table.permissions(&table.rows[0]);
        assert_eq!(me.delegated, ["User.Read", "User.ReadWrite.All"]);
        assert_eq!(me.delegated_least, 1);
        let messages = table.permissions(&table.rows[2]);
        assert_eq!(messages.resource_specific, ["ChannelMessage.Read.Group"]);
        assert!(table.rows[5].needs_mailbox && !table.rows[0].needs_mailbox);
        assert_eq!(table.paths(), 4);
        assert_eq!(count_rows(text), table.len());

        let mut problems = Vec::new();
        parse_table("permissions/t.tsv", "=A\n/x\t-\tGET\t0,1*\t7\n", &mut table, &mut problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
