//! The static export: every browse, error and cause page, the search page with the index it
//! searches in the browser, the assets and a `404.html`, written as plain files for any
//! static host or CDN, with the API's OpenAPI description.
//!
//! Pages are rendered by the same functions the server calls ([`render_page`] over
//! [`pages`]), at the same paths: `/errors/<id>/` is written as `errors/<id>/index.html`.
//! With the browser's decoder built (`scripts/build-wasm.sh`), it is among the assets and
//! written too: the paste box then decodes in the page and the search page searches with it, on
//! any static host. Without it the paste box posts to `/decode`, which needs `errdecode serve`:
//! put the export in front of the server (a CDN for the pages, the server for `/decode` and
//! `/api/`), or use it to browse only.

use std::collections::BTreeSet;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use errdecode_kb::{Cause, ErrorEntry, Product};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::site::Site;
use crate::{pages, urls};

/// Marks a folder as written by the export and lists the files in it, so that a new export
/// into the same folder removes what the last one wrote and nothing else.
pub const MANIFEST: &str = ".errdecode-export";

/// One page of the site.
#[derive(Debug, Clone, Copy)]
pub enum Page<'a> {
    Home,
    Causes,
    Search,
    NotFound,
    Product(&'a Product),
    Error(&'a ErrorEntry),
    Cause(&'a Cause),
}

/// Every page of the export with its URL path (`/404.html` for the not-found page, which a
/// static host serves for any unknown address).
pub fn pages(site: &Site) -> Vec<(String, Page<'_>)> {
    let kb = site.kb();
    let mut pages = vec![
        (urls::HOME.to_string(), Page::Home),
        (urls::CAUSES.to_string(), Page::Causes),
        (urls::SEARCH.to_string(), Page::Search),
        ("/404.html".to_string(), Page::NotFound),
    ];
    pages.extend(kb.products.iter().map(|p| (urls::product(&p.id), Page::Product(p))));
    pages.extend(kb.errors.iter().map(|e| (urls::error(&e.id), Page::Error(e))));
    pages.extend(kb.causes.iter().map(|c| (urls::cause(&c.id), Page::Cause(c))));
    pages
}

/// Renders one page, exactly as the server answers its path.
pub fn render_page(site: &Site, page: Page<'_>) -> Result<String, minijinja::Error> {
    match page {
        Page::Home => pages::render_home(site),
        Page::Causes => pages::render_causes(site),
        Page::Search => pages::render_search(site, "", &Default::default()),
        Page::NotFound => pages::render_not_found(site, None, &[]),
        Page::Product(product) => pages::render_product(site, product),
        Page::Error(entry) => pages::render_error(site, entry),
        Page::Cause(cause) => pages::render_cause(site, cause),
    }
}

/// How the export reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar on standard error.
    Bar,
    /// A line at the start and one per hundred files, on standard error.
    Plain,
    Quiet,
}

impl Progress {
    /// A bar on a terminal, plain lines otherwise.
    pub fn auto() -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Plain
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    pub dir: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

#[derive(Debug)]
pub enum ExportError {
    /// The folder holds files the export did not write.
    NotEmpty(PathBuf),
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Render {
        page: String,
        source: minijinja::Error,
    },
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NotEmpty(dir) => write!(
                f,
                "{} is not empty and was not written by `errdecode export`; choose a new or empty folder",
                dir.display()
            ),
            ExportError::Io { path, source } => write!(f, "cannot write {}: {source}", path.display()),
            ExportError::Render { page, source } => write!(f, "cannot render {page}: {source}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::NotEmpty(_) => None,
            ExportError::Io { source, .. } => Some(source),
            ExportError::Render { source, .. } => Some(source),
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io { path: path.to_path_buf(), source }
}

/// Writes the whole site into `dir` (created if missing).
pub fn export(site: &Site, dir: &Path, progress: Progress) -> Result<Summary, ExportError> {
    prepare(dir)?;
    let pages = pages(site);
    let assets = site.assets().all();
    // Pages, the search index, the API description the footer links to, the assets.
    let total = pages.len() + 2 + assets.len();
    let bar = match progress {
        Progress::Bar => {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {wide_msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix("exporting");
            Some(bar)
        }
        Progress::Plain => {
            eprintln!("exporting {total} files to {}", dir.display());
            None
        }
        Progress::Quiet => None,
    };

    let mut written: Vec<String> = Vec::with_capacity(total);
    let mut bytes: u64 = 0;
    let mut write = |relative: String, contents: &[u8]| -> Result<(), ExportError> {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        fs::write(&path, contents).map_err(io_error(&path))?;
        bytes += contents.len() as u64;
        written.push(relative);
        match (&bar, progress) {
            (Some(bar), _) => {
                bar.set_message(written.last().cloned().unwrap_or_default());
                bar.inc(1);
            }
            (None, Progress::Plain) if written.len().is_multiple_of(100) => {
                eprintln!("  {}/{total} files", written.len());
            }
            _ => {}
        }
        Ok(())
    };

    for (path, page) in &pages {
        let html = render_page(site, *page)
            .map_err(|source| ExportError::Render { page: path.clone(), source })?;
        write(urls::file_for(path), html.as_bytes())?;
    }
    write(urls::file_for(urls::SEARCH_INDEX), pages::render_search_index(site).as_bytes())?;
    write(urls::file_for(urls::OPENAPI), crate::api::OPENAPI.as_bytes())?;
    for asset in assets {
        write(urls::file_for(&asset.url()), asset.bytes)?;
    }
    let files = written.len();

    let manifest_path = dir.join(MANIFEST);
    let mut manifest = fs::File::create(&manifest_path).map_err(io_error(&manifest_path))?;
    for relative in &written {
        writeln!(manifest, "{relative}").map_err(io_error(&manifest_path))?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(Summary { dir: dir.to_path_buf(), pages: pages.len(), files, bytes })
}

/// Creates `dir`, or empties it of what a previous export wrote; refuses a folder with
/// anything else in it.
fn prepare(dir: &Path) -> Result<(), ExportError> {
    if !dir.exists() {
        return fs::create_dir_all(dir).map_err(io_error(dir));
    }
    let mut entries = fs::read_dir(dir).map_err(io_error(dir))?.peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    let manifest_path = dir.join(MANIFEST);
    let Ok(manifest) = fs::read_to_string(&manifest_path) else {
        return Err(ExportError::NotEmpty(dir.to_path_buf()));
    };
    let mut folders = BTreeSet::new();
    for relative in manifest.lines().filter(|l| !l.is_empty()) {
        // Only plain relative paths, as the export writes them: never climb out of `dir`.
        let relative = Path::new(relative);
        if relative.is_absolute()
            || relative.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let path = dir.join(relative);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(ExportError::Io { path, source: error }),
        }
        let mut parent = relative.parent();
        while let Some(folder) = parent.filter(|p| !p.as_os_str().is_empty()) {
            folders.insert(folder.to_path_buf());
            parent = folder.parent();
        }
    }
    // Deepest first; a folder that still holds something of the user's stays.
    for folder in folders.iter().rev() {
        let _ = fs::remove_dir(dir.join(folder));
    }
    fs::remove_file(&manifest_path).map_err(io_error(&manifest_path))
}
