//! E-mail over the brand's own SMTP server (lettre on tokio with rustls): TLS from the first byte (port 465) or
//! `STARTTLS` that must succeed before a word of the message or the login is sent (587); plain SMTP only to a
//! server on this machine and never with a password. Connections are pooled per server and login.
//!
//! Each e-mail is text and HTML (the text escaped, its button a link), with a `Message-ID` made of our send's key
//! and a one-click `List-Unsubscribe` (RFC 8058) when the sender gives one. The server's answer is classified:
//! `550`–`553` (no such mailbox, mailbox full, name not allowed) mean this person cannot be reached by e-mail;
//! any other `5xx` is a refusal (the login, the sender, a policy); a `4xx`, a timeout or a lost connection is
//! out for a moment.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use app::api::SmtpSecurity;
use lettre::{
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart,
        header::{HeaderName, HeaderValue},
    },
    transport::smtp::{self, authentication::Credentials},
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::{Delivery, Gateways};

/// The brand's SMTP server.
#[derive(Debug, Clone)]
pub struct EmailAccount {
    /// The server's host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The login, when the server asks for one.
    pub username: Option<String>,
    /// Its password.
    pub password: Option<SecretString>,
    /// The address the e-mails come from.
    pub from_address: String,
    /// The name they come from.
    pub from_name: String,
}

/// One e-mail to one person.
#[derive(Debug, Clone)]
pub struct Email<'a> {
    /// The recipient's address.
    pub to: &'a str,
    /// The subject, made personal.
    pub subject: &'a str,
    /// The text, made personal.
    pub text: &'a str,
    /// The button: its label and the address it opens.
    pub button: Option<(&'a str, &'a str)>,
    /// Where one click stops marketing e-mail for this person (RFC 8058), when there is such a place.
    pub unsubscribe: Option<&'a str>,
    /// Our key for this send, part of the `Message-ID`.
    pub key: &'a str,
}

/// Whether `host` is this machine, the only place plain SMTP may go.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `address` is one an e-mail can go to.
pub fn is_address(address: &str) -> bool {
    address.len() <= 254 && address.parse::<Address>().is_ok()
}

/// The connections in use, one pool per server and login.
#[derive(Clone, Default)]
pub struct Pools(Arc<Mutex<HashMap<String, AsyncSmtpTransport<Tokio1Executor>>>>);

impl std::fmt::Debug for Pools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pools")
    }
}

/// More servers than this and the pools start again (a brand changing its settings leaves one behind).
const MAX_POOLS: usize = 64;

fn fingerprint(account: &EmailAccount) -> String {
    let mut hash = Sha256::new();
    for part in [
        account.host.as_str(),
        &account.port.to_string(),
        &format!("{:?}", account.security),
        account.username.as_deref().unwrap_or_default(),
        account
            .password
            .as_ref()
            .map(ExposeSecret::expose_secret)
            .unwrap_or_default(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())
}

/// The server's words, without control characters and cut short.
fn words(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Classifies what the SMTP conversation ended with.
pub fn classify(error: &smtp::Error) -> Delivery {
    let said = words(&error.to_string());
    match error.status() {
        Some(code) if error.is_permanent() => match code.to_string().as_str() {
            "550" | "551" | "552" | "553" => Delivery::Unreachable(said),
            _ => Delivery::Refused(said),
        },
        _ => Delivery::Unavailable(said),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The footer's words: why the person gets this, and how to stop.
const FOOTER: &str = "Bạn nhận e-mail này vì đã đồng ý nhận tin từ";
const STOP: &str = "Ngừng nhận e-mail";

/// The e-mail's text part.
pub fn plain(email: &Email<'_>, from_name: &str) -> String {
    let mut out = email.text.replace("\r\n", "\n");
    if let Some((label, link)) = email.button {
        out.push_str(&format!("\n\n{label}: {link}"));
    }
    out.push_str(&format!("\n\n--\n{FOOTER} {from_name}."));
    if let Some(stop) = email.unsubscribe {
        out.push_str(&format!("\n{STOP}: {stop}"));
    }
    out
}

/// The e-mail's HTML part: the same words, escaped, the button a link.
pub fn html(email: &Email<'_>, from_name: &str) -> String {
    let mut body = format!(
        "<p style=\"font:16px/1.5 sans-serif;color:#1f2937\">{}</p>",
        escape(email.text)
    );
    if let Some((label, link)) = email.button {
        body.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:12px 20px;border-radius:8px;\
             background:#0068ff;color:#fff;font:600 16px sans-serif;text-decoration:none\">{}</a></p>",
            escape(link),
            escape(label)
        ));
    }
    let stop = email
        .unsubscribe
        .map(|s| format!(" <a href=\"{}\" style=\"color:#6b7280\">{STOP}</a>", escape(s)))
        .unwrap_or_default();
    body.push_str(&format!(
        "<p style=\"font:12px sans-serif;color:#6b7280\">{FOOTER} {}.{stop}</p>",
        escape(from_name)
    ));
    format!("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><body>{body}</body></html>")
}

fn compose(account: &EmailAccount, email: &Email<'_>) -> Result<Message, Delivery> {
    let from_address: Address = account
        .from_address
        .parse()
        .map_err(|_| Delivery::Refused("the sender's address is not an e-mail address".into()))?;
    let to: Address = email
        .to
        .parse()
        .map_err(|_| Delivery::Unreachable("not an e-mail address".into()))?;
    let domain = from_address.domain().to_owned();
    let mut builder = Message::builder()
        .from(Mailbox::new(Some(account.from_name.clone()), from_address))
        .to(Mailbox::new(None, to))
        .subject(email.subject)
        .message_id(Some(format!("<{}@{domain}>", email.key)))
        .date_now();
    if let Some(stop) = email.unsubscribe {
        let header = |name: &str, value: String| {
            HeaderName::new_from_ascii(name.to_owned())
                .map(|name| HeaderValue::new(name, value))
                .map_err(|_| Delivery::Refused("a header could not be written".into()))
        };
        builder = builder
            .raw_header(header("List-Unsubscribe", format!("<{stop}>"))?)
            .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into())?);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            plain(email, &account.from_name),
            html(email, &account.from_name),
        ))
        .map_err(|e| Delivery::Refused(words(&e.to_string())))
}

