import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type ParameterObject, type SchemaObject } from '@nestjs/swagger';
import { controllerMethods, openApiDocument, queryParametersTaken } from '@vanguard/http';
/* eslint-disable @nx/enforce-module-boundaries -- each service's module and config, as its main.ts registers them */
import { assistanceConfig } from '../../../services/assistance/src/assistance.config';
import { AssistanceModule } from '../../../services/assistance/src/assistance.module';
import { auditConfig } from '../../../services/audit/src/audit.config';
import { AuditModule } from '../../../services/audit/src/audit.module';
import { commendationConfig } from '../../../services/commendation/src/commendation.config';
import { CommendationModule } from '../../../services/commendation/src/commendation.module';
import { evaluationConfig } from '../../../services/evaluation/src/evaluation.config';
import { EvaluationModule } from '../../../services/evaluation/src/evaluation.module';
import { organizationConfig } from '../../../services/organization/src/organization.config';
import { OrganizationModule } from '../../../services/organization/src/organization.module';
import { publicityConfig } from '../../../services/publicity/src/publicity.config';
import { PublicityModule } from '../../../services/publicity/src/publicity.module';
import { reportingConfig } from '../../../services/reporting/src/reporting.config';
import { ReportingModule } from '../../../services/reporting/src/reporting.module';
/* eslint-enable @nx/enforce-module-boundaries */

// Each service's document built as configureHttpApp builds it, from the module main.ts registers.
// Nest's preview mode scans modules and routes without creating a provider: no Postgres, Kafka or Keycloak.
const SERVICES: Record<string, () => DynamicModule> = {
  organization: () => OrganizationModule.register(organizationConfig()),
  evaluation: () => EvaluationModule.register(evaluationConfig()),
  commendation: () => CommendationModule.register(commendationConfig()),
  assistance: () => AssistanceModule.register(assistanceConfig()),
  publicity: () => PublicityModule.register(publicityConfig()),
  audit: () => AuditModule.register(auditConfig()),
  reporting: () => ReportingModule.register(reportingConfig()),
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

const operations = (doc: OpenAPIObject) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ route: `${method.toUpperCase()} ${path}`, op: item[method] }] : [])),
  );

/** An answer a client can act on as the route's result: a 2xx, or a redirect (304 only says "what you hold"). */
const isSuccess = (status: string) => /^2\d\d$/.test(status) || (/^3\d\d$/.test(status) && status !== '304');

/** A component schema's property, as a client reads it. */
const property = (doc: OpenAPIObject, schema: string, name: string) =>
  (doc.components?.schemas?.[schema] as SchemaObject | undefined)?.properties?.[name] as SchemaObject | undefined;

/** Each component property of `doc` (and its items), with where it is. */
const properties = (doc: OpenAPIObject) =>
  Object.entries(doc.components?.schemas ?? {}).flatMap(([schema, s]) =>
    Object.entries((s as SchemaObject).properties ?? {}).flatMap(([name, p]) => [
      { at: `${schema}.${name}`, schema: p as SchemaObject },
      ...((p as SchemaObject).items ? [{ at: `${schema}.${name}[]`, schema: (p as SchemaObject).items as SchemaObject }] : []),
    ]),
  );

/** A path or query parameter of one operation, as a client reads it. */
const parameter = (doc: OpenAPIObject, method: (typeof METHODS)[number], path: string, where: string, name: string) =>
  ((doc.paths[path]?.[method]?.parameters ?? []) as ParameterObject[]).find((p) => p.in === where && p.name === name)?.schema as
    SchemaObject | undefined;

