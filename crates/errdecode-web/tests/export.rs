//! The static export: every internal link of every exported page resolves (anchors too),
//! every exported file equals what the server answers for the same address, and exporting
//! again into the same folder replaces the last export without touching anything else.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use errdecode_web::export::{self, Progress};

fn export_into(dir: &Path) -> export::Summary {
    export::export(&site(), dir, Progress::Quiet).expect("the export succeeds")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The file a root-relative link points at in the export, and its fragment.
fn target(dir: &Path, link: &str) -> (PathBuf, Option<String>) {
    let (rest, fragment) = match link.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment.to_string())),
        None => (link, None),
    };
    let path = rest.split('?').next().unwrap();
    (dir.join(errdecode_web::urls::file_for(path)), fragment)
}

#[test]
fn every_internal_link_of_every_page_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let summary = export_into(dir.path());
    let site = site();
    assert_eq!(
        summary.pages,
        4 + site.kb().products.len() + site.kb().errors.len() + site.kb().causes.len()
    );
    let pages: Vec<PathBuf> = files_under(dir.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(pages.len(), summary.pages);

    let mut ids_of: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut checked = 0;
    let event_handler = regex::Regex::new(r"(?i)<[^>]+\son[a-z]+\s*=").unwrap();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        // What the Content-Security-Policy would refuse: inline styles, inline or foreign
        // scripts, event-handler attributes.
        assert!(!html.contains("style=\""), "{}: an inline style", page.display());
        let scripts = html.matches("<script").count()
            - html.matches("<script type=\"application/ld+json\">").count();
        assert_eq!(scripts, 1, "{}: one script (and structured data)", page.display());
        // The one script, naming the browser's decoder when it was built.
        let script = match &site.assets().wasm {
            Some(wasm) => format!(
                "<script src=\"{}\" defer data-wasm-js=\"{}\" data-wasm=\"{}\"></script>",
                site.assets().js.url(),
                wasm.glue.url(),
                wasm.module.url()
            ),
            None => format!("<script src=\"{}\" defer></script>", site.assets().js.url()),
        };
        assert!(html.contains(&script), "{}: {script}", page.display());
        assert!(!event_handler.is_match(&html), "{}: an event handler attribute", page.display());
        for link in links(&html) {
            if link.starts_with("https://")
                || link.starts_with("http://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (file, fragment) = if let Some(fragment) = link.strip_prefix('#') {
                (page.clone(), Some(fragment.to_string()))
            } else {
                assert!(link.starts_with('/'), "{}: relative link {link}", page.display());
                target(dir.path(), &link)
            };
            assert!(
                file.is_file(),
                "{}: {link} does not resolve ({} missing)",
                page.display(),
                file.display()
            );
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let ids = ids_of.entry(file.clone()).or_insert_with(|| {
                    ids(&std::fs::read_to_string(&file).unwrap()).into_iter().collect()
                });
                assert!(ids.contains(&fragment), "{}: {link}: no id {fragment}", page.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} links checked");
}

#[tokio::test]
async fn exported_pages_equal_served_pages() {
    let dir = tempfile::tempdir().unwrap();
    export_into(dir.path());
    let router = router();
    let site = site();
    let mut compared = 0;
    for (path, _) in export::pages(&site) {
        let file = dir.path().join(errdecode_web::urls::file_for(&path));
        let exported = std::fs::read(&file).unwrap();
        // The not-found page is what the server answers for any unknown address.
        let served_path =
            if path == "/404.html" { "/no-such-address/".to_string() } else { path.clone() };
        let answer = get(&router, &served_path).await;
        let expected_status = if path == "/404.html" { 404 } else { 200 };
        assert_eq!(answer.status.as_u16(), expected_status, "{path}");
        assert!(answer.body == exported, "{path}: the exported page differs from the served one");
        compared += 1;
    }
    for path in ["/search-index.json".to_string(), "/api/v1/openapi.json".to_string()]
        .into_iter()
        .chain(site.assets().all().iter().map(|a| a.url()))
    {
        let exported =
            std::fs::read(dir.path().join(errdecode_web::urls::file_for(&path))).unwrap();
        assert!(get(&router, &path).await.body == exported, "{path}");
        compared += 1;
    }
    assert_eq!(compared, export::pages(&site).len() + 2 + site.assets().all().len());
}

#[test]
fn exporting_again_replaces_only_what_the_export_wrote() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("site");
    let first = export_into(&dir);
    let stale = dir.join("errors/an-error-since-removed/index.html");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "old").unwrap();
    // A manifest that names a file outside the folder must not reach it.
    let outside = root.path().join("outside.txt");
    std::fs::write(&outside, "not the export's").unwrap();
    let manifest = dir.join(export::MANIFEST);
    let mut listed = std::fs::read_to_string(&manifest).unwrap();
    listed.push_str("errors/an-error-since-removed/index.html\n../outside.txt\n");
    std::fs::write(&manifest, listed).unwrap();
    let keep = dir.join("CNAME");
    std::fs::write(&keep, "errors.example.com").unwrap();

    let second = export_into(&dir);
    assert_eq!(first.files, second.files);
    assert!(!stale.exists(), "a page of the last export that is gone now is removed");
    assert!(!stale.parent().unwrap().exists(), "and its empty folder");
    assert!(keep.exists(), "a file the export did not write stays");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "not the export's");

    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("notes.txt"), "mine").unwrap();
    let error = export::export(&site(), other.path(), Progress::Quiet).unwrap_err();
    assert!(error.to_string().contains("is not empty"), "{error}");
    assert!(other.path().join("notes.txt").exists());
}
