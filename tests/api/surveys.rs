//! Surveys: one response per member (also with submissions at once), branching, consent capture of a phone and
//! an e-mail, answers copied to profile attributes, points paid on completion (the survey's own and an earning
//! rule's), the audience and the active window, the builder's refusals, results with NPS, and the CSV export.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    both_stores,
    helpers::assert_error,
    loyalty_support::{Member, Shop, merge},
};

/// A survey: a required favourite drink mapped to `favourite_drink`; a rating where 4 or 5 skips the
/// "what went wrong" question; an NPS; an optional phone with consent.
fn taste_survey() -> Value {
    json!({
        "name": "Khẩu vị", "active": true, "points": 20,
        "questions": [
            { "kind": "single_choice", "title": "Favourite drink?", "required": true,
              "options": ["Coffee", "Tea"], "attribute": "favourite_drink" },
            { "kind": "rating", "title": "Your last visit?", "required": true,
              "branches": [{ "answer": "4", "to": 4 }, { "answer": "5", "to": 4 }] },
            { "kind": "long_text", "title": "What went wrong?", "required": true },
            { "kind": "nps", "title": "Recommend us?", "required": true, "attribute": "nps" },
            { "kind": "phone", "title": "Phone for offers", "consent_text": "I agree to get offers by ZNS." },
        ],
    })
}

async fn survey(shop: &Shop<'_>, fields: Value) -> String {
    let mut body = taste_survey();
    merge(&mut body, fields);
    let created = shop
        .admin_post("/api/v1/admin/surveys", &body, StatusCode::CREATED)
        .await;
    created["id"].as_str().unwrap().to_owned()
}

async fn respond(shop: &Shop<'_>, member: &Member, survey: &str, answers: Value) -> reqwest::Response {
    shop.send(
        Method::POST,
        &format!("/api/v1/surveys/{survey}/responses"),
        &member.token,
        Some(&json!({ "answers": answers })),
    )
    .await
}

fn happy_answers() -> Value {
    json!([
        { "question": "q1", "value": "Tea" },
        { "question": "q2", "value": 5 },
        { "question": "q4", "value": 9 },
    ])
}

async fn profile(shop: &Shop<'_>, member: &Member) -> Value {
    shop.get(&format!("/api/v1/admin/profiles/{}", member.id), &shop.admin)
        .await
}

