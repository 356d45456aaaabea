//! Customer profiles and their identities: who a signed-in customer is, one profile per person per brand.

use app::api::{IdentitySummary, LoyaltySummary, Me, PublicBrand};
use sqlx::AnyConnection;

use crate::{
    db::{Db, new_id, now_ms},
    error::{Error, Result},
    superapp::VerifiedUser,
};

/// An identifier the sign-in proved, to be attached to the profile.
#[derive(Debug, Clone)]
struct ProvenIdentity {
    kind: &'static str,
    value: String,
    source: &'static str,
}

fn proven_identities(user: &VerifiedUser) -> Vec<ProvenIdentity> {
    let source = user.provider.as_str();
    let id_kind = match user.provider {
        app::api::Provider::Zalo => "zalo_id",
        app::api::Provider::Momo => "momo_id",
    };
    let mut ids = vec![ProvenIdentity {
        kind: id_kind,
        value: user.user_id.clone(),
        source,
    }];
    if let Some(phone) = &user.phone {
        ids.push(ProvenIdentity {
            kind: "phone",
            value: phone.as_str().to_owned(),
            source,
        });
    }
    ids
}

/// Finds the profile the super-app-verified `user` belongs to (a verified phone first, then the super-app id),
/// or creates one, and records the proven identities on it. Runs inside the caller's transaction.
pub async fn resolve_sign_in(
    conn: &mut AnyConnection,
    brand_id: &str,
    user: &VerifiedUser,
) -> Result<String> {
    let now = now_ms();
    let ids = proven_identities(user);
    let mut owners: Vec<(String, String)> = Vec::new();
    for id in &ids {
        let owner: Option<(String,)> = sqlx::query_as(
            "SELECT profile_id FROM identities WHERE brand_id = $1 AND kind = $2 AND value = $3",
        )
        .bind(brand_id)
        .bind(id.kind)
        .bind(&id.value)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((profile_id,)) = owner {
            owners.push((id.kind.to_owned(), profile_id));
        }
    }
    // A verified phone is the trusted key; otherwise the super-app's own id.
    let existing = owners
        .iter()
        .find(|(kind, _)| kind == "phone")
        .or_else(|| owners.first())
        .map(|(_, profile)| profile.clone());
    let profile_id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE profiles SET display_name = COALESCE($1, display_name), avatar_url = COALESCE($2, avatar_url), \
                 updated_at = $3, last_seen_at = $3 WHERE id = $4",
            )
            .bind(user.name.clone())
            .bind(user.avatar_url.clone())
            .bind(now)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO profiles (id, brand_id, display_name, avatar_url, created_at, updated_at, last_seen_at) \
                 VALUES ($1, $2, $3, $4, $5, $5, $5)",
            )
            .bind(&id)
            .bind(brand_id)
            .bind(user.name.clone())
            .bind(user.avatar_url.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?;
            id
        }
    };
    for id in &ids {
        match owners.iter().find(|(kind, _)| kind == id.kind) {
            None => {
                sqlx::query(
                    "INSERT INTO identities (id, brand_id, profile_id, kind, value, verified, source, first_seen_at, \
                     last_seen_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)",
                )
                .bind(new_id())
                .bind(brand_id)
                .bind(&profile_id)
                .bind(id.kind)
                .bind(&id.value)
                .bind(id.source)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            Some((_, owner)) => {
                if owner != &profile_id {
                    // Two profiles hold this person's ids; merging them is the unified-profile feature's job.
                    tracing::warn!(kind = id.kind, keep = %profile_id, other = %owner, "identity owned by another profile");
                }
                sqlx::query(
                    "UPDATE identities SET verified = 1, last_seen_at = $1 WHERE brand_id = $2 AND kind = $3 AND value = $4",
                )
                .bind(now)
                .bind(brand_id)
                .bind(id.kind)
                .bind(&id.value)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(profile_id)
}

#[derive(Debug, sqlx::FromRow)]
struct ProfileRow {
    id: String,
    display_name: Option<String>,
    avatar_url: Option<String>,
    slug: String,
    name: String,
}

#[derive(Debug, sqlx::FromRow)]
struct IdentityRow {
    kind: String,
    value: String,
    verified: i64,
    source: String,
}

/// The profile summary a customer sees of themself; `None` when the profile is not the brand's.
pub async fn me(db: &Db, brand_id: &str, profile_id: &str) -> Result<Option<Me>> {
    let profile: Option<ProfileRow> = sqlx::query_as(
        "SELECT p.id, p.display_name, p.avatar_url, b.slug, b.name FROM profiles p JOIN brands b ON b.id = p.brand_id \
         WHERE p.id = $1 AND p.brand_id = $2",
    )
    .bind(profile_id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?;
    let Some(profile) = profile else {
        return Ok(None);
    };
    let identities: Vec<IdentityRow> = sqlx::query_as(
        "SELECT kind, value, verified, source FROM identities WHERE profile_id = $1 AND brand_id = $2 ORDER BY first_seen_at, kind",
    )
    .bind(profile_id)
    .bind(brand_id)
    .fetch_all(db.read())
    .await?;
    let phone = identities
        .iter()
        .filter(|i| i.kind == "phone" && i.verified == 1)
        .find_map(|i| app::domain::Phone::parse(&i.value).ok());
    Ok(Some(Me {
        profile_id: profile.id,
        brand: PublicBrand {
            slug: profile.slug,
            name: profile.name,
        },
        name: profile.display_name,
        avatar_url: profile.avatar_url,
        phone: phone.as_ref().map(|p| p.as_str().to_owned()),
        phone_masked: phone.as_ref().map(app::domain::Phone::masked),
        identities: identities
            .into_iter()
            .map(|i| IdentitySummary {
                kind: i.kind,
                verified: i.verified == 1,
                source: i.source,
            })
            .collect(),
        // No points can exist before the loyalty ledger does; every member starts in the entry tier.
        loyalty: LoyaltySummary {
            points: 0,
            tier: "member".into(),
        },
    }))
}

/// The profile summary, or `invalid_token` when the token's profile no longer exists.
pub async fn require_me(db: &Db, brand_id: &str, profile_id: &str) -> Result<Me> {
    me(db, brand_id, profile_id).await?.ok_or_else(|| {
        Error::unauthorized("invalid_token", "This session's profile no longer exists.")
    })
}
