//! `cargo xtask package zalo`: a folder Zalo's own tooling deploys as it is (`zmp deploy` from `zmp-cli`, "Deploy
//! your existing project", with this folder as the dist folder).
//!
//! Zalo hosts a mini app as static files under `https://h5.zdn.vn/zapps/{app id}/{version}/` and writes the page
//! itself from `app-config.json`: the stylesheets of `listCSS`, then the scripts of `listSyncJS` (`zmp deploy`
//! does not upload `index.html`). So the package's one entry script is the shell (`frontend/zalo/shell.js`, bundled
//! with `zmp-sdk` by esbuild, both pinned in `frontend/zalo/package-lock.json`), which writes the package-time
//! configuration into the page, hands the bridge what the SDK offers and starts the WASM app, built without the
//! simulator (`frontend --features zalo`). The `index.html` beside it is the same page for a local preview.
//!
//! `cargo xtask package momo` explains why there is no MoMo package (MoMo's mini apps are not web apps).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{ensure_wasm_target, site, step};

/// Where the Zalo flavour of the mini app's WASM is bound and split (kept between runs: `--prebuilt` reuses it).
const STAGING: &str = "target/zalo-staging";

/// What the package is built for, from the command line.
#[derive(Debug)]
struct Options {
    /// The server the mini app calls: `https://…` (or `http://` to this machine, for tests).
    api: String,
    /// The brand's slug.
    brand: String,
    /// The Zalo Mini App's id (the app id of the Zalo developer console).
    app_id: String,
    /// The brand's Zalo Official Account id, when it has one.
    oa_id: Option<String>,
    /// The app's name on Zalo's header.
    title: String,
    /// The folder to write.
    out: PathBuf,
    /// A module bundled in place of `zmp-sdk/apis` (the tests' double).
    zmp_sdk: Option<PathBuf>,
    /// Reuse the WASM the last package command built.
    prebuilt: bool,
}

const USAGE: &str = "usage: cargo xtask package zalo [--api https://api.example.vn --brand SLUG --app-id ZALO_APP_ID] \
                     [--oa-id OA_ID] [--title TITLE] [--out DIR] [--zmp-sdk DOUBLE.js] [--prebuilt]\n       \
                     cargo xtask package momo";

fn parse(root: &Path, args: &[String]) -> anyhow::Result<Options> {
    let mut values = std::collections::HashMap::new();
    let mut prebuilt = false;
    let mut at = 0;
    while at < args.len() {
        let flag = args[at].as_str();
        if flag == "--prebuilt" {
            prebuilt = true;
            at += 1;
            continue;
        }
        let Some(name) = flag.strip_prefix("--") else {
            bail!("unexpected argument {flag:?}\n{USAGE}");
        };
        if !["api", "brand", "app-id", "oa-id", "title", "out", "zmp-sdk"].contains(&name) {
            bail!("unknown option {flag}\n{USAGE}");
        }
        let value = args
            .get(at + 1)
            .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
        values.insert(name.to_owned(), value.clone());
        at += 2;
    }
    // Without options the package is the demo's, against the server `cargo xtask run` starts, for a trial; a real
    // deploy names the brand's server, slug and Zalo app id.
    let mut defaulted = Vec::new();
    let mut or_default = |name: &str, default: &str| {
        values.get(name).cloned().unwrap_or_else(|| {
            defaulted.push(format!("--{name} {default}"));
            default.to_owned()
        })
    };
    let api = or_default("api", "http://127.0.0.1:3000");
    let brand = or_default("brand", "demo");
    let app_id = or_default("app-id", "0");
    if !defaulted.is_empty() {
        eprintln!(
            "packaging with {} (a trial of the demo; for a deploy pass the brand's --api, --brand and --app-id)",
            defaulted.join(" ")
        );
    }
    let api = api.trim_end_matches('/').to_owned();
    let local = [
        "http://127.0.0.1:",
        "http://localhost:",
        "http://127.0.0.1/",
        "http://localhost/",
    ];
    if !(api.starts_with("https://") || local.iter().any(|l| api.starts_with(l))) || api.contains(['"', '<', '>', ' '])
    {
        bail!("--api must be the server's https:// address (http:// only to this machine), got {api:?}");
    }
    if brand.is_empty()
        || brand.len() > 40
        || !brand
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        bail!("--brand must be the brand's slug (lowercase letters, digits and hyphens), got {brand:?}");
    }
    let id_like = |v: &str| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !id_like(&app_id) {
        bail!("--app-id must be the Zalo Mini App's id (letters and digits), got {app_id:?}");
    }
    let oa_id = values.get("oa-id").cloned();
    if let Some(oa) = &oa_id
        && !id_like(oa)
    {
        bail!("--oa-id must be the Official Account's id (letters and digits), got {oa:?}");
    }
    let title = values.get("title").cloned().unwrap_or_else(|| "Chạm".to_owned());
    if title.trim().is_empty() || title.chars().count() > 40 {
        bail!("--title must be 1 to 40 characters");
    }
    Ok(Options {
        api,
        out: values
            .get("out")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/zalo").join(&brand)),
        brand,
        app_id,
        oa_id,
        title,
        zmp_sdk: values.get("zmp-sdk").map(|p| root.join(p)),
        prebuilt,
    })
}

