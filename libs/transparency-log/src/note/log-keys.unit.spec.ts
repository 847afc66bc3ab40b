import {
  developmentLogSigner,
  generateLogKey,
  isDevelopmentLogKey,
  LOG_SIGNING_KEY_VARIABLE,
  logKeyProblems,
  logSignerFromEnv,
} from './log-keys';
import { NoteSigner, NoteVerifier } from './signed-note';

describe('log keys', () => {
  it('logSignerFromEnv_WithoutAKey_IsTheDevelopmentKeyAndSaysSo', () => {
    const sut = logSignerFromEnv({});
    expect(isDevelopmentLogKey(sut)).toBe(true);
  });

  it('logSignerFromEnv_WithAnOperatorKey_SignsWithItUnderItsOrigin', () => {
    const { skey, vkey } = generateLogKey('vanguard.example/evaluation');
    const sut = logSignerFromEnv({ [LOG_SIGNING_KEY_VARIABLE]: skey });
    expect(sut.name).toBe('vanguard.example/evaluation');
    expect(sut.verifier.vkey).toBe(vkey);
    expect(isDevelopmentLogKey(NoteVerifier.parse(vkey))).toBe(false);
  });

  it('logKeyProblems_ForTheAuditServiceWithoutAKey_RefusesWithOneSentence', () => {
    expect(logKeyProblems({}, 'audit')).toEqual([expect.stringMatching(/^VANGUARD_LOG_SIGNING_KEY is not set: .*development key/)]);
  });

  it('logKeyProblems_WhenTheKeyIsTheDevelopmentSeedUnderAnyName_Refuses', () => {
    // The development seed copied out of the source, wrapped as an operator key with a name of one's own.
    const seed = Buffer.from('vanguard development transparency log'.slice(0, 32).padEnd(32, '.'), 'utf8');
    const copied = new NoteSigner('operator.example/log', seed).skey;
    expect(developmentLogSigner('operator.example/log').skey).toBe(copied);
    expect(logKeyProblems({ [LOG_SIGNING_KEY_VARIABLE]: copied }, 'audit')).toEqual([expect.stringMatching(/holds the development key/)]);
  });

  it('logKeyProblems_WhenTheKeyCannotBeRead_SaysWhy', () => {
    expect(logKeyProblems({ [LOG_SIGNING_KEY_VARIABLE]: 'PRIVATE+KEY+x+00000000+AAAA' }, 'audit')).toEqual([
      expect.stringMatching(/cannot be read/),
    ]);
  });

  it('logKeyProblems_WithAnOperatorKeyOrForAnotherService_IsSilent', () => {
    expect(logKeyProblems({ [LOG_SIGNING_KEY_VARIABLE]: generateLogKey('vanguard.example/log').skey }, 'audit')).toEqual([]);
    expect(logKeyProblems({}, 'evaluation')).toEqual([]);
  });
});
