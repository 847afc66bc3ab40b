import { ConfigError, UsageError, countFromEnv, portFromEnv, positiveIntFromEnv } from './env';
import { configProblems, countyOrgs, databaseArg, infraConfig } from './index';
import { withoutSecrets } from './start';

describe('settings from the environment', () => {
  it.each(['abc', '-5', '0.0001', '1e3', ' 5', 'NaN'])('countFromEnv_WhenTheValueIs%p_RefusesNamingTheVariable', (raw) => {
    expect(() => countFromEnv({ VANGUARD_CHECKPOINT_INTERVAL_SEC: raw }, 'VANGUARD_CHECKPOINT_INTERVAL_SEC', 60)).toThrow(
      new ConfigError(`VANGUARD_CHECKPOINT_INTERVAL_SEC must be a whole number (0: off), got "${raw}"`),
    );
  });

  it('countFromEnv_WhenUnsetOrEmpty_TakesTheFallback_AndZeroMeansOff', () => {
    expect([countFromEnv({}, 'N', 60), countFromEnv({ N: '' }, 'N', 60), countFromEnv({ N: '0' }, 'N', 60)]).toEqual([60, 60, 0]);
  });

  it('positiveIntFromEnv_WhenZeroOrAFraction_Refuses', () => {
    expect(() => positiveIntFromEnv({ N: '0' }, 'N', 1)).toThrow(ConfigError);
    expect(() => positiveIntFromEnv({ N: '1.5' }, 'N', 1)).toThrow(/^N must be a positive integer/);
  });

  it('portFromEnv_WhenEmpty_IsTheServicesPortNotAnyPort', () => {
    expect(portFromEnv({ PORT: '' }, 3001)).toBe(3001);
    expect(portFromEnv({ PORT: '0' }, 3001)).toBe(0);
    expect(() => portFromEnv({ PORT: 'abc' }, 3001)).toThrow(/^PORT must be a whole number/);
    expect(() => portFromEnv({ PORT: '70000' }, 3001)).toThrow(/^PORT must be at most 65535/);
  });
});

describe(configProblems.name, () => {
  const password = 'pa#ss-Qx7';
  const malformed = { DATABASE_URL: `postgres://admin:${password}@db.example/vanguard` };

  it('configProblems_WhenTheDatabaseUrlDoesNotParse_NamesItWithoutItsValue', () => {
    const problems = configProblems(malformed);

    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL is not a valid URL/)]);
    expect(problems.join(' ')).not.toContain('pa#ss');
  });

  it('infraConfig_WhenASettingDoesNotParse_ThrowsAConfigErrorWithoutTheSecret', () => {
    const thrown = (() => {
      try {
        infraConfig(malformed);
      } catch (e) {
        return e;
      }
    })();

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(/^DATABASE_URL is not a valid URL/);
    expect((thrown as Error).message).not.toContain(password);
  });

  it('configProblems_WhenACountyOrgsEntryHasNoOrganisation_NamesTheSetting', () => {
    expect(() => countyOrgs({ VANGUARD_COUNTY_ORGS: 'county-a' })).toThrow(ConfigError);
    expect(configProblems({ VANGUARD_COUNTY_ORGS: 'county-a' })).toEqual([expect.stringMatching(/^VANGUARD_COUNTY_ORGS entry "county-a"/)]);
  });
});

describe(databaseArg.name, () => {
  it.each<[string[], string]>([
    [[], 'platform'],
    [['--database', 'test'], 'test'],
    [['--database=test'], 'test'],
    [['--database', 'platform'], 'platform'],
    [['--database=platform'], 'platform'],
  ])('databaseArg_When%p_Is%p', (argv, database) => {
    expect(databaseArg(argv).database).toBe(database);
  });

  it.each([[['--database=tset']], [['--database', 'vanguard_test']], [['--database']], [['--database=test', '--database', 'platform']]])(
    'databaseArg_When%p_RefusesRatherThanMeaningThePlatformDatabase',
    (argv) => {
      expect(() => databaseArg(argv)).toThrow(UsageError);
    },
  );

  it('databaseArg_LeavesTheOtherArgumentsInOrder', () => {
    expect(databaseArg(['reporting', '--database', 'test', 'x', '--size=county']).rest).toEqual(['reporting', 'x', '--size=county']);
  });
});

describe(withoutSecrets.name, () => {
  it('withoutSecrets_BlanksSecretSettingsAndUrlPasswords', () => {
    const env = { DATABASE_URL: 'postgres://admin:p@ss#1@db/vanguard', VG_SERVICE_DB_PASSWORD: 'svc-secret', PORT: '3001' };
    const text = withoutSecrets(
      'Invalid URL postgres://admin:p@ss#1@db/vanguard; role password svc-secret; other postgres://u:hunter2@h/d on 3001',
      env,
    );

    expect(text).toBe('Invalid URL ***; role password ***; other postgres://u:***@h/d on 3001');
  });
});
