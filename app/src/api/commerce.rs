//! One-tap purchase: the brand's menu, orders priced by the server, and what the mini app hands the super-app to
//! pay (Zalo Checkout's `createOrder` arguments, or MoMo's payment page).

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{OrderStatus, Provider};

/// One choice of an option group (a size, a sugar level, a topping) and what it adds to the price.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OptionChoice {
    /// Its id within the product (1–40 of letters, digits, `-`, `_`), kept when the product is edited.
    pub id: String,
    /// What the member reads (1–60 characters): `Lớn`, `Ít đường`, `Trân châu`.
    pub name: String,
    /// What it adds to the unit price, in đồng (0–10,000,000).
    #[serde(default)]
    pub price_delta_vnd: i64,
}

/// A group of choices: the member picks from `min` to `max` of them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OptionGroup {
    /// Its id within the product.
    pub id: String,
    /// What the member reads: `Cỡ`, `Đường`, `Topping`.
    pub name: String,
    /// Fewest choices (0 for an optional group).
    #[serde(default)]
    pub min: i64,
    /// Most choices (at least 1, at least `min`, at most the choices there are).
    pub max: i64,
    /// The choices (1–20).
    pub choices: Vec<OptionChoice>,
}

/// `POST/PUT /api/v1/admin/products[/{id}]`: a product of the menu.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProductInput {
    /// Its category, if any.
    #[serde(default)]
    pub category_id: Option<String>,
    /// Its name (1–120 characters).
    pub name: String,
    /// A line or two about it (0–500 characters).
    #[serde(default)]
    pub description: String,
    /// A picture (`https://…`).
    #[serde(default)]
    pub image_url: Option<String>,
    /// Its price in đồng before options (0–50,000,000).
    pub price_vnd: i64,
    /// Its option groups (0–10).
    #[serde(default)]
    pub options: Vec<OptionGroup>,
    /// Whether it is on the menu.
    #[serde(default = "yes")]
    pub active: bool,
    /// Its place in its category (lower first).
    #[serde(default)]
    pub position: i64,
    /// Stores where it is sold out today.
    #[serde(default)]
    pub sold_out_at: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A product as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Product {
    /// Its id.
    pub id: String,
    /// What the console edits.
    pub input: ProductInput,
}

/// `POST/PUT /api/v1/admin/product-categories[/{id}]`: a category of the menu.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CategoryInput {
    /// Its name (1–60 characters): `Cà phê`, `Trà`, `Bánh`.
    pub name: String,
    /// Its place on the menu (lower first).
    #[serde(default)]
    pub position: i64,
}

/// A category as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Category {
    /// Its id.
    pub id: String,
    /// What the console edits.
    pub input: CategoryInput,
}

/// The console's catalog: categories and every product.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuCatalog {
    /// Categories in menu order.
    pub categories: Vec<Category>,
    /// Products, by category and position.
    pub products: Vec<Product>,
}

/// `GET /api/v1/menu?store_id=`: whether each product can be ordered for pick-up there.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct MenuQuery {
    /// The store the member picks up at.
    pub store_id: Option<String>,
}

/// A product as the member sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuItem {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// About it.
    pub description: String,
    /// A picture.
    pub image_url: Option<String>,
    /// Price before options, in đồng.
    pub price_vnd: i64,
    /// Its option groups.
    pub options: Vec<OptionGroup>,
    /// False when sold out at the store asked about.
    pub available: bool,
}

/// A category of the member's menu.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuSection {
    /// The category's id (empty for products in none).
    pub id: String,
    /// Its name (empty for products in none).
    pub name: String,
    /// Its products on the menu.
    pub items: Vec<MenuItem>,
}

/// The member's menu.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Menu {
    /// Sections in menu order; empty sections are left out.
    pub sections: Vec<MenuSection>,
}

/// One line of an order as the member asks for it; the server prices it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderLineRequest {
    /// The product.
    pub product_id: String,
    /// How many (1–50).
    pub quantity: i64,
    /// The chosen options' ids.
    #[serde(default)]
    pub choice_ids: Vec<String>,
}

/// `POST /api/v1/me/orders`: an order to pay in the super-app the member is in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlaceOrder {
    /// The store to pick up at (required once the brand has stores).
    #[serde(default)]
    pub store_id: Option<String>,
    /// What the member ordered (1–30 lines).
    pub items: Vec<OrderLineRequest>,
    /// A note for the store (0–200 characters).
    #[serde(default)]
    pub note: String,
    /// Who takes the payment: Zalo's Checkout inside Zalo, MoMo inside MoMo.
    pub provider: Provider,
    /// Zalo Checkout's method (`ZALOPAY`, `MOMO`, `VNPAY`, `ATM`, `CC`, `COD`, `BANK`, each also `_SANDBOX`);
    /// the Checkout's own choice screen when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// The same key places the order once (a quote ignores it).
    #[serde(default)]
    pub idempotency_key: String,
    /// A discount voucher from the member's wallet, used by the order (given back if it fails).
    #[serde(default)]
    pub voucher_id: Option<String>,
    /// Points to pay part of the order with (0 or absent: none).
    #[serde(default)]
    pub points: Option<i64>,
}

