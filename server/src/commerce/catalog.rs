//! The menu: categories and products with their option groups (a price delta a choice) and the stores where a
//! product is sold out. The console edits it; the member reads it for a pick-up store; an order is priced from it
//! on the server ([`super::pricing`]).

use app::api::{Category, CategoryInput, ErrorBody, ErrorCode, MenuCatalog, OptionGroup, Product, ProductInput};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::check::{check_category, check_product};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::new_id,
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(add_category))
        .routes(routes!(update_category))
        .routes(routes!(add_product))
        .routes(routes!(update_product))
}

#[derive(sqlx::FromRow)]
pub(super) struct ProductRow {
    pub id: String,
    pub category_id: Option<String>,
    pub name: String,
    pub description: String,
    pub image_url: Option<String>,
    pub price_vnd: i64,
    pub options: String,
    pub active: i64,
    pub position: i64,
}

impl ProductRow {
    pub(super) fn groups(&self) -> Vec<OptionGroup> {
        serde_json::from_str(&self.options).unwrap_or_default()
    }
}

pub(super) const PRODUCT_COLUMNS: &str =
    "id, category_id, name, description, image_url, price_vnd, options, active, position";

async fn sold_out(conn: &mut AnyConnection, product_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT store_id FROM product_sold_out WHERE product_id = $1 ORDER BY store_id")
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn product_api(conn: &mut AnyConnection, row: ProductRow) -> Result<Product> {
    let sold_out_at = sold_out(conn, &row.id).await?;
    Ok(Product {
        input: ProductInput {
            category_id: row.category_id.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            image_url: row.image_url.clone(),
            price_vnd: row.price_vnd,
            options: row.groups(),
            active: row.active == 1,
            position: row.position,
            sold_out_at,
        },
        id: row.id,
    })
}

/// A product of the brand, on the menu or not.
pub(super) async fn product(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<ProductRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Whether a product is sold out at a store.
pub(super) async fn is_sold_out(conn: &mut AnyConnection, product_id: &str, store_id: &str) -> Result<bool> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT store_id FROM product_sold_out WHERE product_id = $1 AND store_id = $2")
            .bind(product_id)
            .bind(store_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

fn unknown_product() -> Error {
    Error::not_found(ErrorCode::UnknownProduct, "There is no such product.")
}

fn unknown_category() -> Error {
    Error::not_found(ErrorCode::UnknownCategory, "There is no such category.")
}

/// The console's catalog.
#[utoipa::path(
    get,
    path = "/api/v1/admin/catalog",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = MenuCatalog), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn catalog(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<MenuCatalog>> {
    let mut conn = state.db.read().acquire().await?;
    let categories: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, name, position FROM product_categories WHERE brand_id = $1 ORDER BY position, name, id",
    )
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<ProductRow> = sqlx::query_as(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE brand_id = $1 ORDER BY position, name, id LIMIT 1000"
    ))
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let mut products = Vec::with_capacity(rows.len());
    for row in rows {
        products.push(product_api(&mut conn, row).await?);
    }
    Ok(Json(MenuCatalog {
        categories: categories
            .into_iter()
            .map(|(id, name, position)| Category {
                id,
                input: CategoryInput { name, position },
            })
            .collect(),
        products,
    }))
}

/// Adds a category.
#[utoipa::path(
    post,
    path = "/api/v1/admin/product-categories",
    tag = "admin",
    security(("bearer" = [])),
    request_body = CategoryInput,
    responses((status = 201, body = Category), (status = 422, description = "`invalid_category`", body = ErrorBody))
)]
async fn add_category(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<CategoryInput>,
) -> Result<(StatusCode, Json<Category>)> {
    let input = check_category(input)?;
    let mut conn = state.db.write().acquire().await?;
    let id = insert_category(&mut conn, &claims.brand, input.clone(), state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(Category { id, input })))
}

