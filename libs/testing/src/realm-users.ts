import { randomUUID } from 'node:crypto';
import { infraConfig } from '@vanguard/infra-config';
import { DEMO_PASSWORD, passwordGrant } from './keycloak';

/** How long before its `expires_in` the admin token is renewed: a call must not start on a token about to lapse. */
const RENEW_BEFORE_MS = 15_000;

export interface RealmUsersOptions {
  /** The master-realm administrator that makes the users: the bootstrap admin (admin / admin) unless named. */
  readonly admin?: { readonly username: string; readonly password: string };
  /** The clock the admin token's expiry is judged by (milliseconds since the epoch). */
  readonly now?: () => number;
}

/**
 * Users of one suite, made in the platform realm through the local Keycloak's admin API and
 * removed by `removeAll`: a user whose `org_id` names an organisation the demo realm has no one
 * for (a fresh village, a county auditor). The bootstrap admin (admin / admin) is development
 * only; production mode refuses it. Its token (admin-cli's live 60 s) is renewed before it
 * expires and once more if Keycloak refuses it (401), so a suite may run for as long as it needs.
 */
export class RealmUsers {
  private adminToken: { readonly value: string; readonly renewAt: number } | undefined;
  private signingIn: Promise<{ readonly value: string; readonly renewAt: number }> | undefined;
  private readonly made: { readonly id: string; readonly username: string }[] = [];
  private readonly infra = infraConfig();
  private readonly adminUser: { readonly username: string; readonly password: string };
  private readonly now: () => number;

  constructor({ admin = { username: 'admin', password: 'admin' }, now = Date.now }: RealmUsersOptions = {}) {
    this.adminUser = admin;
    this.now = now;
  }

  /** A new user of `orgId` with one realm role, signed in now: its access token. */
  async signedIn(orgId: string, role: string, firstName = '测试用户'): Promise<string> {
    const username = `test.${role}.${randomUUID().slice(0, 8)}`;
    await this.admin('POST', 'users', {
      username,
      enabled: true,
      emailVerified: true,
      firstName,
      lastName: '-',
      email: `${username}@vanguard.example`,
      attributes: { org_id: [orgId] },
      credentials: [{ type: 'password', value: DEMO_PASSWORD, temporary: false }],
    });
    const [user] = (await (await this.admin('GET', `users?exact=true&username=${username}`)).json()) as { id: string }[];
    if (!user) throw new Error(`${username} was made but is not found in realm ${this.infra.keycloakRealm}`);
    this.made.push({ id: user.id, username });
    const granted = (await (await this.admin('GET', `roles/${role}`)).json()) as object;
    await this.admin('POST', `users/${user.id}/role-mappings/realm`, [granted]);
    const grant = await passwordGrant(username);
    if (grant.status !== 200) throw new Error(`${username} could not sign in: ${grant.status}`);
    return grant.body.access_token!;
  }

  /**
   * Deletes every user made so far, each tried even when another fails; then throws one error
   * naming those still in the realm (kept, so a later call tries them again). A user already
   * gone (404) counts as deleted.
   */
  async removeAll(): Promise<void> {
    const left: { id: string; username: string; why: string }[] = [];
    for (const user of this.made.splice(0)) {
      try {
        await this.admin('DELETE', `users/${user.id}`, undefined, [404]);
      } catch (e) {
        left.push({ ...user, why: e instanceof Error ? e.message : String(e) });
      }
    }
    if (!left.length) return;
    this.made.push(...left.map(({ id, username }) => ({ id, username })));
    throw new Error(
      `${left.length} test user(s) could not be deleted from realm ${this.infra.keycloakRealm}: ` +
        left.map((u) => `${u.username} (${u.id}): ${u.why}`).join('; '),
    );
  }

  private async admin(method: string, path: string, body?: unknown, alsoFine: readonly number[] = []): Promise<Response> {
    const call = (token: string) =>
      fetch(`${this.infra.keycloakUrl}/admin/realms/${this.infra.keycloakRealm}/${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const token = await this.token();
    let res = await call(token.value);
    // Refused although not due by our clock (a session ended, a clock skew): sign in once more.
    if (res.status === 401) {
      await res.body?.cancel();
      if (this.adminToken === token) this.adminToken = undefined;
      res = await call((await this.token()).value);
    }
    if (!res.ok && !alsoFine.includes(res.status)) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  /** The admin token, signed in anew when there is none or it is due for renewal; parallel callers share one sign-in. */
  private async token(): Promise<{ readonly value: string; readonly renewAt: number }> {
    if (this.adminToken && this.now() < this.adminToken.renewAt) return this.adminToken;
    this.signingIn ??= this.signInAsAdmin().finally(() => (this.signingIn = undefined));
    this.adminToken = await this.signingIn;
    return this.adminToken;
  }

  private async signInAsAdmin(): Promise<{ readonly value: string; readonly renewAt: number }> {
    const { username, password } = this.adminUser;
    const asked = this.now();
    const res = await fetch(`${this.infra.keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password }),
    });
    const text = await res.text();
    const answer = (() => {
      try {
        return JSON.parse(text) as { access_token?: string; expires_in?: number };
      } catch {
        return {};
      }
    })();
    if (!res.ok || !answer.access_token)
      throw new Error(`the master realm refused ${username} an admin token (admin-cli): ${res.status} ${text.slice(0, 300)}`);
    // Counted from before the request, so the time it took is never counted as the token's.
    const lifetimeMs = (answer.expires_in ?? 60) * 1000;
    return { value: answer.access_token, renewAt: asked + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) };
  }
}
