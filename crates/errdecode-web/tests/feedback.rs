//! Feedback over HTTP, on both stores: the result page's forms, the form and API posts, what
//! lands in the database, the refusals (forged token, cross-site, too many, too large), and
//! the admin report.

mod common;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use common::*;

/// The hidden fields of the result page's feedback forms, and the cause ids offered.
struct Forms {
    context: String,
    token: String,
    causes: Vec<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            unescape(&rest[..rest.find('"').unwrap()])
        })
        .collect()
}

async fn decode_page(router: &Router, paste: &str) -> (String, Option<Forms>) {
    let answer =
        post(router, "/decode", "application/x-www-form-urlencoded", form_body(&[("text", paste)]))
            .await;
    assert_eq!(answer.status.as_u16(), 200);
    let html = answer.text();
    let contexts = attribute_values(&html, "context");
    let forms = contexts.first().map(|context| Forms {
        context: context.clone(),
        token: attribute_values(&html, "token")[0].clone(),
        causes: attribute_values(&html, "cause"),
    });
    (html, forms)
}

/// A paste full of what must never be stored: a live-looking token with a tenant, user,
/// object id and address in it, a client secret, request ids.
fn secret_paste() -> String {
    format!(
        "{}\nAuthorization: Bearer {}\nclient_secret=Qx8Q~abcdefghijklmnopqrstuvwxyz0123456789\nclient-request-id: 5f1c0d7e-2b9a-4c8e-8f3d-1a2b3c4d5e6f\nx-forwarded-for: 198.51.100.23\nuser: adele.vance@fabrikam.onmicrosoft.com\n",
        seed_paste(),
        graph_jwt()
    )
}

fn store_rows(store: &FeedbackStore) -> Vec<errdecode_feedback::StoredRow> {
    let spec = store.spec.clone();
    std::thread::spawn(move || errdecode_feedback::open(&spec).unwrap().rows(1000).unwrap())
        .join()
        .unwrap()
}

macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $scenario(FeedbackStore::new(Backend::Sqlite, stringify!($name)).unwrap()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = FeedbackStore::new(Backend::Postgres, stringify!($name)) {
                    $scenario(store).await;
                }
            }
        }
    };
}

on_both!(verdicts_from_the_page_land_in_the_store, verdicts_land);
async fn verdicts_land(store: FeedbackStore) {
    let router = errdecode_web::app(store.state(100));
    let (html, forms) = decode_page(&router, &secret_paste()).await;
    let forms = forms.expect("the result page has feedback forms");
    assert!(html.contains("This was it") && html.contains("None of these"));
    assert!(forms.causes.len() >= 2, "a form per cause");

    // Without JavaScript: the form.
    let body = form_body(&[
        ("context", &forms.context),
        ("token", &forms.token),
        ("cause", &forms.causes[0]),
        ("verdict", "confirmed"),
    ]);
    let answer = post(&router, "/feedback", "application/x-www-form-urlencoded", body).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text());
    assert!(answer.text().contains("Thank you"));
    // With JavaScript: the API, with the same fields.
    let body = serde_json::json!({"context": forms.context, "token": forms.token, "cause": forms.causes[1], "verdict": "rejected"});
    let answer = post(&router, "/api/v1/feedback", "application/json", body.to_string()).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text());
    assert_eq!(answer.json()["verdict"], "rejected");
    let body =
        serde_json::json!({"context": forms.context, "token": forms.token, "verdict": "none"});
    let answer = post(&router, "/api/v1/feedback", "application/json", body.to_string()).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text());

    let rows = store_rows(&store);
    assert_eq!(rows.len(), 3);
    let verdicts: Vec<(&str, Option<&str>)> =
        rows.iter().rev().map(|r| (r.get("verdict").unwrap(), r.get("cause"))).collect();
    assert_eq!(
        verdicts,
        vec![
            ("confirmed", Some(forms.causes[0].as_str())),
            ("rejected", Some(forms.causes[1].as_str())),
            ("none", None)
        ]
    );
    // Nothing of the paste but the fingerprint.
    let jwt = graph_jwt();
    let payload = jwt.split('.').nth(1).unwrap().to_string();
    let forbidden = [
        jwt.as_str(),
        payload.as_str(),
        "Qx8Q",
        "5f1c0d7e-2b9a-4c8e-8f3d-1a2b3c4d5e6f",
        "198.51.100.23",
        "adele",
        "fabrikam",
        "onmicrosoft",
        "@",
        "eyJ",
        "Bearer",
    ];
    let mut guids = 0;
    for row in &rows {
        assert_eq!(row.get("day").map(str::len), Some(10), "a date, not a time");
        for value in row.values.iter().flatten() {
            for bad in forbidden {
                assert!(!value.contains(bad), "a stored value holds `{bad}`: {value}");
            }
            guids += value
                .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
                .filter(|w| w.len() == 36)
                .count();
        }
    }
    assert_eq!(guids, 0, "no GUID is stored");
    // Every GUID of the paste, the tenant's too, is absent (the seed's tenant and app ids).
    for row in &rows {
        let all = row.values.iter().flatten().cloned().collect::<Vec<_>>().join(" ");
        for guid in seed_paste()
            .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
            .filter(|w| w.len() == 36)
        {
            assert!(!all.contains(guid), "stored {guid}");
        }
    }
}

