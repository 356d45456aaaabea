//! The member's menu for a pick-up store: what is on it, by category, and whether it is sold out there.

use std::collections::HashSet;

use app::api::{Menu, MenuItem, MenuQuery, MenuSection};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::catalog::{PRODUCT_COLUMNS, ProductRow};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    error::{Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(menu))
}

/// The brand's menu for a pick-up store: what is on it, by category, and whether it is sold out there.
#[utoipa::path(
    get,
    path = "/api/v1/menu",
    tag = "member",
    security(("bearer" = [])),
    params(MenuQuery),
    responses((status = 200, body = Menu))
)]
async fn menu(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Query(q): Query<MenuQuery>,
) -> Result<Json<Menu>> {
    let mut conn = state.db.read().acquire().await?;
    let categories: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM product_categories WHERE brand_id = $1 ORDER BY position, name, id")
            .bind(&claims.brand)
            .fetch_all(&mut *conn)
            .await?;
    let rows: Vec<ProductRow> = sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE brand_id = $1 AND active = 1 ORDER BY position, name, id LIMIT 1000"
    ))
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let sold_out: HashSet<String> = match q.store_id.as_deref() {
        Some(store) => sqlx::query_as::<_, (String,)>(
            "SELECT product_id FROM product_sold_out WHERE store_id = $1 AND brand_id = $2",
        )
        .bind(store)
        .bind(&claims.brand)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect(),
        None => HashSet::new(),
    };
    let mut sections: Vec<MenuSection> = categories
        .into_iter()
        .map(|(id, name)| MenuSection {
            id,
            name,
            items: Vec::new(),
        })
        .collect();
    let mut loose = Vec::new();
    for row in rows {
        let item = MenuItem {
            available: !sold_out.contains(&row.id),
            options: row.groups(),
            id: row.id,
            name: row.name,
            description: row.description,
            image_url: row.image_url,
            price_vnd: row.price_vnd,
        };
        match row.category_id.and_then(|c| sections.iter_mut().find(|s| s.id == c)) {
            Some(section) => section.items.push(item),
            None => loose.push(item),
        }
    }
    if !loose.is_empty() {
        sections.push(MenuSection {
            id: String::new(),
            name: String::new(),
            items: loose,
        });
    }
    sections.retain(|s| !s.items.is_empty());
    Ok(Json(Menu { sections }))
}
