// Chạm's bridge between the WASM app and its host super-app, as window.chamBridge.
// Inside Zalo the mini app's shell (frontend/zalo/shell.js, in the package `cargo xtask package zalo` writes) sets
// window.chamHost = { zalo: <the shell's adapter over zmp-sdk> }; inside MoMo, window.chamHost = { momo: <MiniApi> }.
// In a plain browser, window.chamHost = { browser: <the simulator's stand-in> } when the page has one
// (bridge-sim.js, part of the browser build only: the Zalo package has no simulator).
(function () {
  "use strict";

  function host() {
    const h = window.chamHost || {};
    if (h.zalo) return "zalo";
    if (h.momo) return "momo";
    return "browser";
  }

  function failure(e) {
    if (e && typeof e === "object" && "code" in e) return new Error("host error " + e.code);
    return e instanceof Error ? e : new Error(String(e));
  }

  // Zalo: getAccessToken proves the user; getPhoneNumber's token is redeemed once by the server.
  async function zaloSignIn() {
    const zmp = window.chamHost.zalo;
    const access = await zmp.getAccessToken({});
    let idByOA = null;
    try {
      // Asks for the name and avatar; the server reads them from Zalo, never from here. idByOA (the person's id at
      // the brand's OA, while they follow it) goes to the server as a claim to check against the OA's webhook.
      const info = await zmp.getUserInfo({});
      idByOA = (info && info.userInfo && info.userInfo.idByOA) || null;
    } catch (e) {
      // Declined (-1401): the token still proves the user's id.
    }
    let phoneToken = null;
    try {
      const phone = await zmp.getPhoneNumber({});
      phoneToken = phone && phone.token ? phone.token : null;
    } catch (e) {
      // The user declined to share the number: sign in without it.
      phoneToken = null;
    }
    return {
      access_token: typeof access === "string" ? access : access.accessToken,
      phone_token: phoneToken,
      id_by_oa: idByOA,
    };
  }

  // MoMo: getUserAuth returns a token the server exchanges with MoMo's open platform.
  async function momoSignIn() {
    const momo = window.chamHost.momo;
    const auth = await new Promise(function (resolve, reject) {
      momo.getUserAuth({ success: resolve, fail: reject });
    });
    return { access_token: auth.authCode || auth.token, phone_token: null };
  }

  // Follows the brand's OA: Zalo's followOA inside Zalo (refused with -201 when the person declines); in a plain
  // browser, the simulated user follows and the simulated OA sends the signed follow webhook.
  async function followOa(sim, oaId) {
    const h = window.chamHost || {};
    if (h.zalo) {
      await h.zalo.followOA({ id: oaId });
      return;
    }
    if (h.browser) return h.browser.followOa(sim, oaId);
    throw new Error("unsupported");
  }

  // A QR code read with the camera in a plain browser, where the browser can read barcodes itself: a full-screen
  // view of the back camera with a cancel button, until a code is seen.
  function browserScan() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error("unsupported"));
    }
    return new Promise(function (resolve, reject) {
      const overlay = document.createElement("div");
      overlay.className = "scan-overlay";
      const video = document.createElement("video");
      video.setAttribute("playsinline", "");
      video.muted = true;
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "scan-cancel";
      cancel.textContent = document.documentElement.lang === "en" ? "Cancel" : "Huỷ";
      overlay.appendChild(video);
      overlay.appendChild(cancel);
      document.body.appendChild(overlay);
      let stream = null;
      let done = false;
      function finish(error, text) {
        if (done) return;
        done = true;
        if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
        overlay.remove();
        if (error) reject(error); else resolve(text);
      }
      cancel.addEventListener("click", function () { finish(new Error("cancelled")); });
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      }).then(function look() {
        if (done) return;
        detector.detect(video).then(function (codes) {
          if (codes.length > 0) finish(null, codes[0].rawValue);
          else setTimeout(look, 250);
        }, function () { setTimeout(look, 250); });
      }).catch(function () { finish(new Error("unsupported")); });
    });
  }

  // Reads a QR code: Zalo's scanner inside Zalo (scanQRCode), the camera in a browser that can read barcodes.
  async function scanQr() {
    const h = window.chamHost || {};
    if (h.zalo) {
      const result = await h.zalo.scanQRCode({});
      return typeof result === "string" ? result : (result && result.content) || "";
    }
    return browserScan();
  }

  // Zalo Checkout's createOrder: the SDK inside Zalo (the shell hands it as chamHost.zalo.createOrder, which
  // resolves with Checkout's orderId; the shell then follows the PaymentDone event with checkTransaction); in a
  // plain browser the simulator's Checkout, whose page the app then opens with the way back. The arguments are
  // passed exactly as the server signed them.
  async function createOrder(sim, args, back) {
    const h = window.chamHost || {};
    if (h.zalo) {
      const result = await h.zalo.createOrder(args);
      return { orderId: (result && result.orderId) || "", checkoutUrl: null };
    }
    if (h.browser) return h.browser.createOrder(sim, args, back);
    throw new Error("unsupported");
  }

  // The app's own address, to share: inside Zalo the shell shares the mini app's zalo.me/s/{app id} link; in a
  // browser, this page's base address.
  function appUrl() {
    const base = document.querySelector('meta[name="cham-base"]');
    const path = base && base.content && base.content.startsWith("/") ? base.content : "/";
    return window.location.origin + path;
  }

  // Shares the app: Zalo's share sheet inside Zalo (openShareSheet), the system's share sheet where the browser
  // has one, or the link copied. Resolves with "shared", "copied" or "cancelled".
  async function share(title, text) {
    const h = window.chamHost || {};
    if (h.zalo && h.zalo.share) {
      const result = await h.zalo.share(title, text);
      return result && result.status === 0 ? "cancelled" : "shared";
    }
    const url = appUrl();
    if (navigator.share) {
      try {
        await navigator.share({ title: title, text: text, url: url });
        return "shared";
      } catch (e) {
        if (e && e.name === "AbortError") return "cancelled";
      }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(url);
      return "copied";
    }
    throw new Error("unsupported");
  }

  window.chamBridge = {
    share: async function (title, text) {
      try {
        return await share(title, text);
      } catch (e) {
        throw failure(e).message;
      }
    },
    host: host,
    createOrder: async function (sim, argsJson, back) {
      try {
        return await createOrder(sim, JSON.parse(argsJson), back);
      } catch (e) {
        throw failure(e).message;
      }
    },
    // Opens a payment page (MoMo's payUrl, the simulated Checkout) in place of the app; it sends the person back.
    openUrl: function (url) {
      window.location.assign(url);
    },
    followOa: async function (sim, oaId) {
      try {
        return await followOa(sim, oaId);
      } catch (e) {
        throw failure(e).message;
      }
    },
    scanQr: async function () {
      try {
        return await scanQr();
      } catch (e) {
        throw failure(e).message;
      }
    },
    // The app moved to a screen `depth` entries deep in its history: the host's own back button shows from the
    // second screen on (inside Zalo, the header's back button goes back in the page's history, as the phone's does).
    routeChanged: function (depth) {
      const h = window.chamHost || {};
      if (h.zalo && h.zalo.routeChanged) {
        try { h.zalo.routeChanged(depth); } catch (e) { /* the header keeps what it had */ }
      }
    },
    hostSignIn: async function (provider) {
      try {
        return provider === "momo" ? await momoSignIn() : await zaloSignIn();
      } catch (e) {
        throw failure(e).message;
      }
    },
  };
})();
