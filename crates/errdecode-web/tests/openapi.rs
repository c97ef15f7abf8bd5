//! The OpenAPI document matches the server: every API route is documented and every
//! documented operation answers as documented, its examples and its error statuses checked
//! against the documented schemas.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::Request;
use common::*;
use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(errdecode_web::api::OPENAPI).expect("openapi.json is JSON")
}

/// Follows a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local references only");
            resolve(doc, doc.pointer(pointer).unwrap_or_else(|| panic!("dangling {reference}")))
        }
        None => node,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `value` against the subset of JSON Schema the document uses: `$ref`, `oneOf`,
/// `type` (one or several), `enum`, `required`, `properties`, `items`, `minimum`, `maximum`.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let passing = options.iter().filter(|s| validate(doc, s, value, at).is_ok()).count();
        return if passing == 1 {
            Ok(())
        } else {
            Err(format!("{at}: {passing} of the oneOf schemas match"))
        };
    }
    if let Some(expected) = schema.get("type") {
        let actual = type_name(value);
        let allowed: Vec<&str> = match expected {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            other => return Err(format!("{at}: bad type in schema {other}")),
        };
        let fits =
            allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"));
        if !fits {
            return Err(format!("{at}: {actual}, documented as {allowed:?}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let Some(number) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            if number < min {
                return Err(format!("{at}: {number} < {min}"));
            }
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            if number > max {
                return Err(format!("{at}: {number} > {max}"));
            }
        }
    }
    if let Value::Object(object) = value {
        for key in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let key = key.as_str().unwrap();
            if !object.contains_key(key) {
                return Err(format!("{at}: required field `{key}` is missing"));
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                if let Some(field) = object.get(key) {
                    validate(doc, property, field, &format!("{at}.{key}"))?;
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(doc, item_schema, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The documented operations: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            found.push((method.to_ascii_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

/// The URL of an operation with every parameter filled from its example (or `value` for a
/// path parameter when given).
fn url(
    doc: &Value,
    path: &str,
    operation: &Value,
    path_value: Option<&str>,
    query: bool,
) -> String {
    let mut url = path.to_string();
    let mut pairs = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(doc, parameter);
        let name = parameter["name"].as_str().unwrap();
        let example = parameter["example"].as_str().expect("every parameter has an example");
        match parameter["in"].as_str().unwrap() {
            "path" => url = url.replace(&format!("{{{name}}}"), path_value.unwrap_or(example)),
            "query" if query => pairs.push(format!("{name}={example}")),
            _ => {}
        }
    }
    if !pairs.is_empty() {
        url = format!("{url}?{}", pairs.join("&"));
    }
    url
}

fn response_schema<'a>(doc: &'a Value, operation: &'a Value, status: &str) -> &'a Value {
    let response = resolve(doc, &operation["responses"][status]);
    &response["content"]["application/json"]["schema"]
}

#[test]
fn every_route_is_documented_and_every_documented_path_is_a_route() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> =
        operations(&doc).into_iter().map(|(method, path, _)| (method, path)).collect();
    let served: BTreeSet<(String, String)> = errdecode_web::api::routes()
        .into_iter()
        .map(|route| (route.method.to_string(), route.path.to_string()))
        .collect();
    assert_eq!(documented, served);
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented() {
    let doc = document();
    // Feedback on, so that POST /api/v1/feedback answers as documented too.
    let store = common::FeedbackStore::new(common::Backend::Sqlite, "openapi").unwrap();
    let router = errdecode_web::app(store.state(1000));
    let served = get(&router, "/api/v1/openapi.json").await;
    assert_eq!(served.json(), doc, "the served description is the document");

    for (method, path, operation) in operations(&doc) {
        let name = format!("{method} {path}");
        let mut requests: Vec<(String, Request<Body>)> = Vec::new();
        match operation.get("requestBody") {
            Some(body) => {
                for (content_type, media) in body["content"].as_object().unwrap() {
                    let example = &media["example"];
                    let payload = match example {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    let request = Request::builder()
                        .method(method.as_str())
                        .uri(url(&doc, &path, &operation, None, true))
                        .header("content-type", content_type.as_str())
                        .body(Body::from(payload))
                        .unwrap();
                    requests.push((format!("{name} ({content_type})"), request));
                }
            }
            None => {
                for query in [false, true] {
                    let request = Request::builder()
                        .method(method.as_str())
                        .uri(url(&doc, &path, &operation, None, query))
                        .body(Body::empty())
                        .unwrap();
                    requests.push((format!("{name} (query: {query})"), request));
                }
            }
        }
        for (label, request) in requests {
            let answer = send(&router, request).await;
            assert_eq!(answer.status.as_u16(), 200, "{label}: {}", answer.text());
            assert_eq!(answer.header("content-type"), "application/json", "{label}");
            let schema = response_schema(&doc, &operation, "200");
            if let Err(problem) = validate(&doc, schema, &answer.json(), "$") {
                panic!("{label}: {problem}");
            }
        }

        // Every documented error status, provoked and checked against its schema.
        for status in operation["responses"].as_object().unwrap().keys().filter(|s| *s != "200") {
            let request = Request::builder().method(method.as_str());
            let request = match (status.as_str(), operation.get("requestBody").is_some()) {
                ("400", true) => request
                    .uri(url(&doc, &path, &operation, None, true))
                    .header("content-type", "application/json")
                    .body(Body::from("{\"no_text\": true}")),
                ("400", false) => request
                    .uri(format!(
                        "{}?product=no-such-product",
                        url(&doc, &path, &operation, None, false)
                    ))
                    .body(Body::empty()),
                ("403", true) => {
                    let example =
                        &operation["requestBody"]["content"]["application/json"]["example"];
                    request
                        .uri(url(&doc, &path, &operation, None, true))
                        .header("content-type", "application/json")
                        .header("sec-fetch-site", "cross-site")
                        .header("origin", "https://elsewhere.example")
                        .body(Body::from(example.to_string()))
                }
                ("404", _) => request
                    .uri(url(&doc, &path, &operation, Some("no-such-entry-anywhere"), false))
                    .body(Body::empty()),
                ("413", _) => request
                    .uri(url(&doc, &path, &operation, None, true))
                    .header("content-type", "text/plain")
                    .body(Body::from(vec![b'x'; 1024 * 1024 + 1])),
                ("415", _) => request
                    .uri(url(&doc, &path, &operation, None, true))
                    .header("content-type", "application/xml")
                    .body(Body::from("<paste/>")),
                (other, _) => panic!("{name}: no way to provoke the documented status {other}"),
            }
            .unwrap();
            let answer = send(&router, request).await;
            assert_eq!(answer.status.as_u16().to_string(), *status, "{name}: {}", answer.text());
            assert_eq!(answer.header("content-type"), "application/json", "{name} {status}");
            if let Err(problem) =
                validate(&doc, response_schema(&doc, &operation, status), &answer.json(), "$")
            {
                panic!("{name} {status}: {problem}");
            }
        }
    }
}

#[tokio::test]
async fn the_schemas_hold_for_real_decodes() {
    let doc = document();
    let router = router();
    let schema = serde_json::json!({ "$ref": "#/components/schemas/DecodeDocument" });
    for paste in [
        seed_paste(),
        seed_with_token(),
        String::new(),
        "HTTP/1.1 200 OK".to_string(),
        "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication.".to_string(),
    ] {
        let answer = post(&router, "/api/v1/decode", "text/plain", paste.clone()).await;
        assert_eq!(answer.status.as_u16(), 200);
        if let Err(problem) = validate(&doc, &schema, &answer.json(), "$") {
            panic!("{problem}\npaste: {paste}");
        }
    }
    let schema = serde_json::json!({ "$ref": "#/components/schemas/TokenAnswer" });
    let answer = post(&router, "/api/v1/token", "text/plain", graph_jwt()).await;
    validate(&doc, &schema, &answer.json(), "$").unwrap();
    let schema = serde_json::json!({ "$ref": "#/components/schemas/CauseDocument" });
    for cause in &site().kb().causes {
        let answer = get(&router, &format!("/api/v1/causes/{}", cause.id)).await;
        if let Err(problem) = validate(&doc, &schema, &answer.json(), "$") {
            panic!("{}: {problem}", cause.id);
        }
    }
}

#[test]
fn the_validator_rejects_what_does_not_fit() {
    let doc = document();
    let schema = serde_json::json!({ "$ref": "#/components/schemas/MatchedError" });
    let good = serde_json::json!({"id": "x", "code": null, "title": "t", "product": "p", "gist": "g", "score": 0.5, "matched_by": "code", "on": "x"});
    assert!(validate(&doc, &schema, &good, "$").is_ok());
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("title");
    assert!(validate(&doc, &schema, &missing, "$").is_err());
    let mut wrong_enum = good.clone();
    wrong_enum["matched_by"] = "guess".into();
    assert!(validate(&doc, &schema, &wrong_enum, "$").is_err());
    let mut out_of_range = good;
    out_of_range["score"] = 1.5.into();
    assert!(validate(&doc, &schema, &out_of_range, "$").is_err());
}
