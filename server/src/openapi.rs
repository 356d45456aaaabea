//! The OpenAPI document, generated from the handlers' annotations so it cannot drift from the code.

use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// The document's header; paths are collected from the routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Chạm API", description = "Loyalty and customer engagement for brands inside Zalo and MoMo. Every error is `{\"error\":{\"code\",\"message\"}}`."),
    modifiers(&BearerAuth),
    components(schemas(app::api::ErrorBody, app::api::ErrorDetail)),
    tags(
        (name = "auth", description = "Sign-in and sessions"),
        (name = "profile", description = "The customer's own profile"),
        (name = "events", description = "The interaction log"),
        (name = "ingest", description = "Server-to-server ingestion with an API key"),
        (name = "privacy", description = "Consent, data export and erasure"),
        (name = "brands", description = "Public brand information"),
        (name = "admin", description = "The brand admin console"),
        (name = "loyalty", description = "Points, tiers, rewards and vouchers"),
        (name = "games", description = "Lucky wheel and scratch card: the server-side draw, prizes and budgets"),
        (name = "surveys", description = "Surveys: the builder, one response per member, attributes, consent capture, results and CSV"),
        (name = "staff", description = "The store staff view"),
        (name = "website", description = "What the snippet on a brand's website calls: forms, consent, submissions"),
        (name = "ops", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::new("X-Api-Key"),
            )),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