pub(super) fn package(root: &Path, args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("zalo") => zalo(root, &parse(root, &args[1..])?),
        Some("momo") => bail!(
            "MoMo has no package for a web app. MoMo's mini apps are built with its own framework (the Mini App CLI, \
             `@momo-miniapp/cli`, on a React Native runtime, published from MoMo's private npm registry to Mini App \
             Center accounts only), not as HTML, JS and WASM served to a web view, so the Leptos app cannot be \
             deployed into MoMo as Zalo's package is. What works today: a MoMo payment inside the Zalo or browser app \
             (MoMo's payment page), and MoMo sign-in where MoMo opens the app's web address. See the README's \
             \"Deploy to Zalo\" section."
        ),
        _ => bail!("{USAGE}"),
    }
}

/// Installs the shell's npm packages from the lockfile (`npm ci`) unless they are already what it names.
fn npm_ci(shell_dir: &Path) -> anyhow::Result<()> {
    let lock = shell_dir.join("package-lock.json");
    let installed = shell_dir.join("node_modules/.package-lock.json");
    let fresh = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(lock), Some(installed)) = (fresh(&lock), fresh(&installed))
        && installed >= lock
        && shell_dir.join("node_modules/.bin/esbuild").exists()
    {
        return Ok(());
    }
    step("installing the shell's npm packages (npm ci: zmp-sdk, esbuild)");
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(shell_dir)
        .status()
        .context("running npm (the Zalo package needs Node.js and npm)")?;
    if !status.success() {
        bail!("`npm ci` in frontend/zalo failed ({status})");
    }
    Ok(())
}

