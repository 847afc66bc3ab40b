import { generateKeyPairSync } from 'node:crypto';
import { formatKek, newKek } from '@vanguard/keys';
import { productionProblems } from '@vanguard/infra-config';
import { orgEventKeyProblems } from './org-event-key-production';
import { DEVELOPMENT_ORG_EVENT_KEY_ID, OrgEventSigner, rawPublicKey } from './org-event-signature';

/** Everything else an operator must set, set to values of their own. */
const safe = (): NodeJS.ProcessEnv => ({
  VANGUARD_ENV: 'production',
  VANGUARD_KEK: formatKek(newKek('kek-2026-11')),
  VANGUARD_IDEMPOTENCY_KEY: 'an-operator-idempotency-secret-of-32-chars',
  DATABASE_URL: 'postgres://vanguard_admin:s3cret-Qx@db.internal:5432/vanguard',
  VG_SERVICE_DB_PASSWORD: 'another-s3cret',
  KEYCLOAK_URL: 'https://sso.example.org',
  VANGUARD_API_CLIENTS: 'console,county-a',
  VANGUARD_BALLOT_KEY: 'an-operator-ballot-secret-of-32-chars-or-more',
  VANGUARD_VOTE_URL: 'https://vote.example.org/vote',
  VANGUARD_COUNTY_ORGS: 'county-a=6a1f0c2e-0000-4000-8000-00000000000a',
});

const developmentPublic = rawPublicKey(OrgEventSigner.fromEnv({}).publicKey);
// The development signing seed, as an operator copying it out of the source would set it.
const developmentSeed = Buffer.from('vanguard development org events'.padEnd(32, '.'), 'utf8').toString('base64');
const { publicKey: ownPublic, privateKey: ownPrivate } = generateKeyPairSync('ed25519');
const ownSeed = ownPrivate.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');

const problems = (env: NodeJS.ProcessEnv, service: string) => productionProblems(env, service, [orgEventKeyProblems]);

describe('orgEventKeyProblems', () => {
  it('orgEventKeyProblems_WhenTheVerifyKeysListTheDevelopmentKey_RefusesWithOneSentence', () => {
    const env = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: `${DEVELOPMENT_ORG_EVENT_KEY_ID}=${developmentPublic}` };

    expect(problems(env, 'evaluation')).toEqual([
      expect.stringMatching(/^ORGANIZATION_EVENT_VERIFY_KEYS includes the development public key/),
    ]);
  });

  it('orgEventKeyProblems_WhenTheDevelopmentKeyHidesAmongOwnKeysUnderAnotherId_StillRefuses', () => {
    const env = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: `org-2=${rawPublicKey(ownPublic)},org-1=${developmentPublic}` };

    expect(problems(env, 'evaluation')).toHaveLength(1);
  });

  it('orgEventKeyProblems_WhenTheSigningKeyIsTheDevelopmentSeed_RefusesWithOneSentence', () => {
    const env = { ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: developmentSeed };

    expect(problems(env, 'organization')).toEqual([expect.stringMatching(/^ORGANIZATION_EVENT_SIGNING_KEY holds the development key/)]);
  });

  it('orgEventKeyProblems_WhenTheKeysAreUnreadable_SaysSoInsteadOfThrowing', () => {
    expect(problems({ ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'no-equals-sign' }, 'evaluation')).toEqual([
      expect.stringMatching(/^ORGANIZATION_EVENT_VERIFY_KEYS cannot be read/),
    ]);
    expect(problems({ ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: 'c2VlZA==' }, 'organization')).toEqual([
      expect.stringMatching(/^ORGANIZATION_EVENT_SIGNING_KEY cannot be read/),
    ]);
  });

  it('orgEventKeyProblems_WhenTheKeysAreAnOperatorsOwn_FindsNone', () => {
    expect(problems({ ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: `org-1=${rawPublicKey(ownPublic)}` }, 'evaluation')).toEqual([]);
    expect(problems({ ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: ownSeed }, 'organization')).toEqual([]);
  });
});
