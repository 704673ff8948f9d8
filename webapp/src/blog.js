// The blog of "Authentication with Amazon Cognito in the Browser", with the AWS SDK for JavaScript v3.
//
// A visitor arrives as a guest (unauthenticated identity): reads comments; posting is refused by S3.
// "Login with Amazon" sends them to Login with Amazon's authorization page (/ap/oa); it redirects back
// with an authorization code, which the page redeems with its PKCE verifier for an access token
// (./login_with_amazon.js), and the page swaps the credentials, as the post's
// `AWS.config.credentials.params.Logins = {...}; AWS.config.credentials.expired = true;` did in v2:
// GetCredentialsForIdentity with the SAME identity id plus the login, which links the login to it.
// Signing out forgets both, and the next visit is a new guest.
//
// Nothing secret is ever shown or logged: the access key id is masked, the secret key and session token
// stay inside the SDK.

import { fromCognitoIdentity, fromCognitoIdentityPool } from "@aws-sdk/credential-provider-cognito-identity";
import { CognitoIdentityClient, GetCredentialsForIdentityCommand } from "@aws-sdk/client-cognito-identity";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { callerArn, roleOf } from "./caller_identity.js";
import { LoginWithAmazonError, authorize, redeem, takeAuthorizationResponse } from "./login_with_amazon.js";

const LOGINS_KEY = "www.amazon.com";
const TOKEN_STORE = "blog.loginWithAmazon.accessToken"; // sessionStorage: gone when the tab closes
const WELCOME = "comments/welcome.txt";

const $ = (id) => document.getElementById(id);

// The key under which fromCognitoIdentityPool caches a guest's identity id (the SDK's own cache key).
const guestCacheKey = (config) => `aws:cognito-identity-credentials:${config.identityPoolId}:ANONYMOUS`;
const postedStore = (config) => `blog.posted:${config.bucket}`;

export function maskAccessKeyId(accessKeyId) {
  return accessKeyId.slice(0, 4) + "*".repeat(Math.max(accessKeyId.length - 4, 0));
}

function clientConfig(config) {
  return config.endpoint ? { region: config.region, endpoint: config.endpoint } : { region: config.region };
}

// Why a call failed, in words a visitor can act on. A TypeError from fetch means the browser itself
// refused to let the page see the answer: for S3, the bucket's CORS configuration does not allow this
// page's origin (S3 answers a preflight only for origins, methods and headers a CORS rule allows).
export function explain(error, service, config) {
  if (error instanceof TypeError || /Failed to fetch|NetworkError/.test(String(error && error.message))) {
    if (service === "s3") {
      return (
        `The browser blocked the answer from Amazon S3: the bucket ${config.bucket} has no CORS rule ` +
        `that allows this page's origin (${window.location.origin}). Without one, S3 refuses the ` +
        `browser's preflight and adds no Access-Control-Allow-Origin header, so the page cannot read or ` +
        `write the bucket. (${error.message})`
      );
    }
    return `The browser could not reach ${service} (${error.message}).`;
  }
  const code = error.name || (error.Code ?? "Error");
  return `${code}: ${error.message}`;
}

class Blog {
  constructor(config) {
    this.config = config;
    this.s3 = null;
    this.identityId = null;
    this.signedIn = false;
  }

  async useGuestCredentials() {
    // The guest's identity id is cached in localStorage (the SDK's default is IndexedDB when there is
    // one), so the page can forget it: at sign-in (it becomes authenticated) and at sign-out.
    const provider = fromCognitoIdentityPool({
      identityPoolId: this.config.identityPoolId,
      cache: window.localStorage,
      clientConfig: clientConfig(this.config),
    });
    await this.useCredentials(provider, false);
  }

