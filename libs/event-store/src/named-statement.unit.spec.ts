import { namedStatement } from './named-statement';

describe('namedStatement', () => {
  it('names a text by its content: the same text the same name, another text another', () => {
    const a = namedStatement('relay_read', 'select id from a.outbox where published_at is null order by id limit $1');
    const again = namedStatement('relay_read', 'select id from a.outbox where published_at is null order by id limit $1');
    const b = namedStatement('relay_read', 'select id from b.outbox where published_at is null order by id limit $1');
    expect(again).toEqual(a);
    expect(b.name).not.toBe(a.name);
    expect(a.text).toContain('a.outbox');
  });

  it('keeps names within what Postgres stores of a name (63 bytes), so none is cut into another', () => {
    expect(Buffer.byteLength(namedStatement('organization_enrolment_id_number_check', 'select 1').name)).toBeLessThanOrEqual(63);
    expect(() => namedStatement('x'.repeat(47), 'select 1')).toThrow(/63 bytes/);
  });
});
