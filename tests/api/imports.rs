//! Customer-list imports: normalisation, rejections with reasons, idempotent re-imports, upload errors.

use std::time::Duration;

use app::api::StaffRole;
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    both_stores,
    helpers::{TestApp, assert_error},
};

/// A list with a BOM, CRLF line ends, quoted commas, diacritics, duplicates, an old 11-digit number and junk.
const LIST: &str = "\u{feff}Số điện thoại,Họ tên,email,birthday,tags,Món yêu thích\r\n\
0912 345 678,\"Nguyễn Văn A, Jr.\",a@example.vn,1990-01-31,vip,Cà phê sữa đá\r\n\
+84912345678,Nguyễn Văn A,,,,\r\n\
01689123456,Trần Thị Bích,,31/12/1985,,\"Trà đào, ít đá\"\r\n\
028 3812 3456,Cửa hàng,,,,\r\n\
,Không Có Số,,,,\r\n\
0987654321,Lê Văn C,not-an-email,,,\r\n\
0978000111,Phạm D,,1990-02-30,,\r\n\
0978000222,\"Võ \"\"Út\"\" E\",e@example.vn,,,\r\n";

async fn admin(app: &TestApp) -> String {
    let password = app.brand_user(&app.brand, "data@acme.vn", StaffRole::Admin).await;
    app.admin_token("acme", "data@acme.vn", &password).await
}

async fn upload(app: &TestApp, token: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/admin/imports?file_name=khach-hang.csv"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let info: Value = app
            .get_with(&format!("/api/v1/admin/imports/{id}"), token)
            .await
            .json()
            .await
            .unwrap();
        if info["status"] != "processing" {
            return info;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn data_footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count("profiles").await,
        app.count("identities").await,
        app.count("profile_attributes").await,
        app.count("identity_conflicts").await,
    )
}

both_stores! {
    async fn a_list_imports_with_a_reason_for_every_rejected_row_and_a_second_import_changes_nothing(app) {
        let token = admin(&app).await;
        let r = upload(&app, &token, LIST).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let started: Value = r.json().await.unwrap();
        let info = finished(&app, &token, started["id"].as_str().unwrap()).await;
        assert_eq!(info["status"], "completed", "{info}");
        assert_eq!(info["rows_read"], 8);
        assert_eq!(info["created"], 3, "{info}");
        assert_eq!(info["unchanged"], 1, "the duplicate of the first row");
        assert_eq!(info["rejected"], 4, "{info}");

        let report = app.get_with(&format!("/api/v1/admin/imports/{}/rejections.csv?lang=en", started["id"].as_str().unwrap()), &token)
            .await.text().await.unwrap();
        let lines: Vec<&str> = report.trim_end().split("\r\n").collect();
        assert_eq!(lines[0], "\u{feff}row,reason,message,detail,raw");
        assert!(lines[1].starts_with("5,invalid_phone,This phone number is not valid.,"), "{}", lines[1]);
        // In Vietnamese (the default), the reason is said in Vietnamese too.
        let vi = app.get_with(&format!("/api/v1/admin/imports/{}/rejections.csv", started["id"].as_str().unwrap()), &token)
            .await.text().await.unwrap();
        assert!(vi.starts_with("\u{feff}dòng,mã lý do,lý do,chi tiết,dữ liệu gốc\r\n"), "{vi}");
        assert!(vi.contains(",invalid_phone,Số điện thoại không hợp lệ.,"), "{vi}");
        let reasons: Vec<&str> = lines[1..].iter().map(|l| l.split(',').nth(1).unwrap()).collect();
        assert_eq!(reasons, vec!["invalid_phone", "missing_identifier", "invalid_email", "invalid_birthday"]);
        assert!(lines[1].starts_with("5,"), "row numbers count the header: {}", lines[1]);

        let page: Value = app.get_with("/api/v1/admin/profiles?q=0389123456", &token).await.json().await.unwrap();
        let bich = &page["profiles"][0];
        assert_eq!(bich["name"], "Trần Thị Bích", "01689… was renumbered to 0389…");
        let p: Value = app.get_with(&format!("/api/v1/admin/profiles/{}", bich["profile_id"].as_str().unwrap()), &token).await.json().await.unwrap();
        let attrs: Vec<(String, Value)> = p["attributes"].as_array().unwrap().iter().map(|a| (a["key"].as_str().unwrap().to_owned(), a["value"].clone())).collect();
        assert!(attrs.contains(&("birthday".into(), Value::from("1985-12-31"))), "{attrs:?}");
        assert!(attrs.contains(&("mon_yeu_thich".into(), Value::from("Trà đào, ít đá"))), "{attrs:?}");
        let page: Value = app.get_with("/api/v1/admin/profiles?q=0978000222", &token).await.json().await.unwrap();
        assert_eq!(page["profiles"][0]["name"], "Võ \"Út\" E");
        let (verified,): (i64,) = sqlx::query_as("SELECT MAX(verified) FROM identities WHERE kind = 'phone'").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(verified, 0, "imported phones are unverified claims");

        let before = data_footprint(&app).await;
        let again: Value = upload(&app, &token, LIST).await.json().await.unwrap();
        let info = finished(&app, &token, again["id"].as_str().unwrap()).await;
        assert_eq!((info["created"].clone(), info["updated"].clone(), info["unchanged"].clone()), (0.into(), 0.into(), 4.into()));
        assert_eq!(data_footprint(&app).await, before, "importing the same file again adds nothing");
    }

    async fn an_import_enriches_the_customer_who_already_signed_in(app) {
        let session = app.signed_in_customer("Khách Cũ", "0912345678").await;
        let token = admin(&app).await;
        let started: Value = upload(&app, &token, "phone,favourite_drink\n84912345678,Bạc xỉu\n").await.json().await.unwrap();
        let info = finished(&app, &token, started["id"].as_str().unwrap()).await;
        assert_eq!(info["updated"], 1);
        assert_eq!(app.count("profiles").await, 1);
        let id = session["me"]["profile_id"].as_str().unwrap();
        let p: Value = app.get_with(&format!("/api/v1/admin/profiles/{id}"), &token).await.json().await.unwrap();
        assert_eq!(p["attributes"][0]["value"], "Bạc xỉu");
        let (verified,): (i64,) = sqlx::query_as("SELECT verified FROM identities WHERE kind = 'phone'").fetch_one(app.db.read()).await.unwrap();
        assert_eq!(verified, 1, "an import never downgrades a verified phone");
    }

    async fn uploads_without_an_identifier_column_or_content_are_refused_and_leave_nothing(app) {
        let token = admin(&app).await;
        assert_error(upload(&app, &token, "name,city\nA,Huế\n").await, StatusCode::UNPROCESSABLE_ENTITY, "missing_identifier_column").await;
        assert_error(upload(&app, &token, "").await, StatusCode::UNPROCESSABLE_ENTITY, "empty_file").await;
        assert_eq!(app.count("imports").await, 0);
        let session = app.signed_in_customer("Khách", "0912000111").await;
        let customer = session["tokens"]["access_token"].as_str().unwrap();
        assert_error(upload(&app, customer, LIST).await, StatusCode::FORBIDDEN, "admins_only").await;
        let beta = app.other_brand("beta").await;
        let password = app.brand_user(&beta, "boss@beta.vn", StaffRole::Owner).await;
        let beta_token = app.admin_token("beta", "boss@beta.vn", &password).await;
        let started: Value = upload(&app, &token, "phone\n0912000222\n").await.json().await.unwrap();
        let id = started["id"].as_str().unwrap();
        finished(&app, &token, id).await;
        assert_error(app.get_with(&format!("/api/v1/admin/imports/{id}"), &beta_token).await, StatusCode::NOT_FOUND, "unknown_import").await;
        assert_error(app.get_with(&format!("/api/v1/admin/imports/{id}/rejections.csv"), &beta_token).await, StatusCode::NOT_FOUND, "unknown_import").await;
    }
}