impl Gateways {
    fn smtp_transport(&self, account: &EmailAccount) -> Result<AsyncSmtpTransport<Tokio1Executor>, Delivery> {
        let key = fingerprint(account);
        let mut pools = self.smtp.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(transport) = pools.get(&key) {
            return Ok(transport.clone());
        }
        let builder = match account.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&account.host),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&account.host),
            SmtpSecurity::None => {
                if !is_loopback(&account.host) || account.password.is_some() {
                    return Err(Delivery::Refused(
                        "plain SMTP goes only to this machine, and never with a password".into(),
                    ));
                }
                Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&account.host))
            }
        }
        .map_err(|e| Delivery::Refused(words(&e.to_string())))?;
        let mut builder = builder.port(account.port).timeout(Some(self.timeout));
        if let (Some(user), Some(password)) = (&account.username, &account.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        let transport = builder.build();
        if pools.len() >= MAX_POOLS {
            pools.clear();
        }
        pools.insert(key, transport.clone());
        Ok(transport)
    }

    /// Sends one e-mail through the brand's server.
    pub async fn send_email(&self, account: &EmailAccount, email: &Email<'_>) -> Delivery {
        let message = match compose(account, email) {
            Ok(m) => m,
            Err(d) => return d,
        };
        let transport = match self.smtp_transport(account) {
            Ok(t) => t,
            Err(d) => return d,
        };
        match transport.send(message).await {
            Ok(answer) => Delivery::Sent(answer.message().next().map(words).filter(|w| !w.is_empty())),
            Err(e) => classify(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(text: &'a str, unsubscribe: Option<&'a str>) -> Email<'a> {
        Email {
            to: "lan@example.vn",
            subject: "Ưu đãi",
            text,
            button: Some(("Xem <ngay>", "https://cham.vn/r/abc?x=1&y=2")),
            unsubscribe,
            key: "k1",
        }
    }

    #[test]
    fn the_html_escapes_what_the_brand_and_the_person_wrote() {
        let e = email(
            "Chào <b>Lan</b> & \"bạn\"\ndòng hai",
            Some("https://cham.vn/r/abc/unsubscribe"),
        );
        let page = html(&e, "Chạm <Coffee>");
        assert!(page.contains("Chào &lt;b&gt;Lan&lt;/b&gt; &amp; &quot;bạn&quot;<br>dòng hai"));
        assert!(page.contains("href=\"https://cham.vn/r/abc?x=1&amp;y=2\""));
        assert!(page.contains(">Xem &lt;ngay&gt;</a>"));
        assert!(page.contains("Chạm &lt;Coffee&gt;"));
        assert!(!page.contains("<b>"));
        let text = plain(&e, "Chạm Coffee");
        assert!(text.contains("Xem <ngay>: https://cham.vn/r/abc?x=1&y=2"));
        assert!(text.ends_with("Ngừng nhận e-mail: https://cham.vn/r/abc/unsubscribe"));
    }

    #[test]
    fn plain_smtp_is_for_this_machine_only() {
        assert!(is_loopback("localhost") && is_loopback("127.0.0.1") && is_loopback("[::1]"));
        assert!(!is_loopback("smtp.example.vn") && !is_loopback("10.0.0.1"));
        assert!(is_address("lan@example.vn") && !is_address("lan@") && !is_address("lan"));
    }

    #[test]
    fn a_header_break_in_the_subject_cannot_add_headers() {
        let account = EmailAccount {
            host: "127.0.0.1".into(),
            port: 25,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from_address: "hello@cham.vn".into(),
            from_name: "Chạm".into(),
        };
        let mut e = email("x", None);
        e.subject = "Hi\r\nBcc: everyone@example.vn";
        let message = compose(&account, &e).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
    }
}
