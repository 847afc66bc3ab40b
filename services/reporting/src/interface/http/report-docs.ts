import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiResponse } from '@nestjs/swagger';

// What the OpenAPI document says of the reporting routes beyond their summaries: the files'
// types and every refusal a caller may get (a probe found the downloads documented as a bare 200).

const refusals = [
  ApiResponse({ status: 400, description: 'REQUEST.INVALID: a malformed period or organisation id, naming the field' }),
  // A route that also takes a figure adds REPORT.FIGURE_UNKNOWN with its ApiRefusals.
  ApiResponse({ status: 404, description: 'REPORT.ORGANIZATION_UNKNOWN: no such organisation' }),
];

/** A download of `type`: the file, or a refusal in JSON. `rendered`: made on the render threads, two per user and six in all. */
export const ReportFile = (type: string, what: string, rendered = true) =>
  applyDecorators(
    ApiProduces(type, 'application/json'),
    ApiOkResponse({ description: what, content: { [type]: { schema: { type: 'string', format: 'binary' } } } }),
    ...refusals,
    ...(rendered
      ? [
          ApiResponse({
            status: 429,
            description: 'LIMIT.TOO_MANY: two downloads of this user, or six in all, already render (Retry-After)',
          }),
          ApiResponse({ status: 503, description: 'REPORT.RENDER_UNAVAILABLE: the file could not be rendered; try again (Retry-After)' }),
        ]
      : []),
  );

/** A trace page: the events a figure was computed from. */
export const TracePage = () =>
  applyDecorators(
    ApiOkResponse({
      description: 'a page of the events behind the figure, oldest first',
      schema: {
        type: 'object',
        required: ['figure', 'orgId', 'period', 'events', 'truncated', 'next'],
        properties: {
          figure: { type: 'string' },
          orgId: { type: 'string', format: 'uuid' },
          period: { type: 'string' },
          events: {
            type: 'array',
            items: {
              type: 'object',
              required: ['eventId', 'eventType', 'orgId', 'occurredAt', 'amount', 'weight'],
              properties: {
                eventId: { type: 'string', format: 'uuid' },
                eventType: { type: 'string' },
                streamId: { type: 'string', description: 'left out for figures about persons' },
                orgId: { type: 'string', format: 'uuid' },
                occurredAt: {
                  type: 'string',
                  format: 'date-time',
                  description: 'the envelope’s occurredAt, UTC: when the event happened in the system',
                },
                filedOn: {
                  type: 'string',
                  format: 'date',
                  description:
                    'the day (Beijing) the figure counts the event under, which the period selects by: a deed done on 31 December and reported in January is filed in December; left out for a roster figure (organisations, members, contact points), which counts what stands now',
                },
                amount: { type: 'integer' },
                weight: { type: 'integer' },
              },
            },
          },
          truncated: { type: 'boolean' },
          next: { type: 'string', nullable: true, description: 'the next page’s link, null on the last page' },
        },
      },
    }),
    ...refusals,
    ApiResponse({ status: 400, description: 'REPORT.TRACE_CURSOR_INVALID: `after` is not a cursor this service gave out' }),
  );

/** The consumer lag per source topic. */
export const LagAnswer = () =>
  ApiOkResponse({
    description: 'records not yet applied, per source topic: `lag` behind the topic’s `end` offset',
    schema: {
      type: 'object',
      required: ['groupId', 'topics'],
      properties: {
        groupId: { type: 'string' },
        topics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['topic', 'lag', 'end'],
            properties: { topic: { type: 'string' }, lag: { type: 'integer' }, end: { type: 'integer' } },
          },
        },
      },
    },
  });

/** A breakdown: a table, its columns (the figures' keys) once and a row of values per organisation (ADR 0135). */
export const BreakdownTable = () =>
  applyDecorators(
    ApiOkResponse({
      description:
        'every figure of each active organisation one level below, in code order; `values[i]` is `figureKeys[i]`, null where it has no data',
      schema: {
        type: 'object',
        required: ['orgId', 'period', 'figureKeys', 'children'],
        properties: {
          orgId: { type: 'string', format: 'uuid' },
          period: { type: 'string' },
          figureKeys: { type: 'array', items: { type: 'string' }, description: 'the figures’ keys, the columns of every row' },
          children: {
            type: 'array',
            items: {
              type: 'object',
              required: ['orgId', 'name', 'level', 'values'],
              properties: {
                orgId: { type: 'string', format: 'uuid' },
                name: { type: 'string' },
                level: { type: 'string' },
                values: {
                  type: 'array',
                  items: { type: 'number', nullable: true },
                  description: 'one per key of `figureKeys`, in its order',
                },
              },
            },
          },
        },
      },
    }),
    ...refusals,
  );
