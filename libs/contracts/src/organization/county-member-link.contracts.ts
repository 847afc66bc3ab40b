import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';

// The mapping between a county system's own member ids and the platform's (issue 17). The
// organization service keeps it; evaluation and assistance project it to translate the county
// ids their county messages carry. No personal data: ids only.

const id = z.uuid();

export const CountyMemberLinked = defineContract({
  context: 'organization',
  name: 'CountyMemberLinked',
  version: 1,
  stream: 'member',
  description:
    'A county system’s own id for a person is linked to a platform member (the first roster sync of that county id ' +
    'registered or matched the member). Consumers translate county member ids in county messages with it. Key: `member-<memberId>`.',
  schema: z.object({
    countyClientId: z.string().min(1).max(100).describe('the county system’s Keycloak client id, e.g. county-songling'),
    countyMemberId: id.describe('the county system’s own id for the person'),
    memberId: id.describe('the platform member id'),
    orgId: id.describe('the member’s organisation when the link was made, inside the county system’s subtree'),
  }),
});

export const countyMemberLinkContracts = [CountyMemberLinked] as const;

export type CountyMemberLinkedEvent = ContractEvent<typeof CountyMemberLinked>;
