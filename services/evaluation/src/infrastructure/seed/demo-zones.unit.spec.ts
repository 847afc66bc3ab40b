import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoOrgId } from '@vanguard/infra-config';
import { DEMO_ZONES, zoneLeaderUsername } from './demo-zones';

interface RealmUser {
  readonly id?: string;
  readonly username: string;
  readonly firstName?: string;
  readonly attributes?: { org_id?: string[] };
  readonly realmRoles?: string[];
  readonly credentials?: { value: string }[];
}

const realm = JSON.parse(readFileSync(join(__dirname, '../../../../../infra/keycloak/vanguard-realm.json'), 'utf8')) as {
  users: RealmUser[];
};

describe('DEMO_ZONES', () => {
  it.each(DEMO_ZONES.map((zone, i) => [zoneLeaderUsername(i + 1), zone] as const))(
    'given the demo realm, then %s signs in with the subject the seed makes the zone’s leader, as a county evaluator',
    (username, zone) => {
      const user = realm.users.find((u) => u.username === username);

      expect(user).toMatchObject({
        id: zone.leader,
        firstName: expect.stringMatching(/片区/),
        attributes: { org_id: [demoOrgId('910425')] },
        realmRoles: expect.arrayContaining(['evaluator']),
        credentials: [expect.objectContaining({ value: 'vanguard-demo' })],
      });
      expect(user?.realmRoles).not.toContain('organizer');
    },
  );

  it('gives every zone a leader of its own', () => {
    expect(new Set(DEMO_ZONES.map((z) => z.leader)).size).toBe(15);
  });
});
