//! The web app served like a product: hashed assets precompressed and sent brotli- or gzip-encoded, cached for a
//! year; pages never cached; every screen's path answers with its app; a missing file is a 404.

use reqwest::{StatusCode, header};

use crate::helpers::{Store, spawn_app};

/// The asset paths a page loads (`/assets/…`).
fn assets_of(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("/assets/") {
        let tail = &rest[at..];
        let end = tail.find(['"', '\'', ' ', ')']).unwrap_or(tail.len());
        let path = tail[..end].to_owned();
        if !found.contains(&path) {
            found.push(path);
        }
        rest = &tail[end..];
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mini_app_loads_brotli_encoded_immutable_assets_and_its_page_is_never_cached() {
    let app = spawn_app(Store::Sqlite).await.expect("SQLite always runs");
    let page = app
        .client
        .get(app.url("/"))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
    let html = page.text().await.unwrap();
    let assets = assets_of(&html);
    assert!(assets.iter().any(|a| a.ends_with(".wasm")), "{assets:?}");
    assert!(assets.iter().any(|a| a.ends_with(".js")) && assets.iter().any(|a| a.ends_with(".css")));
    let mut transferred = html.len();
    // Every asset the page loads, and every module those scripts import at once (the split mini app's link
    // module); the screens' chunks are fetched only when a screen opens.
    let mut assets = assets;
    let mut at = 0;
    while at < assets.len() {
        let asset = assets[at].clone();
        at += 1;
        if !asset.ends_with(".js") {
            continue;
        }
        let script = app
            .client
            .get(app.url(&asset))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for import in script.split("from \"./").skip(1) {
            let name = import.split('"').next().unwrap_or_default();
            let path = format!("/assets/{name}");
            if !assets.contains(&path) {
                assets.push(path);
            }
        }
    }
    assert!(
        assets.iter().any(|a| a.contains("__wasm_split.")),
        "the link module is loaded at once: {assets:?}"
    );
    for asset in &assets {
        let r = app
            .client
            .get(app.url(asset))
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{asset}");
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br", "{asset}");
        assert_eq!(
            r.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{asset}"
        );
        transferred += r.bytes().await.unwrap().len();
    }
    eprintln!("the mini app's first load transfers {transferred} bytes with brotli");
    assert!(
        transferred <= 200 * 1024,
        "the mini app's first load must stay within 200 KB with brotli; it is {transferred} bytes"
    );
    let wasm = assets.iter().find(|a| a.ends_with(".wasm")).unwrap();
    let gzip = app
        .client
        .get(app.url(wasm))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
    let plain = app.client.get(app.url(wasm)).send().await.unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.headers()[header::CONTENT_TYPE], "application/wasm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_path_answers_with_its_app_and_a_missing_file_is_not_found() {
    let app = spawn_app(Store::Sqlite).await.expect("SQLite always runs");
    let mini_app = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let console = app
        .client
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(mini_app, console);
    for path in ["/rewards", "/vouchers/0191-abc", "/games/g1", "/surveys/s1"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.text().await.unwrap(), mini_app, "{path}");
    }
    let staff = app
        .client
        .get(app.url("/staff"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        staff != console && staff != mini_app,
        "the staff view is a bundle of its own"
    );
    for (path, page) in [
        ("/admin/customers/p1", &console),
        ("/admin/operations", &console),
        ("/staff/scan", &staff),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(&r.text().await.unwrap(), page, "{path}");
    }
    for path in ["/assets/cham.0000.js", "/robots.txt", "/rewards/old.png"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = app.client.post(app.url("/rewards")).send().await.unwrap();
    crate::helpers::assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let favicon = assets_of(&mini_app)
        .into_iter()
        .find(|a| a.ends_with(".svg"))
        .expect("a favicon");
    let r = app.client.get(app.url(&favicon)).send().await.unwrap();
    assert_eq!(r.headers()[header::CONTENT_TYPE], "image/svg+xml");
}
