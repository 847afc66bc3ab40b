import { infraConfig } from '@vanguard/infra-config';
import { passwordGrant, TEST_REALM } from '@vanguard/testing';

/**
 * Password guessing against Keycloak: the demo realm turns brute-force protection on, and the
 * test realm (the same settings) shows it lock a user. `lockout.target` exists only in the test
 * realm, so locking it disturbs nobody.
 */
describe('brute-force protection', () => {
  const infra = infraConfig();
  const TARGET = 'lockout.target';
  let adminToken: string;

  // The local Keycloak's bootstrap admin (admin / admin): development only, refused in production mode.
  const admin = async (method: string, path: string): Promise<Response> => {
    const res = await fetch(`${infra.keycloakUrl}/admin/realms/${path}`, { method, headers: { authorization: `Bearer ${adminToken}` } });
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status}`);
    return res;
  };
  const targetId = async (): Promise<string> => {
    const users = (await (await admin('GET', `${TEST_REALM}/users?exact=true&username=${TARGET}`)).json()) as { id: string }[];
    return users[0]!.id;
  };

  beforeAll(async () => {
    const res = await fetch(`${infra.keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' }),
    });
    adminToken = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await admin('DELETE', `${TEST_REALM}/attack-detection/brute-force/users/${await targetId()}`);
  });

  it('the demo realm locks a user out after 5 wrong passwords, temporarily', async () => {
    const realm = (await (await admin('GET', 'vanguard')).json()) as Record<string, unknown>;

    expect(realm).toMatchObject({ bruteForceProtected: true, failureFactor: 5, permanentLockout: false });
  });

  it('after 5 wrong passwords the right one no longer signs the user in', async () => {
    const id = await targetId();
    await admin('DELETE', `${TEST_REALM}/attack-detection/brute-force/users/${id}`);
    const before = await passwordGrant(TARGET, { realm: TEST_REALM });
    expect(before.status).toBe(200);

    for (let i = 0; i < 5; i++) {
      const wrong = await passwordGrant(TARGET, { realm: TEST_REALM, password: `wrong-${i}` });
      expect(wrong.status).toBe(401);
    }
    const after = await passwordGrant(TARGET, { realm: TEST_REALM });
    const state = (await (await admin('GET', `${TEST_REALM}/attack-detection/brute-force/users/${id}`)).json()) as Record<string, unknown>;

    expect(after.status).toBe(401);
    expect(after.body.access_token).toBeUndefined();
    expect(state).toMatchObject({ disabled: true });
    // Guesses this quick trip the quick-login check (1 s) and lock before the fifth; slower ones lock at five.
    expect(Number(state['numFailures'])).toBeGreaterThan(0);
  });

  it('the right password signs a user in on ten devices at once: protection does not turn concurrent sign-ins away', async () => {
    // Keycloak 26 refuses a user's sign-in while another is in flight unless the server allows
    // concurrent requests (scripts/infra.mjs, docker-compose.yml): before, 1 of 10 got a token.
    const answers = await Promise.all(Array.from({ length: 10 }, () => passwordGrant('province.auditor')));

    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
  });
});
