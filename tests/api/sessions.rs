//! Access JWTs and rotating refresh tokens: everything a forged, stale or misplaced token must not do.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use cham_server::auth::tokens::{Claims, ISSUER, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{both_stores, helpers::assert_error};

fn claims_for(app: &crate::helpers::TestApp, profile_id: &str, exp_offset: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: profile_id.into(),
        brand: app.brand.id.clone(),
        bslug: app.brand.slug.clone(),
        role: Role::Customer,
        sid: "s".into(),
        iat: now,
        exp: now + exp_offset,
        iss: ISSUER.into(),
    }
}

both_stores! {
    async fn a_refresh_token_rotates_and_reusing_an_old_one_revokes_the_whole_session(app) {
        let session = app.signed_in_customer("Trịnh Kim", "0945000111").await;
        let first = session["tokens"]["refresh_token"].as_str().unwrap().to_owned();
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": first })).await;
        assert_eq!(r.status(), StatusCode::OK);
        let pair: Value = r.json().await.unwrap();
        let second = pair["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(first, second);
        let me = app.get_with("/api/v1/me", pair["access_token"].as_str().unwrap()).await;
        assert_eq!(me.status(), StatusCode::OK);

        // The old token again: someone holds a copy, so the whole family ends.
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": first })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": second })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        let (revoked,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_sessions WHERE revoked_reason = 'refresh_token_reused'")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(revoked, 1);
    }

    async fn signing_out_ends_the_session(app) {
        let session = app.signed_in_customer("Mai Anh", "0945000222").await;
        let refresh = session["tokens"]["refresh_token"].as_str().unwrap();
        let r = app.post_json("/api/v1/auth/logout", &json!({ "refresh_token": refresh })).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": refresh })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        let r = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": "made-up" })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }

    async fn an_ended_session_is_refused_at_once_on_every_route_and_writes_nothing(app) {
        // Signed out: the access token, though unexpired, no longer opens anything.
        let session = app.signed_in_customer("Mai Anh", "0945000222").await;
        let access = session["tokens"]["access_token"].as_str().unwrap().to_owned();
        let refresh = session["tokens"]["refresh_token"].as_str().unwrap();
        app.post_json("/api/v1/auth/logout", &json!({ "refresh_token": refresh })).await;
        let r = app.get_with("/api/v1/me", &access).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "session_ended").await;

        // A reused refresh token ends its family: its access tokens stop too.
        let session = app.signed_in_customer("Cao Phong", "0945000333").await;
        let access = session["tokens"]["access_token"].as_str().unwrap().to_owned();
        let first = session["tokens"]["refresh_token"].as_str().unwrap().to_owned();
        app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": first })).await;
        app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": first })).await;
        let r = app.get_with("/api/v1/me/loyalty", &access).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "session_ended").await;

        // Erased: every route refuses the token and nothing more is written about the person.
        let session = app.signed_in_customer("Lý Thu", "0945000444").await;
        let access = session["tokens"]["access_token"].as_str().unwrap().to_owned();
        let r = app.client.post(app.url("/api/v1/me/erasure")).bearer_auth(&access).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let rows = |app: &'_ crate::helpers::TestApp| {
            let db = app.db.clone();
            async move {
                let mut total = 0;
                for table in ["events", "consent_records", "profile_attributes", "points_entries", "vouchers", "game_plays", "survey_responses", "identities"] {
                    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(db.read()).await.unwrap();
                    total += n;
                }
                total
            }
        };
        let before = rows(&app).await;
        let client = &app.client;
        let attempts = [
            client.get(app.url("/api/v1/me")),
            client.get(app.url("/api/v1/me/events")),
            client.get(app.url("/api/v1/me/loyalty")),
            client.get(app.url("/api/v1/me/points")),
            client.get(app.url("/api/v1/me/vouchers")),
            client.get(app.url("/api/v1/me/export")),
            client.get(app.url("/api/v1/games")),
            client.get(app.url("/api/v1/surveys")),
            client.post(app.url("/api/v1/events")).json(&json!({ "type": "app_opened" })),
            client.put(app.url("/api/v1/me/consents/marketing_zalo")).json(&json!({ "granted": true, "wording_version": "v1" })),
            client.post(app.url("/api/v1/me/redemptions")).json(&json!({ "reward_id": "x", "idempotency_key": "k" })),
            client.post(app.url("/api/v1/me/erasure")),
        ];
        for attempt in attempts {
            let r = attempt.bearer_auth(&access).send().await.unwrap();
            assert_error(r, StatusCode::UNAUTHORIZED, "session_ended").await;
        }
        assert_eq!(rows(&app).await, before, "a row was written after the erasure");
    }

    async fn tampered_unsigned_expired_and_foreign_jwts_are_refused(app) {
        let session = app.signed_in_customer("Cao Phong", "0945000333").await;
        let access = session["tokens"]["access_token"].as_str().unwrap().to_owned();
        let profile_id = session["me"]["profile_id"].as_str().unwrap().to_owned();

        let r = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "missing_token").await;

        // Payload changed to another brand, signature kept.
        let parts: Vec<&str> = access.split('.').collect();
        let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        payload["sub"] = json!("someone-else");
        let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);
        assert_error(app.get_with("/api/v1/me", &tampered).await, StatusCode::UNAUTHORIZED, "invalid_token").await;

        // alg: none, no signature.
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = format!("{header}.{}.", parts[1]);
        assert_error(app.get_with("/api/v1/me", &unsigned).await, StatusCode::UNAUTHORIZED, "invalid_token").await;

        // Signed with another key.
        let foreign = jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims_for(&app, &profile_id, 600),
            &jsonwebtoken::EncodingKey::from_secret(b"not the server's key"),
        ).unwrap();
        assert_error(app.get_with("/api/v1/me", &foreign).await, StatusCode::UNAUTHORIZED, "invalid_token").await;

        // Expired, with the right key.
        let expired = app.keys.sign(&claims_for(&app, &profile_id, -5)).unwrap();
        assert_error(app.get_with("/api/v1/me", &expired).await, StatusCode::UNAUTHORIZED, "token_expired").await;

        // The genuine token still works.
        assert_eq!(app.get_with("/api/v1/me", &access).await.status(), StatusCode::OK);
    }

    async fn a_jwt_of_brand_a_is_refused_on_brand_b(app) {
        app.other_brand("beta").await;
        let session = app.signed_in_customer("Đinh Tú", "0945000444").await;
        let access = session["tokens"]["access_token"].as_str().unwrap();
        let r = app.client.get(app.url("/api/v1/me")).bearer_auth(access).header("X-Cham-Brand", "beta").send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "wrong_brand").await;
        let r = app.client.get(app.url("/api/v1/me")).bearer_auth(access).header("X-Cham-Brand", "acme").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        // A token naming brand B with a session and profile of brand A opens nothing: its session is not brand B's.
        let beta = cham_server::brands::Brand::by_slug(&app.db, "beta").await.unwrap().unwrap();
        let mut claims = claims_for(&app, session["me"]["profile_id"].as_str().unwrap(), 600);
        claims.brand = beta.id.clone();
        claims.bslug = beta.slug.clone();
        let cross = app.keys.sign(&claims).unwrap();
        assert_error(app.get_with("/api/v1/me", &cross).await, StatusCode::UNAUTHORIZED, "session_ended").await;
    }
}