both_stores! {
    async fn a_row_with_a_nul_character_is_rejected_with_its_reason_on_both_stores(app) {
        let token = admin(&app).await;
        let list = "phone,name\n0912345678,Nguyễn Văn A\n0987654321,Lê\u{0}Văn C\n";
        let r = upload(&app, &token, list).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let info: Value = r.json().await.unwrap();
        let done = finished(&app, &token, info["id"].as_str().unwrap()).await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!((done["created"].as_i64(), done["rejected"].as_i64()), (Some(1), Some(1)), "{done}");
        let (reason,): (String,) = sqlx::query_as("SELECT reason FROM import_rejections WHERE row_number = 3")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(reason, "invalid_characters");
    }
}

both_stores! {
    async fn the_rejection_report_neutralises_formulas_and_opens_in_excel(app) {
        let token = admin(&app).await;
        let list = "phone,name\n=HYPERLINK(\"http://evil\"),Nguyễn\n+84912345678,\"=1+1\"\n";
        let info: Value = upload(&app, &token, list).await.json().await.unwrap();
        let id = info["id"].as_str().unwrap();
        finished(&app, &token, id).await;
        let csv = app.get_with(&format!("/api/v1/admin/imports/{id}/rejections.csv"), &token).await.text().await.unwrap();
        assert!(csv.starts_with('\u{feff}'), "a BOM first, so Excel reads Vietnamese");
        let row = csv.lines().nth(1).unwrap();
        assert!(row.contains("\"'=HYPERLINK(\"\"http://evil\"\"),Nguyễn\""), "{row}");
        assert!(!csv.lines().skip(1).any(|l| l.split(',').any(|cell| cell.starts_with('='))), "{csv}");
    }

    async fn an_unclosed_quote_and_extra_fields_are_rejected_rows_not_swallowed_ones(app) {
        let token = admin(&app).await;
        let list = "phone,name\n0912000001,\"Trần Văn\n0912000002,Lê Thị B\"\n0912000003,Phạm C,extra\n0912000004,Võ D\n";
        let info: Value = upload(&app, &token, list).await.json().await.unwrap();
        let done = finished(&app, &token, info["id"].as_str().unwrap()).await;
        let reasons: Vec<(i64, String)> = sqlx::query_as("SELECT row_number, reason FROM import_rejections ORDER BY row_number")
            .fetch_all(app.db.read()).await.unwrap();
        assert_eq!(reasons, vec![(2, "unbalanced_quote".to_owned()), (4, "too_many_fields".to_owned())], "{done}");
        assert_eq!(done["created"], 1, "only the last row is whole: {done}");
    }

    async fn a_header_of_too_many_columns_or_new_attribute_keys_is_refused_and_writes_nothing(app) {
        let token = admin(&app).await;
        let wide: Vec<String> = (0..100_000).map(|n| format!("c{n}")).collect();
        let list = format!("phone,{}\n0912345678\n", wide.join(","));
        let r = upload(&app, &token, &list).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "too_many_columns").await;
        let keys: Vec<String> = (0..99).map(|n| format!("k{n}")).collect();
        for chunk in [&keys[..], &keys[..]] {
            let list = format!("phone,{}\n0912345678{}\n", chunk.join(","), ",x".repeat(chunk.len()));
            let info: Value = upload(&app, &token, &list).await.json().await.unwrap();
            finished(&app, &token, info["id"].as_str().unwrap()).await;
        }
        let more: Vec<String> = (100..199).map(|n| format!("k{n}")).collect();
        let list = format!("phone,{}\n0912345678{}\n", more.join(","), ",y".repeat(more.len()));
        let info: Value = upload(&app, &token, &list).await.json().await.unwrap();
        finished(&app, &token, info["id"].as_str().unwrap()).await;
        let (keys,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT key) FROM profile_attributes")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(keys, 198);
        // Three more new ones would pass 200.
        let imports_before = app.count("imports").await;
        let r = upload(&app, &token, "phone,n1,n2,n3\n0912345678,a,b,c\n").await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "too_many_attribute_keys").await;
        assert_eq!(app.count("imports").await, imports_before);
    }

    async fn an_import_column_can_go_onto_an_attribute_the_brand_already_has(app) {
        let token = admin(&app).await;
        let first: Value = upload(&app, &token, "phone,favourite_drink\n0912000001,Trà sữa\n").await.json().await.unwrap();
        finished(&app, &token, first["id"].as_str().unwrap()).await;

        // The console shows how the next file's header reads, with the keys it could map onto.
        let r = app.client.post(app.url("/api/v1/admin/imports/columns")).bearer_auth(&token)
            .header("content-type", "text/csv").body("\u{feff}SĐT,Họ tên,Món yêu thích,Ghi chú\r\n").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let preview: Value = r.json().await.unwrap();
        let roles: Vec<(&str, &str, Option<&str>)> = preview["columns"].as_array().unwrap().iter()
            .map(|c| (c["header"].as_str().unwrap(), c["role"].as_str().unwrap(), c["key"].as_str())).collect();
        assert_eq!(roles, vec![
            ("SĐT", "phone", None), ("Họ tên", "name", None),
            ("Món yêu thích", "attribute", Some("mon_yeu_thich")), ("Ghi chú", "attribute", Some("ghi_chu")),
        ]);
        assert_eq!(preview["identifies"], true);
        assert_eq!(preview["attribute_keys"], serde_json::json!(["favourite_drink"]));

        // Refusals change nothing: a column the file lacks, a key that cannot be one, text that is not JSON.
        let imports_before = app.count("imports").await;
        let file = "SĐT,Họ tên,Món yêu thích\n0912000002,Lan,Cà phê\n";
        for columns in [r#"{"khong_co":"favourite_drink"}"#, r#"{"mon_yeu_thich":"Bad Key"}"#, "nope"] {
            let url = format!("/api/v1/admin/imports?file_name=b.csv&columns={}", url::form_urlencoded::byte_serialize(columns.as_bytes()).collect::<String>());
            let r = app.client.post(app.url(&url)).bearer_auth(&token).header("content-type", "text/csv")
                .body(file).send().await.unwrap();
            assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_column_map").await;
        }
        assert_eq!(app.count("imports").await, imports_before);

        let columns = url::form_urlencoded::byte_serialize(br#"{"mon_yeu_thich":"favourite_drink"}"#).collect::<String>();
        let r = app.client.post(app.url(&format!("/api/v1/admin/imports?file_name=b.csv&columns={columns}")))
            .bearer_auth(&token).header("content-type", "text/csv").body(file).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let info: Value = r.json().await.unwrap();
        let done = finished(&app, &token, info["id"].as_str().unwrap()).await;
        assert_eq!(done["created"], 1, "{done}");
        let (value,): (String,) = sqlx::query_as(
            "SELECT a.value FROM profile_attributes a JOIN identities i ON i.profile_id = a.profile_id \
             WHERE i.value = '84912000002' AND a.key = 'favourite_drink'",
        ).fetch_one(app.db.read()).await.unwrap();
        assert_eq!(value, "\"Cà phê\"");
        let (own,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM profile_attributes WHERE key = 'mon_yeu_thich'")
            .fetch_one(app.db.read()).await.unwrap();
        assert_eq!(own, 0, "the column went onto the existing key, not a new one");
    }
}
