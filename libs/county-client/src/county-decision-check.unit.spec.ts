import { EventSigner, developmentEventKey, rawPublicKey } from '@vanguard/auth';
import { CountyClient } from './county-client';
import { countyClientConfig } from './county-client.config';
import { runCountyCommand } from './county-commands';
import { DevelopmentKeyRefused, decisionVerifier, describeDecision } from './county-decision-check';

/** `<context>-1=<a key of its own>` for each context: what a county gets from the platform's operators. */
const ownKeys = (...contexts: string[]): NodeJS.ProcessEnv =>
  Object.fromEntries(
    contexts.map((c) => [
      `${c.toUpperCase()}_EVENT_VERIFY_KEYS`,
      `${c}-1=${rawPublicKey(new EventSigner(c, developmentEventKey(`own-${c}-key`), `${c}-1`).publicKey)}`,
    ]),
  );

describe('a county follows decisions only with the deciding contexts’ own keys (the audit CLI’s rule)', () => {
  it('refuses when a context’s verify keys are unset, naming each missing variable', () => {
    expect(() => decisionVerifier({})).toThrow(DevelopmentKeyRefused);
    // evaluation configured, commendation and organisation forgotten: not silently the development keys
    const refusal = (() => {
      try {
        decisionVerifier(ownKeys('evaluation'));
      } catch (e) {
        return e as DevelopmentKeyRefused;
      }
      throw new Error('accepted');
    })();
    expect(refusal.variables).toEqual(['COMMENDATION_EVENT_VERIFY_KEYS', 'ORGANIZATION_EVENT_VERIFY_KEYS']);
    expect(refusal.message).toContain('COMMENDATION_EVENT_VERIFY_KEYS');
    expect(refusal.message).toContain('--allow-development-key');
  });

  it('refuses a variable that lists the public development key', () => {
    const dev = rawPublicKey(new EventSigner('commendation', developmentEventKey('commendation'), 'commendation-dev-1').publicKey);
    const env = { ...ownKeys('evaluation', 'organization'), COMMENDATION_EVENT_VERIFY_KEYS: `commendation-dev-1=${dev}` };
    expect(() => decisionVerifier(env)).toThrow(/COMMENDATION_EVENT_VERIFY_KEYS/);
  });

  it('takes every context’s own keys, and the development keys only when allowed', () => {
    expect(decisionVerifier(ownKeys('evaluation', 'commendation', 'organization')).contexts).toEqual([
      'evaluation',
      'commendation',
      'organization',
    ]);
    expect(decisionVerifier({}, { allowDevelopmentKey: true }).usesDevelopmentKeyOf('commendation')).toBe(true);
  });

  it('`follow` refuses to start without the keys (exit 2, the variables named) before it connects to anything', async () => {
    const saved = process.env['COMMENDATION_EVENT_VERIFY_KEYS'];
    delete process.env['COMMENDATION_EVENT_VERIFY_KEYS'];
    // Unreachable brokers and token URL: a start that got past the check would fail differently.
    const client = new CountyClient(countyClientConfig({ stateDir: '/nonexistent', kafka: { brokers: '127.0.0.1:1' } }, {}));
    const out: string[] = [];
    try {
      expect(await runCountyCommand(client, 'follow', [], (l) => void out.push(l), new AbortController().signal)).toBe(2);
      expect(out.join('\n')).toContain('COMMENDATION_EVENT_VERIFY_KEYS');
    } finally {
      if (saved !== undefined) process.env['COMMENDATION_EVENT_VERIFY_KEYS'] = saved;
      await client.close();
    }
  });
});

describe('describeDecision', () => {
  it('shows when the decision was taken in China Standard Time, as the county’s people read it, not the event’s UTC', () => {
    const line = describeDecision({
      eventId: 'e',
      type: 'evaluation.PledgeFulfilled',
      label: '承诺已兑现',
      orgId: 'o',
      streamId: 'pledge-p',
      occurredAt: '2026-12-05T11:01:11.248Z',
    });
    expect(line).toContain('2026-12-05 19:01:11（北京时间）');
    expect(line).not.toContain('T11:01');
  });
});
