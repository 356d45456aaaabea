//! Vouchers: what a redemption (or a prize) issues. A code is 12 characters of Crockford's base 32 from the
//! OS's random generator (60 bits: unguessable, and unambiguous to read aloud or type). Store staff look a code
//! up and mark it used once.

use app::api::ErrorCode;
use app::api::{ErrorBody, RewardKind, Voucher, VoucherList, VoucherStatus};
use axum::extract::State;
use rand::{Rng, rngs::OsRng};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::rewards::RewardRow;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{new_id, now_ms, rfc3339},
    error::{Error, Json, Result, is_unique_violation},
    events::{self, Campaign, NewEvent},
    profiles,
};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LEN: usize = 12;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_vouchers))
}

/// A fresh voucher code.
pub fn new_code() -> String {
    (0..CODE_LEN)
        .map(|_| char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A typed or scanned code in stored form: dashes and spaces dropped, upper case, and the letters people
/// confuse with digits (O, I, L) read as those digits. `None` when it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// `ABCD-EFGH-JKMN`.
pub fn display_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[derive(Debug, sqlx::FromRow)]
pub(super) struct VoucherRow {
    pub(super) id: String,
    pub(super) brand_id: String,
    pub(super) profile_id: String,
    pub(super) reward_id: String,
    pub(super) code: String,
    pub(super) status: String,
    pub(super) source_kind: String,
    pub(super) issued_at: i64,
    pub(super) expires_at: i64,
    pub(super) used_at: Option<i64>,
    /// The e-mail of the staff member who marked it used (store staff see it; the member does not).
    pub(super) used_by: Option<String>,
    /// The store it was used at, by name.
    pub(super) used_at_store: Option<String>,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) description: String,
    pub(super) image_url: Option<String>,
}

const VOUCHER_SELECT: &str = "SELECT v.id, v.brand_id, v.profile_id, v.reward_id, v.code, v.status, v.source_kind, \
     v.issued_at, v.expires_at, v.used_at, u.email AS used_by, st.name AS used_at_store, r.name, r.kind, \
     r.description, r.image_url \
     FROM vouchers v JOIN rewards r ON r.id = v.reward_id LEFT JOIN users u ON u.id = v.used_by \
     LEFT JOIN stores st ON st.id = v.used_store_id";

impl VoucherRow {
    /// The state as of `now`: an issued voucher past its date is expired even before the sweep marks it.
    pub(super) fn status(&self, now: i64) -> VoucherStatus {
        match VoucherStatus::parse(&self.status) {
            Some(VoucherStatus::Issued) if self.expires_at <= now => VoucherStatus::Expired,
            Some(s) => s,
            None => VoucherStatus::Cancelled,
        }
    }

    pub(super) fn to_api(&self, now: i64) -> Voucher {
        Voucher {
            id: self.id.clone(),
            code: display_code(&self.code),
            status: self.status(now),
            reward_id: self.reward_id.clone(),
            reward_name: self.name.clone(),
            reward_kind: RewardKind::parse(&self.kind).unwrap_or(RewardKind::FreeItem),
            reward_description: self.description.clone(),
            image_url: self.image_url.clone(),
            source_kind: self.source_kind.clone(),
            issued_at: rfc3339(self.issued_at),
            expires_at: rfc3339(self.expires_at),
            used_at: self.used_at.map(rfc3339),
        }
    }
}

/// A voucher to issue.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    /// The reward it is for.
    pub reward: &'a RewardRow,
    /// `redemption` or `prize`.
    pub source_kind: &'a str,
    /// Unique per brand: issuing twice with one key returns the first voucher.
    pub source_key: &'a str,
    /// The ledger entry that paid for it.
    pub entry_id: Option<&'a str>,
}

/// The voucher issued under `source_key`, if any.
pub async fn issued_for(conn: &mut AnyConnection, brand_id: &str, source_key: &str) -> Result<Option<Voucher>> {
    let sql = format!("{VOUCHER_SELECT} WHERE v.brand_id = $1 AND v.source_key = $2");
    let row: Option<VoucherRow> = sqlx::query_as(&sql)
        .bind(brand_id)
        .bind(source_key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.to_api(now_ms())))
}

