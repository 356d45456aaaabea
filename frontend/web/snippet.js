/* Chạm's website snippet: served as /w/{brand}.js with the brand's settings passed in on its last line.
 * It keeps an anonymous id in the site's own storage, records page views (with UTM, referrer, time on page and
 * scroll depth) in batches through the anonymous events API only with the visitor's consent to analytics and
 * never under Do Not Track, and shows the brand's pop-up forms in a shadow root when their trigger says.
 * The site's consent banner answers with cham('consent', true | false) and the script tag's
 * data-consent="site"; without it the snippet asks in a bar of its own. */
(function (C) {
  "use strict";
  if (window.__chamLoaded) return;
  window.__chamLoaded = true;
  var doc = document, win = window, nav = navigator;
  var script = doc.currentScript;
  var api = C.api;
  try { if (script && script.src) api = new URL(script.src).origin; } catch (e) { /* the configured address */ }
  var siteBanner = !!(script && script.getAttribute("data-consent") === "site");
  var langAttr = (script && script.getAttribute("data-lang")) || doc.documentElement.lang || "vi";
  var en = /^en/i.test(langAttr);
  var L = en ? 1 : 0;
  var T = {
    close: ["Đóng", "Close"],
    bar: ["Cho phép trang này ghi nhận các trang bạn xem để phục vụ bạn tốt hơn?", "May this site record the pages you view to serve you better?"],
    yes: ["Đồng ý", "Allow"],
    no: ["Không", "No"],
    voucher: ["Mã ưu đãi của bạn:", "Your voucher code:"],
    points: ["điểm sẽ được cộng khi bạn tham gia thành viên trong Zalo.", "points are credited when you join as a member in Zalo."],
    again: ["Số điện thoại này đã nhận ưu đãi của biểu mẫu trước đây.", "This phone already had this form's reward."],
    error: ["Chưa gửi được. Vui lòng thử lại.", "It could not be sent. Please try again."]
  };
  function t(key) { return T[key][L]; }
  function codeText(code) { var x = C.texts[code]; return x ? x[L] : t("error"); }

  var store = {
    get: function (k) { try { return win.localStorage.getItem("cham." + k); } catch (e) { return null; } },
    set: function (k, v) { try { win.localStorage.setItem("cham." + k, v); } catch (e) { /* private mode */ } }
  };
  var session = {
    get: function (k) { try { return win.sessionStorage.getItem("cham." + k); } catch (e) { return null; } },
    set: function (k, v) { try { win.sessionStorage.setItem("cham." + k, v); } catch (e) { /* private mode */ } }
  };
  function newId() {
    var bytes = new Uint8Array(16), out = "", abc = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (win.crypto || win.msCrypto).getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) out += abc[bytes[i] % abc.length];
    return "w-" + out;
  }
  var aid = store.get("aid");
  if (!aid || !/^[A-Za-z0-9_-]{8,64}$/.test(aid)) { aid = newId(); store.set("aid", aid); }

  function post(path, body, keepalive) {
    return fetch(api + path, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      keepalive: !!keepalive, credentials: "omit", mode: "cors"
    });
  }

  // Consent: Do Not Track (or Global Privacy Control) says no whatever else is said.
  var dnt = nav.doNotTrack === "1" || win.doNotTrack === "1" || nav.globalPrivacyControl === true;
  var consent = dnt ? "0" : store.get("consent");
  function setConsent(granted) {
    var value = granted && !dnt ? "1" : "0";
    var changed = value !== consent;
    consent = value;
    store.set("consent", value);
    if (changed) post("/api/v1/web/" + C.brand + "/consent", { anonymous_id: aid, analytics: value === "1" }).then(flush, flush);
    else flush();
    if (value === "0") queue = [];
  }

  // Events, batched: sent when ten wait, five seconds after the first, and when the page is hidden.
  var queue = [], timer = null;
  function flush(leaving) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (consent !== "1" || !queue.length) return;
    var events = queue.splice(0, 500);
    post("/api/v1/anonymous/events", { brand: C.brand, anonymous_id: aid, events: events }, leaving)["catch"](function () {
      if (!leaving) queue = events.concat(queue);
    });
  }
  function track(type, properties, extra) {
    if (dnt || consent === "0") return;
    var e = { type: type, source: "web", occurred_at: new Date().toISOString(), properties: properties || {} };
    for (var k in extra || {}) if (extra[k]) e[k] = extra[k];
    queue.push(e);
    if (queue.length >= 10) flush();
    else if (!timer) timer = setTimeout(flush, 5000);
  }

  // The visit: its page count, and the campaign it came with (kept for the visit's later pages).
  var params = new URLSearchParams(win.location.search);
  var utm = {};
  ["utm_source", "utm_medium", "utm_campaign", "utm_content"].forEach(function (k) {
    var v = params.get(k);
    if (v) session.set(k, v.slice(0, 100));
    utm[k] = session.get(k) || undefined;
  });
  var pages = (parseInt(session.get("pages") || "0", 10) || 0) + 1;
  session.set("pages", String(pages));
  var started = Date.now(), deepest = 0;
  function scrollDepth() {
    var h = doc.documentElement, max = Math.max(h.scrollHeight - win.innerHeight, 1);
    deepest = Math.max(deepest, Math.min(100, Math.round((win.scrollY || h.scrollTop || 0) / max * 100)));
  }
  win.addEventListener("scroll", scrollDepth, { passive: true });
  var path = win.location.pathname;
  track("page_viewed", {
    path: path, title: doc.title.slice(0, 200), referrer: doc.referrer.slice(0, 500), page_of_visit: pages
  }, utm);
  var left = false;
  function leave() {
    if (left) return;
    left = true;
    scrollDepth();
    track("page_left", { path: path, seconds: Math.round((Date.now() - started) / 1000), scroll_depth: deepest });
    flush(true);
  }
  win.addEventListener("pagehide", leave);
  doc.addEventListener("visibilitychange", function () { if (doc.visibilityState === "hidden") leave(); });

  // A link into Chạm (a campaign link, the web mini app) carries the visitor's id, so signing in there joins
  // their web history.
  doc.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!a) return;
    try {
      var u = new URL(a.href);
      if (u.origin === api && !/^\/(api|w|assets)\//.test(u.pathname) && !u.searchParams.get("aid")) {
        u.searchParams.set("aid", aid);
        a.href = u.toString();
      }
    } catch (e) { /* not a link we know */ }
  }, true);

  // The shadow root every piece of the snippet's UI lives in, so the site's CSS cannot reach it.
  var root = null;
  function shadow() {
    if (root) return root;
    var host = doc.createElement("div");
    host.id = "cham-web";
    doc.body.appendChild(host);
    root = host.attachShadow({ mode: "open" });
    var style = doc.createElement("style");
    style.textContent =
      ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
      ".bar{position:fixed;left:12px;right:12px;bottom:12px;background:#1f2933;color:#fff;padding:12px 14px;border-radius:12px;display:flex;gap:8px;align-items:center;flex-wrap:wrap;z-index:2147483646;font-size:14px}" +
      ".bar p{margin:0;flex:1 1 200px}.veil{position:fixed;inset:0;background:rgba(15,23,42,.45);display:flex;align-items:center;justify-content:center;padding:16px;z-index:2147483647}" +
      ".card{background:#fff;color:#1f2933;border-radius:16px;max-width:380px;width:100%;padding:20px;position:relative;box-shadow:0 12px 40px rgba(0,0,0,.25);max-height:92vh;overflow:auto}" +
      "h2{margin:0 32px 6px 0;font-size:20px}p{margin:0 0 12px;font-size:14px;line-height:1.45}label{display:block;font-size:14px;margin:10px 0 4px;font-weight:600}" +
      "input[type=text],input[type=tel],input[type=email],select{width:100%;padding:10px 12px;border:1px solid #cbd2d9;border-radius:10px;font-size:16px}" +
      ".consent{display:flex;gap:8px;align-items:flex-start;font-weight:400;margin-top:12px}.consent input{margin-top:3px}" +
      "button{font:inherit;border-radius:10px;border:0;padding:10px 16px;cursor:pointer}.send{width:100%;margin-top:16px;background:#d9480f;color:#fff;font-size:16px;font-weight:600}" +
      ".x{position:absolute;top:10px;right:10px;background:transparent;font-size:22px;line-height:1;padding:6px 10px;color:#52606d}" +
      ".yes{background:#d9480f;color:#fff}.no{background:#52606d;color:#fff}.err{color:#b42318;font-size:13px;margin:4px 0 0}" +
      ".code{font-size:22px;font-weight:700;letter-spacing:2px;background:#fff4e6;padding:10px;border-radius:10px;text-align:center}" +
      ".trap{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}:focus-visible{outline:3px solid #f59f00;outline-offset:2px}h2:focus{outline:none}";
    root.appendChild(style);
    return root;
  }
  function el(tag, attrs, text) {
    var n = doc.createElement(tag);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text != null) n.textContent = text;
    return n;
  }

  function askConsent() {
    if (dnt || consent !== null || siteBanner) return;
    var bar = el("div", { "class": "bar", role: "region", "aria-label": t("bar") });
    bar.appendChild(el("p", {}, t("bar")));
    var yes = el("button", { "class": "yes", type: "button" }, t("yes"));
    var no = el("button", { "class": "no", type: "button" }, t("no"));
    yes.onclick = function () { bar.remove(); setConsent(true); };
    no.onclick = function () { bar.remove(); setConsent(false); };
    bar.appendChild(yes);
    bar.appendChild(no);
    shadow().appendChild(bar);
  }

  // Forms.
  var open = null;
  function tx(text) { return text ? (en ? text.en : text.vi) : ""; }
  function due(form) {
    var g = form.trigger || {};
    if (store.get("sent." + form.id)) return false;
    // Closed: not again this visit, nor for the snooze's days.
    if (session.get("closed." + form.id)) return false;
    var closed = parseInt(store.get("closed." + form.id) || "0", 10);
    if (closed && g.snooze_days && Date.now() - closed < g.snooze_days * 864e5) return false;
    if (g.path_contains && path.indexOf(g.path_contains) < 0) return false;
    if (g.utm_campaign && utm.utm_campaign !== g.utm_campaign) return false;
    if (g.after_pages && pages < g.after_pages) return false;
    return true;
  }
  function view(form, action) {
    post("/api/v1/web/" + C.brand + "/forms/" + form.id + "/views", { anonymous_id: aid, action: action })["catch"](function () {});
  }
  function show(form) {
    if (open) return;
    var g = form.trigger || {};
    var veil = el("div", { "class": "veil" });
    var card = el("form", { "class": "card", role: "dialog", "aria-modal": "true", "aria-labelledby": "cham-title", novalidate: "" });
    var x = el("button", { "class": "x", type: "button", "aria-label": t("close") }, "×");
    card.appendChild(x);
    card.appendChild(el("h2", { id: "cham-title" }, tx(form.title)));
    if (tx(form.body)) card.appendChild(el("p", {}, tx(form.body)));
    var top = el("p", { "class": "err", role: "alert" });
    var errors = {};
    form.fields.forEach(function (f) {
      var id = "cham-" + f.kind;
      card.appendChild(el("label", { "for": id }, tx(f.label) + (f.required ? " *" : "")));
      var input;
      if (f.kind === "choice") {
        input = el("select", { id: id, name: f.kind });
        input.appendChild(el("option", { value: "" }, ""));
        f.options.forEach(function (o, i) { input.appendChild(el("option", { value: String(i) }, tx(o))); });
      } else {
        var type = { phone: "tel", email: "email", name: "text" }[f.kind];
        input = el("input", { id: id, name: f.kind, type: type, autocomplete: { phone: "tel", email: "email", name: "name" }[f.kind] });
      }
      if (f.required) input.setAttribute("aria-required", "true");
      var err = el("p", { "class": "err", id: id + "-err", "aria-live": "polite" });
      input.setAttribute("aria-describedby", id + "-err");
      errors["/fields/" + f.kind] = err;
      card.appendChild(input);
      card.appendChild(err);
      if (f.kind === "phone" || f.kind === "email") {
        input.addEventListener("blur", function () {
          if (!input.value.trim()) return;
          post("/api/v1/web/" + C.brand + "/check", { kind: f.kind, value: input.value }).then(function (r) {
            if (r.ok) { err.textContent = ""; return; }
            return r.json().then(function (b) { err.textContent = codeText(b.error.code); });
          })["catch"](function () {});
        });
      }
    });
    (form.consents || []).forEach(function (c, i) {
      var id = "cham-consent-" + i;
      var row = el("label", { "class": "consent", "for": id });
      var box = el("input", { id: id, type: "checkbox", value: c.purpose });
      row.appendChild(box);
      row.appendChild(el("span", {}, tx(c.wording) + (c.required ? " *" : "")));
      card.appendChild(row);
      var err = el("p", { "class": "err", "aria-live": "polite" });
      errors["/consents/" + i] = err;
      card.appendChild(err);
    });
    var trap = el("div", { "class": "trap", "aria-hidden": "true" });
    trap.appendChild(el("input", { name: "website", tabindex: "-1", autocomplete: "off" }));
    card.appendChild(trap);
    card.appendChild(top);
    var send = el("button", { "class": "send", type: "submit" }, tx(form.button));
    card.appendChild(send);
    veil.appendChild(card);
    shadow().appendChild(veil);
    open = veil;
    var before = doc.activeElement;
    view(form, "shown");
    function close(sent) {
      veil.remove();
      open = null;
      if (!sent) {
        store.set("closed." + form.id, String(Date.now()));
        session.set("closed." + form.id, "1");
        view(form, "closed");
      }
      if (before && before.focus) before.focus();
    }
    x.onclick = function () { close(false); };
    veil.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { close(false); return; }
      if (ev.key !== "Tab") return;
      var items = card.querySelectorAll("button,input:not([tabindex='-1']),select");
      var first = items[0], last = items[items.length - 1], active = root.activeElement;
      if (ev.shiftKey && active === first) { last.focus(); ev.preventDefault(); }
      else if (!ev.shiftKey && active === last) { first.focus(); ev.preventDefault(); }
    });
    card.addEventListener("submit", function (ev) {
      ev.preventDefault();
      for (var k in errors) errors[k].textContent = "";
      top.textContent = "";
      var fields = {}, consents = [];
      form.fields.forEach(function (f) {
        var v = card.querySelector("[name=" + f.kind + "]").value.trim();
        if (v) fields[f.kind] = v;
        else if (f.required) errors["/fields/" + f.kind].textContent = codeText("field_required");
      });
      card.querySelectorAll(".consent input:checked").forEach(function (b) { consents.push(b.value); });
      (form.consents || []).forEach(function (c, i) {
        if (c.required && consents.indexOf(c.purpose) < 0) errors["/consents/" + i].textContent = codeText("consent_required");
      });
      for (var e in errors) if (errors[e].textContent) return;
      send.disabled = true;
      post("/api/v1/web/" + C.brand + "/forms/" + form.id + "/submissions", {
        anonymous_id: aid, ticket: form.ticket, version: form.version, fields: fields, consents: consents,
        page: win.location.href.split("#")[0].slice(0, 500), lang: en ? "en" : "vi",
        website: card.querySelector("[name=website]").value
      }).then(function (r) {
        return r.json().then(function (b) {
          send.disabled = false;
          if (!r.ok) {
            var target = b.error.field && errors[b.error.field.pointer];
            (target || top).textContent = codeText(b.error.code);
            return;
          }
          store.set("sent." + form.id, String(Date.now()));
          if (consents.indexOf("analytics") >= 0 && consent !== "1") setConsent(true);
          thanks(card, form, b);
        });
      })["catch"](function () { send.disabled = false; top.textContent = codeText("network"); });
    });
    var firstInput = card.querySelector("input,select");
    if (firstInput) firstInput.focus();
    function thanks(card, form, receipt) {
      while (card.lastChild) card.removeChild(card.lastChild);
      var done = el("button", { "class": "x", type: "button", "aria-label": t("close") }, "×");
      done.onclick = function () { close(true); };
      card.appendChild(done);
      card.appendChild(el("h2", { id: "cham-title", tabindex: "-1" }, tx(form.title)));
      card.appendChild(el("p", { "class": "thanks", role: "status" }, tx(form.thanks)));
      if (receipt.voucher_code) {
        card.appendChild(el("p", {}, t("voucher")));
        card.appendChild(el("p", { "class": "code" }, receipt.voucher_code));
      }
      if (receipt.points_on_join) card.appendChild(el("p", {}, receipt.points_on_join + " " + t("points")));
      if (receipt.already_rewarded) card.appendChild(el("p", {}, t("again")));
      card.querySelector("h2").focus();
    }
  }
  function arm(form) {
    var g = form.trigger || {};
    var wait = Math.max(3, g.after_seconds || 0) * 1000;
    var ready = false, exitWanted = !!g.on_exit_intent;
    setTimeout(function () {
      ready = true;
      if (!exitWanted) show(form);
    }, wait);
    if (exitWanted) {
      doc.addEventListener("mouseout", function (ev) {
        if (ready && !ev.relatedTarget && ev.clientY <= 0) show(form);
      });
    }
  }
  function loadForms() {
    fetch(api + "/api/v1/web/" + C.brand + "/forms?anonymous_id=" + encodeURIComponent(aid), { credentials: "omit", mode: "cors" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) {
        if (!list) return;
        var form = list.forms.filter(function (f) { return !(f.trigger && f.trigger.skip_known && list.known) && due(f); })[0];
        if (form) arm(form);
      })["catch"](function () {});
  }

  // The site's own calls, including those made before the snippet loaded (window.cham.q).
  var waiting = (win.cham && win.cham.q) || [];
  win.cham = function (command, arg) {
    if (command === "consent") setConsent(!!arg);
    else if (command === "track" && /^web\.[a-z0-9_]{1,60}$/.test(String(arg))) track(String(arg), arguments[2]);
  };
  for (var i = 0; i < waiting.length; i++) win.cham.apply(null, waiting[i]);

  function start() { askConsent(); loadForms(); }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})(CHAM_CONFIG);
