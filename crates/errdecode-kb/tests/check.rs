//! One invalid file per validation rule (`tests/invalid/*.md`), each naming in a
//! `# expect: ...` line the problem `kb check` must report for it, with its file and a line.

use errdecode_kb::{parse, SourceFile};

/// A small valid knowledge base the invalid file is added to.
fn base() -> Vec<SourceFile> {
    let file =
        |path: &str, text: &str| SourceFile { path: path.to_string(), text: text.to_string() };
    vec![
        file("products/fixture-product.md", "+++\nid = \"fixture-product\"\nname = \"Fixture\"\nsummary = \"s\"\ntopics = [\"Topic\"]\n[detect]\nwords = [\"fixture\"]\n+++\nHub text.\n"),
        file(
            "causes/fixture-cause.md",
            "+++\nid = \"fixture-cause\"\ntitle = \"T\"\nsummary = \"S\"\nlast_reviewed = 2026-11-20\n\n[[support]]\nsignal = \"token.expired\"\nweight = 0.5\n+++\n## How to confirm it\nCheck.\n## How to fix it\nFix.\n",
        ),
        file(
            "errors/fixture/base-error.md",
            "+++\nid = \"base-error\"\ntitle = \"Base\"\nproduct = \"fixture-product\"\ntopic = \"Topic\"\ncodes = [\"BaseCode\"]\nmessage = \"m\"\ngist = \"g\"\ncauses = [{ id = \"fixture-cause\", prior = 0.5 }]\nsources = [\"fixture\"]\nlast_reviewed = 2026-11-20\n+++\n## What it means\nText.\n",
        ),
    ]
}

#[test]
fn the_base_fixture_is_valid() {
    let (kb, problems) = parse(&base());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((kb.errors.len(), kb.causes.len(), kb.products.len()), (1, 1, 1));
}

#[test]
fn every_invalid_fixture_reports_its_problem_with_file_and_line() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(paths.len() >= 15, "fixtures went missing");
    let mut failures = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .find_map(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{name} has no `# expect:` line"))
            .trim()
            .to_string();
        let kb_path = if let Some(stem) = name.strip_suffix(".cause.md") {
            format!("causes/{stem}.md")
        } else if let Some(stem) = name.strip_suffix(".product.md") {
            format!("products/{stem}.md")
        } else {
            format!("errors/fixture/{name}")
        };
        let mut files = base();
        files.push(SourceFile { path: kb_path.clone(), text });
        let (_, problems) = parse(&files);
        match problems.iter().find(|p| p.message.contains(&expect)) {
            None => failures.push(format!(
                "{name}: expected a problem containing `{expect}`, got {problems:?}"
            )),
            Some(problem) => {
                if problem.line.is_none() {
                    failures.push(format!("{name}: the problem has no line: {problem}"));
                }
                let about_base =
                    problem.path == "errors/fixture/base-error.md" && expect.contains("claimed by");
                if problem.path != kb_path && !about_base {
                    failures.push(format!(
                        "{name}: the problem names {} instead of {kb_path}",
                        problem.path
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn problems_are_reported_all_at_once_and_numbered() {
    let mut files = base();
    files.push(SourceFile { path: "errors/fixture/a.md".into(), text: "no front matter".into() });
    files.push(SourceFile { path: "causes/b.md".into(), text: "+++\nid = 1\n".into() });
    files.push(SourceFile { path: "stray.txt".into(), text: "?".into() });
    let (_, problems) = parse(&files);
    assert_eq!(problems.len(), 3, "{problems:?}");
    let shown = errdecode_kb::Problems(problems).to_string();
    assert!(shown.contains("  1. errors/fixture/a.md:1:"), "{shown}");
    assert!(shown.contains("3 problem(s)"), "{shown}");
}
