//! The endpoint permission table (`permissions/*.tsv`).

use crate::{EndpointPermissions, Problem};

/// Parses `method<TAB>path<TAB>delegated<TAB>application<TAB>mailbox` rows; permission lists are
/// comma-separated, least-privileged first; `mailbox` is `yes` or `no`.
pub fn parse_table(
    path: &str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Vec<EndpointPermissions> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("method\t") {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 5 {
            problems.push(
                Problem::new(
                    path,
                    Some(line_number),
                    format!("expected 5 tab-separated fields, found {}", fields.len()),
                )
                .with_hint("method, path, delegated, application, mailbox"),
            );
            continue;
        }
        let list = |field: &str| -> Vec<String> {
            field
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && *p != "-")
                .map(String::from)
                .collect()
        };
        let needs_mailbox = match fields[4].trim() {
            "yes" => true,
            "no" => false,
            other => {
                problems.push(Problem::new(
                    path,
                    Some(line_number),
                    format!("mailbox must be `yes` or `no`, not `{other}`"),
                ));
                false
            }
        };
        if !fields[1].starts_with('/') {
            problems.push(Problem::new(path, Some(line_number), "the path must start with `/`"));
        }
        rows.push(EndpointPermissions {
            method: fields[0].trim().to_ascii_uppercase(),
            path: fields[1].trim().to_ascii_lowercase(),
            delegated: list(fields[2]),
            application: list(fields[3]),
            needs_mailbox,
        });
    }
    rows
}
