// Login with Amazon in a browser app, as its developer guide documents it today: the authorization code
// grant with PKCE ("Authorization Code Grant",
// https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html). The implicit grant of
// the blog post (`response_type=token`, the token in the URL fragment) is deprecated: "Browser-Based Apps
// and Single-Page Apps, that cannot use a client_secret, must use the Authorization Code grant with PKCE
// extension" ("Implicit Grant (Deprecated)",
// https://developer.amazon.com/docs/login-with-amazon/implicit-grant.html).
//
// 1. `authorize`: a random code verifier, kept in this tab's sessionStorage; the visitor goes to
//    `/ap/oa` with `response_type=code` and `code_challenge` = BASE64URL(SHA-256(verifier)).
// 2. Amazon sends the visitor back with `?code=...&state=...`; `takeAuthorizationResponse` reads it and
//    removes it from the address bar.
// 3. `redeem`: `POST /auth/o2/token` with the code and the verifier (no client secret: a page cannot keep
//    one) gives the access token the identity pool checks with Amazon.
//
// The same code runs locally (the local AWS's stand-in) and on a real account (https://www.amazon.com/ap/oa,
// https://api.amazon.com/auth/o2/token): the URLs come from the page's configuration.

const PENDING_STORE = "blog.loginWithAmazon.pending"; // sessionStorage: the state and the verifier

export class LoginWithAmazonError extends Error {
  constructor(code, description) {
    super(description || code);
    this.name = code;
  }
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText() {
  return base64url(window.crypto.getRandomValues(new Uint8Array(32))); // 43 characters, RFC 7636's minimum
}

// RFC 7636, section 4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))).
export async function codeChallenge(verifier) {
  const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// Sends the visitor to Login with Amazon's authorization page (leaves the page).
export async function authorize(lwa) {
  if (!window.crypto.subtle) {
    // Web Crypto exists only in secure contexts: https, or http on localhost / 127.0.0.1.
    throw new LoginWithAmazonError("insecure_context", "serve the page over https (or on localhost) to sign in");
  }
  const pending = { state: randomText(), verifier: randomText(), redirectUri: lwa.redirectUri };
  window.sessionStorage.setItem(PENDING_STORE, JSON.stringify(pending));
  const query = new URLSearchParams({
    client_id: lwa.clientId,
    scope: "profile",
    response_type: "code",
    redirect_uri: pending.redirectUri,
    state: pending.state,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: "S256",
  });
  window.location.assign(`${lwa.authorizationUrl}?${query}`);
}

// Login with Amazon's answer in the query (?code=...&state=... or ?error=...&state=...), or null.
export function takeAuthorizationResponse() {
  const answer = new URLSearchParams(window.location.search);
  if (!answer.has("code") && !answer.has("error")) {
    return null;
  }
  // The code must not stay in the address bar or the history.
  window.history.replaceState(null, "", window.location.pathname);
  const pending = JSON.parse(window.sessionStorage.getItem(PENDING_STORE) || "null");
  window.sessionStorage.removeItem(PENDING_STORE);
  if (!pending || answer.get("state") !== pending.state) {
    return { error: new LoginWithAmazonError("state_mismatch", "the answer does not match a sign-in this page started") };
  }
  if (answer.has("error")) {
    return { error: new LoginWithAmazonError(answer.get("error"), answer.get("error_description")) };
  }
  return { code: answer.get("code"), verifier: pending.verifier, redirectUri: pending.redirectUri };
}

// The code and its verifier for an access token: a form POST, which the browser sends without a preflight.
export async function redeem(lwa, answer) {
  const response = await fetch(lwa.tokenUrl, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: answer.code,
      redirect_uri: answer.redirectUri,
      client_id: lwa.clientId,
      code_verifier: answer.verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok || !body.access_token) {
    throw new LoginWithAmazonError(body.error || `HTTP ${response.status}`, body.error_description);
  }
  return body.access_token;
}