/// Renames or moves a category.
#[utoipa::path(
    put,
    path = "/api/v1/admin/product-categories/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id")),
    request_body = CategoryInput,
    responses(
        (status = 200, body = Category),
        (status = 404, description = "`unknown_category`", body = ErrorBody),
        (status = 422, description = "`invalid_category`", body = ErrorBody),
    )
)]
async fn update_category(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<CategoryInput>,
) -> Result<Json<Category>> {
    let input = check_category(input)?;
    let changed = sqlx::query("UPDATE product_categories SET name = $1, position = $2 WHERE id = $3 AND brand_id = $4")
        .bind(&input.name)
        .bind(input.position)
        .bind(&id)
        .bind(&claims.brand)
        .execute(state.db.write())
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(unknown_category());
    }
    Ok(Json(Category { id, input }))
}

async fn save_product(
    conn: &mut AnyConnection,
    brand_id: &str,
    id: &str,
    input: &ProductInput,
    now: i64,
    new: bool,
) -> Result<bool> {
    let options = serde_json::to_string(&input.options).unwrap_or_else(|_| "[]".into());
    let changed = if new {
        sqlx::query(
            "INSERT INTO products (id, brand_id, category_id, name, description, image_url, price_vnd, options, \
             active, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id)
        .bind(brand_id)
        .bind(&input.category_id)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.image_url)
        .bind(input.price_vnd)
        .bind(&options)
        .bind(i64::from(input.active))
        .bind(input.position)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    } else {
        sqlx::query(
            "UPDATE products SET category_id = $1, name = $2, description = $3, image_url = $4, price_vnd = $5, \
             options = $6, active = $7, position = $8, updated_at = $9 WHERE id = $10 AND brand_id = $11",
        )
        .bind(&input.category_id)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.image_url)
        .bind(input.price_vnd)
        .bind(&options)
        .bind(i64::from(input.active))
        .bind(input.position)
        .bind(now)
        .bind(id)
        .bind(brand_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    };
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM product_sold_out WHERE product_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for store in &input.sold_out_at {
        sqlx::query("INSERT INTO product_sold_out (product_id, store_id, brand_id) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(store)
            .bind(brand_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Adds a category in `conn`'s transaction (the demo's menu is made this way); its id.
pub async fn insert_category(
    conn: &mut AnyConnection,
    brand_id: &str,
    input: CategoryInput,
    now: i64,
) -> Result<String> {
    let input = check_category(input)?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO product_categories (id, brand_id, name, position, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(brand_id)
    .bind(&input.name)
    .bind(input.position)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Checks and adds a product in `conn`'s transaction; its id.
pub async fn insert_product(conn: &mut AnyConnection, brand_id: &str, input: ProductInput, now: i64) -> Result<String> {
    let input = check_product(conn, brand_id, input).await?;
    let id = new_id();
    save_product(conn, brand_id, &id, &input, now, true).await?;
    Ok(id)
}

/// Adds a product.
#[utoipa::path(
    post,
    path = "/api/v1/admin/products",
    tag = "admin",
    security(("bearer" = [])),
    request_body = ProductInput,
    responses((status = 201, body = Product), (status = 422, description = "`invalid_product`, with the field at fault", body = ErrorBody))
)]
async fn add_product(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Json(input): Json<ProductInput>,
) -> Result<(StatusCode, Json<Product>)> {
    let mut tx = state.db.begin().await?;
    let input = check_product(&mut tx, &claims.brand, input).await?;
    let id = insert_product(&mut tx, &claims.brand, input.clone(), state.clock.now_ms()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(Product { id, input })))
}

/// Changes a product (an order already placed keeps what it was sold at).
#[utoipa::path(
    put,
    path = "/api/v1/admin/products/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = ProductInput,
    responses(
        (status = 200, body = Product),
        (status = 404, description = "`unknown_product`", body = ErrorBody),
        (status = 422, description = "`invalid_product`, with the field at fault", body = ErrorBody),
    )
)]
async fn update_product(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(input): Json<ProductInput>,
) -> Result<Json<Product>> {
    let mut tx = state.db.begin().await?;
    let input = check_product(&mut tx, &claims.brand, input).await?;
    if !save_product(&mut tx, &claims.brand, &id, &input, state.clock.now_ms(), false).await? {
        return Err(unknown_product());
    }
    tx.commit().await?;
    Ok(Json(Product { id, input }))
}
