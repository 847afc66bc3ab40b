import { OrgEventSigner, OrgEventVerifier } from './org-event-signature';

/**
 * Production mode's look at what the organisation-event key variables contain, not only
 * whether they are set (infra-config checks that; it is a util lib and cannot parse keys).
 * It asks the signer and verifier themselves, so "development key" means exactly what they
 * would use: the public development key passed in by hand is refused like a missing one.
 * One sentence per problem; pass it to `refuseUnsafeProductionStart`.
 */
export function orgEventKeyProblems(env: NodeJS.ProcessEnv, service: string): string[] {
  const problems: string[] = [];
  if (service === 'organization' && env['ORGANIZATION_EVENT_SIGNING_KEY']) {
    try {
      if (OrgEventSigner.fromEnv(env).isDevelopmentKey)
        problems.push(
          'ORGANIZATION_EVENT_SIGNING_KEY holds the development key, which is public in the source: anyone could sign organisation events and forge scope; generate a key of your own.',
        );
    } catch (e) {
      problems.push(`ORGANIZATION_EVENT_SIGNING_KEY cannot be read: ${(e as Error).message}.`);
    }
  }
  if (service !== 'organization' && env['ORGANIZATION_EVENT_VERIFY_KEYS']) {
    try {
      if (OrgEventVerifier.fromEnv(env).usesDevelopmentKey)
        problems.push(
          "ORGANIZATION_EVENT_VERIFY_KEYS includes the development public key: this service would trust organisation events anyone can sign; list only the organization service's own keys.",
        );
    } catch (e) {
      problems.push(`ORGANIZATION_EVENT_VERIFY_KEYS cannot be read: ${(e as Error).message}.`);
    }
  }
  return problems;
}