on_both!(forged_and_cross_site_posts_are_refused, refusals);
async fn refusals(store: FeedbackStore) {
    let router = errdecode_web::app(store.state(100));
    let (_, forms) = decode_page(&router, &seed_paste()).await;
    let forms = forms.unwrap();
    let cause = forms.causes[0].clone();
    let json = |context: &str, token: &str| {
        serde_json::json!({"context": context, "token": token, "cause": cause, "verdict": "confirmed"}).to_string()
    };
    // A token for another context, a made-up token, an old one.
    let (_, other) =
        decode_page(&router, "AADSTS50076: multi-factor authentication required").await;
    let other = other.unwrap();
    for (context, token) in [
        (forms.context.as_str(), other.token.as_str()),
        (forms.context.as_str(), "1.AAAA"),
        (forms.context.as_str(), &format!("1{}", &forms.token[forms.token.find('.').unwrap()..])),
    ] {
        let answer =
            post(&router, "/api/v1/feedback", "application/json", json(context, token)).await;
        assert_eq!(answer.status.as_u16(), 403, "{}", answer.text());
    }
    // Cross-site: a form posted from another origin.
    let body = form_body(&[
        ("context", &forms.context),
        ("token", &forms.token),
        ("cause", &cause),
        ("verdict", "confirmed"),
    ]);
    for (name, value) in [
        ("origin", "https://elsewhere.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let request = Request::post("/feedback")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "errdecode.example")
            .header(name, value)
            .body(Body::from(body.clone()))
            .unwrap();
        let answer = send(&router, request).await;
        assert_eq!(answer.status.as_u16(), 403, "{name}: {value}");
    }
    // The same origin is welcome.
    let request = Request::post("/feedback")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "errdecode.example")
        .header("origin", "https://errdecode.example")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&router, request).await.status.as_u16(), 200);
    // A cause the diagnosis did not rank, an unknown one, a bad verdict.
    for (verdict, cause) in
        [("confirmed", "no-such-cause"), ("maybe", forms.causes[0].as_str()), ("confirmed", "")]
    {
        let body = serde_json::json!({"context": forms.context, "token": forms.token, "cause": cause, "verdict": verdict});
        let answer = post(&router, "/api/v1/feedback", "application/json", body.to_string()).await;
        assert_eq!(answer.status.as_u16(), 400, "{verdict} {cause}: {}", answer.text());
    }
    // A diagnosis in the clear with ids the knowledge base does not have.
    let body = serde_json::json!({"diagnosis": {"entry": "adele.vance@fabrikam.com", "causes": []}, "verdict": "none"});
    let answer = post(&router, "/api/v1/feedback", "application/json", body.to_string()).await;
    assert_eq!(answer.status.as_u16(), 400);
    // Too large; not JSON.
    let answer = post(&router, "/api/v1/feedback", "application/json", vec![b' '; 20 * 1024]).await;
    assert_eq!(answer.status.as_u16(), 413);
    let answer = post(
        &router,
        "/feedback",
        "application/x-www-form-urlencoded",
        format!("context={}", "x".repeat(20 * 1024)),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 413);
    let answer = post(&router, "/api/v1/feedback", "text/plain", "confirmed").await;
    assert_eq!(answer.status.as_u16(), 415);
    assert_eq!(store_rows(&store).len(), 1, "only the same-origin post was stored");
}

