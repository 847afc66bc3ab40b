export * from './org-tree.schema';
export * from './org-tree.projection';
export * from './org-tree.history';
export * from './org-tree.consumer';
export * from './scope.service';
export * from './scope-rule';
export * from './org-scope.guard';
export * from './event-signature';
export * from './org-event-signature';
export * from './org-event-key-production';
export * from './event-key-production';
export * from './org-tree.runner';
export * from './demo-tree';
// The signing text lives in libs/contracts with the envelope; kept here under its old name for auth's callers.
export { signatureJson as canonicalJson } from '@vanguard/contracts';
