//! The demo brand's menu: coffee, tea and bakery with sizes, sugar and toppings, one pastry sold out at one
//! store, made through the commerce area's own functions (so it is checked like a console's).

use app::api::{CategoryInput, OptionChoice, OptionGroup, ProductInput};

use crate::{commerce, db::Db, error::Result};

/// A demo product: name, description, price and option groups.
type DemoProduct = (&'static str, &'static str, i64, Vec<OptionGroup>);

fn group(id: &str, name: &str, min: i64, max: i64, choices: &[(&str, &str, i64)]) -> OptionGroup {
    OptionGroup {
        id: id.into(),
        name: name.into(),
        min,
        max,
        choices: choices
            .iter()
            .map(|(id, name, delta)| OptionChoice {
                id: (*id).into(),
                name: (*name).into(),
                price_delta_vnd: *delta,
            })
            .collect(),
    }
}

fn size() -> OptionGroup {
    group("size", "Cỡ", 1, 1, &[("m", "Vừa", 0), ("l", "Lớn", 10_000)])
}

fn sugar() -> OptionGroup {
    group(
        "sugar",
        "Đường",
        1,
        1,
        &[
            ("sugar-normal", "Bình thường", 0),
            ("sugar-less", "Ít đường", 0),
            ("sugar-none", "Không đường", 0),
        ],
    )
}

fn toppings() -> OptionGroup {
    group(
        "topping",
        "Topping",
        0,
        2,
        &[
            ("pearl", "Trân châu trắng", 8_000),
            ("peach", "Đào miếng", 8_000),
            ("cream", "Kem cheese", 10_000),
        ],
    )
}

/// Seeds the menu once: a brand that already has categories keeps what it has.
pub(super) async fn seed(db: &Db, brand_id: &str) -> Result<()> {
    let (categories,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM product_categories WHERE brand_id = $1")
        .bind(brand_id)
        .fetch_one(db.read())
        .await?;
    if categories > 0 {
        return Ok(());
    }
    let (thao_dien,): (Option<String>,) =
        sqlx::query_as("SELECT MAX(id) FROM stores WHERE brand_id = $1 AND name = 'Chạm Coffee Thảo Điền'")
            .bind(brand_id)
            .fetch_one(db.read())
            .await?;
    let now = crate::db::now_ms();
    let mut tx = db.begin().await?;
    let menu: [(&str, &[DemoProduct]); 3] = [
        (
            "Cà phê",
            &[
                (
                    "Cà phê sữa đá",
                    "Phin truyền thống, sữa đặc",
                    29_000,
                    vec![size(), sugar()],
                ),
                ("Bạc xỉu", "Nhiều sữa, ít cà phê", 32_000, vec![size(), sugar()]),
                (
                    "Cold brew cam sả",
                    "Ủ lạnh 18 giờ, cam tươi và sả",
                    45_000,
                    vec![size()],
                ),
            ],
        ),
        (
            "Trà",
            &[
                (
                    "Trà đào cam sả",
                    "Trà đen, đào miếng, cam, sả",
                    45_000,
                    vec![size(), sugar(), toppings()],
                ),
                (
                    "Trà sữa ô long",
                    "Ô long rang, sữa tươi",
                    42_000,
                    vec![size(), sugar(), toppings()],
                ),
            ],
        ),
        (
            "Bánh",
            &[
                ("Bánh mì thịt nướng", "Nướng than, đồ chua, rau thơm", 25_000, vec![]),
                ("Croissant bơ", "Bơ Pháp, nướng mỗi sáng", 35_000, vec![]),
            ],
        ),
    ];
    for (position, (name, products)) in (0_i64..).zip(menu) {
        let category = commerce::insert_category(
            &mut tx,
            brand_id,
            CategoryInput {
                name: name.into(),
                position,
            },
            now,
        )
        .await?;
        for (at, (name, description, price, options)) in (0_i64..).zip(products.iter()) {
            // The croissants sell out at Thảo Điền, so the menu shows what that looks like.
            let sold_out_at = match (&thao_dien, *name) {
                (Some(store), "Croissant bơ") => vec![store.clone()],
                _ => Vec::new(),
            };
            commerce::insert_product(
                &mut tx,
                brand_id,
                ProductInput {
                    category_id: Some(category.clone()),
                    name: (*name).into(),
                    description: (*description).into(),
                    image_url: None,
                    price_vnd: *price,
                    options: options.clone(),
                    active: true,
                    position: at,
                    sold_out_at,
                },
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
