import fs from 'node:fs';
import path from 'node:path';
import { claimsOf, tokenFor } from '@vanguard/testing';
import { COUNTY_INSPECTOR_SUBJECT } from '../src/infrastructure/seed/demo-commendation.seed';

const REALM_FILE = path.resolve(__dirname, '../../../infra/keycloak/vanguard-realm.json');

/**
 * The demo objection (DEMO-2012-0001) is concluded only by the token of the investigator the seed
 * assigned it to: the seed named the username `county.inspector`, while the token's `sub` is the
 * user's id, so no one could ever conclude it (403 OBJECTION.NOT_THE_INVESTIGATOR).
 */
describe('the demo seed’s investigator', () => {
  it('is the id the realm file fixes for county.inspector', () => {
    const realm = JSON.parse(fs.readFileSync(REALM_FILE, 'utf8')) as { users: { id?: string; username: string }[] };
    expect(realm.users.find((u) => u.username === 'county.inspector')?.id).toBe(COUNTY_INSPECTOR_SUBJECT);
  });

  // Fails against a Keycloak that imported the realm before county.inspector's id was fixed: it
  // kept the id it generated until the realm is imported afresh (scripts/infra.mjs does so when the
  // realm file changes).
  it('is the subject of county.inspector’s own token', async () => {
    expect(claimsOf(await tokenFor('county.inspector')).sub).toBe(COUNTY_INSPECTOR_SUBJECT);
  });
});
