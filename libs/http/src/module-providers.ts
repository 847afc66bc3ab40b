import type { INestApplication, InjectionToken } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

/**
 * Whether any of the app's modules provides `token`, asked of Nest's module container: `app.get`
 * on a token nobody provides logs an error through Nest's exception zone before it throws, so a
 * service that simply has no such provider would start with an error in its log.
 */
export function providesToken(app: INestApplication, token: InjectionToken): boolean {
  return [...app.get(ModulesContainer).values()].some((m) => m.hasProvider(token));
}
