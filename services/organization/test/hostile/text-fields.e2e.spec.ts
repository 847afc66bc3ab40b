import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from '../support/organization-test-app';

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}
interface Operation {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Text Postgres cannot store, as the JSON a client sends (`\u0000`, a lone `\ud800`). */
const BAD_TEXT = { nul: 'a\\u0000b', surrogate: 'a\\ud800b' } as const;

/**
 * Every text field of every endpoint, read from the service's own OpenAPI document, gets text
 * Postgres cannot store: each must answer 400 naming that field, never 500.
 */
describe('hostile text in every field', () => {
  let app: INestApplication;
  let token: string;
  let doc: OpenApi;

  const resolve = (s: Schema | undefined): Schema | undefined =>
    s?.$ref ? doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] : s;
  const textFieldsOf = (s: Schema | undefined): string[] =>
    Object.entries(resolve(s)?.properties ?? {})
      .filter(([, p]) => resolve(p)?.type === 'string' || (resolve(p)?.type === 'array' && resolve(resolve(p)?.items)?.type === 'string'))
      .map(([name, p]) => (resolve(p)?.type === 'array' ? `${name}[]` : name));
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    token = await tokenFor('admin.user');
    doc = (await request(app.getHttpServer()).get('/docs/openapi.json')).body as OpenApi;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('finds the text fields to try (the document is not empty)', () => {
    const bodies = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) => textFieldsOf(op.requestBody?.content?.['application/json']?.schema)),
    );

