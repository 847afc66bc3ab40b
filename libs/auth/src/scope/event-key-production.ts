import { orgEventKeyProblems } from './org-event-key-production';
import { EventSigner, EventVerifier, eventKeyVariables } from './event-signature';

/**
 * Which contexts' events each service signs (it produces them) and verifies (it acts on them),
 * beside organisation's, which orgEventKeyProblems and infra-config cover (ADR 0010, ADR 0059).
 */
export const SERVICE_EVENT_CONTEXTS: Readonly<Record<string, { readonly signs: readonly string[]; readonly verifies: readonly string[] }>> =
  {
    // Organisation's own key is orgEventKeyProblems'; it verifies the decisions it copies to counties (ADR 0062).
    organization: { signs: [], verifies: ['evaluation', 'commendation'] },
    evaluation: { signs: ['evaluation'], verifies: [] },
    commendation: { signs: ['commendation'], verifies: ['evaluation'] },
    assistance: { signs: ['assistance'], verifies: [] },
    publicity: { signs: ['publicity'], verifies: ['commendation', 'evaluation'] },
    reporting: { signs: [], verifies: ['evaluation', 'commendation', 'assistance', 'publicity'] },
    // The checkpoint events on vanguard.audit.checkpoints.v1 (ADR 0063); their notes carry the log key's signature besides.
    audit: { signs: ['audit'], verifies: [] },
  };

/**
 * Production mode's look at every context's event keys a service holds: a key not set, or set
 * to the development key (public in the source), is refused exactly as organisation's is. It asks
 * the signer and verifier themselves, so "development key" means exactly what they would use.
 * One sentence per problem; pass it to `refuseUnsafeProductionStart` in place of orgEventKeyProblems.
 */
export function eventKeyProblems(env: NodeJS.ProcessEnv, service: string): string[] {
  const problems = orgEventKeyProblems(env, service);
  const contexts = SERVICE_EVENT_CONTEXTS[service] ?? { signs: [], verifies: [] };
  for (const context of contexts.signs) {
    const name = eventKeyVariables(context).signingKey;
    if (!env[name]) {
      problems.push(
        `${name} is not set: ${context} events would be signed with the development key, which anyone can derive from the source and use to forge them.`,
      );
      continue;
    }
    try {
      if (EventSigner.forContext(context, env).isDevelopmentKey)
        problems.push(
          `${name} holds the development key, which is public in the source: anyone could sign ${context} events; generate a key of your own.`,
        );
    } catch (e) {
      problems.push(`${name} cannot be read: ${(e as Error).message}.`);
    }
  }
  for (const context of contexts.verifies) {
    const name = eventKeyVariables(context).verifyKeys;
    if (!env[name]) {
      problems.push(`${name} is not set: this service would trust ${context} events signed with the public development key.`);
      continue;
    }
    try {
      if (EventVerifier.forContexts([context], env).usesDevelopmentKeyOf(context))
        problems.push(
          `${name} includes the development public key: this service would trust ${context} events anyone can sign; list only the ${context} service's own keys.`,
        );
    } catch (e) {
      problems.push(`${name} cannot be read: ${(e as Error).message}.`);
    }
  }
  return problems;
}

/**
 * The verifier of the contexts a service acts on, from the same table production mode checks,
 * and organisation's, which every service but organization holds keys for.
 */
export function serviceEventVerifier(service: string, env: NodeJS.ProcessEnv = process.env): EventVerifier {
  return EventVerifier.forContexts(['organization', ...(SERVICE_EVENT_CONTEXTS[service]?.verifies ?? [])], env);
}
