//! The websites a brand's snippet may send from, and cross-origin requests by them. A request whose `Origin` is
//! neither this server nor one of the configured mini app origins reaches the website's endpoints only when the
//! brand lists that origin: a preflight is answered here (the global CORS layer answers only configured origins),
//! `/api/v1/web/{brand}/…` is refused before its handler when the brand does not list it, and the anonymous events
//! endpoint (whose brand is in the body) checks it with [`check`] once it knows the brand.

use app::api::{ErrorCode, FieldProblem};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sqlx::AnyConnection;

use crate::{
    AppState,
    db::Db,
    error::{Error, Result},
};

/// Most origins a brand lists.
pub const MAX_ORIGINS: usize = 20;

/// The cross-origin caller of a request, when the brand's list decides whether it may call.
#[derive(Debug, Clone)]
pub struct CrossOrigin(pub String);

/// An origin as stored: `scheme://host[:port]`, lower case, without a default port or a trailing slash. Only
/// `https`, or `http` for this machine's own addresses (a site under development).
pub fn normalize(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?;
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let allowed_scheme = url.scheme() == "https" || (url.scheme() == "http" && local);
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !allowed_scheme || !bare || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    (origin != "null").then_some(origin)
}

/// The brand's origins, sorted.
pub async fn list(conn: &mut AnyConnection, brand_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT origin FROM web_origins WHERE brand_id = $1 ORDER BY origin")
        .bind(brand_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(o,)| o).collect())
}

/// Checks and normalises a whole list, refusing the first bad entry beside its field.
pub fn parse_list(raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > MAX_ORIGINS {
        return Err(Error::unprocessable(
            ErrorCode::InvalidOrigin,
            format!("A brand lists at most {MAX_ORIGINS} websites."),
        )
        .at("/origins", FieldProblem::Count { min: 0, max: 20 }));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        let Some(origin) = normalize(entry) else {
            return Err(Error::unprocessable(
                ErrorCode::InvalidOrigin,
                format!("{entry:?} is not a website origin such as https://www.example.vn."),
            )
            .at(format!("/origins/{i}"), FieldProblem::NotAllowed));
        };
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    out.sort();
    Ok(out)
}

/// Replaces the brand's list, inside the caller's transaction.
pub async fn replace(conn: &mut AnyConnection, brand_id: &str, origins: &[String], now: i64) -> Result<()> {
    sqlx::query("DELETE FROM web_origins WHERE brand_id = $1")
        .bind(brand_id)
        .execute(&mut *conn)
        .await?;
    for origin in origins {
        sqlx::query("INSERT INTO web_origins (brand_id, origin, created_at) VALUES ($1, $2, $3)")
            .bind(brand_id)
            .bind(origin)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn listed_by(db: &Db, brand_slug: Option<&str>, origin: &str) -> Result<bool> {
    let found: Option<(i64,)> =
        match brand_slug {
            Some(slug) => sqlx::query_as(
                "SELECT 1 FROM web_origins o JOIN brands b ON b.id = o.brand_id WHERE b.slug = $1 AND o.origin = $2",
            )
            .bind(slug)
            .bind(origin)
            .fetch_optional(db.read())
            .await?,
            None => {
                sqlx::query_as("SELECT 1 FROM web_origins WHERE origin = $1 LIMIT 1")
                    .bind(origin)
                    .fetch_optional(db.read())
                    .await?
            }
        };
    Ok(found.is_some())
}

/// Refuses a cross-origin request the brand's list does not allow (the anonymous events endpoint, once it knows
/// the brand). A request without a [`CrossOrigin`] is the mini app's or this server's own.
pub async fn check(db: &Db, brand_id: &str, caller: Option<&CrossOrigin>) -> Result<()> {
    let Some(CrossOrigin(origin)) = caller else {
        return Ok(());
    };
    let found: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM web_origins WHERE brand_id = $1 AND origin = $2")
        .bind(brand_id)
        .bind(origin)
        .fetch_optional(db.read())
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(not_allowed()),
    }
}

fn not_allowed() -> Error {
    Error::forbidden(
        ErrorCode::OriginNotAllowed,
        "This website is not one the brand lists; add it on the console's website page.",
    )
}

/// Which brand's list decides for a path, when the website may call it at all.
enum Scope<'a> {
    /// `/api/v1/web/{brand}/…`.
    Brand(&'a str),
    /// The anonymous events endpoint: any brand's list for a preflight, the body's brand after.
    AnyBrand,
}

fn scope(path: &str) -> Option<Scope<'_>> {
    if path == "/api/v1/anonymous/events" {
        return Some(Scope::AnyBrand);
    }
    let rest = path.strip_prefix("/api/v1/web/")?;
    let brand = rest.split('/').next().filter(|b| !b.is_empty())?;
    Some(Scope::Brand(brand))
}

/// Whether `origin` is this server itself (the request's own host) or one the server is configured to serve
/// (the mini app's hosts), which the global CORS layer answers.
fn is_own(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin.split_once("://").map(|(_, a)| a);
    (host.is_some() && authority == host) || state.config.allowed_origins().iter().any(|o| o == origin)
}

/// The middleware: answers the website's preflights, refuses a website the brand does not list, and marks the
/// answer readable by the website that may read it.
pub async fn cross_origin(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(request).await;
    };
    if is_own(&state, request.headers(), &origin) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let Some(scope) = scope(&path) else {
        return next.run(request).await;
    };
    let brand = match scope {
        Scope::Brand(b) => Some(b),
        Scope::AnyBrand => None,
    };
    let preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let listed = match listed_by(&state.db, brand, &origin).await {
        Ok(listed) => listed,
        Err(e) => return e.into_response(),
    };
    if !listed {
        tracing::info!(%origin, %path, "cross-origin request from a website no brand lists here");
        return not_allowed().into_response();
    }
    let mut response = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        r
    } else {
        request.extensions_mut().insert(CrossOrigin(origin.clone()));
        next.run(request).await
    };
    if let Ok(value) = HeaderValue::from_str(&origin) {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            normalize("https://WWW.Example.vn/").as_deref(),
            Some("https://www.example.vn")
        );
        assert_eq!(
            normalize(" https://shop.example.vn:8443 ").as_deref(),
            Some("https://shop.example.vn:8443")
        );
        assert_eq!(
            normalize("https://example.vn:443").as_deref(),
            Some("https://example.vn")
        );
        assert_eq!(
            normalize("http://localhost:4000").as_deref(),
            Some("http://localhost:4000")
        );
        for bad in [
            "http://www.example.vn",
            "https://www.example.vn/shop",
            "https://www.example.vn/?a=1",
            "www.example.vn",
            "javascript:alert(1)",
            "https://user:pw@example.vn",
            "",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_website_paths_are_the_only_ones_a_listed_website_opens() {
        assert!(matches!(scope("/api/v1/anonymous/events"), Some(Scope::AnyBrand)));
        assert!(matches!(scope("/api/v1/web/demo/forms"), Some(Scope::Brand("demo"))));
        assert!(scope("/api/v1/admin/website").is_none());
        assert!(scope("/api/v1/web/").is_none());
        assert!(scope("/api/v1/me").is_none());
    }
}
