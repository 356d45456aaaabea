//! The one HTTP error type: every rejection is `{"error":{"code":…,"message":…}}` with the right status.
//! Internal causes are logged, never sent to the client.

use app::api::ErrorCode;
use app::api::{ErrorBody, ErrorDetail, FieldIssue, FieldProblem};
use axum::{
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error an HTTP handler can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rejection the client can act on.
    #[error("{code}: {message}")]
    Client {
        /// HTTP status.
        status: StatusCode,
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: String,
        /// The request body's field it is about, when it is about one.
        field: Option<Box<FieldIssue>>,
    },
    /// Too many requests: 429 with `Retry-After`.
    #[error("{code}: {message}")]
    TooMany {
        /// Stable code.
        code: ErrorCode,
        /// Human message.
        message: String,
        /// Whole seconds to wait before trying again.
        retry_after: u64,
    },
    /// A database failure: logged, answered as 500.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// Any other internal failure: logged, answered as 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A client error with its status, code and message.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Error::Client {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// The same refusal, about the request body's field at `pointer` (RFC 6901, e.g. `/prizes/1/points`).
    #[must_use]
    pub fn at(self, pointer: impl Into<String>, problem: FieldProblem) -> Self {
        match self {
            Error::Client {
                status, code, message, ..
            } => Error::Client {
                status,
                code,
                message,
                field: Some(Box::new(FieldIssue {
                    pointer: pointer.into(),
                    problem,
                })),
            },
            other => other,
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401 with a code.
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 403 with a code.
    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 404 with a code.
    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 422 with a code.
    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// The stable code this error answers with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Client { code, .. } | Error::TooMany { code, .. } => *code,
            Error::Sqlx(_) | Error::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code, message, field) = match self {
            Error::Client {
                status,
                code,
                message,
                field,
            } => (status, code, message, field.map(|f| *f)),
            Error::TooMany {
                code,
                message,
                retry_after,
            } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code,
                        message,
                        field: None,
                    },
                };
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, retry_after.to_string())],
                    axum::Json(body),
                )
                    .into_response();
            }
            Error::Sqlx(e) => {
                tracing::error!(error = %e, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::InternalError,
                    "Something went wrong on our side.".into(),
                    None,
                )
            }
            Error::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::InternalError,
                    "Something went wrong on our side.".into(),
                    None,
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail { code, message, field },
        };
        (status, axum::Json(body)).into_response()
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        let (status, code) = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType)
            }
            JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedJson),
            JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidBody),
            _ => (StatusCode::BAD_REQUEST, ErrorCode::InvalidBody),
        };
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                "The request body is too large.",
            );
        }
        Error::new(status, code, rejection.body_text())
    }
}

pub use super::extract::{Json, Path, Query};

/// Whether retrying the whole transaction may succeed: a lost race on a unique key, a concurrent merge, or
/// PostgreSQL's serialization failure or deadlock.
pub fn is_transient(err: &Error) -> bool {
    match err {
        Error::Client { code, .. } => *code == ErrorCode::ConcurrentUpdate,
        Error::Sqlx(sqlx::Error::Database(db)) => {
            db.is_unique_violation() || matches!(db.code().as_deref(), Some("40001" | "40P01"))
        }
        _ => false,
    }
}

/// Whether a database error is the violation of the named unique constraint (or, on SQLite, which does not name
/// constraints, of a unique index over the named table).
pub fn is_unique_violation(err: &sqlx::Error, constraint_or_table: &str) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint().is_none_or(|c| c == constraint_or_table) || db.message().contains(constraint_or_table)
        }
        _ => false,
    }
}
