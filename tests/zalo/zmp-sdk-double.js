// A test double of zmp-sdk's `zmp-sdk/apis`, put in its place at bundle time (`cargo xtask package zalo
// --zmp-sdk tests/zalo/zmp-sdk-double.js`). It answers as the SDK's typings (index.d.ts of zmp-sdk 2.51.6) say, and
// plays the Zalo app around the mini app against the server's simulator: the page that hosts the package sets
// `window.zmpDouble = { sim, name, phone, scan }`; every call is recorded in `window.zmpDouble.calls`.

function double() {
  const d = window.zmpDouble || (window.zmpDouble = {});
  d.calls = d.calls || [];
  return d;
}

function record(name, args) {
  double().calls.push({ name: name, args: args === undefined ? null : JSON.parse(JSON.stringify(args)) });
}

// The SDK's AppError: an Error with a numeric code.
class AppError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function sim(method, path, body) {
  const res = await fetch(double().sim + path, {
    method: method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(function () { return null; });
  if (!res.ok) throw new AppError(-1, "the simulated Zalo refused: HTTP " + res.status);
  return data;
}

// The Zalo user this phone is signed in to: created once in the simulator.
let user = null;
async function zaloUser() {
  if (!user) user = await sim("POST", "/zalo/users", { name: double().name, phone: double().phone });
  return user;
}

class Emitter {
  constructor() { this.handlers = {}; }
  on(name, f) { (this.handlers[name] = this.handlers[name] || []).push(f); return this; }
  off(name, f) { this.handlers[name] = (this.handlers[name] || []).filter(function (g) { return g !== f; }); return this; }
  emit(name, data) { (this.handlers[name] || []).forEach(function (f) { f(data); }); return true; }
}

export const events = new Emitter();

export const EventName = {
  AppPaused: "h5.event.paused",
  AppResumed: "h5.event.resumed",
  PaymentDone: "action.payment.done",
  PaymentClose: "action.payment.close",
};

// getAccessToken(): Promise<string>
export async function getAccessToken() {
  record("getAccessToken");
  return (await zaloUser()).access_token;
}

// getUserInfo(): Promise<{ userInfo: { id, name, avatar, idByOA?, followedOA? } }>
export async function getUserInfo(args) {
  record("getUserInfo", args);
  const u = await zaloUser();
  return {
    userInfo: {
      id: u.id,
      name: double().name,
      avatar: "",
      idByOA: u.id_by_oa || undefined,
      followedOA: Boolean(u.id_by_oa),
    },
  };
}

// getPhoneNumber(): Promise<{ token?: string }>; refused with -1401 when the person declines.
export async function getPhoneNumber() {
  record("getPhoneNumber");
  if (double().declinePhone) throw new AppError(-1401, "User denied");
  return { token: (await zaloUser()).phone_token };
}

// followOA({ id }): Promise<void>
export async function followOA(args) {
  record("followOA", args);
  const u = await zaloUser();
  await sim("POST", "/zalo/users/" + encodeURIComponent(u.id) + "/oa", { event: "follow" });
}

// scanQRCode(): Promise<{ content: string }>
export async function scanQRCode() {
  record("scanQRCode");
  if (!double().scan) throw new AppError(-1, "User cancelled");
  return { content: double().scan };
}

// createOrder({ amount, item, desc, mac, extradata?, method? }): Promise<{ orderId, messageToken?, transId? }>.
// The simulated Checkout checks the mac as Zalo does; the person then pays in Zalo's sheet (`payWith`: "paid",
// "failed" or "left"), and PaymentDone follows.
export async function createOrder(args) {
  record("createOrder", args);
  if (typeof args.desc !== "string" || typeof args.mac !== "string" || !Array.isArray(args.item)) {
    throw new AppError(-1, "createOrder: invalid arguments");
  }
  const created = await sim("POST", "/zalo/checkout/orders", args);
  const outcome = double().payWith;
  if (outcome) {
    setTimeout(async function () {
      if (outcome !== "left") {
        await sim("POST", "/zalo/checkout/" + encodeURIComponent(created.orderId) + "/result", { outcome: outcome });
      }
      double().lastOutcome = outcome;
      events.emit(EventName.PaymentDone, { orderId: created.orderId });
    }, 50);
  }
  return { orderId: created.orderId };
}

// checkTransaction({ data }): Promise<{ err, msg, orderId, transId, resultCode, … }>: 1 paid, 0 pending, -1
// failed, -2 the person left.
export async function checkTransaction(args) {
  record("checkTransaction", args);
  const codes = { paid: 1, failed: -1, left: -2 };
  const resultCode = codes[double().lastOutcome] === undefined ? 0 : codes[double().lastOutcome];
  const orderId = (args && args.data && args.data.orderId) || "";
  return { err: 0, msg: "", orderId: orderId, transId: "", resultCode: resultCode, transTime: "", createdAt: "", method: "ZALOPAY_SANDBOX", isCustom: false };
}

// openShareSheet({ type, data }): Promise<{ status, shareType, numberOfUser }>
export async function openShareSheet(args) {
  record("openShareSheet", args);
  return { status: 2, shareType: 2, numberOfUser: 1 };
}

// setNavigationBarLeftButton({ type }): Promise<void>
export async function setNavigationBarLeftButton(args) {
  record("setNavigationBarLeftButton", args);
  double().leftButton = args.type;
}
