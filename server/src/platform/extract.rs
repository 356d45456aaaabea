//! The edge: extractors for a request's JSON body, query string and path parameters whose every refusal answers
//! in the API's error shape (`{"error":{"code","message"}}`, never axum's plain text), and that refuse the NUL
//! character before anything reaches the store (PostgreSQL cannot hold it in text; SQLite can, so refusing it
//! here keeps the two stores alike).

use app::api::ErrorCode;
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, rejection::BytesRejection},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;

use super::error::Error;

/// Whether `text` holds a NUL: the raw byte, JSON's `\u0000` escape, or a URL's `%00`.
pub fn has_nul(text: &[u8]) -> bool {
    text.contains(&0)
        || text
            .windows(6)
            .any(|w| w[0] == b'\\' && w[1] == b'u' && &w[2..] == b"0000")
        || text.windows(3).any(|w| w == b"%00")
}

fn nul_refused() -> Error {
    Error::unprocessable(
        ErrorCode::InvalidCharacters,
        "Text may not contain the NUL character (U+0000).",
    )
}

/// Whether the request says its body is JSON (`application/json` or a `+json` type).
fn is_json(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// A JSON body: its rejections in the API's error shape, a NUL refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        let (parts, body) = request.into_parts();
        if !is_json(&parts) {
            return Err(Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e: BytesRejection| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => Error::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::BodyTooLarge,
                    "The request body is too large.",
                ),
                _ => Error::bad_request(ErrorCode::InvalidBody, "The request body could not be read."),
            })?;
        if has_nul(&bytes) {
            return Err(nul_refused());
        }
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Json(value))
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A query string: its rejections in the API's error shape (400 `invalid_query`), a NUL refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        if parts.uri.query().is_some_and(|q| has_nul(q.as_bytes())) {
            return Err(nul_refused());
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(e) => Err(Error::bad_request(ErrorCode::InvalidQuery, e.body_text())),
        }
    }
}

/// Path parameters: their rejections in the API's error shape (400 `invalid_path`), a NUL refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        if has_nul(parts.uri.path().as_bytes()) {
            return Err(nul_refused());
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(e) => Err(Error::bad_request(ErrorCode::InvalidPath, e.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_raw_escaped_or_url_encoded_and_nothing_else_is() {
        assert!(has_nul(b"a\0b"));
        assert!(has_nul(br#"{"name":"Nhung\u0000"}"#));
        assert!(has_nul(b"q=abc%00"));
        assert!(!has_nul(br#"{"name":"Nhung \u00e0 \u0001"}"#));
        assert!(!has_nul("Trần Văn Đức %20".as_bytes()));
    }
}
