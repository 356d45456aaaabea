//! Parsing events from clients: each refusal has its own stable code.

use app::api::ErrorCode;
use app::{
    api::{ErrorDetail, EventIn, EventType, Sent},
    domain::bounds,
};
use serde_json::Value;

use super::Campaign;

/// Largest serialized `properties` object.
pub const MAX_PROPERTIES_BYTES: usize = 8 * 1024;
/// How far in the future `occurred_at` may be (clock skew).
const MAX_FUTURE_MS: i64 = 5 * 60 * 1000;
/// Who sent an event, which decides the types and sources it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The mini app, for its signed-in customer or an anonymous visitor.
    MiniApp,
    /// A brand's server (POS, website) with an API key.
    Server,
}

impl Sender {
    fn sources(self) -> &'static [&'static str] {
        match self {
            Sender::MiniApp => &["web", "zalo", "momo"],
            Sender::Server => &["server", "pos", "web", "store"],
        }
    }

    /// Whether this sender may record a built-in type: the mini app only its own, a brand's server any but
    /// the server's own.
    fn may_send(self, built_in: EventType) -> bool {
        match (self, built_in.sender()) {
            (_, Sent::Server) => false,
            (Sender::MiniApp, sent) => sent == Sent::MiniApp,
            (Sender::Server, _) => true,
        }
    }
}

/// An event that passed validation.
#[derive(Debug, Clone)]
pub struct ValidEvent {
    /// Type.
    pub event_type: String,
    /// Epoch ms.
    pub occurred_at: i64,
    /// Source.
    pub source: String,
    /// A JSON object.
    pub properties: Value,
    /// Attribution.
    pub campaign: Campaign,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code,
        message: message.into(),
        field: None,
    }
}

/// `web.banner_clicked`: a lower-case namespace, a dot, a lower-case name; at most 64 characters.
fn is_namespaced(t: &str) -> bool {
    let valid_part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && p.as_bytes()[0].is_ascii_lowercase()
    };
    t.len() <= 64
        && t.split_once('.')
            .is_some_and(|(ns, name)| valid_part(ns) && valid_part(name))
}

fn short(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ErrorDetail> {
    match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => Err(refuse(
            ErrorCode::FieldTooLong,
            format!("{field} has more than {max} characters"),
        )),
        other => Ok(other),
    }
}

/// Checks an event from `sender` at `now` (epoch ms).
pub fn validate_event(input: EventIn, now: i64, sender: Sender) -> Result<ValidEvent, ErrorDetail> {
    let event_type = input.event_type.trim().to_owned();
    if let Some(built_in) = EventType::parse(&event_type) {
        if !sender.may_send(built_in) {
            return Err(refuse(
                ErrorCode::ReservedEventType,
                format!("'{event_type}' is recorded by the server itself and cannot be sent"),
            ));
        }
    } else if !is_namespaced(&event_type) {
        return Err(refuse(
            ErrorCode::InvalidEventType,
            "an event type is a built-in name or a namespaced custom name such as web.banner_clicked",
        ));
    }
    let occurred_at = match input.occurred_at.as_deref() {
        None => now,
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|_| refuse(ErrorCode::InvalidOccurredAt, "occurred_at must be an RFC 3339 time"))?
            .timestamp_millis(),
    };
    if occurred_at > now.saturating_add(MAX_FUTURE_MS) {
        return Err(refuse(ErrorCode::OccurredInFuture, "occurred_at is in the future"));
    }
    let sources = sender.sources();
    let source = input.source.unwrap_or_else(|| sources[0].to_owned());
    if !sources.contains(&source.as_str()) {
        return Err(refuse(
            ErrorCode::InvalidSource,
            format!("the source must be one of {}", sources.join(", ")),
        ));
    }
    let properties = input.properties.unwrap_or_else(|| Value::Object(Default::default()));
    if !properties.is_object() {
        return Err(refuse(
            ErrorCode::PropertiesNotObject,
            "properties must be a JSON object",
        ));
    }
    // An event's money pays points: it is whole đồng within the documented bound, or the event is refused.
    if let Some(amount) = properties.get("amount_vnd")
        && !amount.as_i64().is_some_and(bounds::is_valid_amount_vnd)
    {
        return Err(refuse(
            ErrorCode::InvalidAmount,
            format!("amount_vnd must be whole VND from 0 to {}", bounds::MAX_AMOUNT_VND),
        ));
    }
    if properties.to_string().len() > MAX_PROPERTIES_BYTES {
        return Err(refuse(
            ErrorCode::PropertiesTooLarge,
            format!("properties exceed {MAX_PROPERTIES_BYTES} bytes"),
        ));
    }
    let campaign = Campaign {
        utm_source: short("utm_source", input.utm_source, 200)?,
        utm_medium: short("utm_medium", input.utm_medium, 200)?,
        utm_campaign: short("utm_campaign", input.utm_campaign, 200)?,
        utm_content: short("utm_content", input.utm_content, 200)?,
        link_id: short("link_id", input.link_id, 64)?,
    };
    let idempotency_key = short("idempotency_key", input.idempotency_key, 128)?;
    Ok(ValidEvent {
        event_type,
        occurred_at,
        source,
        properties,
        campaign,
        idempotency_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: &str) -> EventIn {
        serde_json::from_value(serde_json::json!({ "type": t })).unwrap()
    }

    #[test]
    fn custom_types_must_be_namespaced() {
        assert!(validate_event(event("web.banner_clicked"), 0, Sender::MiniApp).is_ok());
        assert!(validate_event(event("app_opened"), 0, Sender::MiniApp).is_ok());
        for bad in ["clicked", "Web.clicked", "web.", ".x", "a.b.c", "web.bánh"] {
            assert_eq!(
                validate_event(event(bad), 0, Sender::MiniApp).unwrap_err().code,
                ErrorCode::InvalidEventType,
                "{bad}"
            );
        }
        assert_eq!(
            validate_event(event("session_started"), 0, Sender::MiniApp)
                .unwrap_err()
                .code,
            ErrorCode::ReservedEventType
        );
    }

    #[test]
    fn times_properties_and_sources_are_checked() {
        let mut e = event("app_opened");
        e.occurred_at = Some("2026-11-22T10:00:00+07:00".into());
        assert_eq!(
            validate_event(e.clone(), i64::MAX / 2, Sender::MiniApp)
                .unwrap()
                .occurred_at,
            1_795_316_400_000
        );
        assert_eq!(
            validate_event(e, 0, Sender::MiniApp).unwrap_err().code,
            ErrorCode::OccurredInFuture
        );
        let mut e = event("app_opened");
        e.properties = Some(serde_json::json!([1, 2]));
        assert_eq!(
            validate_event(e, 0, Sender::MiniApp).unwrap_err().code,
            ErrorCode::PropertiesNotObject
        );
        let mut e = event("app_opened");
        e.properties = Some(serde_json::json!({ "x": "y".repeat(MAX_PROPERTIES_BYTES) }));
        assert_eq!(
            validate_event(e, 0, Sender::MiniApp).unwrap_err().code,
            ErrorCode::PropertiesTooLarge
        );
        let mut e = event("app_opened");
        e.source = Some("pos".into());
        assert_eq!(
            validate_event(e, 0, Sender::MiniApp).unwrap_err().code,
            ErrorCode::InvalidSource
        );
    }
}