describe('the services’ OpenAPI documents', () => {
  const docs = new Map<string, OpenAPIObject>();
  /** What swagger alone makes of the DTOs' @ApiProperty: the document before the validators' limits are added. */
  const stated = new Map<string, OpenAPIObject>();
  const apps = new Map<string, INestApplication>();

  beforeAll(async () => {
    for (const [name, module] of Object.entries(SERVICES)) {
      const app = await NestFactory.create(module(), { preview: true, logger: false, abortOnError: false });
      apps.set(name, app);
      docs.set(name, openApiDocument(app, { title: name, description: name }));
      stated.set(name, SwaggerModule.createDocument(app, new DocumentBuilder().build()));
    }
  });
  afterAll(() => Promise.all([...apps.values()].map((a) => a.close())));

  it.each(Object.keys(SERVICES))('%s documents a success answer for every operation', (name) => {
    const doc = docs.get(name)!;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter(({ op }) => !Object.keys(op.responses).some(isSuccess)).map(({ route }) => route)).toEqual([]);
  });

  // The guard refuses a parameter a signed-in route does not declare (ADR 0152): what it takes is
  // what the document lists, or a client reading the document meets a 400 (or misses a parameter).
  it.each(Object.keys(SERVICES))(
    '%s takes on each signed-in route without a query DTO exactly the query parameters it documents',
    (name) => {
      const handlers = new Map<string, { controller: object; handler: { name: string } }>();
      for (const { controller, proto, method } of controllerMethods(apps.get(name)!))
        handlers.set(`${controller.name}_${method}`, { controller, handler: (proto as Record<string, { name: string }>)[method]! });
      let judged = 0;
      const differ = operations(docs.get(name)!).flatMap(({ route, op }) => {
        if (!op.security?.length) return [];
        const found = handlers.get(op.operationId ?? '');
        if (!found) return [`${route}: no handler ${op.operationId}`];
        const taken = queryParametersTaken(found.controller, found.handler);
        if (taken === 'any') return [];
        judged++;
        const listed = ((op.parameters ?? []) as ParameterObject[]).filter((p) => p.in === 'query').map((p) => p.name);
        return [...taken].sort().join() === listed.sort().join()
          ? []
          : [`${route}: takes ${[...taken].sort().join()}, lists ${listed.join()}`];
      });
      expect(differ).toEqual([]);
      expect(judged).toBeGreaterThan(0);
    },
  );

  // Limits only a validator states (ADR 0145), chosen to cover each keyword; all seven services'
  // classes are loaded here, so organization's and assistance's `LogVisitRequest` share a name.
  it.each([
    ['organization', 'RegisterOrganizationRequest', 'name', { maxLength: 200, minLength: 1 }],
    ['organization', 'LogVisitRequest', 'visited', { maxLength: 500 }],
    ['assistance', 'LogVisitRequest', 'householdIds', { minItems: 1, maxItems: 200, items: { type: 'string', format: 'uuid' } }],
    ['assistance', 'PlanProjectRequest', 'budgetFen', { type: 'integer', minimum: 0, maximum: 10_000_000_000 }],
    ['evaluation', 'LaunchInspectionRequest', 'level', { enum: ['province', 'city', 'county', 'township', 'village'] }],
    ['evaluation', 'AmendPledgeRequest', 'content', { maxLength: 2000 }],
    ['commendation', 'LaunchProgrammeRequest', 'name', { pattern: '^[^<>]*$' }],
    ['publicity', 'PublishArticleRequest', 'publishedOn', { format: 'date' }],
  ] as const)('%s documents %s.%s with its validators’ limits', (service, schema, name, limits) => {
    expect(property(docs.get(service)!, schema, name)).toMatchObject(limits);
  });

  // Parameters: a query DTO's validators, and a UUID pipe on a path parameter (uuidParam, or Nest's
  // own ParseUUIDPipe class as reporting passes it).
  it.each([
    ['evaluation', 'get', '/pledges/{id}', 'path', 'id', { type: 'string', format: 'uuid' }],
    ['evaluation', 'post', '/campaigns/{id}/cycles/{cycleId}/open', 'path', 'cycleId', { format: 'uuid' }],
    ['reporting', 'get', '/reports/organizations/{orgId}/series', 'path', 'orgId', { format: 'uuid' }],
    ['publicity', 'get', '/articles', 'query', 'columnId', { type: 'string', format: 'uuid' }],
    ['organization', 'get', '/members', 'query', 'limit', { type: 'integer', minimum: 1, maximum: 200 }],
    ['organization', 'get', '/members', 'query', 'cursor', { maxLength: 200 }],
    // Audit parses its own (AuditParams): by name, or as the route says.
    ['audit', 'get', '/streams/{streamId}/as-of', 'query', 'at', { type: 'string', format: 'date-time' }],
    ['audit', 'get', '/verify', 'query', 'from', { type: 'string', format: 'date-time' }],
    ['audit', 'get', '/transparency/{context}/consistency', 'query', 'from', { type: 'integer', minimum: 1 }],
    ['audit', 'get', '/audit-trail', 'query', 'limit', { type: 'integer', minimum: 1, maximum: 200 }],
    ['commendation', 'get', '/calendar/{year}', 'path', 'year', { type: 'integer', minimum: 2000, maximum: 2099 }],
    ['commendation', 'get', '/eligibility/{kind}/{id}', 'path', 'kind', { enum: ['member', 'organization'] }],
    ['reporting', 'get', '/reports/figures/{figure}/events', 'path', 'figure', { enum: expect.arrayContaining(['pledges_made']) }],
  ] as const)('%s documents %s %s’s %s parameter %s with its checks', (service, method, path, where, name, limits) => {
    expect(parameter(docs.get(service)!, method, path, where, name)).toMatchObject(limits);
  });

  // By the platform's naming, an `id` or `…Id` in a path is a UUID; audit checks its own (its
  // `streamId` is a stream's name, and its refusals go to the auditors' trail).
  it.each(Object.keys(SERVICES).filter((name) => name !== 'audit'))('%s documents every id in a path as a UUID', (name) => {
    const undocumented = operations(docs.get(name)!).flatMap(({ route, op }) =>
      ((op.parameters ?? []) as ParameterObject[])
        .filter((p) => p.in === 'path' && /^(id|[a-z]+Id)$/.test(p.name) && (p.schema as SchemaObject | undefined)?.format !== 'uuid')
        .map((p) => `${route} ${p.name}`),
    );
    expect(undocumented).toEqual([]);
  });

  // A route's own refusals (ApiRefusals) beside the key's, and a 429 from a rate guard (ADR 0156).
  it.each([
    ['organization', 'post', '/members/{id}/full', '409', ['MEMBER.ALREADY_FULL', 'IDEMPOTENCY.IN_PROGRESS']],
    [
      'organization',
      'post',
      '/members/{id}/full',
      '422',
      ['MEMBER.FULL_BEFORE_PROBATION_ENDS', 'MEMBER.PROBATION_OVERRUN', 'IDEMPOTENCY.KEY_REUSED'],
    ],
    ['organization', 'get', '/members/{id}', '404', ['MEMBER.NOT_FOUND']],
    ['evaluation', 'post', '/reviews/{memberId}/{year}/ballots', '422', ['REVIEW.TOO_MANY_BALLOTS']],
    ['commendation', 'post', '/nominations', '409', ['NOMINATION.DUPLICATE']],
    ['assistance', 'post', '/projects/{id}/disbursements', '422', ['FUNDS.INSUFFICIENT_BALANCE']],
    ['audit', 'get', '/streams/{streamId}/as-of', '422', ['AUDIT.STREAM_BROKEN']],
    // 403: a route's forbidden rules beside the role and scope every signed-in route shares; a public route's own alone.
    ['evaluation', 'post', '/pledges/{id}/amend', '403', ['PLEDGE.NOT_PLEDGER', 'AUTH.ROLE_REQUIRED', 'AUTH.OUT_OF_SCOPE']],
    ['audit', 'get', '/audit-trail', '403', ['AUDIT.FORBIDDEN', 'AUTH.ROLE_REQUIRED']],
    ['evaluation', 'post', '/mass-evaluations/{id}/ballots', '403', ['BALLOT.CODE_REFUSED']],
  ] as const)('%s %s %s lists its %s refusals', (service, method, path, status, codes) => {
    const response = docs.get(service)!.paths[path]?.[method]?.responses[status] as { description?: string } | undefined;
    for (const code of codes) expect(response?.description).toContain(code);
  });

  // Every service's signed-in commands take a key; only the money movements require one (ADR 0072).
  it.each(Object.keys(SERVICES))('%s requires an Idempotency-Key on the money movements only', (name) => {
    const required = operations(docs.get(name)!)
      .filter(({ op }) => ((op.parameters ?? []) as ParameterObject[]).some((p) => p.name === 'Idempotency-Key' && p.required))
      .map(({ route }) => route);
    expect(required).toEqual(name === 'assistance' ? ['POST /projects/{id}/allocations', 'POST /projects/{id}/disbursements'] : []);
  });

  it.each(Object.keys(SERVICES))('%s keeps every value a DTO stated in @ApiProperty', (name) => {
    const before = new Map(properties(stated.get(name)!).map(({ at, schema }) => [at, schema]));
    const changed = properties(docs.get(name)!).flatMap(({ at, schema }) =>
      Object.entries(before.get(at) ?? {})
        // `number` is swagger's inference from TypeScript's type, which IsInt narrows.
        .filter(([key, value]) => key !== 'items' && !(key === 'type' && value === 'number' && schema.type === 'integer'))
        .filter(([key, value]) => JSON.stringify(schema[key as keyof SchemaObject]) !== JSON.stringify(value))
        .map(([key]) => `${at}.${key}`),
    );
    expect(changed).toEqual([]);
  });
});
