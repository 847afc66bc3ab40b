export * from './get-organization/get-organization.query';
export * from './get-organization/get-organization.handler';
export * from './list-organizations/list-organizations.query';
export * from './list-organizations/list-organizations.handler';
export * from './get-ancestors/get-ancestors.query';
export * from './get-ancestors/get-ancestors.handler';
export * from './get-member/get-member.query';
export * from './get-member/get-member.handler';
export * from './list-members/list-members.query';
export * from './list-members/list-members.handler';
export * from './get-transfer/get-transfer.query';
export * from './get-transfer/get-transfer.handler';
export * from './list-transfers/list-transfers.query';
export * from './list-transfers/list-transfers.handler';
export * from './get-contact-point/get-contact-point.query';
export * from './get-contact-point/get-contact-point.handler';
export * from './list-contact-points/list-contact-points.query';
export * from './list-contact-points/list-contact-points.handler';

import { GetOrganizationHandler } from './get-organization/get-organization.handler';
import { ListOrganizationsHandler } from './list-organizations/list-organizations.handler';
import { GetAncestorsHandler } from './get-ancestors/get-ancestors.handler';
import { GetMemberHandler } from './get-member/get-member.handler';
import { ListMembersHandler } from './list-members/list-members.handler';
import { GetTransferHandler } from './get-transfer/get-transfer.handler';
import { ListTransfersHandler } from './list-transfers/list-transfers.handler';
import { GetContactPointHandler } from './get-contact-point/get-contact-point.handler';
import { ListContactPointsHandler } from './list-contact-points/list-contact-points.handler';

/** Every query handler of the service, for the module. */
export const organizationQueryHandlers = [
  GetOrganizationHandler,
  ListOrganizationsHandler,
  GetAncestorsHandler,
  GetMemberHandler,
  ListMembersHandler,
  GetTransferHandler,
  ListTransfersHandler,
  GetContactPointHandler,
  ListContactPointsHandler,
];
