// The Zalo Mini App's shell: the entry script of the package `cargo xtask package zalo` writes. Zalo's host page
// loads it (app-config.json's listSyncJS); it hands the bridge what the app needs from zmp-sdk, writes the
// package-time configuration into the page as the app expects it, then starts the WASM app.
//
// esbuild bundles this file with zmp-sdk (pinned in package-lock.json) and ../bridge.js; the browser build never
// carries zmp-sdk, and this package never carries the simulator.
import {
  checkTransaction,
  createOrder,
  events,
  EventName,
  followOA,
  getAccessToken,
  getPhoneNumber,
  getUserInfo,
  openShareSheet,
  scanQRCode,
  setNavigationBarLeftButton,
} from "zmp-sdk/apis";
import "../bridge.js";

// Written in at package time (esbuild --define): the API's public URL, the brand's slug, the Zalo app id, the OA id,
// and the names of the app's module and WASM in this package.
const CONFIG = CHAM_PACKAGE;

// Every screen of the app has a path under /zapps/{app id}/ inside Zalo, as Zalo's own router does: the header's
// back button goes back in this history.
function basePath() {
  const id = String(window.APP_ID || CONFIG.appId);
  const prefix = "/zapps/" + id + "/";
  return window.location.pathname.startsWith(prefix) || window.location.pathname === prefix.slice(0, -1)
    ? prefix
    : "/";
}

function meta(name, content) {
  const m = document.createElement("meta");
  m.name = name;
  m.content = content;
  document.head.appendChild(m);
}

// Zalo Checkout's PaymentDone says the person finished or left the payment sheet; checkTransaction says how it
// stands. The app hears it as a `cham-payment` event and asks the server at once (the server's word, from Zalo's
// callback or its own status query, is what the order shows).
events.on(EventName.PaymentDone, function (data) {
  checkTransaction({ data: data })
    .then(function (result) {
      window.dispatchEvent(new CustomEvent("cham-payment", {
        detail: { orderId: (result && result.orderId) || "", resultCode: result ? result.resultCode : 0 },
      }));
    })
    .catch(function () {
      window.dispatchEvent(new CustomEvent("cham-payment", { detail: { orderId: "", resultCode: 0 } }));
    });
});

window.chamHost = {
  zalo: {
    getAccessToken: function () { return getAccessToken(); },
    getUserInfo: function () { return getUserInfo({}); },
    getPhoneNumber: function () { return getPhoneNumber(); },
    followOA: function (args) { return followOA({ id: (args && args.id) || CONFIG.oaId }); },
    scanQRCode: function () { return scanQRCode(); },
    createOrder: function (args) { return createOrder(args); },
    // The mini app's own link (Zalo opens it in the app), with the brand's words.
    share: function (title, description) {
      const link = "https://zalo.me/s/" + String(window.APP_ID || CONFIG.appId) + "/";
      return openShareSheet({ type: "link", data: { link: link, title: title, description: description } });
    },
    routeChanged: function (depth) {
      setNavigationBarLeftButton({ type: depth > 0 ? "back" : "none" }).catch(function () { /* older Zalo */ });
    },
  },
};

meta("cham-brand", CONFIG.brand);
meta("cham-api", CONFIG.api);
meta("cham-base", basePath());
document.documentElement.lang = "vi";

const here = import.meta.url;
import(new URL(CONFIG.app, here).href).then(function (app) {
  return app.default({ module_or_path: new URL(CONFIG.wasm, here) });
});
