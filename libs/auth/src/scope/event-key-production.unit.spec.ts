import { createHash, generateKeyPairSync } from 'node:crypto';
import { formatKek, newKek } from '@vanguard/keys';
import { productionProblems } from '@vanguard/infra-config';
import { eventKeyProblems } from './event-key-production';
import { DEVELOPMENT_EVENT_KEY_PHRASE, developmentEventKey, rawPublicKey } from './event-signature';

/** Everything else an operator must set, set to values of their own. */
const safe = (): NodeJS.ProcessEnv => ({
  VANGUARD_ENV: 'production',
  VANGUARD_KEK: formatKek(newKek('kek-2026-11')),
  VANGUARD_IDEMPOTENCY_KEY: 'an-operator-idempotency-secret-of-32-chars',
  DATABASE_URL: 'postgres://vanguard_admin:s3cret-Qx@db.internal:5432/vanguard',
  VG_SERVICE_DB_PASSWORD: 'another-s3cret',
  KEYCLOAK_URL: 'https://sso.example.org',
  VANGUARD_API_CLIENTS: 'console,county-a',
  ORGANIZATION_EVENT_VERIFY_KEYS: `organization-1=${own()}`,
});
function own(): string {
  return rawPublicKey(generateKeyPairSync('ed25519').publicKey);
}
const ownSeed = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');
// The development seed of a context, as an operator copying the published phrase would derive it.
const developmentSeed = (context: string) => createHash('sha256').update(`${DEVELOPMENT_EVENT_KEY_PHRASE}${context}`).digest('base64');

const problems = (env: NodeJS.ProcessEnv, service: string) => productionProblems(env, service, [eventKeyProblems]);

describe('eventKeyProblems', () => {
  it('eventKeyProblems_WhenAProducersKeyIsUnsetOrTheDevelopmentSeed_Refuses', () => {
    expect(problems(safe(), 'commendation')).toEqual([
      expect.stringMatching(/^COMMENDATION_EVENT_SIGNING_KEY is not set/),
      expect.stringMatching(/^EVALUATION_EVENT_VERIFY_KEYS is not set/),
    ]);
    const env = { ...safe(), COMMENDATION_EVENT_SIGNING_KEY: developmentSeed('commendation'), EVALUATION_EVENT_VERIFY_KEYS: `e=${own()}` };
    expect(problems(env, 'commendation')).toEqual([expect.stringMatching(/^COMMENDATION_EVENT_SIGNING_KEY holds the development key/)]);
  });

  it('eventKeyProblems_WhenAConsumerTrustsADevelopmentKeyUnderAnyId_Refuses', () => {
    const env = {
      ...safe(),
      EVALUATION_EVENT_VERIFY_KEYS: `ev-2=${own()},ev-1=${rawPublicKey(developmentEventKey('evaluation'))}`,
      COMMENDATION_EVENT_VERIFY_KEYS: `c=${own()}`,
      ASSISTANCE_EVENT_VERIFY_KEYS: `a=${own()}`,
      PUBLICITY_EVENT_VERIFY_KEYS: 'not-a-pair',
    };
    expect(problems(env, 'reporting')).toEqual([
      expect.stringMatching(/^EVALUATION_EVENT_VERIFY_KEYS includes the development public key/),
      expect.stringMatching(/^PUBLICITY_EVENT_VERIFY_KEYS cannot be read/),
    ]);
  });

  it('eventKeyProblems_ForOrganization_AsksForTheKeysOfTheDecisionsItCopiesToCounties', () => {
    const env = {
      ...safe(),
      ORGANIZATION_EVENT_SIGNING_KEY: ownSeed(),
      VANGUARD_COUNTY_ORGS: `county-a=${'0'.repeat(8)}-0000-4000-8000-000000000001`,
    };
    expect(problems(env, 'organization')).toEqual([
      expect.stringMatching(/^EVALUATION_EVENT_VERIFY_KEYS is not set/),
      expect.stringMatching(/^COMMENDATION_EVENT_VERIFY_KEYS is not set/),
    ]);
    expect(
      problems({ ...env, EVALUATION_EVENT_VERIFY_KEYS: `e=${own()}`, COMMENDATION_EVENT_VERIFY_KEYS: `c=${own()}` }, 'organization'),
    ).toEqual([]);
  });

  it('eventKeyProblems_WhenEveryKeyIsAnOperatorsOwn_FindsNone', () => {
    const env = {
      ...safe(),
      PUBLICITY_EVENT_SIGNING_KEY: ownSeed(),
      COMMENDATION_EVENT_VERIFY_KEYS: `c=${own()}`,
      EVALUATION_EVENT_VERIFY_KEYS: `e=${own()}`,
    };
    expect(problems(env, 'publicity')).toEqual([]);
  });
});