fn zalo(root: &Path, options: &Options) -> anyhow::Result<()> {
    let staging = root.join(STAGING);
    if !options.prebuilt || !staging.join("cham.js").exists() {
        ensure_wasm_target()?;
        step("building the WASM mini app for Zalo (no simulator)");
        site::build_bundle(
            root,
            &["--no-default-features", "--features", "zalo"],
            "cham",
            &staging,
            true,
        )?;
    }
    let shell_dir = root.join("frontend/zalo");
    npm_ci(&shell_dir)?;

    let out = &options.out;
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("clearing {}", out.display()))?;
    }
    std::fs::create_dir_all(out.join("assets"))?;
    step("writing the Zalo package");
    // The app's modules and chunks, named by their content, as the browser build names them.
    let ((main_file, ..), ..) = site::publish_split(out, &staging)?;
    let wasm = std::fs::read(staging.join("cham_bg.wasm")).context("reading the mini app's WASM")?;
    let (wasm_file, ..) = site::publish(out, "cham_bg.wasm", &site::content_hash(&wasm), &wasm)?;
    let css = site::asset_data(root, &staging, "style.css")?;
    let (css_file, ..) = site::publish(out, "style.css", &site::content_hash(&css), &css)?;
    let icon = std::fs::read(root.join("frontend/favicon.svg"))?;
    let (icon_file, ..) = site::publish(out, "icon.svg", &site::content_hash(&icon), &icon)?;

    // The shell, with the configuration written in.
    let config = serde_json::json!({
        "api": options.api,
        "brand": options.brand,
        "appId": options.app_id,
        "oaId": options.oa_id.clone().unwrap_or_default(),
        "app": format!("./{}", main_file.trim_start_matches("assets/")),
        "wasm": format!("./{}", wasm_file.trim_start_matches("assets/")),
    });
    // Bundled into the folder being written (two packages may be written at once from one staging folder).
    let bundled = out.join("shell.bundle.js");
    let mut esbuild = std::process::Command::new(shell_dir.join("node_modules/.bin/esbuild"));
    esbuild
        .arg(shell_dir.join("shell.js"))
        .args([
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--log-level=warning",
        ])
        .arg(format!("--define:CHAM_PACKAGE={config}"))
        .arg(format!("--outfile={}", bundled.display()));
    if let Some(double) = &options.zmp_sdk {
        anyhow::ensure!(double.is_file(), "--zmp-sdk {} is not a file", double.display());
        esbuild.arg(format!("--alias:zmp-sdk/apis={}", double.display()));
    }
    let status = esbuild.status().context("running esbuild")?;
    if !status.success() {
        bail!("bundling the Zalo shell failed ({status})");
    }
    let shell = std::fs::read(&bundled)?;
    std::fs::remove_file(&bundled)?;
    // Zalo's page loads `.module.js` entries as ES modules (the names zmp-cli's own build gives them).
    let (published, ..) = site::publish(out, "shell.js", &site::content_hash(&shell), &shell)?;
    let shell_file = published.replace(".js", ".module.js");
    std::fs::rename(out.join(&published), out.join(&shell_file))?;

    // Zalo's CDN compresses on its own; the precompressed copies the browser build keeps are not uploaded.
    for entry in std::fs::read_dir(out.join("assets"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "br" || e == "gz") {
            std::fs::remove_file(&path)?;
        }
    }

    let app_config = serde_json::json!({
        "app": {
            "title": options.title,
            "headerTitle": options.title,
            "headerColor": "#0b6e4f",
            "textColor": "white",
            "statusBar": "normal",
            "leftButton": "back",
            "actionBarHidden": false,
            "hideAndroidBottomNavigationBar": false,
            "hideIOSSafeAreaBottom": false
        },
        "listCSS": [css_file],
        "listSyncJS": [shell_file],
        "listAsyncJS": [],
        // What the app asks of Zalo (granted per app on the developer console's permission page, and checked by
        // Zalo's review): the person's name and avatar, their phone number, following the OA, and the camera for
        // QR check-ins.
        "permissions": [
            { "scope": "scope.userInfo", "api": "getUserInfo", "why": "Tên và ảnh đại diện trên thẻ thành viên" },
            { "scope": "scope.userPhonenumber", "api": "getPhoneNumber", "why": "Số điện thoại để nhận điểm khi mua tại cửa hàng" },
            { "api": "followOA", "why": "Quan tâm Official Account của thương hiệu để nhận ưu đãi" },
            { "scope": "scope.camera", "api": "scanQRCode", "why": "Quét mã QR của cửa hàng để check-in" }
        ]
    });
    std::fs::write(
        out.join("app-config.json"),
        serde_json::to_string_pretty(&app_config)? + "\n",
    )?;
    std::fs::write(
        out.join("index.html"),
        preview_page(&options.title, &options.app_id, &css_file, &shell_file, &icon_file),
    )?;

    let mut files = 0;
    let mut bytes = 0;
    for entry in std::fs::read_dir(out.join("assets"))? {
        let meta = entry?.metadata()?;
        files += 1;
        bytes += meta.len();
    }
    eprintln!(
        "wrote {} ({files} assets, {:.1} KB; the shell {:.1} KB) for {} at {}; deploy it with `zmp deploy` from that folder",
        out.display(),
        bytes as f64 / 1024.0,
        shell.len() as f64 / 1024.0,
        options.brand,
        options.api
    );
    Ok(())
}

/// The page Zalo writes from `app-config.json`, for a local preview of the package (Zalo does not upload it).
fn preview_page(title: &str, app_id: &str, css: &str, shell: &str, icon: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n  <meta charset=\"utf-8\">\n  <meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1, viewport-fit=cover\">\n  <title>{title}</title>\n  <link \
         rel=\"icon\" type=\"image/svg+xml\" href=\"{icon}\">\n  <link rel=\"stylesheet\" href=\"{css}\">\n  \
         <script>window.APP_ID = \"{app_id}\";</script>\n  <script type=\"module\" src=\"{shell}\"></script>\n</head>\n\
         <body></body>\n</html>\n",
        title = escape(title),
        icon = escape(icon),
        css = escape(css),
        app_id = escape(app_id),
        shell = escape(shell),
    )
}
