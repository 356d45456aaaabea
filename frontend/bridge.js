// Chạm's bridge between the WASM app and its host super-app, as window.chamBridge.
// Inside Zalo the mini app's shell sets window.chamHost = { zalo: <zmp-sdk> }; inside MoMo,
// window.chamHost = { momo: <MiniApi> }. In a plain browser there is no host: the simulator stands in.
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
    try {
      // Asks for the name and avatar; the server reads them from Zalo, never from here.
      await zmp.getUserInfo({});
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
    return { access_token: typeof access === "string" ? access : access.accessToken, phone_token: phoneToken };
  }

  // MoMo: getUserAuth returns a token the server exchanges with MoMo's open platform.
  async function momoSignIn() {
    const momo = window.chamHost.momo;
    const auth = await new Promise(function (resolve, reject) {
      momo.getUserAuth({ success: resolve, fail: reject });
    });
    return { access_token: auth.authCode || auth.token, phone_token: null };
  }

  async function simCall(method, url, body) {
    const res = await fetch(url, {
      method: method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(function () { return null; });
    if (!res.ok) throw new Error((data && data.error && data.error.message) || "simulator: HTTP " + res.status);
    return data;
  }

  function simTokens(provider, data) {
    return provider === "momo"
      ? { access_token: data.auth_token, phone_token: null }
      : { access_token: data.access_token, phone_token: data.phone_token };
  }

  window.chamBridge = {
    host: host,
    hostSignIn: async function (provider) {
      try {
        return provider === "momo" ? await momoSignIn() : await zaloSignIn();
      } catch (e) {
        throw failure(e).message;
      }
    },
    simUsers: async function (sim, provider) {
      return simCall("GET", sim + "/" + provider + "/users");
    },
    simCreate: async function (sim, provider, name, phone) {
      try {
        return simTokens(provider, await simCall("POST", sim + "/" + provider + "/users", { name: name, phone: phone }));
      } catch (e) {
        throw failure(e).message;
      }
    },
    simTokens: async function (sim, provider, id) {
      try {
        return simTokens(provider, await simCall("POST", sim + "/" + provider + "/users/" + encodeURIComponent(id) + "/tokens"));
      } catch (e) {
        throw failure(e).message;
      }
    },
  };
})();
