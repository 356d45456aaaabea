//! What a menu entry must be before it is saved: names and lengths, prices within what the payment services
//! take, option groups whose fewest and most fit their choices, ids unique within the product, and a category and
//! stores of the brand's own. Each refusal names its field.

use std::collections::HashSet;

use app::api::{CategoryInput, ErrorCode, FieldProblem, OptionGroup, ProductInput};
use sqlx::AnyConnection;

use crate::error::{Error, Result};

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

pub(super) async fn check_product(
    conn: &mut AnyConnection,
    brand_id: &str,
    mut input: ProductInput,
) -> Result<ProductInput> {
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

pub(super) fn check_category(mut input: CategoryInput) -> Result<CategoryInput> {
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
