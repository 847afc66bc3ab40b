import { StoreProjectionRunner } from './store-projection.runner';

/** Feeds pledge_view through the shared projection subscription; a class of its own so the module can provide it by type. */
export class PledgeProjectionRunner extends StoreProjectionRunner {}
