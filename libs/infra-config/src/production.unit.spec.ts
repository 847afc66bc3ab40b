import { formatKek, newKek } from '@vanguard/keys';
import { DEVELOPMENT_BALLOT_KEY, isProductionMode, productionProblems } from './production';

/** Everything an operator must set, set to values of their own. */
const safe = (): NodeJS.ProcessEnv => ({
  VANGUARD_ENV: 'production',
  VANGUARD_KEK: formatKek(newKek('kek-2026-11')),
  VANGUARD_IDEMPOTENCY_KEY: 'an-operator-idempotency-secret-of-32-chars',
  DATABASE_URL: 'postgres://vanguard_admin:s3cret-Qx@db.internal:5432/vanguard',
  VG_SERVICE_DB_PASSWORD: 'another-s3cret',
  KEYCLOAK_URL: 'https://sso.example.org',
  VANGUARD_API_CLIENTS: 'console,county-a',
  VANGUARD_COUNTY_ORGS: 'county-a=6a1f0c2e-0000-4000-8000-00000000000a',
});

const VOTE_URL = 'https://vote.example.org/vote';

describe('productionProblems', () => {
  it('isProductionMode_WhenEitherVariableSaysProduction_IsTrue', () => {
    expect([
      isProductionMode({ VANGUARD_ENV: 'production' }),
      isProductionMode({ NODE_ENV: 'production' }),
      isProductionMode({ NODE_ENV: 'development' }),
      isProductionMode({}),
    ]).toEqual([true, true, false, false]);
  });

  it('productionProblems_WhenEverySettingIsAnOperatorsOwn_FindsNone', () => {
    expect(productionProblems(safe())).toEqual([]);
  });

  it('productionProblems_ForAnyService_WantsAnIdempotencyKeyOfItsOwn', () => {
    const env: NodeJS.ProcessEnv = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA' };
    expect(productionProblems(env, 'reporting')).toEqual([]);
    for (const key of [undefined, 'vanguard-development-idempotency-key', 'short'])
      expect(productionProblems({ ...env, VANGUARD_IDEMPOTENCY_KEY: key }, 'reporting')).toEqual([
        expect.stringMatching(/^VANGUARD_IDEMPOTENCY_KEY is not set, is the development key or is shorter/),
      ]);
  });

  it('productionProblems_ForTheOrganizationService_WantsItsEventSigningKey', () => {
    expect(productionProblems(safe(), 'organization')).toEqual([expect.stringMatching(/^ORGANIZATION_EVENT_SIGNING_KEY is not set/)]);
    expect(productionProblems({ ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: 'c2VlZA==' }, 'organization')).toEqual([]);
  });

  it('productionProblems_ForTheOrganizationService_WantsEachCountysOrganisation', () => {
    const env: NodeJS.ProcessEnv = { ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: 'c2VlZA==' };
    const unset = { ...env, VANGUARD_COUNTY_ORGS: undefined };

    expect(productionProblems(unset, 'organization')).toEqual([expect.stringMatching(/^VANGUARD_COUNTY_ORGS is not set/)]);
    expect(
      productionProblems({ ...env, VANGUARD_COUNTY_ORGS: 'county-songling=00000000-0000-4000-8000-000000910425' }, 'organization'),
    ).toEqual([expect.stringMatching(/^VANGUARD_COUNTY_ORGS names a demo realm county organisation/)]);
    // Without county inbound there is no decision feed, and other services never route decisions.
    expect(productionProblems({ ...unset, ORGANIZATION_COUNTY_INBOUND: 'off' }, 'organization')).toEqual([]);
    expect(productionProblems({ ...unset, ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA' }, 'commendation')).toEqual([]);
  });

  it('productionProblems_ForAnyOtherService_WantsTheKeysThatVerifyOrganisationEvents', () => {
    expect(productionProblems(safe(), 'commendation')).toEqual([expect.stringMatching(/^ORGANIZATION_EVENT_VERIFY_KEYS is not set/)]);
    expect(productionProblems({ ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA' }, 'commendation')).toEqual([]);
  });

  it.each<[string, string | undefined]>([
    ['is not set', undefined],
    ['is the development default', DEVELOPMENT_BALLOT_KEY],
    ['is too short to be 32 random bytes', 'short-secret'],
  ])('productionProblems_ForTheEvaluationService_WhenTheBallotKey%s_NamesIt', (_, key) => {
    const env = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA', VANGUARD_BALLOT_KEY: key, VANGUARD_VOTE_URL: VOTE_URL };

    expect(productionProblems(env, 'evaluation')).toEqual([expect.stringMatching(/^VANGUARD_BALLOT_KEY /)]);
    expect(productionProblems(env, 'organization').join(' ')).not.toContain('VANGUARD_BALLOT_KEY');
  });

  it('productionProblems_ForTheEvaluationService_WhenTheVotePageIsPublic_FindsNone', () => {
    for (const url of ['https://localhost.example.org/vote', 'https://vote.example.org/evaluation/vote', 'https://203.0.113.7/vote'])
      expect([
        url,
        productionProblems(
          { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA', VANGUARD_BALLOT_KEY: 'q'.repeat(44), VANGUARD_VOTE_URL: url },
          'evaluation',
        ),
      ]).toEqual([url, []]);
  });

  it('productionProblems_ForTheEvaluationService_WhenTheBallotKeyIsTheOperatorsOwn_FindsNone', () => {
    const env = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA', VANGUARD_BALLOT_KEY: 'q'.repeat(44), VANGUARD_VOTE_URL: VOTE_URL };

    expect(productionProblems(env, 'evaluation')).toEqual([]);
  });

  it.each<[string, string | undefined]>([
    ['is not set', undefined],
    ['is the loopback default', 'http://127.0.0.1:3002/vote'],
    ['is plain http', 'http://vote.example.org/vote'],
    ['is a loopback https address', 'https://localhost/vote'],
    ['is not an address', 'vote page'],
    ['is the unspecified address', 'https://0.0.0.0/vote'],
    ['is an IPv6 loopback', 'https://[::1]/vote'],
    ['carries a fragment', 'https://vote.example.org/vote#x'],
    ['ends in a slash', 'https://vote.example.org/vote/'],
  ])('productionProblems_ForTheEvaluationService_WhenTheVoteUrl%s_NamesIt', (_, url) => {
    const env = { ...safe(), ORGANIZATION_EVENT_VERIFY_KEYS: 'k1=AAAA', VANGUARD_BALLOT_KEY: 'q'.repeat(44), VANGUARD_VOTE_URL: url };

    expect(productionProblems(env, 'evaluation')).toEqual([expect.stringMatching(/^VANGUARD_VOTE_URL /)]);
    expect(productionProblems(env, 'reporting').join(' ')).not.toContain('VANGUARD_VOTE_URL');
  });

  it('productionProblems_WhenNothingIsSet_SaysOneSentencePerMissingSetting', () => {
    const problems = productionProblems({ VANGUARD_ENV: 'production' });

    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'VANGUARD_KEK',
      'DATABASE_URL',
      'VG_SERVICE_DB_PASSWORD',
      'KEYCLOAK_URL',
      'VANGUARD_API_CLIENTS',
    ]);
    for (const p of problems) expect(p).toMatch(/^[A-Z_]+ [^\n]+\.$/);
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a malformed key', { VANGUARD_KEK: 'not-a-key' }, /^VANGUARD_KEK must be/],
    [
      'the compose Postgres password',
      { DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/vanguard' },
      /^DATABASE_URL has no password or Postgres's default/,
    ],
    ['no Postgres password', { DATABASE_URL: 'postgres://postgres@db:5432/vanguard' }, /^DATABASE_URL has no password/],
    ['the default POSTGRES_PASSWORD', { POSTGRES_PASSWORD: 'postgres' }, /^POSTGRES_PASSWORD is the default/],
    ['the development service password', { VG_SERVICE_DB_PASSWORD: 'vanguard-dev' }, /^VG_SERVICE_DB_PASSWORD/],
    ['Keycloak admin / admin', { KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin' }, /^KC_BOOTSTRAP_ADMIN_PASSWORD is the default "admin"/],
    ['the test realm', { KEYCLOAK_REALM: 'vanguard-test' }, /^KEYCLOAK_REALM names the test realm/],
    [
      'a test client on the allow-list',
      { VANGUARD_API_CLIENTS: 'console, vanguard-short-lived' },
      /^VANGUARD_API_CLIENTS names test-only clients \(vanguard-short-lived\)/,
    ],
  ])('productionProblems_When%s_NamesThatSettingAlone', (_, override, sentence) => {
    const problems = productionProblems({ ...safe(), ...override });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(sentence);
  });
});

describe('productionProblems with settings that do not parse', () => {
  it('productionProblems_WhenTheDatabaseUrlIsMalformed_SaysSoWithoutThrowingOrQuotingIt', () => {
    const problems = productionProblems({ ...safe(), DATABASE_URL: 'postgres://vanguard_admin:s3cret#Qx@db.internal:5432/vanguard' });

    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL is not a valid URL/)]);
    expect(problems.join(' ')).not.toContain('s3cret');
  });

  it('productionProblems_WhenCountyOrgsIsMalformed_SaysSoWithoutThrowing', () => {
    const problems = productionProblems(
      { ...safe(), ORGANIZATION_EVENT_SIGNING_KEY: 'c2VlZA==', VANGUARD_COUNTY_ORGS: 'county-a' },
      'organization',
    );

    expect(problems).toEqual([expect.stringMatching(/^VANGUARD_COUNTY_ORGS entry "county-a" is not <clientId>=<orgId>/)]);
  });
});