    expect(bodies).toEqual(expect.arrayContaining(['name', 'code', 'reason', 'visited', 'solved']));
  });

  it('answers 400 naming the field for NUL and unpaired surrogates in every JSON body field', async () => {
    const outcomes: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const field of textFieldsOf(op.requestBody?.content?.['application/json']?.schema)) {
          for (const [kind, bad] of Object.entries(BAD_TEXT)) {
            const name = field.replace('[]', '');
            const json = field.endsWith('[]') ? `{"${name}":["ok","${bad}"]}` : `{"${name}":"${bad}"}`;
            const res = await request(app.getHttpServer())
              [method as 'post'](concrete(path))
              .set('Authorization', `Bearer ${token}`)
              .set('content-type', 'application/json')
              .send(json);
            const named = (res.body.errors ?? []).some(
              (e: { field: string; reason: string }) => e.field.startsWith(name) && /NUL|surrogate/.test(e.reason),
            );
            outcomes.push(
              `${method.toUpperCase()} ${path} ${field} ${kind}: ${res.status}${named ? ' named' : ` ${JSON.stringify(res.body)}`}`,
            );
          }
        }
      }
    }

    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => !/: 400 named$/.test(o))).toEqual([]);
  });

  it('answers 400 naming "__proto__", "constructor" and nesting 5,000 deep in every JSON body', async () => {
    const outcomes: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const fields = textFieldsOf(op.requestBody?.content?.['application/json']?.schema);
        if (fields.length === 0) continue;
        const inner = fields[0]!.replace('[]', '');
        for (const [json, field] of [
          ['{"__proto__":{"reason":"borrowed"}}', '__proto__'],
          [`{"${inner}":{"__proto__":{"x":1}}}`, `${inner}.__proto__`],
          // The whitelist took a name every object inherits for a declared field (201).
          ['{"constructor":{"prototype":{"x":1}}}', 'constructor'],
          [`{"${inner}":{"toString":"x"}}`, `${inner}.toString`],
          // Past the shared depth limit (32): the DTO transformer overflowed its stack on 5,000.
          [`{"${inner}":${'['.repeat(5000)}${']'.repeat(5000)}}`, `${inner}${'[0]'.repeat(31)}`],
        ] as const) {
          const res = await request(app.getHttpServer())
            [method as 'post'](concrete(path))
            .set('Authorization', `Bearer ${token}`)
            .set('content-type', 'application/json')
            .send(json);
          const named = (res.body.errors ?? []).some((e: { field: string }) => e.field === field);
          outcomes.push(`${method.toUpperCase()} ${path} ${field}: ${res.status}${named ? ' named' : ` ${JSON.stringify(res.body)}`}`);
        }
      }
    }

    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => !/: 400 named$/.test(o))).toEqual([]);
  });

  it('answers 400 naming the parameter for NUL in every query and path parameter', async () => {
    const outcomes: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) {
          if (p.in !== 'query' && p.in !== 'path') continue;
          const url =
            p.in === 'path' ? concrete(path).replace('00000000-0000-4000-8000-000000000000', 'a%00b') : `${concrete(path)}?${p.name}=a%00b`;
          const res = await request(app.getHttpServer())[method as 'get'](url).set('Authorization', `Bearer ${token}`);
          const named = (res.body.errors ?? []).some(
            (e: { field: string; reason: string }) => e.field.startsWith(p.name) && /NUL/.test(e.reason),
          );
          outcomes.push(
            `${method.toUpperCase()} ${path} ${p.in} ${p.name}: ${res.status}${named ? ' named' : ` ${JSON.stringify(res.body)}`}`,
          );
        }
      }
    }

    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => !/: 400 named$/.test(o))).toEqual([]);
  });

  it('renaming an organisation to a name with NUL is a 400 and leaves the name as it was', async () => {
    const created = await request(app.getHttpServer())
      .post('/organizations')
      .set('Authorization', `Bearer ${token}`)
      .send({
        parentId: demoOrgId('910425101'),
        code: childCode('910425101'),
        name: '文本测试党委',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2020-01-01',
      });
    expect(created.status).toBe(201);

    const res = await request(app.getHttpServer())
      .patch(`/organizations/${created.body.id}/name`)
      .set('Authorization', `Bearer ${token}`)
      .set('content-type', 'application/json')
      .send('{"name":"坏\\u0000名"}');
    const after = await request(app.getHttpServer()).get(`/organizations/${created.body.id}`).set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'name', reason: expect.stringContaining('NUL') }]);
    expect(after.body.name).toBe('文本测试党委');
  });

  it('answers 400 naming the field for a blank name or leader name the domain would trim to nothing, and stores no contact point', async () => {
    const http = () => request(app.getHttpServer());
    const auth = { Authorization: `Bearer ${token}` };
    const village = demoOrgId('910425101201');
    const contactPointsBefore = (await http().get('/contact-points').query({ subtreeOf: village }).set(auth)).body.items.length as number;
    const code = childCode('910425101');

    const answers = {
      contactPoint: await http().post('/contact-points').set(auth).send({ orgId: village, leaderName: '   ' }),
      organization: await http()
        .post('/organizations')
        .set(auth)
        .send({
          parentId: demoOrgId('910425101'),
          code,
          name: ' \t ',
          level: 'village',
          kind: 'branch',
          sector: 'rural',
          establishedOn: '2020-01-01',
        }),
      rename: await http().patch(`/organizations/${village}/name`).set(auth).send({ name: '  ' }),
      member: await http().post('/members').set(auth).send({ orgId: village, name: '   ', status: 'full', joinedOn: '2001-07-01' }),
    };

    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, { status: r.status, errors: r.body.errors }]))).toEqual({
      contactPoint: { status: 400, errors: [{ field: 'leaderName', reason: '不能为空白 / leaderName must not be blank' }] },
      organization: { status: 400, errors: [{ field: 'name', reason: '不能为空白 / name must not be blank' }] },
      rename: { status: 400, errors: [{ field: 'name', reason: '不能为空白 / name must not be blank' }] },
      member: { status: 400, errors: [{ field: 'name', reason: '不能为空白 / name must not be blank' }] },
    });
    expect((await http().get('/contact-points').query({ subtreeOf: village }).set(auth)).body.items.length).toBe(contactPointsBefore);
  });
});