/// `POST /api/v1/me/orders/quote`: what an order would cost, priced by the server as placing it would.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderQuote {
    /// Sum of the lines, in đồng.
    pub subtotal_vnd: i64,
    /// What the voucher takes off.
    pub voucher_discount_vnd: i64,
    /// Points spent.
    pub points: i64,
    /// What those points pay, in đồng.
    pub points_vnd: i64,
    /// What is left to pay.
    pub total_vnd: i64,
    /// What one point pays, in đồng (absent: the brand takes no points).
    pub point_value_vnd: Option<i64>,
    /// The most points this order can take (what the balance and the order allow).
    pub max_points: i64,
}

/// A priced line of an order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderLine {
    /// The product.
    pub product_id: String,
    /// Its name when ordered.
    pub name: String,
    /// The chosen options' names when ordered.
    pub choices: Vec<String>,
    /// Price of one with its options, in đồng.
    pub unit_price_vnd: i64,
    /// How many.
    pub quantity: i64,
    /// `unit_price_vnd × quantity`.
    pub line_total_vnd: i64,
}

/// One item of Zalo Checkout's `item` argument. Its keys are in ascending order, so the compact JSON the mac
/// covers is the same whichever serializer writes it (one that sorts keys or one that keeps them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutItem {
    /// The line's amount in đồng.
    pub amount: i64,
    /// The product's id.
    pub id: String,
}

/// The arguments of Zalo Checkout's `createOrder`, with the server's `mac` over exactly these values
/// (`SUPERAPP.md` §5): the mini app passes them as they are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ZaloCheckout {
    /// The amount in đồng.
    pub amount: i64,
    /// The description the Checkout shows.
    pub desc: String,
    /// The items.
    pub item: Vec<CheckoutItem>,
    /// A JSON string naming our order.
    pub extradata: String,
    /// A JSON string naming the method (empty for the Checkout's own choice).
    pub method: String,
    /// hex(HMAC-SHA256(checkout private key, `amount=…&desc=…&extradata=…&item=…&method=…`)).
    pub mac: String,
}

/// MoMo's payment page for an order (AIO v2 `captureWallet`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MomoCheckout {
    /// The web page that takes the payment.
    pub pay_url: String,
    /// The MoMo app's deep link, when MoMo gave one.
    pub deeplink: Option<String>,
}

/// What the mini app does to pay.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum Payment {
    /// Call the Checkout SDK's `createOrder` with these arguments.
    Zalo(ZaloCheckout),
    /// Open MoMo's payment page.
    Momo(MomoCheckout),
}

/// An order as the member and the console see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Order {
    /// Our id.
    pub id: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// Who takes the payment.
    pub provider: Provider,
    /// The pick-up store, if any.
    pub store_id: Option<String>,
    /// Its lines.
    pub lines: Vec<OrderLine>,
    /// Sum of the lines, in đồng.
    pub subtotal_vnd: i64,
    /// What the voucher took off.
    #[serde(default)]
    pub voucher_discount_vnd: i64,
    /// Points spent on it.
    #[serde(default)]
    pub points_spent: i64,
    /// What those points paid, in đồng.
    #[serde(default)]
    pub points_vnd: i64,
    /// What is paid, in đồng.
    pub total_vnd: i64,
    /// The member's note.
    pub note: String,
    /// Placed (RFC 3339).
    pub created_at: String,
    /// Paid (RFC 3339).
    pub paid_at: Option<String>,
    /// Points its payment earned (less what refunds took back).
    pub points_earned: i64,
    /// What was given back, in đồng.
    #[serde(default)]
    pub refunded_vnd: i64,
    /// When the store had it ready (RFC 3339).
    #[serde(default)]
    pub ready_at: Option<String>,
    /// When the member picked it up (RFC 3339).
    #[serde(default)]
    pub fulfilled_at: Option<String>,
    /// How to pay, while awaiting payment.
    pub payment: Option<Payment>,
}

/// `GET /api/v1/me/orders`: the member's orders, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyOrders {
    /// At most 50.
    pub orders: Vec<Order>,
}

/// `POST /api/v1/me/orders/{id}/zalo-order`: the Checkout SDK's own order id, once `createOrder` answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ZaloOrderCreated {
    /// `createOrder`'s `orderId`.
    pub zalo_order_id: String,
}
