//! The template environment: the embedded templates, the filters and functions they use, and
//! an output formatter that escapes every value and redacts it.

use std::sync::Arc;

use errdecode_core::Decoder;
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, Output, State};
use serde::Serialize;

use crate::assets::Assets;
use crate::{markdown, urls};

/// The templates, embedded so that the binary is the whole site.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("product.html", include_str!("../templates/product.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("cause.html", include_str!("../templates/cause.html")),
    ("causes.html", include_str!("../templates/causes.html")),
    ("decode.html", include_str!("../templates/decode.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("not_found.html", include_str!("../templates/not_found.html")),
    ("message.html", include_str!("../templates/message.html")),
    ("feedback_report.html", include_str!("../templates/feedback_report.html")),
];

#[derive(Serialize)]
struct NavProduct {
    id: String,
    name: String,
    url: String,
}

pub(crate) fn environment(
    decoder: Arc<Decoder>,
    assets: &Assets,
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    // `.html` templates escape every value (minijinja's default); the formatter below adds
    // the redactor on top of that escaping.
    let nav: Vec<NavProduct> = decoder
        .kb()
        .products
        .iter()
        .map(|p| NavProduct { id: p.id.clone(), name: p.name.clone(), url: urls::product(&p.id) })
        .collect();
    env.set_formatter(move |out, state, value| format_value(&decoder, out, state, value));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }

    env.add_global("css_url", assets.css.url());
    env.add_global("js_url", assets.js.url());
    env.add_global("icon_url", assets.icon.url());
    if let Some(wasm) = &assets.wasm {
        env.add_global("wasm_url", wasm.module.url());
        env.add_global("wasm_js_url", wasm.glue.url());
    }
    env.add_global("search_path", urls::SEARCH);
    env.add_global("decode_path", urls::DECODE);
    env.add_global("causes_path", urls::CAUSES);
    env.add_global("openapi_path", urls::OPENAPI);
    env.add_global("search_index_path", urls::SEARCH_INDEX);
    env.add_global("nav_products", Value::from_serialize(&nav));

    env.add_function("error_url", |id: &str| urls::error(id));
    env.add_function("cause_url", |id: &str| urls::cause(id));
    env.add_function("product_url", |id: &str| urls::product(id));
    env.add_function("search_url", |query: &str| urls::search(query));
    env.add_function("slug", |text: &str| urls::slug(text));

    env.add_filter("markdown", |text: &str| Value::from_safe_string(markdown::to_html(text)));
    env.add_filter("markdown_inline", |text: &str| {
        Value::from_safe_string(markdown::inline_html(text))
    });
    env.add_filter("percent", |value: f64| format!("{:.0}%", value * 100.0));
    env.add_filter("claim_value", claim_value);
    Ok(env)
}

/// Escapes every string (`&`, `<`, `>`, `"`, `'`: enough for text and quoted attributes,
/// and it leaves URLs readable), after removing signatures and secrets from it (the
/// knowledge base's own text excepted: [`Decoder::redact`]). Markdown the site rendered
/// itself is marked safe and written as it is, redacted all the same.
fn format_value(
    decoder: &Decoder,
    out: &mut Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    let Some(text) = value.as_str() else {
        return minijinja::escape_formatter(out, state, value);
    };
    let text = decoder.redact(text);
    let write_error = |_| Error::new(ErrorKind::WriteFailure, "the page could not be written");
    if value.is_safe() || matches!(state.auto_escape(), minijinja::AutoEscape::None) {
        return out.write_str(&text).map_err(write_error);
    }
    let mut rest: &str = &text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at]).map_err(write_error)?;
        let entity = match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        out.write_str(entity).map_err(write_error)?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest).map_err(write_error)
}

/// A claim's value for a table cell: strings as they are, lists of strings joined, anything
/// else as JSON.
fn claim_value(value: Value) -> Result<String, Error> {
    if let Some(text) = value.as_str() {
        return Ok(text.to_string());
    }
    let json: serde_json::Value = serde_json::to_value(&value)
        .map_err(|e| Error::new(ErrorKind::BadSerialization, e.to_string()))?;
    Ok(match &json {
        serde_json::Value::Array(items) if items.iter().all(serde_json::Value::is_string) => {
            items.iter().filter_map(serde_json::Value::as_str).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    })
}