/// Issues a voucher inside the caller's transaction and records `voucher_issued`.
pub async fn issue(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    i: &Issue<'_>,
    now: i64,
) -> Result<Voucher> {
    let id = new_id();
    let expires_at = now + super::ledger::days(i.reward.voucher_days);
    let mut attempt = 0;
    let code = loop {
        let code = new_code();
        let inserted = sqlx::query(
            "INSERT INTO vouchers (id, brand_id, profile_id, reward_id, code, status, source_kind, source_key, entry_id, \
             issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, 'issued', $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(brand_id)
        .bind(profile_id)
        .bind(&i.reward.id)
        .bind(&code)
        .bind(i.source_kind)
        .bind(i.source_key)
        .bind(i.entry_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => break code,
            // Two codes of 60 random bits colliding is all but impossible; drawing again is cheap.
            Err(e)
                if attempt < 3 && is_unique_violation(&e, "vouchers_code_key") && !e.to_string().contains("source") =>
            {
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let properties = serde_json::json!({
        "voucher_id": id,
        "reward_id": i.reward.id,
        "reward_name": i.reward.name,
        "source": i.source_kind,
        "expires_at": rfc3339(expires_at),
    });
    record(conn, brand_id, profile_id, "voucher_issued", &properties, now).await?;
    metrics::counter!("cham_vouchers_issued_total", "source" => i.source_kind.to_owned()).increment(1);
    Ok(Voucher {
        id,
        code: display_code(&code),
        status: VoucherStatus::Issued,
        reward_id: i.reward.id.clone(),
        reward_name: i.reward.name.clone(),
        reward_kind: RewardKind::parse(&i.reward.kind).unwrap_or(RewardKind::FreeItem),
        reward_description: i.reward.description.clone(),
        image_url: i.reward.image_url.clone(),
        source_kind: i.source_kind.to_owned(),
        issued_at: rfc3339(now),
        expires_at: rfc3339(expires_at),
        used_at: None,
    })
}

pub(super) async fn record(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    event_type: &str,
    properties: &serde_json::Value,
    now: i64,
) -> Result<()> {
    events::append(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type,
            occurred_at: now,
            source: "server",
            properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    Ok(())
}

/// The signed-in member's vouchers: usable ones first (soonest to expire first), then the rest, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/vouchers",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = VoucherList), (status = 401, description = "`invalid_token`", body = ErrorBody))
)]
async fn my_vouchers(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<VoucherList>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let mut conn = state.db.read().acquire().await?;
    let vouchers = of_member(&mut conn, &claims.brand, &profile, 200).await?;
    Ok(Json(VoucherList { vouchers }))
}

/// A member's latest `limit` vouchers: the usable ones first, soonest to expire first, then the rest newest first.
pub async fn of_member(conn: &mut AnyConnection, brand_id: &str, profile_id: &str, limit: i64) -> Result<Vec<Voucher>> {
    let sql =
        format!("{VOUCHER_SELECT} WHERE v.profile_id = $1 AND v.brand_id = $2 ORDER BY v.issued_at DESC LIMIT $3");
    let rows: Vec<VoucherRow> = sqlx::query_as(&sql)
        .bind(profile_id)
        .bind(brand_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let now = now_ms();
    let mut vouchers: Vec<Voucher> = rows.iter().map(|r| r.to_api(now)).collect();
    vouchers.sort_by(|a, b| {
        let usable = |v: &Voucher| v.status == VoucherStatus::Issued;
        usable(b).cmp(&usable(a)).then_with(|| {
            if usable(a) {
                a.expires_at.cmp(&b.expires_at)
            } else {
                b.issued_at.cmp(&a.issued_at)
            }
        })
    });
    Ok(vouchers)
}

/// Finds a voucher by a typed or scanned code, for staff of the brand.
pub(super) async fn by_code(conn: &mut AnyConnection, brand_id: &str, code: &str) -> Result<VoucherRow> {
    let unknown = || {
        Error::not_found(
            ErrorCode::UnknownVoucher,
            "No voucher has this code. Check the code and try again.",
        )
    };
    let code = normalize_code(code).ok_or_else(unknown)?;
    let sql = format!("{VOUCHER_SELECT} WHERE v.code = $1");
    let row: VoucherRow = sqlx::query_as(&sql)
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(unknown)?;
    // Another brand's code answers as an unknown one: saying more would confirm that the code exists.
    if row.brand_id != brand_id {
        return Err(unknown());
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_unambiguous_characters() {
        let code = new_code();
        assert_eq!(code.len(), 12);
        assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        assert_ne!(new_code(), new_code());
        assert!(!code.contains(['I', 'L', 'O', 'U']));
    }

    #[test]
    fn typed_codes_forgive_dashes_case_and_look_alikes() {
        assert_eq!(normalize_code("abcd-efgh-jkmn").as_deref(), Some("ABCDEFGHJKMN"));
        assert_eq!(normalize_code("ABCD EFGH 0O1I").as_deref(), Some("ABCDEFGH0011"));
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKM!"), None);
        assert_eq!(display_code("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }
}
