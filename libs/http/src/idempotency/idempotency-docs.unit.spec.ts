import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { documentIdempotencyKey } from './idempotency.providers';

// The key's refusals (ADR 0072) are every signed-in command's: a client reading only the document
// must find them beside the route's own of the same status (ADR 0156).
describe(documentIdempotencyKey.name, () => {
  const doc = (): OpenAPIObject => ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/own': {
        post: {
          security: [{ bearer: [] }],
          responses: { '201': { description: 'made' }, '409': { description: 'NOTE.SEALED: sealed already' } },
        },
      },
      '/bare': { delete: { security: [{ bearer: [] }], responses: { '204': { description: 'gone' } } } },
      '/money': {
        post: { security: [{ bearer: [] }], responses: { '201': { description: 'paid' } }, ...{ 'x-idempotency-key-required': true } },
      },
      '/public': { post: { responses: { '201': { description: 'made' } } } },
      '/read': { get: { security: [{ bearer: [] }], responses: { '200': { description: 'read' } } } },
    },
  });
  const described = (d: OpenAPIObject, path: string, method: 'post' | 'delete' | 'get', status: string) =>
    (d.paths[path]![method]!.responses[status] as ResponseObject | undefined)?.description;

  it('adds the key’s 409 and 422 to each signed-in command, after the route’s own; to a public command its refusal of any key; none to a read', () => {
    const sut = doc();

    documentIdempotencyKey(sut);

    expect(described(sut, '/own', 'post', '409')).toMatch(
      /^NOTE\.SEALED: sealed already; with an Idempotency-Key: IDEMPOTENCY\.IN_PROGRESS/,
    );
    expect(described(sut, '/own', 'post', '422')).toMatch(/^with an Idempotency-Key: IDEMPOTENCY\.KEY_REUSED.*IDEMPOTENCY\.JSON_ONLY/);
    expect(described(sut, '/bare', 'delete', '409')).toContain('IDEMPOTENCY.OUTCOME_UNKNOWN');
    expect(Object.keys(sut.paths['/public']!.post!.responses)).toEqual(['201', '422']);
    expect(described(sut, '/public', 'post', '422')).toContain('IDEMPOTENCY.SIGN_IN_REQUIRED');
    expect(sut.paths['/public']!.post!.parameters).toBeUndefined();
    expect(Object.keys(sut.paths['/read']!.get!.responses)).toEqual(['200']);
    expect(sut.paths['/bare']!.delete!.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
    expect(sut.paths['/money']!.post!.parameters).toEqual([
      expect.objectContaining({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: expect.stringContaining('KEY_REQUIRED'),
      }),
    ]);
  });
});
