//! Operations: health, readiness, metrics, OpenAPI, CORS, and unknown endpoints.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{both_stores, helpers::assert_error};

both_stores! {
    async fn health_readiness_and_metrics_answer(app) {
        let r = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "ok");
        let r = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        app.client.get(app.url("/api/v1/brands/acme")).send().await.unwrap();
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("cham_http_requests_total"), "{metrics}");
        assert!(metrics.contains("route=\"/api/v1/brands/{slug}\""), "{metrics}");
    }

    async fn the_openapi_document_describes_every_endpoint(app) {
        let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for (path, method) in [
            ("/api/v1/auth/session", "post"),
            ("/api/v1/auth/refresh", "post"),
            ("/api/v1/auth/logout", "post"),
            ("/api/v1/me", "get"),
            ("/api/v1/admin/session", "post"),
            ("/api/v1/admin/brand", "get"),
            ("/api/v1/brands/{slug}", "get"),
            ("/api/v1/events", "post"),
            ("/api/v1/anonymous/events", "post"),
            ("/api/v1/track", "post"),
            ("/api/v1/admin/imports", "post"),
            ("/api/v1/admin/imports/{id}", "get"),
            ("/api/v1/admin/imports/{id}/rejections.csv", "get"),
            ("/api/v1/admin/profiles", "get"),
            ("/api/v1/admin/profiles/{id}", "get"),
            ("/api/v1/admin/profiles/{id}/events", "get"),
            ("/api/v1/admin/profiles/{id}/attributes/{key}", "put"),
            ("/api/v1/me/consents", "get"),
            ("/api/v1/me/consents/{purpose}", "put"),
            ("/api/v1/me/export", "get"),
            ("/api/v1/me/erasure", "post"),
            ("/api/v1/admin/profiles/{id}/export", "get"),
            ("/api/v1/admin/profiles/{id}/erase", "post"),
            ("/api/v1/identify", "post"),
            ("/api/v1/admin/api-keys", "post"),
            ("/api/v1/admin/api-keys", "get"),
            ("/api/v1/admin/api-keys/{id}", "delete"),
            ("/api/v1/me/events", "get"),
            ("/healthz", "get"),
            ("/readyz", "get"),
            ("/metrics", "get"),
        ] {
            assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is described");
        }
        assert!(doc["components"]["schemas"]["CustomerSessionRequest"].is_object());
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }

    async fn cors_allows_the_zalo_mini_app_origin_only(app) {
        let preflight = |origin: &'static str| {
            app.client
                .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/session"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization,x-cham-brand")
                .send()
        };
        let ok = preflight("https://h5.zdn.vn").await.unwrap();
        assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), "https://h5.zdn.vn");
        let refused = preflight("https://evil.example").await.unwrap();
        assert!(refused.headers().get("access-control-allow-origin").is_none());
    }

    async fn a_shutdown_signal_stops_the_server_cleanly(app) {
        let health = app.url("/healthz");
        let client = app.client.clone();
        assert_eq!(client.get(&health).send().await.unwrap().status(), StatusCode::OK);
        app.shutdown().await.expect("the server stops without an error");
        assert!(client.get(&health).send().await.is_err(), "nothing listens after shutdown");
    }

    async fn unknown_endpoints_and_brands_answer_in_the_error_shape(app) {
        let r = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_endpoint").await;
        let r = app.client.get(app.url("/api/v1/brands/ghost")).send().await.unwrap();
        assert_error(r, StatusCode::NOT_FOUND, "unknown_brand").await;
        let brand: Value = app.client.get(app.url("/api/v1/brands/ACME")).send().await.unwrap().json().await.unwrap();
        assert_eq!(brand["name"], "Acme Trà Sữa");
    }
}
