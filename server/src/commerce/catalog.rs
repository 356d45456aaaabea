//! The menu: categories and products with their option groups (a price delta a choice) and the stores where a
//! product is sold out. The console edits it; the member reads it for a pick-up store; an order is priced from it
//! on the server ([`super::pricing`]).

use std::collections::HashSet;

use app::api::{
    Category, CategoryInput, ErrorBody, ErrorCode, FieldProblem, Menu, MenuCatalog, MenuItem, MenuQuery, MenuSection,
    OptionGroup, Product, ProductInput,
};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::{AdminAuth, CustomerAuth},
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
        .routes(routes!(menu))
}

/// The most a product costs with its options, in đồng: MoMo's largest payment.
pub const MAX_PRICE_VND: i64 = 50_000_000;

fn invalid_product(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidProduct, message).at(pointer, problem)
}

fn id_ok(id: &str) -> bool {
    (1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_groups(groups: &mut [OptionGroup]) -> Result<()> {
    if groups.len() > 10 {
        return Err(invalid_product(
            "/options",
            FieldProblem::Count { min: 0, max: 10 },
            "A product has at most 10 option groups.",
        ));
    }
    let mut ids = HashSet::new();
    for (g, group) in groups.iter_mut().enumerate() {
        let at = |field: &str| format!("/options/{g}/{field}");
        group.name = group.name.trim().to_owned();
        if !id_ok(&group.id) || !ids.insert(group.id.clone()) {
            return Err(invalid_product(
                &at("id"),
                FieldProblem::Duplicate,
                "Each option group needs its own id.",
            ));
        }
        if group.name.is_empty() || group.name.chars().count() > 60 {
            return Err(invalid_product(
                &at("name"),
                FieldProblem::Length { min: 1, max: 60 },
                "An option group needs a name of at most 60 characters.",
            ));
        }
        let count = i64::try_from(group.choices.len()).unwrap_or(i64::MAX);
        if !(1..=20).contains(&count) {
            return Err(invalid_product(
                &at("choices"),
                FieldProblem::Count { min: 1, max: 20 },
                "An option group has 1 to 20 choices.",
            ));
        }
        if !(0..=count).contains(&group.min) {
            return Err(invalid_product(
                &at("min"),
                FieldProblem::Range { min: 0, max: count },
                "The fewest choices is 0 up to the choices there are.",
            ));
        }
        if !(group.min.max(1)..=count).contains(&group.max) {
            return Err(invalid_product(
                &at("max"),
                FieldProblem::Range {
                    min: group.min.max(1),
                    max: count,
                },
                "The most choices is at least 1 and the fewest, and at most the choices there are.",
            ));
        }
        let mut choice_ids = HashSet::new();
        for (c, choice) in group.choices.iter_mut().enumerate() {
            let at = |field: &str| format!("/options/{g}/choices/{c}/{field}");
            choice.name = choice.name.trim().to_owned();
            if !id_ok(&choice.id) || !ids.insert(choice.id.clone()) || !choice_ids.insert(choice.id.clone()) {
                return Err(invalid_product(
                    &at("id"),
                    FieldProblem::Duplicate,
                    "Each choice needs its own id.",
                ));
            }
            if choice.name.is_empty() || choice.name.chars().count() > 60 {
                return Err(invalid_product(
                    &at("name"),
                    FieldProblem::Length { min: 1, max: 60 },
                    "A choice needs a name of at most 60 characters.",
                ));
            }
            if !(0..=10_000_000).contains(&choice.price_delta_vnd) {
                return Err(invalid_product(
                    &at("price_delta_vnd"),
                    FieldProblem::Range {
                        min: 0,
                        max: 10_000_000,
                    },
                    "A choice adds 0 to 10,000,000 đồng.",
                ));
            }
        }
    }
    Ok(())
}

async fn check_product(conn: &mut AnyConnection, brand_id: &str, mut input: ProductInput) -> Result<ProductInput> {
    input.name = input.name.trim().to_owned();
    input.description = input.description.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 120 {
        return Err(invalid_product(
            "/name",
            FieldProblem::Length { min: 1, max: 120 },
            "A product needs a name of at most 120 characters.",
        ));
    }
    if input.description.chars().count() > 500 {
        return Err(invalid_product(
            "/description",
            FieldProblem::Length { min: 0, max: 500 },
            "A description has at most 500 characters.",
        ));
    }
    input.image_url = input.image_url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    if input
        .image_url
        .as_deref()
        .is_some_and(|u| !(u.starts_with("https://") || u.starts_with('/')) || u.len() > 500)
    {
        return Err(invalid_product(
            "/image_url",
            FieldProblem::NotAllowed,
            "A picture's address starts with https:// (at most 500 characters).",
        ));
    }
    if !(0..=MAX_PRICE_VND).contains(&input.price_vnd) {
        return Err(invalid_product(
            "/price_vnd",
            FieldProblem::Range {
                min: 0,
                max: MAX_PRICE_VND,
            },
            "A price is 0 to 50,000,000 đồng.",
        ));
    }
    if !(-1_000_000..=1_000_000).contains(&input.position) {
        return Err(invalid_product(
            "/position",
            FieldProblem::Range {
                min: -1_000_000,
                max: 1_000_000,
            },
            "A position is -1,000,000 to 1,000,000.",
        ));
    }
    check_groups(&mut input.options)?;
    if let Some(category) = input.category_id.as_deref().filter(|c| !c.is_empty()) {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT id FROM product_categories WHERE id = $1 AND brand_id = $2")
                .bind(category)
                .bind(brand_id)
                .fetch_optional(&mut *conn)
                .await?;
        if found.is_none() {
            return Err(invalid_product(
                "/category_id",
                FieldProblem::Unknown,
                "There is no such category.",
            ));
        }
    } else {
        input.category_id = None;
    }
    input.sold_out_at.sort();
    input.sold_out_at.dedup();
    for (i, store) in input.sold_out_at.iter().enumerate() {
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM stores WHERE id = $1 AND brand_id = $2")
            .bind(store)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(invalid_product(
                &format!("/sold_out_at/{i}"),
                FieldProblem::Unknown,
                "There is no such store.",
            ));
        }
    }
    Ok(input)
}

fn check_category(mut input: CategoryInput) -> Result<CategoryInput> {
    input.name = input.name.trim().to_owned();
    if input.name.is_empty() || input.name.chars().count() > 60 {
        return Err(Error::unprocessable(
            ErrorCode::InvalidCategory,
            "A category needs a name of at most 60 characters.",
        )
        .at("/name", FieldProblem::Length { min: 1, max: 60 }));
    }
    if !(-1_000_000..=1_000_000).contains(&input.position) {
        return Err(
            Error::unprocessable(ErrorCode::InvalidCategory, "A position is -1,000,000 to 1,000,000.").at(
                "/position",
                FieldProblem::Range {
                    min: -1_000_000,
                    max: 1_000_000,
                },
            ),
        );
    }
    Ok(input)
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

const PRODUCT_COLUMNS: &str = "id, category_id, name, description, image_url, price_vnd, options, active, position";

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
