//! The typed API client: JSON over fetch, the brand header on every call, sessions kept in `localStorage`
//! and refreshed once when the access token expires.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};

use super::{i18n::Lang, page::PageConfig};
use crate::api::{ErrorCode, FieldIssue, RefreshRequest, TokenPair};

/// A refused or failed call: the API's `code` and `message`, or `network` when the server was not reached.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// The API's error code.
    pub code: ErrorCode,
    /// The server's message.
    pub message: String,
    /// The request body's field it is about, when the server said which.
    pub field: Option<FieldIssue>,
}

impl ApiFailure {
    /// A failure with a code and a message, about no field in particular.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    fn network(e: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Network, e.to_string())
    }

    /// What to show a person, in their language, never the code itself: in Vietnamese the code's text; in
    /// English the server's own message, which may say more (which field, which limit), else the code's text.
    /// A refusal about a field also says, in Vietnamese, what is wrong with it (the form shows it there too).
    pub fn text(&self, lang: Lang) -> String {
        let (vi, en) = self.code.text();
        match lang {
            #[cfg(feature = "admin")]
            Lang::Vi if self.field.is_some() => {
                format!(
                    "{vi} {}",
                    self.field.as_ref().map(|f| f.problem.text().0).unwrap_or_default()
                )
            }
            Lang::Vi => vi.to_owned(),
            Lang::En if self.message.trim().is_empty() || self.code.is_raised_by_the_app() => en.to_owned(),
            Lang::En => self.message.clone(),
        }
    }
}

/// The browser's `localStorage`, when the page may use it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A stored session.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// Access JWT.
    pub access: String,
    /// Refresh token.
    pub refresh: String,
}

/// The API's error shape as this surface reads it: the field a refusal is about matters only to the console's
/// forms, so the other bundles do not carry the code that reads it.
#[derive(serde::Deserialize)]
struct WireError {
    error: WireDetail,
}

#[derive(serde::Deserialize)]
struct WireDetail {
    code: ErrorCode,
    message: String,
    #[cfg(feature = "admin")]
    #[serde(default)]
    field: Option<FieldIssue>,
}

/// The API client for one brand.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    brand: String,
}

impl Api {
    /// A client for the page's API and brand.
    pub fn new(config: &PageConfig) -> Self {
        Self {
            base: config.api.clone(),
            brand: config.brand.clone(),
        }
    }

    /// The brand's slug.
    pub fn brand(&self) -> &str {
        &self.brand
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn with_headers(&self, builder: RequestBuilder, token: Option<&str>) -> RequestBuilder {
        let builder = builder.header("X-Cham-Brand", &self.brand);
        match token {
            Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
            None => builder,
        }
    }

    async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, ApiFailure> {
        let response = response.map_err(ApiFailure::network)?;
        if response.ok() {
            return response.json::<T>().await.map_err(ApiFailure::network);
        }
        Err(Self::failure(response).await)
    }

    /// The API's error from a refused answer, or its HTTP status when the body is not the API's error shape.
    async fn failure(response: Response) -> ApiFailure {
        match response.json::<WireError>().await {
            Ok(body) => ApiFailure {
                code: body.error.code,
                message: body.error.message,
                #[cfg(feature = "admin")]
                field: body.error.field,
                #[cfg(not(feature = "admin"))]
                field: None,
            },
            Err(_) => ApiFailure::new(ErrorCode::Http, format!("HTTP {}", response.status())),
        }
    }

    /// `GET path`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, token: Option<&str>) -> Result<T, ApiFailure> {
        Self::read(self.with_headers(Request::get(&self.url(path)), token).send().await).await
    }

