import type { CountyIdentity } from './county-message';

/** What the county's access token says about it; read without verifying (the platform verifies). */
export function identityOfToken(clientId: string, accessToken: string): CountyIdentity {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  const orgId = Array.isArray(claims['org_id']) ? (claims['org_id'] as unknown[])[0] : claims['org_id'];
  if (typeof claims['sub'] !== 'string' || typeof orgId !== 'string')
    throw new Error(`the token of ${clientId} carries no sub or org_id: is its service account set up?`);
  return { clientId, sub: claims['sub'], countyOrgId: orgId };
}

const expiryOf = (accessToken: string): number => {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return (claims.exp ?? 0) * 1000;
};

/** A URL as it may be printed: credentials someone put in KEYCLOAK_URL stay out of logs. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Client-credentials tokens of one county, fetched when needed and reused until 30 s before
 * they expire (each message carries one; the gate checks it against the broker's receive time).
 */
export class CountyTokenSource {
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly options: { clientId: string; clientSecret: string; tokenUrl: string },
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - 30_000 > this.now()) return this.cached.token;
    // The URL is named (never the secret, which travels in the body): "fetch failed" alone says nothing of where.
    const res = await fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      }),
      signal: AbortSignal.timeout(10_000),
    }).catch((e: unknown) => {
      // The code only: fetch's own messages may quote the URL with the credentials in it.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? cause?.message ?? (e as Error).name;
      throw new Error(
        `Keycloak 不可达 / cannot reach ${withoutCredentials(this.options.tokenUrl)} for ${this.options.clientId} (${code})`,
        { cause: e },
      );
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string; error?: string };
    if (!res.ok || !body.access_token)
      throw new Error(`Keycloak 拒绝为 ${this.options.clientId} 签发令牌: ${body.error_description ?? body.error ?? res.status}`);
    this.cached = { token: body.access_token, expiresAt: expiryOf(body.access_token) };
    return body.access_token;
  }

  async identity(): Promise<CountyIdentity> {
    return identityOfToken(this.options.clientId, await this.token());
  }
}
