export * from './org-tree.schema';
export * from './org-tree.projection';
export * from './org-tree.consumer';
export * from './scope.service';
export * from './scope-rule';
export * from './org-scope.guard';
export * from './org-event-signature';
export * from './org-event-key-production';