both_stores! {
    async fn a_member_answers_once_earns_points_and_the_answer_lands_on_the_profile(app) {
        let shop = Shop::open(&app).await;
        shop.rule(json!({ "trigger": "survey_completed", "points": 5 })).await;
        let id = survey(&shop, json!({})).await;
        let member = shop.member("Lan", "0914000001").await;
        let listed = shop.get("/api/v1/surveys", &member.token).await;
        assert_eq!(listed[0]["id"], id.as_str());
        assert_eq!(listed[0]["answered"], false);
        assert_eq!(listed[0]["questions"][1]["id"], "q2");

        let r = respond(&shop, &member, &id, happy_answers()).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let receipt: Value = r.json().await.unwrap();
        // The survey's 20 and the rule's 5.
        assert_eq!(receipt["points"], 25);
        assert_eq!(shop.card(&member).await["balance"], 25);
        let p = profile(&shop, &member).await;
        let drink = p["attributes"].as_array().unwrap().iter().find(|a| a["key"] == "favourite_drink").unwrap();
        assert_eq!((&drink["value"], &drink["source"], &drink["value_type"]), (&json!("Tea"), &json!("survey"), &json!("string")));
        let nps = p["attributes"].as_array().unwrap().iter().find(|a| a["key"] == "nps").unwrap();
        assert_eq!(nps["value"], 9);
        assert!(shop.timeline_types(&member.id).await.contains(&"survey_completed".to_owned()));

        // A second submission is refused and changes nothing.
        let before = (app.count("survey_responses").await, app.count("survey_answers").await, app.count("events").await);
        let again = respond(&shop, &member, &id, json!([{ "question": "q1", "value": "Coffee" }, { "question": "q2", "value": 5 }, { "question": "q4", "value": 1 }])).await;
        assert_error(again, StatusCode::CONFLICT, "already_answered").await;
        assert_eq!(before, (app.count("survey_responses").await, app.count("survey_answers").await, app.count("events").await));
        assert_eq!(shop.card(&member).await["balance"], 25);
        let p = profile(&shop, &member).await;
        let drink = p["attributes"].as_array().unwrap().iter().find(|a| a["key"] == "favourite_drink").unwrap();
        assert_eq!(drink["value"], "Tea");
        assert_eq!(shop.get("/api/v1/surveys", &member.token).await[0]["answered"], true);
        shop.assert_ledger_consistent().await;
    }

    async fn submissions_at_once_record_one_response(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        let member = shop.member("Lan", "0914000001").await;
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (client, url, token) = (
                app.client.clone(),
                app.url(&format!("/api/v1/surveys/{id}/responses")),
                member.token.clone(),
            );
            tasks.push(tokio::spawn(async move {
                client.post(url).bearer_auth(token).json(&json!({ "answers": happy_answers() })).send().await.unwrap().status()
            }));
        }
        let mut created = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::CREATED => created += 1,
                other => assert_eq!(other, StatusCode::CONFLICT),
            }
        }
        assert_eq!(created, 1);
        assert_eq!(app.count("survey_responses").await, 1);
        assert_eq!(shop.card(&member).await["balance"], 20);
        shop.assert_ledger_consistent().await;
    }

    async fn branching_decides_which_questions_are_asked(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        let low = shop.member("Low", "0914000002").await;
        let answers = json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": 2 }, { "question": "q4", "value": 3 }]);
        // A rating of 2 goes on to question 3, which is required.
        let r = respond(&shop, &low, &id, answers).await;
        let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "answer_required").await;
        assert!(body["error"]["message"].as_str().unwrap().starts_with("Question 3"));
        // A rating of 5 skips it, so answering it anyway is refused.
        let high = shop.member("High", "0914000003").await;
        let answers = json!([
            { "question": "q1", "value": "Tea" }, { "question": "q2", "value": 5 },
            { "question": "q3", "value": "Nothing" }, { "question": "q4", "value": 10 },
        ]);
        let r = respond(&shop, &high, &id, answers).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_answer").await;
        assert_eq!(app.count("survey_responses").await, 0);
        assert_eq!(app.count("profile_attributes").await, 0);
        // Both paths are accepted when answered as the branching asks.
        let answers = json!([
            { "question": "q1", "value": "Coffee" }, { "question": "q2", "value": 2 },
            { "question": "q3", "value": "Slow service" }, { "question": "q4", "value": 3 },
        ]);
        assert_eq!(respond(&shop, &low, &id, answers).await.status(), StatusCode::CREATED);
        assert_eq!(respond(&shop, &high, &id, happy_answers()).await.status(), StatusCode::CREATED);
    }

    async fn a_phone_or_an_email_is_taken_only_with_consent_and_attaches_unverified(app) {
        let shop = Shop::open(&app).await;
        let mut body = taste_survey();
        body["questions"].as_array_mut().unwrap().push(json!({
            "kind": "email", "title": "E-mail", "consent_text": "I agree to get offers by e-mail."
        }));
        let created = shop.admin_post("/api/v1/admin/surveys", &body, StatusCode::CREATED).await;
        let id = created["id"].as_str().unwrap();
        assert_eq!(created["questions"][4]["consent_purpose"], "marketing_zns");
        assert_eq!(created["questions"][5]["consent_purpose"], "marketing_email");
        let member = shop.member("Lan", "0914000001").await;
        let mut answers = happy_answers();
        answers.as_array_mut().unwrap().push(json!({ "question": "q5", "value": "0987 654 321" }));
        let r = respond(&shop, &member, id, answers.clone()).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "consent_required").await;
        assert_eq!(app.count("survey_responses").await, 0);
        assert_eq!(app.count("consent_records").await, 0);

        answers[3]["consent"] = json!(true);
        answers.as_array_mut().unwrap().push(json!({ "question": "q6", "value": "Lan@Example.VN", "consent": true }));
        assert_eq!(respond(&shop, &member, id, answers).await.status(), StatusCode::CREATED);
        let p = profile(&shop, &member).await;
        let identities = p["identities"].as_array().unwrap();
        let phone = identities.iter().find(|i| i["kind"] == "phone" && i["value"] == "84987654321").unwrap();
        assert_eq!((&phone["verified"], &phone["source"]), (&json!(false), &json!("survey")));
        let email = identities.iter().find(|i| i["kind"] == "email").unwrap();
        assert_eq!(email["verified"], false);
        for purpose in ["marketing_zns", "marketing_email"] {
            let c = p["consents"].as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap();
            assert_eq!(c["granted"], true, "{purpose}");
            assert_eq!(c["source"], "survey");
            assert!(c["wording_version"].as_str().unwrap().starts_with(&format!("survey:{id}:")));
        }
        // The phone the member signed in with stays the verified one.
        assert!(identities.iter().any(|i| i["kind"] == "phone" && i["verified"] == true));
    }

    async fn bad_responses_are_refused_and_write_nothing(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        let member = shop.member("Lan", "0914000001").await;
        let cases = [
            (json!([{ "question": "q1", "value": "Beer" }, { "question": "q2", "value": 5 }, { "question": "q4", "value": 9 }]), "invalid_answer"),
            (json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": 6 }, { "question": "q4", "value": 9 }]), "invalid_answer"),
            (json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": "5" }, { "question": "q4", "value": 9 }]), "invalid_answer"),
            (json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": 5 }, { "question": "q4", "value": 11 }]), "invalid_answer"),
            (json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": 5 }]), "answer_required"),
            (json!([{ "question": "q1", "value": "Tea" }, { "question": "q2", "value": 5 }, { "question": "q4", "value": 9 }, { "question": "q5", "value": "12345", "consent": true }]), "invalid_answer"),
            (json!([{ "question": "q9", "value": "Tea" }]), "invalid_answer"),
            (json!([]), "answer_required"),
        ];
        for (answers, code) in cases {
            let r = respond(&shop, &member, &id, answers.clone()).await;
            assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
        }
        let r = respond(&shop, &member, "no-such-survey", happy_answers()).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_survey").await;
        let r = shop.send(Method::POST, &format!("/api/v1/surveys/{id}/responses"), &member.token, Some(&json!({ "answers": "Tea" }))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        for table in ["survey_responses", "survey_answers", "profile_attributes", "points_entries", "consent_records"] {
            assert_eq!(app.count(table).await, 0, "{table}");
        }
        assert!(!shop.timeline_types(&member.id).await.contains(&"survey_completed".to_owned()));
    }

    async fn the_audience_and_the_window_decide_who_may_answer(app) {
        let shop = Shop::open(&app).await;
        shop.tier("Member", 0, 100).await;
        let gold = shop.tier("Gold", 1000, 150).await;
        let gold_only = survey(&shop, json!({ "name": "Gold panel", "tiers": [gold["id"]] })).await;
        let closed = survey(&shop, json!({ "name": "Closed", "ends_at": "2020-01-01T00:00:00+07:00" })).await;
        let inactive = survey(&shop, json!({ "name": "Draft", "active": false })).await;
        let member = shop.member("Lan", "0914000001").await;
        assert_eq!(shop.get("/api/v1/surveys", &member.token).await, json!([]));
        let r = respond(&shop, &member, &gold_only, happy_answers()).await;
        assert_error(r, StatusCode::FORBIDDEN, "not_in_audience").await;
        for id in [&closed, &inactive] {
            let r = respond(&shop, &member, id, happy_answers()).await;
            assert_error(r, StatusCode::CONFLICT, "survey_closed").await;
        }
        // Reaching Gold opens the panel.
        shop.rule(json!({ "trigger": "checked_in", "points": 1000 })).await;
        shop.track(&member.id, json!({ "type": "checked_in" })).await;
        let listed = shop.get("/api/v1/surveys", &member.token).await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["name"], "Gold panel");
        assert_eq!(respond(&shop, &member, &gold_only, happy_answers()).await.status(), StatusCode::CREATED);
    }

    async fn the_builder_refuses_bad_surveys_and_freezes_answered_questions(app) {
        let shop = Shop::open(&app).await;
        // Each refusal names the field at fault, so the builder says it beside that field.
        let bad = [
            (json!({ "name": " " }), "/name", "length"),
            (json!({ "questions": [] }), "/questions", "count"),
            (json!({ "points": -1 }), "/points", "range"),
            (json!({ "tiers": ["no-such-tier"] }), "/tiers/0", "unknown"),
            (json!({ "questions": [{ "kind": "single_choice", "title": "One option", "options": ["Only"] }] }), "/questions/0/options", "count"),
            (json!({ "questions": [{ "kind": "single_choice", "title": "Twice", "options": ["A", "A"] }] }), "/questions/0/options", "duplicate"),
            (json!({ "questions": [{ "kind": "phone", "title": "No consent" }] }), "/questions/0/consent_text", "length"),
            (
                json!({ "questions": [{ "kind": "email", "title": "Wrong purpose", "consent_text": "OK", "consent_purpose": "marketing_sms" }] }),
                "/questions/0/consent_purpose",
                "not_allowed",
            ),
            (
                json!({ "questions": [{ "kind": "phone", "title": "As attribute", "consent_text": "OK", "attribute": "phone" }] }),
                "/questions/0/attribute",
                "not_allowed",
            ),
            (json!({ "questions": [{ "kind": "short_text", "title": "Bad key", "attribute": "Favourite Drink" }] }), "/questions/0/attribute", "key_format"),
            (
                json!({ "questions": [{ "kind": "short_text", "title": "Text branch", "branches": [{ "answer": "x", "to": null }] }] }),
                "/questions/0/branches",
                "not_allowed",
            ),
            (
                json!({ "questions": [
                    { "kind": "short_text", "title": "First" },
                    { "kind": "rating", "title": "Back", "branches": [{ "answer": "3", "to": 1 }] },
                    { "kind": "short_text", "title": "Next" },
                ] }),
                "/questions/1/branches/0/to",
                "later_question",
            ),
            (
                json!({ "questions": [{ "kind": "rating", "title": "Out of scale", "branches": [{ "answer": "7", "to": null }] }] }),
                "/questions/0/branches/0/answer",
                "not_allowed",
            ),
            (
                json!({ "questions": [
                    { "kind": "short_text", "title": "A", "attribute": "same" },
                    { "kind": "short_text", "title": "B", "attribute": "same" },
                ] }),
                "/questions/1/attribute",
                "duplicate",
            ),
        ];
        for (fields, pointer, kind) in bad {
            let mut body = taste_survey();
            merge(&mut body, fields.clone());
            let r = shop.send(Method::POST, "/api/v1/admin/surveys", &shop.admin, Some(&body)).await;
            let refusal = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_survey").await;
            assert_eq!(refusal["error"]["field"]["pointer"], pointer, "{fields}");
            assert_eq!(refusal["error"]["field"]["problem"]["kind"], kind, "{fields}");
        }
        let mut body = taste_survey();
        merge(&mut body, json!({ "starts_at": "tomorrow" }));
        let r = shop.send(Method::POST, "/api/v1/admin/surveys", &shop.admin, Some(&body)).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_time").await;
        assert_eq!(app.count("surveys").await, 0);

        // Before any response the questions can change; after one, only the settings can.
        let id = survey(&shop, json!({})).await;
        let mut changed = taste_survey();
        changed["questions"][0]["options"] = json!(["Coffee", "Tea", "Juice"]);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/surveys/{id}"), &shop.admin, Some(&changed)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let member = shop.member("Lan", "0914000001").await;
        assert_eq!(respond(&shop, &member, &id, happy_answers()).await.status(), StatusCode::CREATED);
        changed["questions"][0]["options"] = json!(["Coffee", "Tea"]);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/surveys/{id}"), &shop.admin, Some(&changed)).await;
        assert_error(r, StatusCode::CONFLICT, "survey_has_responses").await;
        let mut renamed = taste_survey();
        renamed["questions"][0]["options"] = json!(["Coffee", "Tea", "Juice"]);
        renamed["name"] = json!("Khẩu vị 2026");
        renamed["active"] = json!(false);
        let r = shop.send(Method::PUT, &format!("/api/v1/admin/surveys/{id}"), &shop.admin, Some(&renamed)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let list = shop.get("/api/v1/admin/surveys", &shop.admin).await;
        assert_eq!((&list[0]["name"], &list[0]["active"], &list[0]["responses"]), (&json!("Khẩu vị 2026"), &json!(false), &json!(1)));
    }

    async fn a_data_export_holds_the_answers_and_an_erasure_removes_what_the_person_wrote(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        let member = shop.member("Lan", "0914000001").await;
        let answers = json!([
            { "question": "q1", "value": "Tea" }, { "question": "q2", "value": 2 },
            { "question": "q3", "value": "My name is Lan and the barista was rude" }, { "question": "q4", "value": 3 },
            { "question": "q5", "value": "0987654321", "consent": true },
        ]);
        assert_eq!(respond(&shop, &member, &id, answers).await.status(), StatusCode::CREATED);
        let export = shop.get("/api/v1/me/export", &member.token).await;
        let response = &export["survey_responses"][0];
        assert_eq!(response["survey"], "Khẩu vị");
        assert_eq!(response["answers"][0], json!(["Favourite drink?", "Tea"]));
        assert_eq!(response["answers"][4], json!(["Phone for offers", "84987654321"]));
        assert!(export["attributes"].as_array().unwrap().iter().any(|a| a["key"] == "favourite_drink"));

        let r = shop.send(Method::POST, "/api/v1/me/erasure", &member.token, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(app.count("profile_attributes").await, 0);
        let (stored,): (String,) = sqlx::query_as("SELECT answers FROM survey_responses")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert!(!stored.contains("rude") && !stored.contains("84987654321"), "{stored}");
        // Choices and scores stay, so the results still add up; the text and the phone are gone.
        let results = shop.get(&format!("/api/v1/admin/surveys/{id}/results"), &shop.admin).await;
        assert_eq!(results["questions"][0]["answered"], 1);
        assert_eq!(results["questions"][3]["answered"], 1);
        assert_eq!(results["questions"][2]["answered"], 0);
        assert_eq!(results["questions"][4]["answered"], 0);
    }

    async fn after_a_merge_the_person_has_answered_once(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        // A Zalo account that has not shared its phone answers; the same person on MoMo (with the phone) too.
        let zalo = app.zalo_user("Thu", "0915000111").await;
        let without_phone: Value = app
            .post_json(
                "/api/v1/auth/session",
                &json!({ "brand": "acme", "provider": "zalo", "access_token": zalo.access_token }),
            )
            .await
            .json()
            .await
            .unwrap();
        let first = Member {
            id: without_phone["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: without_phone["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        assert_eq!(respond(&shop, &first, &id, happy_answers()).await.status(), StatusCode::CREATED);
        let momo = app.momo_user("Thu", "0915000111").await;
        let with_phone: Value = app.sign_in_momo(&momo).await.json().await.unwrap();
        let second = Member {
            id: with_phone["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: with_phone["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        assert_ne!(first.id, second.id);
        // Sharing the phone on Zalo merges the two; the response moves to the survivor, who has answered.
        let tokens = app.zalo_tokens_for(&zalo.id).await;
        let merged: Value = app.sign_in_zalo(&tokens).await.json().await.unwrap();
        let survivor = Member {
            id: merged["me"]["profile_id"].as_str().unwrap().to_owned(),
            token: merged["tokens"]["access_token"].as_str().unwrap().to_owned(),
        };
        let (mine,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM survey_responses WHERE profile_id = $1")
            .bind(&survivor.id)
            .fetch_one(app.db.read())
            .await
            .unwrap();
        assert_eq!(mine, 1);
        assert_eq!(shop.get("/api/v1/surveys", &survivor.token).await[0]["answered"], true);
        let r = respond(&shop, &survivor, &id, happy_answers()).await;
        assert_error(r, StatusCode::CONFLICT, "already_answered").await;
    }

    async fn results_count_each_answer_score_the_nps_and_export_every_response(app) {
        let shop = Shop::open(&app).await;
        let id = survey(&shop, json!({})).await;
        let nps = [10, 9, 8, 3];
        for (i, score) in nps.iter().enumerate() {
            let member = shop.member(&format!("M{i}"), &format!("09140000{i:02}")).await;
            let drink = if i == 0 { "Coffee" } else { "Tea" };
            let answers = if i == 3 {
                json!([
                    { "question": "q1", "value": drink }, { "question": "q2", "value": 1 },
                    { "question": "q3", "value": "=cmd()" }, { "question": "q4", "value": score },
                    { "question": "q5", "value": "0987654321", "consent": true },
                ])
            } else {
                json!([{ "question": "q1", "value": drink }, { "question": "q2", "value": 5 }, { "question": "q4", "value": score }])
            };
            assert_eq!(respond(&shop, &member, &id, answers).await.status(), StatusCode::CREATED);
        }
        let results = shop.get(&format!("/api/v1/admin/surveys/{id}/results"), &shop.admin).await;
        assert_eq!(results["survey"]["responses"], 4);
        let q = &results["questions"];
        assert_eq!(q[0]["counts"], json!([{ "answer": "Coffee", "count": 1 }, { "answer": "Tea", "count": 3 }]));
        assert_eq!(q[1]["counts"][4], json!({ "answer": "5", "count": 3 }));
        assert_eq!(q[1]["average"], 4.0);
        assert_eq!(q[2]["answered"], 1);
        assert_eq!(q[2]["latest"], json!(["=cmd()"]));
        assert_eq!(q[3]["nps"], json!({ "score": 25, "promoters": 2, "passives": 1, "detractors": 1 }));
        assert_eq!(q[3]["counts"].as_array().unwrap().len(), 11);
        // A contact is counted, never listed in the results.
        assert_eq!(q[4]["answered"], 1);
        assert_eq!(q[4]["latest"], json!([]));

        let r = app.get_with(&format!("/api/v1/admin/surveys/{id}/responses.csv?lang=en"), &shop.admin).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = r.text().await.unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(
            lines[0],
            "response_id,\"submitted_at (Vietnam time, UTC+7)\",profile_id,points,1. Favourite drink?,2. Your last visit?,3. What went wrong?,4. Recommend us?,5. Phone for offers"
        );
        // Times are Vietnam's, as a spreadsheet reads a date.
        let submitted = lines[1].split(',').nth(1).unwrap_or_default();
        let vn_now = (chrono::Utc::now() + chrono::Duration::hours(7)).format("%Y-%m-%d").to_string();
        assert!(lines[1].contains(&format!(",{vn_now} ")), "{submitted}: {}", lines[1]);
        // A formula is neutralised, the phone is in its canonical form.
        assert!(lines[4].ends_with(",20,Tea,1,'=cmd(),3,84987654321"), "{}", lines[4]);
        let r = app.get_with("/api/v1/admin/surveys/nope/results", &shop.admin).await;
        assert_error(r, StatusCode::NOT_FOUND, "unknown_survey").await;
        // Members cannot read results.
        let member = shop.member("Nosy", "0914999999").await;
        let r = app.get_with(&format!("/api/v1/admin/surveys/{id}/results"), &member.token).await;
        assert!(r.status() == StatusCode::UNAUTHORIZED || r.status() == StatusCode::FORBIDDEN);
    }
}