  // The post: the same identity id, plus the login (v2: `params.Logins = {...}; expired = true`).
  // GetCredentialsForIdentity links the login to the guest identity and answers with its id. If the
  // login already belongs to another identity (this visitor signed in before), Amazon Cognito merges the
  // two and answers with the surviving identity's id, so the page reads the id from the answer: v3's
  // fromCognitoIdentity would keep reporting (and later refresh with) the guest's, now disabled, id.
  async useLoginCredentials(identityId, accessToken) {
    const logins = { [LOGINS_KEY]: accessToken };
    const client = new CognitoIdentityClient(clientConfig(this.config));
    const answer = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins }));
    const first = {
      identityId: answer.IdentityId,
      accessKeyId: answer.Credentials.AccessKeyId,
      secretAccessKey: answer.Credentials.SecretKey,
      sessionToken: answer.Credentials.SessionToken,
      expiration: answer.Credentials.Expiration,
    };
    // Later refreshes: v3's provider, with the identity id Amazon Cognito answered.
    const refresh = fromCognitoIdentity({ identityId: answer.IdentityId, logins, client });
    let unused = first;
    const provider = async () => {
      const credentials = unused ?? (await refresh());
      unused = null;
      return credentials;
    };
    await this.useCredentials(provider, true);
    performance.mark("blog:signed-in");
    // The guest identity is now authenticated (or merged): never ask for guest credentials for it again.
    window.localStorage.removeItem(guestCacheKey(this.config));
  }

  async useCredentials(provider, signedIn) {
    let credentials = await provider();
    // One set of credentials for both clients, fetched again five minutes before it expires.
    const shared = async () => {
      if (credentials.expiration && credentials.expiration.getTime() - Date.now() < 300_000) {
        credentials = await provider();
      }
      return credentials;
    };
    this.identityId = credentials.identityId;
    this.signedIn = signedIn;
    this.s3 = new S3Client({
      ...clientConfig(this.config),
      credentials: shared,
      forcePathStyle: Boolean(this.config.endpoint),
    });
    let role = "";
    try {
      role = roleOf(await callerArn(this.config, credentials));
    } catch (error) {
      role = `(unknown: ${explain(error, "sts", this.config)})`;
    }
    this.showIdentity({
      state: signedIn ? "signed in with Login with Amazon" : "guest",
      identityId: credentials.identityId,
      role,
      accessKey: maskAccessKeyId(credentials.accessKeyId),
      expires: credentials.expiration ? credentials.expiration.toISOString() : "",
    });
  }

  showIdentity(fields) {
    for (const [name, value] of Object.entries(fields)) {
      $(`identity-${name}`).textContent = value;
    }
    document.body.dataset.state = this.signedIn ? "signed-in" : "guest";
    $("sign-in").hidden = this.signedIn;
    $("sign-out").hidden = !this.signedIn;
  }

  postedKeys() {
    try {
      return JSON.parse(window.localStorage.getItem(postedStore(this.config)) || "[]");
    } catch {
      return [];
    }
  }

  // Guests may read comments (s3:GetObject on comments/*) but not list the bucket, so the page reads the
  // blog's welcome comment and the comments posted from this browser.
  async showComments() {
    const list = $("comments");
    const keys = [WELCOME, ...this.postedKeys()];
    const items = [];
    for (const key of keys) {
      const item = document.createElement("li");
      item.dataset.key = key;
      try {
        const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
        item.textContent = await answer.Body.transformToString();
        item.className = "comment";
      } catch (error) {
        item.textContent = `${key}: ${explain(error, "s3", this.config)}`;
        item.className = "comment-error";
      }
      const source = document.createElement("code");
      source.textContent = ` ${key}`;
      item.append(source);
      items.push(item);
    }
    list.replaceChildren(...items);
    performance.mark("blog:comments-shown"); // benchmarks/blog_page.py reads these marks
    const failed = items.find((item) => item.className === "comment-error");
    this.say(failed ? failed.firstChild.textContent : "", "read");
    document.body.dataset.comments = failed ? "failed" : "shown";
  }

  async post(text) {
    const key = `comments/${this.identityId}/${Date.now()}.txt`;
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: text, ContentType: "text/plain" }),
      );
    } catch (error) {
      this.say(`Posting was refused. ${explain(error, "s3", this.config)}`, "post");
      document.body.dataset.posted = "refused";
      return;
    }
    const posted = [...this.postedKeys(), key];
    window.localStorage.setItem(postedStore(this.config), JSON.stringify(posted));
    this.say(`Posted as ${key}`, "post");
    document.body.dataset.posted = "allowed";
    $("last-posted").textContent = key;
    await this.showComments();
    this.say(`Posted as ${key}`, "post");
  }

  say(text, kind) {
    const message = $("message");
    message.textContent = text;
    message.dataset.kind = kind;
  }

  async signIn() {
    const lwa = this.config.loginWithAmazon;
    if (!lwa) {
      this.say("Signing in needs a Login with Amazon app: set COURSE_LWA_CLIENT_ID (see the README).", "sign-in");
      return;
    }
    if (window.top !== window.self) {
      // Login with Amazon's page refuses to be framed (as Amazon's does): sign in in a tab of its own.
      window.open(window.location.href, "_blank", "noopener");
      this.say("Login with Amazon opens in a new tab: its page cannot be shown inside a frame.", "sign-in");
      return;
    }
    await authorize(lwa);
  }

  signOut() {
    window.sessionStorage.removeItem(TOKEN_STORE);
    window.localStorage.removeItem(guestCacheKey(this.config));
    this.signedIn = false;
    $("last-posted").textContent = "";
  }
}

