//! errdecode-web: the web site, the JSON API and the static export.
//!
//! One set of templates, two sinks. Every page is produced by a `render_*` function in
//! [`pages`] that takes the [`Site`] (the decoder plus what the pages need precomputed) and
//! returns HTML. The server ([`app`]) calls those functions behind HTTP handlers and keeps the
//! browse pages in memory once rendered; the export ([`export`]) calls the very same functions
//! and writes their output to files. A parity test holds the two to byte-for-byte equality.
//!
//! The URLs are chosen to work in both sinks: a page lives at a folder path (`/errors/<id>/`),
//! which the server answers and the export writes as `errors/<id>/index.html`, and every asset
//! name carries a hash of its content, so both can cache it for a year.
//!
//! Privacy is a design constraint, not a feature: the browser strips JWT signatures before a
//! paste is sent (`static/app.js`), every page and API answer passes through the redactor
//! on its way out ([`privacy`]: the knowledge base's own text goes out as written), and the
//! server logs method, path, status and latency only, never a body or a query string.
//!
//! This is the only crate of the workspace that knows HTTP. The decoder it wraps does no I/O;
//! the command line starts the server (`serve_forever`) and the export (`export::export`).
//!
//! The server, the API, the feedback store and the export are the cargo feature `server` (on by
//! default). Without it the crate is the pages alone ([`site`], [`pages`], the templates), which
//! build for wasm32: `errdecode-wasm` renders the result page in the browser with this very
//! code.

#[cfg(feature = "server")]
pub mod api;
pub mod assets;
#[cfg(feature = "server")]
mod connection;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod export;
#[cfg(feature = "server")]
pub mod feedback;
pub mod markdown;
#[cfg(feature = "server")]
mod middleware;
pub mod pages;
pub mod privacy;
#[cfg(feature = "server")]
pub mod server;
pub mod site;
mod templates;
pub mod urls;

#[cfg(feature = "server")]
pub use error::AppError;
#[cfg(feature = "server")]
pub use server::{app, init_logging, serve, serve_forever, serve_forever_with, AppState, Limits};
pub use site::Site;
