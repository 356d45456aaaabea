//! Brand users: password sign-in, the console overview, and role and brand scoping.

use app::api::StaffRole;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{both_stores, helpers::assert_error};

both_stores! {
    async fn an_owner_signs_in_and_sees_their_brand(app) {
        let password = app.brand_user(&app.brand, "Owner@Acme.vn", StaffRole::Owner).await;
        app.signed_in_customer("Khách Một", "0916000111").await;
        let r = app.post_json("/api/v1/admin/session", &json!({ "brand": "acme", "email": "owner@acme.vn", "password": password })).await;
        assert_eq!(r.status(), StatusCode::OK);
        let session: Value = r.json().await.unwrap();
        assert_eq!(session["user"]["role"], "owner");
        assert_eq!(session["brand"]["name"], "Acme Trà Sữa");
        let token = session["tokens"]["access_token"].as_str().unwrap();
        let r = app.get_with("/api/v1/admin/brand", token).await;
        assert_eq!(r.status(), StatusCode::OK);
        let overview: Value = r.json().await.unwrap();
        assert_eq!(overview["brand"]["name"], "Acme Trà Sữa");
        assert_eq!(overview["members"], 1);
        assert_eq!(overview["active_members_30d"], 1);
        assert_eq!(overview["channels"]["zalo_sign_in_ready"], true);
        assert_eq!(overview["channels"]["momo_sign_in_ready"], true);
        assert_eq!(overview["user"]["email"], "owner@acme.vn");
        assert!(!overview.to_string().contains("secret"), "no secret leaves the server: {overview}");
    }

    async fn a_wrong_password_or_unknown_email_is_refused_the_same_way_and_opens_no_session(app) {
        let password = app.brand_user(&app.brand, "admin@acme.vn", StaffRole::Admin).await;
        let r = app.post_json("/api/v1/admin/session", &json!({ "brand": "acme", "email": "admin@acme.vn", "password": "wrong password!" })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        let r = app.post_json("/api/v1/admin/session", &json!({ "brand": "acme", "email": "nobody@acme.vn", "password": password })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        let r = app.post_json("/api/v1/admin/session", &json!({ "brand": "ghost", "email": "admin@acme.vn", "password": password })).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_brand").await;
        assert_eq!(app.count("auth_sessions").await, 0);
    }

    async fn an_admin_of_one_brand_cannot_use_the_console_of_another(app) {
        let beta = app.other_brand("beta").await;
        let password = app.brand_user(&beta, "boss@beta.vn", StaffRole::Owner).await;
        // The same e-mail does not exist in acme.
        let r = app.post_json("/api/v1/admin/session", &json!({ "brand": "acme", "email": "boss@beta.vn", "password": password })).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        let token = app.admin_token("beta", "boss@beta.vn", &password).await;
        let r = app.client.get(app.url("/api/v1/admin/brand")).bearer_auth(&token).header("X-Cham-Brand", "acme").send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "wrong_brand").await;
        let overview: Value = app.get_with("/api/v1/admin/brand", &token).await.json().await.unwrap();
        assert_eq!(overview["brand"]["slug"], "beta");
        assert_eq!(overview["members"], 0);
    }

    async fn customers_and_staff_cannot_use_the_admin_console(app) {
        let session = app.signed_in_customer("Khách Hai", "0916000222").await;
        let customer = session["tokens"]["access_token"].as_str().unwrap();
        assert_error(app.get_with("/api/v1/admin/brand", customer).await, StatusCode::FORBIDDEN, "admins_only").await;
        let password = app.brand_user(&app.brand, "staff@acme.vn", StaffRole::Staff).await;
        let staff = app.admin_token("acme", "staff@acme.vn", &password).await;
        assert_error(app.get_with("/api/v1/admin/brand", &staff).await, StatusCode::FORBIDDEN, "admins_only").await;
        // And a brand user's token is not a customer's.
        assert_error(app.get_with("/api/v1/me", &staff).await, StatusCode::FORBIDDEN, "customers_only").await;
    }

    async fn brand_users_need_a_valid_email_a_long_password_and_a_unique_email(app) {
        let db = &app.db;
        let id = &app.brand.id;
        use cham_server::auth::staff::create_user;
        assert_eq!(create_user(db, id, "not-an-email", "long enough password", StaffRole::Admin).await.unwrap_err().code().as_str(), "invalid_email");
        assert_eq!(create_user(db, id, "a@acme.vn", "short", StaffRole::Admin).await.unwrap_err().code().as_str(), "weak_password");
        create_user(db, id, "a@acme.vn", "long enough password", StaffRole::Admin).await.unwrap();
        assert_eq!(create_user(db, id, "A@acme.vn", "long enough password", StaffRole::Admin).await.unwrap_err().code().as_str(), "user_exists");
        assert_eq!(app.count("users").await, 1);
    }
}
