import { ContractRegistry } from './registry';
import { organizationContracts } from './organization/organization.contracts';

/**
 * Every public event the platform publishes. The docs generator and the compatibility
 * test read this list; add a context's contracts here when it starts publishing.
 */
export const publicContracts = new ContractRegistry([...organizationContracts]);
