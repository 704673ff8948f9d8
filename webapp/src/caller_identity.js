// Which role the page's credentials are for: STS GetCallerIdentity, the call the AWS CLI makes for
// `aws sts get-caller-identity`. GetCredentialsForIdentity does not say (its answer holds only the identity
// id and the keys), and the role is what the page shows beside the identity id.
//
// One signed form POST (the Query protocol: Action=GetCallerIdentity&Version=2011-06-15), signed with
// the SDK's own SigV4 signer, which the S3 client already brings, and the answer's <Arn> read with the
// browser's XML parser: the same request STSClient would send, without a third AWS client in the bundle.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html

import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

function stsUrl(config) {
  return new URL(config.endpoint || `https://sts.${config.region}.amazonaws.com`);
}

export async function callerArn(config, credentials) {
  const url = stsUrl(config);
  const signer = new SignatureV4({ credentials, region: config.region, service: "sts", sha256: Sha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: "Action=GetCallerIdentity&Version=2011-06-15",
  });
  const { host, ...headers } = signed.headers; // the browser sends Host itself
  const response = await fetch(url, { method: "POST", headers, body: signed.body });
  const answer = new DOMParser().parseFromString(await response.text(), "text/xml");
  const text = (name) => answer.getElementsByTagName(name)[0]?.textContent ?? "";
  if (!response.ok) {
    const error = new Error(text("Message") || `HTTP ${response.status}`);
    error.name = text("Code") || "Error";
    throw error;
  }
  return text("Arn");
}

// arn:aws:sts::<account>:assumed-role/<role name>/<session name> -> the role's name.
export function roleOf(arn) {
  return arn.includes(":assumed-role/") ? arn.split("/")[1] : arn;
}