async function main() {
  const config = await (await fetch("config.json", { cache: "no-store" })).json();
  if (config.error || !config.identityPoolId) {
    $("message").textContent = config.error
      ? `The page has no configuration: ${config.error}`
      : "There is no MyApplicationPool yet: run helpers.course.set_up (or notebooks 02 and 03), then reload.";
    document.body.dataset.state = "failed";
    document.body.dataset.ready = "true";
    return;
  }
  const blog = new Blog(config);
  window.blog = blog; // for the browser test and the curious reader (holds no secret itself)
  $("config-pool").textContent = config.identityPoolId;
  $("config-bucket").textContent = config.bucket;

  const run = async (step) => {
    try {
      await step();
    } catch (error) {
      blog.say(explain(error, "cognito-identity", config), "error");
      document.body.dataset.state = "failed";
    }
  };

  const answer = takeAuthorizationResponse();
  let signInError = null;
  await run(async () => {
    const saved = JSON.parse(window.sessionStorage.getItem(TOKEN_STORE) || "null");
    if (saved) {
      // Signed in earlier in this tab: the identity id and the login, as the page left them.
      await blog.useLoginCredentials(saved.identityId, saved.accessToken);
      return;
    }
    // The guest first (the identity id this browser cached, if any), as the post's page loads.
    await blog.useGuestCredentials();
    if (answer && answer.code) {
      let accessToken;
      try {
        accessToken = await redeem(config.loginWithAmazon, answer);
      } catch (error) {
        signInError = error;
        return;
      }
      await blog.useLoginCredentials(blog.identityId, accessToken);
      const session = { identityId: blog.identityId, accessToken };
      window.sessionStorage.setItem(TOKEN_STORE, JSON.stringify(session));
    }
  });
  if (blog.s3) {
    await blog.showComments();
  }
  // After the comments, whose message would replace it.
  signInError ||= (answer && answer.error);
  if (signInError) {
    const reason = signInError instanceof LoginWithAmazonError
      ? `${signInError.name}: ${signInError.message}`
      : explain(signInError, "Login with Amazon", config);
    blog.say(`Login with Amazon refused: ${reason}`, "sign-in");
  }

  $("sign-in").addEventListener("click", () => run(() => blog.signIn()));
  $("sign-out").addEventListener("click", () =>
    run(async () => {
      blog.signOut();
      await blog.useGuestCredentials();
      await blog.showComments();
    }),
  );
  $("post-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => blog.post($("comment-text").value));
  });
  document.body.dataset.ready = "true";
}

main();
