//! The bridge to the host super-app, implemented in `frontend/bridge.js` as `window.chamBridge`: zmp-sdk inside
//! Zalo, MoMo's MiniApi inside MoMo, and the simulator's control API in a plain browser.

use serde::{Deserialize, de::DeserializeOwned};
use wasm_bindgen::prelude::*;

use crate::api::Provider;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = chamBridge, js_name = host, catch)]
    fn js_host() -> Result<String, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = scanQr, catch)]
    async fn js_scan_qr() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = hostSignIn, catch)]
    async fn js_host_sign_in(provider: &str) -> Result<JsValue, JsValue>;
    #[cfg(feature = "simulator")]
    #[wasm_bindgen(js_namespace = chamBridge, js_name = simUsers, catch)]
    async fn js_sim_users(sim: &str, provider: &str) -> Result<JsValue, JsValue>;
    #[cfg(feature = "simulator")]
    #[wasm_bindgen(js_namespace = chamBridge, js_name = simCreate, catch)]
    async fn js_sim_create(sim: &str, provider: &str, name: &str, phone: &str) -> Result<JsValue, JsValue>;
    #[cfg(feature = "simulator")]
    #[wasm_bindgen(js_namespace = chamBridge, js_name = simTokens, catch)]
    async fn js_sim_tokens(sim: &str, provider: &str, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = createOrder, catch)]
    async fn js_create_order(sim: &str, args: &str, back: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = followOa, catch)]
    async fn js_follow_oa(sim: &str, oa_id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = openUrl)]
    fn js_open_url(url: &str);
    #[wasm_bindgen(js_namespace = chamBridge, js_name = share, catch)]
    async fn js_share(title: &str, text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = chamBridge, js_name = routeChanged, catch)]
    fn js_route_changed(depth: u32) -> Result<(), JsValue>;
}

/// What Zalo Checkout's `createOrder` answered.
#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutStarted {
    /// Checkout's own order id.
    #[serde(rename = "orderId")]
    pub order_id: String,
    /// In a plain browser, the simulated Checkout's page to open.
    #[serde(rename = "checkoutUrl", default)]
    pub checkout_url: Option<String>,
}

/// Starts Zalo Checkout with the arguments the server signed (`args` as their JSON); `back` is where the
/// simulated Checkout sends the person when done.
pub async fn create_order(sim: &str, args: &str, back: &str) -> Result<CheckoutStarted, String> {
    decode(js_create_order(sim, args, back).await)
}

/// Follows the brand's OA (`followOA` inside Zalo; the simulator in a browser). `Err` when the person declined
/// or the host could not.
pub async fn follow_oa(sim: &str, oa_id: &str) -> Result<(), String> {
    js_follow_oa(sim, oa_id)
        .await
        .map(|_| ())
        .map_err(|e| e.as_string().unwrap_or_default())
}

/// Tells the host the app is on a screen `depth` entries deep in its history (inside Zalo, the header's back button
/// shows from the second screen on). Nothing in a plain browser.
pub fn route_changed(depth: u32) {
    let _ = js_route_changed(depth);
}

/// How sharing the app ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareOutcome {
    /// Sent through Zalo's or the system's share sheet.
    Sent,
    /// The link is on the clipboard.
    Copied,
    /// The person closed the sheet.
    Cancelled,
}

/// Shares the app's link with `title` and `text`: Zalo's share sheet inside Zalo (`openShareSheet`), the system's
/// share sheet or the clipboard in a browser. `Err` when none is there.
pub async fn share(title: &str, text: &str) -> Result<ShareOutcome, String> {
    match js_share(title, text).await {
        Ok(v) => Ok(match v.as_string().as_deref() {
            Some("copied") => ShareOutcome::Copied,
            Some("cancelled") => ShareOutcome::Cancelled,
            _ => ShareOutcome::Sent,
        }),
        Err(e) => Err(e.as_string().unwrap_or_else(|| "unsupported".into())),
    }
}

/// Opens a payment page in place of the app.
pub fn open_url(url: &str) {
    js_open_url(url);
}

/// Where the app is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// Inside Zalo.
    Zalo,
    /// Inside MoMo.
    Momo,
    /// A plain browser (development, demo).
    Browser,
}

/// The tokens a super-app hands the mini app, to be proven by the server.
#[derive(Debug, Clone, Deserialize)]
pub struct HostTokens {
    /// Zalo access token or MoMo auth token.
    pub access_token: String,
    /// Zalo phone token, when the user shared their number.
    #[serde(default)]
    pub phone_token: Option<String>,
    /// Zalo: the person's id at the brand's OA (`getUserInfo().idByOA`), while they follow it.
    #[serde(default)]
    pub id_by_oa: Option<String>,
}

/// A simulated user, phone masked.
#[cfg(feature = "simulator")]
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SimUser {
    /// Id at the simulated super-app.
    pub id: String,
    /// Name.
    pub name: String,
    /// `0912 *** 678`.
    #[serde(default)]
    pub phone_masked: Option<String>,
}

fn decode<T: DeserializeOwned>(value: Result<JsValue, JsValue>) -> Result<T, String> {
    let value = value.map_err(|e| e.as_string().unwrap_or_else(|| "the bridge failed".into()))?;
    let text = js_sys::JSON::stringify(&value).map_err(|_| "the bridge returned no JSON".to_owned())?;
    serde_json::from_str(&String::from(text)).map_err(|e| e.to_string())
}

/// The host the app runs in.
pub fn host() -> Host {
    match js_host().ok().as_deref() {
        Some("zalo") => Host::Zalo,
        Some("momo") => Host::Momo,
        _ => Host::Browser,
    }
}

/// Asks the host super-app for sign-in tokens (the user may be asked to consent).
pub async fn host_sign_in(provider: Provider) -> Result<HostTokens, String> {
    decode(js_host_sign_in(provider.as_str()).await)
}

/// Why no QR code was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanFailure {
    /// Neither the host nor the browser can read QR codes here (use the phone's camera app instead).
    Unsupported,
    /// The person closed the scanner.
    Cancelled,
    /// The host refused (camera permission denied, …).
    Failed(String),
}

/// Reads a QR code with the host's scanner inside Zalo, or the camera in a browser that can read barcodes.
pub async fn scan_qr() -> Result<String, ScanFailure> {
    match js_scan_qr().await {
        Ok(text) => Ok(text.as_string().unwrap_or_default()),
        Err(e) => Err(match e.as_string().as_deref() {
            Some("unsupported") => ScanFailure::Unsupported,
            Some("cancelled") => ScanFailure::Cancelled,
            other => ScanFailure::Failed(other.unwrap_or("the scanner failed").to_owned()),
        }),
    }
}

/// The simulator's recent users.
#[cfg(feature = "simulator")]
pub async fn sim_users(sim: &str, provider: Provider) -> Result<Vec<SimUser>, String> {
    decode(js_sim_users(sim, provider.as_str()).await)
}

/// Creates a simulated user and returns their tokens.
#[cfg(feature = "simulator")]
pub async fn sim_create(sim: &str, provider: Provider, name: &str, phone: &str) -> Result<HostTokens, String> {
    decode(js_sim_create(sim, provider.as_str(), name, phone).await)
}

/// New tokens for an existing simulated user.
#[cfg(feature = "simulator")]
pub async fn sim_tokens(sim: &str, provider: Provider, id: &str) -> Result<HostTokens, String> {
    decode(js_sim_tokens(sim, provider.as_str(), id).await)
}
