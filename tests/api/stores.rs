//! Stores and staff: the console adds stores and staff tied to them; staff act only at their stores and say which;
//! a used voucher and a handed-over gift name the store; the mini app lists open stores nearest first; a second
//! brand's stores are out of reach.

use app::api::StaffRole;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::assert_error,
    loyalty_support::{Member, Shop},
};

/// A voucher in `member`'s wallet: points given by an admin, then a reward redeemed.
async fn voucher_for(shop: &Shop<'_>, member: &Member) -> String {
    let reward = shop.reward(json!({ "points_cost": 10 })).await;
    shop.adjust(&member.id, 10, None).await;
    let r = shop.redeem(member, reward["id"].as_str().unwrap(), "k1").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_owned()
}

fn store(name: &str, lat: f64, lng: f64) -> Value {
    json!({ "name": name, "address": "12 Nguyễn Huệ, Quận 1", "latitude": lat, "longitude": lng,
            "hours": "7:00–22:00", "active": true })
}

both_stores! {
    async fn staff_act_only_at_their_stores_and_a_used_voucher_names_the_store(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        let code = voucher_for(&shop, &mai).await;

        // Before the brand has stores, staff act without naming one (as before stores existed).
        let a = shop.admin_post("/api/v1/admin/stores", &store("Nguyễn Huệ", 10.7740, 106.7030), StatusCode::CREATED).await;
        let b = shop.admin_post("/api/v1/admin/stores", &store("Thảo Điền", 10.8030, 106.7350), StatusCode::CREATED).await;
        let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
        assert_eq!(a["input"]["name"], "Nguyễn Huệ");

        // Bad stores are refused about their field and write nothing.
        let r = shop.send(Method::POST, "/api/v1/admin/stores", &shop.admin, Some(&store("Nguyễn Huệ", 10.0, 106.0))).await;
        let refusal = assert_error(r, StatusCode::CONFLICT, "store_exists").await;
        assert_eq!(refusal["error"]["field"]["pointer"], "/name");
        let mut half = store("Half", 10.0, 106.0);
        half["longitude"] = Value::Null;
        let r = shop.send(Method::POST, "/api/v1/admin/stores", &shop.admin, Some(&half)).await;
        let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_store").await;
        assert_eq!(refusal["error"]["field"]["pointer"], "/longitude");
        let r = shop.send(Method::POST, "/api/v1/admin/stores", &shop.admin, Some(&store("Far", 91.0, 0.0))).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_store").await;
        assert_eq!(app.count("stores").await, 2);

        // A staff member tied to store A, added from the console.
        let invite = json!({ "email": "Till@Acme.vn", "password": "a long first password", "role": "staff", "store_ids": [a_id] });
        let added = shop.admin_post("/api/v1/admin/staff", &invite, StatusCode::CREATED).await;
        assert_eq!(added["user"]["email"], "till@acme.vn");
        assert_eq!(added["stores"], json!([{ "id": a_id, "name": "Nguyễn Huệ" }]));
        let r = shop.send(Method::POST, "/api/v1/admin/staff", &shop.admin, Some(&invite)).await;
        assert_error(r, StatusCode::CONFLICT, "user_exists").await;
        let weak = json!({ "email": "new@acme.vn", "password": "short", "role": "staff" });
        let r = shop.send(Method::POST, "/api/v1/admin/staff", &shop.admin, Some(&weak)).await;
        let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "weak_password").await;
        assert_eq!(refusal["error"]["field"]["pointer"], "/password");
        let owner = json!({ "email": "boss@acme.vn", "password": "a long first password", "role": "owner" });
        let r = shop.send(Method::POST, "/api/v1/admin/staff", &shop.admin, Some(&owner)).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "owner_fixed").await;
        let unknown = json!({ "email": "x@acme.vn", "password": "a long first password", "role": "staff", "store_ids": ["nope"] });
        let r = shop.send(Method::POST, "/api/v1/admin/staff", &shop.admin, Some(&unknown)).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_store").await;
        assert_eq!(app.count("users").await, 2, "the admin and the one staff member");

        let staff = app.admin_token("acme", "till@acme.vn", "a long first password").await;
        let me = shop.get("/api/v1/staff/me", &staff).await;
        assert_eq!(me["stores"], json!([{ "id": a_id, "name": "Nguyễn Huệ" }]));
        let admin_me = shop.get("/api/v1/staff/me", &shop.admin).await;
        assert_eq!(admin_me["stores"].as_array().unwrap().len(), 2, "an admin acts at every store");

        // Now that the brand has stores, staff say which; never one they are not tied to, nor another brand's.
        let other = app.other_brand("other").await;
        let other_password = app.brand_user(&other, "admin@other.vn", StaffRole::Admin).await;
        let other_admin = app.admin_token("other", "admin@other.vn", &other_password).await;
        let foreign = app
            .client
            .post(app.url("/api/v1/admin/stores"))
            .bearer_auth(&other_admin)
            .header("X-Cham-Brand", "other")
            .json(&store("Elsewhere", 21.0, 105.8))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let use_at = |store: Option<&str>| match store {
            Some(s) => format!("/api/v1/staff/vouchers/{code}/use?store_id={s}"),
            None => format!("/api/v1/staff/vouchers/{code}/use"),
        };
        let r = shop.send(Method::POST, &use_at(None), &staff, None).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "store_required").await;
        let r = shop.send(Method::POST, &use_at(Some(b_id)), &staff, None).await;
        assert_error(r, StatusCode::FORBIDDEN, "store_not_yours").await;
        let r = shop.send(Method::POST, &use_at(Some(foreign["id"].as_str().unwrap())), &staff, None).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_store").await;
        let seen = shop.get(&format!("/api/v1/staff/vouchers/{code}"), &staff).await;
        assert_eq!(seen["usable"], true, "refused attempts change nothing: {seen}");

        let r = shop.send(Method::POST, &use_at(Some(a_id)), &staff, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let used: Value = r.json().await.unwrap();
        assert_eq!((used["used_by"].as_str(), used["used_at_store"].as_str()), (Some("till@acme.vn"), Some("Nguyễn Huệ")));
        // A second till is told when, where and by whom.
        let r = shop.send(Method::POST, &use_at(Some(a_id)), &shop.admin, None).await;
        let refusal = assert_error(r, StatusCode::CONFLICT, "voucher_used").await;
        assert!(refusal["error"]["message"].as_str().unwrap().contains("Nguyễn Huệ"), "{refusal}");
        let (store_id,): (Option<String>,) =
            sqlx::query_as("SELECT used_store_id FROM vouchers").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(store_id.as_deref(), Some(a_id));
        let (props,): (String,) = sqlx::query_as("SELECT properties FROM events WHERE type = 'voucher_used'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        let props: Value = serde_json::from_str(&props).unwrap();
        assert_eq!(props["store_id"], a_id);

        // Closing store A stops staff acting there; tying them to B lets them act at B.
        let mut closed = store("Nguyễn Huệ", 10.7740, 106.7030);
        closed["active"] = json!(false);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/stores/{a_id}"), &shop.admin, Some(&closed)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(shop.get("/api/v1/staff/me", &staff).await["stores"].as_array().unwrap().is_empty());
        let user_id = added["user"]["id"].as_str().unwrap();
        let change = json!({ "store_ids": [b_id], "disabled": false });
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/staff/{user_id}"), &shop.admin, Some(&change)).await;
        assert_eq!(r.json::<Value>().await.unwrap()["stores"][0]["name"], "Thảo Điền");
        let listed = shop.get("/api/v1/admin/staff", &shop.admin).await;
        assert_eq!(listed.as_array().unwrap().len(), 2);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/stores/{b_id}"), &other_admin, Some(&closed)).await;
        assert!(r.status().is_client_error(), "another brand's admin cannot touch this store");

        // Disabling the account ends its session at once; the admin cannot disable themselves here.
        let change = json!({ "store_ids": [b_id], "disabled": true });
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/staff/{user_id}"), &shop.admin, Some(&change)).await;
        assert_eq!(r.json::<Value>().await.unwrap()["disabled"], true);
        let r = shop.send(Method::GET, "/api/v1/staff/me", &staff, None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let own_id = admin_me["user"]["id"].as_str().unwrap();
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/staff/{own_id}"), &shop.admin, Some(&change)).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "owner_fixed").await;
    }

    async fn the_mini_app_lists_open_stores_nearest_first(app) {
        let shop = Shop::open(&app).await;
        let mai = shop.member("Mai", "0912345678").await;
        assert_eq!(shop.get("/api/v1/stores", &mai.token).await, json!([]));
        shop.admin_post("/api/v1/admin/stores", &store("Quận 1", 10.7740, 106.7030), StatusCode::CREATED).await;
        shop.admin_post("/api/v1/admin/stores", &store("Thảo Điền", 10.8030, 106.7350), StatusCode::CREATED).await;
        let mut nowhere = store("Online", 0.0, 0.0);
        nowhere["latitude"] = Value::Null;
        nowhere["longitude"] = Value::Null;
        shop.admin_post("/api/v1/admin/stores", &nowhere, StatusCode::CREATED).await;
        let mut closed = store("Đã đóng", 10.8, 106.73);
        closed["active"] = json!(false);
        shop.admin_post("/api/v1/admin/stores", &closed, StatusCode::CREATED).await;

        let by_name = shop.get("/api/v1/stores", &mai.token).await;
        let names: Vec<&str> = by_name.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Online", "Quận 1", "Thảo Điền"]);
        // Standing in Thảo Điền: it comes first, a few hundred metres away; a store without a location comes last.
        let near = shop.get("/api/v1/stores?lat=10.8045&lng=106.7340", &mai.token).await;
        let names: Vec<&str> = near.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Thảo Điền", "Quận 1", "Online"]);
        assert!((100..400).contains(&near[0]["distance_m"].as_i64().unwrap()), "{near}");
        assert!(near[2]["distance_m"].is_null());
        let r = shop.send(Method::GET, "/api/v1/stores?lat=10.8", &mai.token, None).await;
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_query").await;
        let r = shop.send(Method::GET, "/api/v1/admin/stores", &mai.token, None).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }

    async fn stores_with_and_without_a_location_save_in_any_order(app) {
        // On PostgreSQL a statement first prepared without coordinates used to refuse the next store's (a 500):
        // the same requests, alternating, on the same few connections.
        let shop = Shop::open(&app).await;
        let mut ids = Vec::new();
        for i in 0..12 {
            let mut body = store(&format!("Cửa hàng {i}"), 10.77 + f64::from(i) / 100.0, 106.70);
            if i % 2 == 0 {
                body["latitude"] = Value::Null;
                body["longitude"] = Value::Null;
            }
            let created = shop.admin_post("/api/v1/admin/stores", &body, StatusCode::CREATED).await;
            ids.push(created["id"].as_str().unwrap().to_owned());
        }
        for (i, id) in ids.iter().enumerate() {
            let mut body = store(&format!("Cửa hàng {i}"), 10.8, 106.73);
            if i % 2 == 1 {
                body["latitude"] = Value::Null;
                body["longitude"] = Value::Null;
            }
            let r = shop.send(Method::PUT, &format!("/api/v1/admin/stores/{id}"), &shop.admin, Some(&body)).await;
            assert_eq!(r.status(), StatusCode::OK, "store {i}");
        }
        let located: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stores WHERE latitude IS NOT NULL")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(located.0, 6);
    }
}