    /// `POST path` with a JSON body.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> Result<T, ApiFailure> {
        let request = self
            .with_headers(Request::post(&self.url(path)), token)
            .json(body)
            .map_err(ApiFailure::network)?;
        Self::read(request.send().await).await
    }

    /// `POST path` whose answer has no body.
    pub async fn post_empty<B: Serialize>(&self, path: &str, body: &B) -> Result<(), ApiFailure> {
        let request = self
            .with_headers(Request::post(&self.url(path)), None)
            .json(body)
            .map_err(ApiFailure::network)?;
        let response = request.send().await.map_err(ApiFailure::network)?;
        if response.ok() {
            Ok(())
        } else {
            Err(ApiFailure::new(ErrorCode::Http, response.status_text()))
        }
    }

    fn session_key(&self, surface: &str) -> String {
        format!("cham.{}.{surface}", self.brand)
    }

    /// The session stored for `surface` (`customer` or `admin`).
    pub fn stored_session(&self, surface: &str) -> Option<Session> {
        let text = local_storage()?.get_item(&self.session_key(surface)).ok()??;
        serde_json::from_str(&text).ok()
    }

    /// Stores (or, with `None`, forgets) the session of `surface`.
    pub fn store_session(&self, surface: &str, session: Option<&Session>) {
        let Some(storage) = local_storage() else {
            return;
        };
        let key = self.session_key(surface);
        let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
            Some(text) => storage.set_item(&key, &text),
            None => storage.remove_item(&key),
        };
    }

    /// `GET path` as the session of `surface`.
    pub async fn get_as<T: DeserializeOwned>(&self, surface: &str, path: &str) -> Result<T, ApiFailure> {
        self.with_session(surface, |token| async move { self.get(path, Some(&token)).await })
            .await
    }

    /// Runs `call` with the stored session of `surface`'s access token, refreshing the session once when the
    /// access token has expired.
    async fn with_session<T, F, Fut>(&self, surface: &str, call: F) -> Result<T, ApiFailure>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiFailure>>,
    {
        let session = self
            .stored_session(surface)
            .ok_or_else(|| ApiFailure::new(ErrorCode::MissingToken, "not signed in"))?;
        match call(session.access).await {
            Err(e) if e.code == ErrorCode::TokenExpired => {
                let pair: TokenPair = self
                    .post(
                        "/api/v1/auth/refresh",
                        &RefreshRequest {
                            refresh_token: session.refresh,
                        },
                        None,
                    )
                    .await
                    .inspect_err(|_| self.store_session(surface, None))?;
                let renewed = Session {
                    access: pair.access_token,
                    refresh: pair.refresh_token,
                };
                self.store_session(surface, Some(&renewed));
                call(renewed.access).await
            }
            other => other,
        }
    }

    /// `POST path` with a JSON body as the session of `surface`.
    pub async fn post_as<B: Serialize, T: DeserializeOwned>(
        &self,
        surface: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiFailure> {
        self.with_session(
            surface,
            |token| async move { self.post(path, body, Some(&token)).await },
        )
        .await
    }

    #[cfg(any(feature = "customer", feature = "admin"))]
    /// `PUT path` with a JSON body as the session of `surface`.
    pub async fn put_as<B: Serialize, T: DeserializeOwned>(
        &self,
        surface: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiFailure> {
        self.with_session(surface, |token| async move {
            let request = self
                .with_headers(Request::put(&self.url(path)), Some(&token))
                .json(body)
                .map_err(ApiFailure::network)?;
            Self::read(request.send().await).await
        })
        .await
    }

    #[cfg(feature = "admin")]
    /// `DELETE path` as the session of `surface`.
    pub async fn delete_as(&self, surface: &str, path: &str) -> Result<(), ApiFailure> {
        self.with_session(surface, |token| async move {
            let response = self
                .with_headers(Request::delete(&self.url(path)), Some(&token))
                .send()
                .await
                .map_err(ApiFailure::network)?;
            if response.ok() {
                return Ok(());
            }
            Err(Self::failure(response).await)
        })
        .await
    }

    #[cfg(feature = "admin")]
    /// Sends CSV (a file, or text) as the body of `POST path` as the session of `surface`.
    pub async fn upload_as<T: DeserializeOwned>(
        &self,
        surface: &str,
        path: &str,
        body: &wasm_bindgen::JsValue,
    ) -> Result<T, ApiFailure> {
        self.with_session(surface, |token| async move {
            let request = self
                .with_headers(Request::post(&self.url(path)), Some(&token))
                .header("Content-Type", "text/csv")
                .body(body.clone())
                .map_err(ApiFailure::network)?;
            Self::read(request.send().await).await
        })
        .await
    }

    #[cfg(feature = "admin")]
    /// The text of `GET path` as the session of `surface` (for file downloads).
    pub async fn text_as(&self, surface: &str, path: &str) -> Result<String, ApiFailure> {
        self.with_session(surface, |token| async move {
            let response = self
                .with_headers(Request::get(&self.url(path)), Some(&token))
                .send()
                .await
                .map_err(ApiFailure::network)?;
            if response.ok() {
                response.text().await.map_err(ApiFailure::network)
            } else {
                Err(ApiFailure::new(ErrorCode::Http, format!("HTTP {}", response.status())))
            }
        })
        .await
    }

    #[cfg(feature = "customer")]
    /// Records the customer's own interactions (`app_opened`, `screen_viewed`, …). Best effort: a lost
    /// analytics event must never get in the customer's way, so failures are ignored.
    pub async fn track(&self, events: Vec<crate::api::EventIn>) {
        let body = crate::api::EventsRequest::Batch { events };
        let _ = self
            // The answer is not read (the bundle need not carry its reader).
            .post_as::<_, serde::de::IgnoredAny>("customer", "/api/v1/events", &body)
            .await;
    }

    /// Signs out of `surface`: the server ends the session and the device forgets it.
    pub async fn sign_out(&self, surface: &str) {
        if let Some(session) = self.stored_session(surface) {
            let _ = self
                .post_empty(
                    "/api/v1/auth/logout",
                    &RefreshRequest {
                        refresh_token: session.refresh,
                    },
                )
                .await;
        }
        self.store_session(surface, None);
    }
}
