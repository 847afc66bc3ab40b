import { ContractRegistry } from './registry';
import { auditContracts } from './audit/checkpoint.contracts';
import { assistanceContracts } from './assistance/assistance.contracts';
import { commendationContracts } from './commendation';
import { countyContracts } from './county/county.contracts';
import { countyReplyContracts } from './county/county-reply.contracts';
import { countyMemberLinkContracts } from './organization/county-member-link.contracts';
import { evaluationContracts } from './evaluation';
import { publicityContracts } from './publicity/publicity.contracts';
import { organizationContracts } from './organization/organization.contracts';
import { organizationV2Contracts } from './organization/organization-v2.contracts';
import { rosterStateContracts, stateRemovalContracts } from './organization/roster-state.contracts';
import { probationContracts } from './organization/probation.contracts';
import { transferAndPostContracts } from './organization/transfer-and-post.contracts';

/**
 * Every public event: what the platform publishes and what county systems publish to it
 * on the county inbound topic. The docs generator and the compatibility test read this
 * list; add a context's contracts here when it starts publishing.
 */
export const publicContracts = new ContractRegistry([
  ...organizationContracts,
  ...transferAndPostContracts,
  ...probationContracts,
  ...organizationV2Contracts,
  ...rosterStateContracts,
  ...stateRemovalContracts,
  ...countyMemberLinkContracts,
  ...evaluationContracts,
  ...assistanceContracts,
  ...commendationContracts,
  ...publicityContracts,
  ...auditContracts,
  ...countyContracts,
  ...countyReplyContracts,
]);
