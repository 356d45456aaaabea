// The super-app simulator's stand-in for a host, in the browser build only (the demo, development, the tests): the
// WASM app signs in as a simulated Zalo or MoMo user, follows the OA and pays in the simulated Checkout through it.
// It adds simUsers, simCreate and simTokens to window.chamBridge and sets window.chamHost.browser; the Zalo package
// never carries this file.
(function () {
  "use strict";

  function failure(e) {
    return e instanceof Error ? e.message : String(e);
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

  // The simulated Zalo user signed in on this device, so following the OA in the simulator knows who follows.
  const SIM_ZALO_USER = "cham.sim.zaloUser";

  function simTokens(provider, data) {
    if (provider === "momo") return { access_token: data.auth_token, phone_token: null };
    try { localStorage.setItem(SIM_ZALO_USER, data.id); } catch (e) { /* private mode: follow is unavailable */ }
    return { access_token: data.access_token, phone_token: data.phone_token, id_by_oa: data.id_by_oa || null };
  }

  const standIn = {
    // The simulated user follows and the simulated OA sends the signed follow webhook.
    followOa: async function (sim) {
      const user = localStorage.getItem(SIM_ZALO_USER);
      if (!user) throw new Error("no simulated Zalo user on this device");
      await simCall("POST", sim + "/zalo/users/" + encodeURIComponent(user) + "/oa", { event: "follow" });
    },
    // The simulated Checkout takes the signed arguments; the app then opens its page with the way back.
    createOrder: async function (sim, args, back) {
      const created = await fetch(sim + "/zalo/checkout/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(args),
      });
      const data = await created.json().catch(function () { return null; });
      if (!created.ok || !data || !data.orderId) {
        throw new Error("checkout " + ((data && data.error) || created.status));
      }
      return { orderId: data.orderId, checkoutUrl: data.checkoutUrl + "?back=" + encodeURIComponent(back) };
    },
  };

  const host = window.chamHost || {};
  if (!host.zalo && !host.momo) window.chamHost = { browser: standIn };

  const bridge = window.chamBridge;
  bridge.simUsers = async function (sim, provider) {
    return simCall("GET", sim + "/" + provider + "/users");
  };
  bridge.simCreate = async function (sim, provider, name, phone) {
    try {
      return simTokens(provider, await simCall("POST", sim + "/" + provider + "/users", { name: name, phone: phone }));
    } catch (e) {
      throw failure(e);
    }
  };
  bridge.simTokens = async function (sim, provider, id) {
    try {
      return simTokens(provider, await simCall("POST", sim + "/" + provider + "/users/" + encodeURIComponent(id) + "/tokens"));
    } catch (e) {
      throw failure(e);
    }
  };
})();