on_both!(each_client_gets_a_few_posts_a_minute, rate_limit);
async fn rate_limit(store: FeedbackStore) {
    let server = TestServer::start_app(store.state(3)).await;
    let client = reqwest::Client::new();
    let body = serde_json::json!({"diagnosis": {"entry": "graph-token-expired", "causes": [{"id": "token-expired", "confidence": 0.8}]}, "verdict": "confirmed", "cause": "token-expired"});
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let answer = client.post(server.url("/api/v1/feedback")).json(&body).send().await.unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 200, 200, 429, 429]);
    assert_eq!(store_rows(&store).len(), 3);
    server.stop().await;
}

on_both!(the_admin_page_needs_the_token_and_shows_the_report, admin);
async fn admin(store: FeedbackStore) {
    let router = errdecode_web::app(store.state(100));
    let body = serde_json::json!({"diagnosis": {"entry": "graph-token-expired", "causes": [{"id": "token-expired", "confidence": 0.8}, {"id": "clock-skew", "confidence": 0.2}]}, "verdict": "confirmed", "cause": "clock-skew"});
    assert_eq!(
        post(&router, "/api/v1/feedback", "application/json", body.to_string())
            .await
            .status
            .as_u16(),
        200
    );

    let answer = get(&router, "/admin/feedback").await;
    assert_eq!(answer.status.as_u16(), 200);
    assert!(answer.text().contains("name=\"token\""), "a login form");
    assert!(!answer.text().contains("graph-token-expired"), "and no report");
    assert_eq!(answer.header("cache-control"), "no-store");
    let request = Request::get("/admin/feedback")
        .header("authorization", "Bearer wrong-token-0123456789")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, request).await.status.as_u16(), 401);
    let request = Request::get("/admin/feedback")
        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let answer = send(&router, request).await;
    assert_eq!(answer.status.as_u16(), 200);
    let html = answer.text();
    assert!(html.contains("1 verdict ") || html.contains("1 verdict<"), "{html}");
    assert!(html.contains("/causes/clock-skew/"));
    // The login form, without cookies.
    let answer = post(
        &router,
        "/admin/feedback",
        "application/x-www-form-urlencoded",
        form_body(&[("token", ADMIN_TOKEN)]),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 200);
    assert!(answer.text().contains("graph-token-expired"));
    let answer = post(
        &router,
        "/admin/feedback",
        "application/x-www-form-urlencoded",
        form_body(&[("token", "nope")]),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 200);
    assert!(!answer.text().contains("graph-token-expired"), "no report");
    assert!(answer.text().contains("not the admin token"));
}

#[tokio::test]
async fn without_a_store_there_are_no_forms_and_no_feedback_routes() {
    let router = router();
    let (html, forms) = decode_page(&router, &seed_paste()).await;
    assert!(forms.is_none() && !html.contains("This was it"));
    let body = serde_json::json!({"verdict": "none", "diagnosis": {}});
    let answer = post(&router, "/api/v1/feedback", "application/json", body.to_string()).await;
    assert_eq!(answer.status.as_u16(), 404);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("--feedback-db"));
    assert_eq!(
        post(&router, "/feedback", "application/x-www-form-urlencoded", "verdict=none")
            .await
            .status
            .as_u16(),
        404
    );
    assert_eq!(get(&router, "/admin/feedback").await.status.as_u16(), 404);
}

#[tokio::test]
async fn decoding_never_reads_the_store() {
    // The same paste gives the same document with and without feedback, verdicts or not.
    let store = FeedbackStore::new(Backend::Sqlite, "determinism").unwrap();
    let with = errdecode_web::app(store.state(100));
    let body = serde_json::json!({"diagnosis": {"entry": "graph-token-expired", "causes": [{"id": "token-expired", "confidence": 0.8}]}, "verdict": "confirmed", "cause": "token-expired"});
    for _ in 0..3 {
        post(&with, "/api/v1/feedback", "application/json", body.to_string()).await;
    }
    let without = router();
    let paste = seed_paste();
    let mut a = post(&with, "/api/v1/decode", "text/plain", paste.clone()).await.json();
    let mut b = post(&without, "/api/v1/decode", "text/plain", paste).await.json();
    // Token times are read against the clock; nothing else may differ.
    for doc in [&mut a, &mut b] {
        doc["facts"]["tokens"] = serde_json::Value::Null;
        doc["warnings"] = serde_json::Value::Null;
    }
    assert_eq!(a, b);
}
