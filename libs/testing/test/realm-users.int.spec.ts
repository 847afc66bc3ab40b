import { randomUUID } from 'node:crypto';
import { infraConfig } from '@vanguard/infra-config';
import { RealmUsers } from '../src';

const { keycloakUrl, keycloakRealm } = infraConfig();
/** An organisation no one else makes users for: the users of this suite are the realm's users of it. */
const ORG = randomUUID();

let bootstrapToken: { value: string; signedInAt: number } | undefined;

/** One admin API call as the bootstrap admin (signed in again every 20 s: its tokens live 60). */
async function bootstrap(method: string, path: string, body?: unknown): Promise<Response> {
  if (!bootstrapToken || Date.now() - bootstrapToken.signedInAt > 20_000) {
    const signedInAt = Date.now();
    const signIn = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' }),
    });
    if (!signIn.ok) throw new Error(`bootstrap admin sign-in: ${signIn.status}`);
    bootstrapToken = { value: ((await signIn.json()) as { access_token: string }).access_token, signedInAt };
  }
  return fetch(`${keycloakUrl}/admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${bootstrapToken.value}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

const usersOf = (orgId: string) =>
  json<{ id: string; username: string }[]>(bootstrap('GET', `realms/${keycloakRealm}/users?q=org_id:${orgId}`));

// The users are made by a master-realm administrator of this suite's own, so its sessions (one
// per admin sign-in) are this suite's alone to count and to end, and its rights to take away.
describe(RealmUsers.name, () => {
  const admin = { username: `test.realm-users-admin.${randomUUID().slice(0, 8)}`, password: randomUUID() };
  let adminId: string;
  let adminRole: object;
  let skewMs = 0;
  let sut: RealmUsers;

  const adminSessions = () => json<{ id: string }[]>(bootstrap('GET', `realms/master/users/${adminId}/sessions`));

  beforeAll(async () => {
    const made = await bootstrap('POST', 'realms/master/users', {
      username: admin.username,
      enabled: true,
      emailVerified: true,
      firstName: 'realm-users',
      lastName: 'spec',
      email: `${admin.username}@vanguard.example`,
      credentials: [{ type: 'password', value: admin.password, temporary: false }],
    });
    if (made.status !== 201) throw new Error(`making ${admin.username}: ${made.status} ${await made.text()}`);
    const [found] = await json<{ id: string }[]>(bootstrap('GET', `realms/master/users?exact=true&username=${admin.username}`));
    if (!found) throw new Error(`${admin.username} was made but is not found`);
    adminId = found.id;
    adminRole = await json<object>(bootstrap('GET', 'realms/master/roles/admin'));
  });

  beforeEach(async () => {
    const granted = await bootstrap('POST', `realms/master/users/${adminId}/role-mappings/realm`, [adminRole]);
    if (!granted.ok) throw new Error(`granting admin: ${granted.status}`);
    skewMs = 0;
    sut = new RealmUsers({ admin, now: () => Date.now() + skewMs });
  });

  afterEach(async () => {
    await bootstrap('DELETE', `realms/master/users/${adminId}/role-mappings/realm`, [adminRole]);
    for (const s of await adminSessions()) await bootstrap('DELETE', `realms/master/sessions/${s.id}`);
    for (const u of await usersOf(ORG)) await bootstrap('DELETE', `realms/${keycloakRealm}/users/${u.id}`);
  });

  afterAll(async () => {
    if (adminId) await bootstrap('DELETE', `realms/master/users/${adminId}`);
  });

  it('signs in as admin again once its token is due by its clock, before Keycloak would refuse it', async () => {
    await sut.signedIn(ORG, 'auditor');
    expect(await adminSessions()).toHaveLength(1);

    skewMs = 61_000; // admin-cli's tokens live 60 s
    await sut.signedIn(ORG, 'auditor');

    expect(await adminSessions()).toHaveLength(2);
    expect(await usersOf(ORG)).toHaveLength(2);
  });

  it('keeps its token while it is fresh', async () => {
    await sut.signedIn(ORG, 'auditor');
    await sut.signedIn(ORG, 'auditor');

    expect(await adminSessions()).toHaveLength(1);
  });

  it('signs in again, once, when Keycloak refuses its token with 401', async () => {
    await sut.signedIn(ORG, 'auditor');
    const [ended] = await adminSessions();
    expect((await bootstrap('DELETE', `realms/master/sessions/${ended!.id}`)).status).toBe(204);

    await sut.signedIn(ORG, 'auditor');

    const sessions = await adminSessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.id).not.toBe(ended!.id);
    expect(await usersOf(ORG)).toHaveLength(2);
  });

  it('says so when the master realm refuses the admin sign-in', async () => {
    const wrong = new RealmUsers({ admin: { username: admin.username, password: 'not-the-password' } });

    await expect(wrong.signedIn(ORG, 'auditor')).rejects.toThrow(
      `the master realm refused ${admin.username} an admin token (admin-cli): 401`,
    );
  });

  it('tries to delete every user, then names each one it could not delete and tries them again next time', async () => {
    await sut.signedIn(ORG, 'auditor');
    await sut.signedIn(ORG, 'branch_secretary');
    const made = await usersOf(ORG);
    expect(made).toHaveLength(2);
    expect((await bootstrap('DELETE', `realms/master/users/${adminId}/role-mappings/realm`, [adminRole])).status).toBe(204);

    const refused = await sut.removeAll().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(refused).toBeInstanceOf(Error);
    const message = (refused as Error).message;
    expect(message).toMatch(new RegExp(`^2 test user\\(s\\) could not be deleted from realm ${keycloakRealm}: `));
    for (const u of made) expect(message).toContain(`${u.username} (${u.id}): admin DELETE users/${u.id}: 403`);
    expect(await usersOf(ORG)).toHaveLength(2);

    expect((await bootstrap('POST', `realms/master/users/${adminId}/role-mappings/realm`, [adminRole])).status).toBe(204);
    await sut.removeAll();
    expect(await usersOf(ORG)).toEqual([]);
  });

  it('counts a user someone else already deleted as removed', async () => {
    await sut.signedIn(ORG, 'auditor');
    await sut.signedIn(ORG, 'auditor');
    const [gone] = await usersOf(ORG);
    expect((await bootstrap('DELETE', `realms/${keycloakRealm}/users/${gone!.id}`)).status).toBe(204);

    await sut.removeAll();

    expect(await usersOf(ORG)).toEqual([]);
  });
});
