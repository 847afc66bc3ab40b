import { infraConfig } from '@vanguard/infra-config';

/** Password of every demo user in infra/keycloak/vanguard-realm.json (demo only). */
export const DEMO_PASSWORD = 'vanguard-demo';

/**
 * The realm only tests use: the demo realm plus test clients (`vanguard-short-lived`,
 * `vanguard-test-foreign`, `vanguard-test-id-audience`) and the user `lockout.target`.
 */
export const TEST_REALM = 'vanguard-test';

/** Every token Keycloak issued for one password sign-in (access, ID, refresh). */
export interface TokenSet {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
}

/** A password sign-in; `realm` defaults to the platform's. Keycloak's refusal comes back as it is. */
export async function passwordGrant(
  username: string,
  options: { clientId?: string; realm?: string; password?: string; scope?: string } = {},
): Promise<{ status: number; body: Partial<TokenSet> & { error?: string; error_description?: string } }> {
  const cfg = infraConfig();
  const form = {
    grant_type: 'password',
    client_id: options.clientId ?? 'vanguard-console',
    username,
    password: options.password ?? DEMO_PASSWORD,
    ...(options.scope ? { scope: options.scope } : {}),
  };
  const res = await fetch(`${cfg.keycloakUrl}/realms/${options.realm ?? cfg.keycloakRealm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Partial<TokenSet> & { error?: string; error_description?: string } };
}

async function tokenRequest(form: Record<string, string>): Promise<string> {
  const cfg = infraConfig();
  const res = await fetch(`${cfg.keycloakUrl}/realms/${cfg.keycloakRealm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token)
    throw new Error(`Keycloak refused a token for ${form['username'] ?? form['client_id']}: ${body.error_description ?? res.status}`);
  return body.access_token;
}

/** A real access token for a demo user (password grant through the console client). */
export function tokenFor(username: string, clientId = 'vanguard-console'): Promise<string> {
  return tokenRequest({ grant_type: 'password', client_id: clientId, username, password: DEMO_PASSWORD });
}

/** A real access token for a county system's service account (client credentials). */
export function serviceTokenFor(clientId: string, secret = `${clientId}-demo-secret`): Promise<string> {
  return tokenRequest({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
}

/** Decodes a JWT's payload without checking it: for assertions on what Keycloak issued. */
export function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
