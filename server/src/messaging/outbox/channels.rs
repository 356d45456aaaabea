//! One send on one channel: the content made personal (`{name}`, `{points}`, `{link}`, the link being the
//! recipient's own tracked `/r/{token}`), handed to the channel's provider, and the answer classified: taken,
//! not reachable this way (try the next channel), the token refused (the OA pauses; try the next), out for a
//! moment (retry later), or refused for good (stop and record).

use std::collections::BTreeMap;

use app::api::{Channel, MessageContent};
use secrecy::SecretString;

use crate::{
    gateways::{
        Delivery, Gateways,
        esms::EsmsAccount,
        smtp::{Email, EmailAccount},
    },
    superapp::{
        SuperAppError, SuperApps,
        oa_send::{OaPromotion, OaRefusal},
        zns::ZnsMessage,
    },
};

/// What a channel answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Taken, with the provider's id for it.
    Sent(Option<String>),
    /// This person cannot be reached this way: the next channel.
    Unreachable(String),
    /// The OA's token was refused: OA sending pauses; the next channel.
    TokenRefused(String),
    /// Out for a moment: retry later.
    Transient(String),
    /// Refused for good.
    Refused(String),
}

/// Who a send is for, as the content needs them.
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    /// What `{name}` becomes.
    pub name: &'a str,
    /// What `{points}` becomes.
    pub points: i64,
    /// What `{link}` and buttons open: the recipient's tracked link.
    pub link: &'a str,
    /// Our id for the send, handed to providers that take one (ZNS `tracking_id`, eSMS `RequestId`).
    pub key: &'a str,
}

/// The content's text made personal.
pub fn personal(text: &str, to: &Recipient<'_>) -> String {
    text.replace("{name}", to.name)
        .replace("{points}", &to.points.to_string())
        .replace("{link}", to.link)
}

fn from_oa(answer: Result<Result<String, OaRefusal>, SuperAppError>) -> Outcome {
    match answer {
        Ok(Ok(id)) => Outcome::Sent(Some(id)),
        Ok(Err(OaRefusal::Unreachable(w))) => Outcome::Unreachable(w),
        Ok(Err(OaRefusal::Token(w))) => Outcome::TokenRefused(w),
        Ok(Err(OaRefusal::Other(w))) => Outcome::Refused(w),
        Err(e) => Outcome::Transient(e.to_string()),
    }
}

fn from_gateway(answer: Delivery) -> Outcome {
    match answer {
        Delivery::Sent(id) => Outcome::Sent(id),
        Delivery::Unreachable(w) => Outcome::Unreachable(w),
        Delivery::Refused(w) => Outcome::Refused(w),
        Delivery::Unavailable(w) => Outcome::Transient(w),
    }
}

/// The providers a send may use.
#[derive(Debug, Clone)]
pub struct Providers<'a> {
    /// Zalo's APIs.
    pub superapps: &'a SuperApps,
    /// The SMS gateway.
    pub gateways: &'a Gateways,
}

/// Where a person is reached on a channel.
#[derive(Debug, Clone)]
pub enum Address<'a> {
    /// An OA follower id and the OA's access token.
    Oa(&'a str, &'a SecretString),
    /// A phone (`84…`) and the OA's access token.
    Zns(&'a str, &'a SecretString),
    /// A phone and the brand's eSMS account.
    Sms(&'a str, &'a EsmsAccount),
    /// An e-mail address and the brand's SMTP server.
    Email(&'a str, &'a EmailAccount),
}

/// Sends the content's part for `channel` to `address`.
pub async fn send(
    providers: &Providers<'_>,
    content: &MessageContent,
    channel: Channel,
    address: &Address<'_>,
    to: &Recipient<'_>,
) -> Outcome {
    match (channel, address) {
        (Channel::ZaloOa, Address::Oa(follower, token)) => {
            let Some(oa) = &content.zalo_oa else {
                return Outcome::Unreachable("no OA content".into());
            };
            let (title, text) = (personal(&oa.title, to), personal(&oa.text, to));
            let message = OaPromotion {
                banner_url: oa.banner_url.as_deref(),
                title: &title,
                text: &text,
                button: oa.button.as_deref().map(|label| (label, to.link)),
            };
            from_oa(providers.superapps.send_oa_promotion(token, follower, &message).await)
        }
        (Channel::Zns, Address::Zns(phone, token)) => {
            let Some(zns) = &content.zns else {
                return Outcome::Unreachable("no ZNS content".into());
            };
            let data: BTreeMap<String, String> = zns.params.iter().map(|(k, v)| (k.clone(), personal(v, to))).collect();
            let message = ZnsMessage {
                phone,
                template_id: &zns.template_id,
                data: &data,
                tracking_id: to.key,
            };
            from_oa(providers.superapps.send_zns(token, &message).await)
        }
        (Channel::Sms, Address::Sms(phone, account)) => {
            let Some(sms) = &content.sms else {
                return Outcome::Unreachable("no SMS content".into());
            };
            from_gateway(
                providers
                    .gateways
                    .send_sms(account, phone, &personal(&sms.text, to), to.key)
                    .await,
            )
        }
        (Channel::Email, Address::Email(address, account)) => {
            let Some(content) = &content.email else {
                return Outcome::Unreachable("no e-mail content".into());
            };
            let (subject, text) = (personal(&content.subject, to), personal(&content.text, to));
            let unsubscribe = format!("{}/unsubscribe", to.link);
            let email = Email {
                to: address,
                subject: &subject,
                text: &text,
                button: content.button.as_deref().map(|label| (label, to.link)),
                unsubscribe: Some(&unsubscribe),
                key: to.key,
            };
            from_gateway(providers.gateways.send_email(account, &email).await)
        }
        _ => Outcome::Unreachable("no address on this channel".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_the_person() {
        let to = Recipient {
            name: "Lan",
            points: 120,
            link: "https://x/r/t",
            key: "t",
        };
        assert_eq!(
            personal("Chào {name}, bạn có {points} điểm: {link}", &to),
            "Chào Lan, bạn có 120 điểm: https://x/r/t"
        );
    }
}
