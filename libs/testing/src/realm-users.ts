import { randomUUID } from 'node:crypto';
import { infraConfig } from '@vanguard/infra-config';
import { DEMO_PASSWORD, passwordGrant } from './keycloak';

/**
 * Users of one suite, made in the platform realm through the local Keycloak's admin API and
 * removed by `removeAll`: a user whose `org_id` names an organisation the demo realm has no one
 * for (a fresh village, a county auditor). The bootstrap admin (admin / admin) is development
 * only; production mode refuses it.
 */
export class RealmUsers {
  private adminToken: string | undefined;
  private readonly made: string[] = [];
  private readonly infra = infraConfig();

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
    this.made.push(user!.id);
    const granted = (await (await this.admin('GET', `roles/${role}`)).json()) as object;
    await this.admin('POST', `users/${user!.id}/role-mappings/realm`, [granted]);
    const grant = await passwordGrant(username);
    if (grant.status !== 200) throw new Error(`${username} could not sign in: ${grant.status}`);
    return grant.body.access_token!;
  }

  async removeAll(): Promise<void> {
    for (const id of this.made.splice(0)) await this.admin('DELETE', `users/${id}`).catch(() => undefined);
  }

  private async admin(method: string, path: string, body?: unknown): Promise<Response> {
    this.adminToken ??= await this.signInAsAdmin();
    const res = await fetch(`${this.infra.keycloakUrl}/admin/realms/${this.infra.keycloakRealm}/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  private async signInAsAdmin(): Promise<string> {
    const res = await fetch(`${this.infra.keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }
}
