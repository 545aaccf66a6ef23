import { fromIni } from '@aws-sdk/credential-provider-ini';
import { isLoopbackHost } from '../auth/loopback.js';
import { LOCAL_CREDENTIAL } from '../auth/authenticate.js';
import type { ClientTarget } from '../client/trove-api-client.js';

/** Where `bin/trove`'s client commands send requests when nothing else is said: the local Trove. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4599';

/** The options every client command takes (parse them with parseCommandArgs beside its own). */
export const CLIENT_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

export const CLIENT_OPTIONS_HELP = `  --endpoint URL   the Trove to talk to (default: AWS_ENDPOINT_URL, else ${DEFAULT_ENDPOINT})
  --region NAME    signing region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --profile NAME   a profile of ~/.aws/credentials and ~/.aws/config (default: AWS_PROFILE)
  Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), then the
  profile; with neither, a loopback endpoint gets the local test/test pair.`;

/**
 * Resolves a client command's endpoint, region and credentials the way the AWS CLI does
 * (flags, then the standard AWS environment variables, then shared profiles), plus Trove's
 * local default: with no credentials configured, a loopback endpoint is signed with test/test.
 */
export async function resolveClientTarget(
  values: { endpoint?: string; region?: string; profile?: string },
  env: Readonly<Record<string, string | undefined>>,
): Promise<ClientTarget> {
  const endpoint = values.endpoint || env.AWS_ENDPOINT_URL || DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`--endpoint ${endpoint} is not a URL like ${DEFAULT_ENDPOINT}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--endpoint ${endpoint} must start with http:// or https://.`);
  const region = values.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  return { endpoint: url.origin + url.pathname.replace(/\/+$/, ''), region, credentials: await credentialsFor(url, values.profile, env) };
}

async function credentialsFor(url: URL, profileFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<ClientTarget['credentials']> {
  if (!profileFlag && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  }
  const profile = profileFlag || env.AWS_PROFILE;
  try {
    const found = await fromIni({ profile, filepath: env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: env.AWS_CONFIG_FILE, ignoreCache: true })();
    return { accessKeyId: found.accessKeyId, secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken };
  } catch (error) {
    // A profile asked for by name must exist; otherwise the local pair serves a local Trove.
    if (profile) throw new Error(`no credentials for profile ${profile}: ${(error as Error).message}`);
  }
  if (isLoopbackHost(url.hostname)) return { accessKeyId: LOCAL_CREDENTIAL.accessKeyId, secretAccessKey: LOCAL_CREDENTIAL.secretAccessKey };
  throw new Error(`no AWS credentials found for ${url.origin}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile.`);
}
