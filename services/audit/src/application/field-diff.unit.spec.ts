import { diffFields } from './field-diff';
import { redact } from './redaction';

describe(diffFields.name, () => {
  it('names each changed field by its path, nested objects and array items included', () => {
    const before = { status: 'under_review', atStep: 0, chain: [{ orgId: 'a', decided: false }], eligible: true };
    const after = { status: 'shortlisted', atStep: 2, chain: [{ orgId: 'a', decided: true }, { orgId: 'b' }], eligible: true };
    expect(diffFields(before, after)).toEqual([
      { path: 'atStep', before: 0, after: 2 },
      { path: 'chain[0].decided', before: false, after: true },
      { path: 'chain[1]', before: undefined, after: { orgId: 'b' } },
      { path: 'status', before: 'under_review', after: 'shortlisted' },
    ]);
  });

  it('finds nothing between equal states', () => expect(diffFields({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]));
});

describe(redact.name, () => {
  it('reads every personal value, forgotten or not, as redacted with its subject and keeps the rest', () =>
    expect(
      redact({
        memberId: 'm-1',
        name: { $personal: { subject: 'member-m-1', kid: 'k', iv: 'i', ct: 'c', tag: 't' } },
        notes: [{ $forgotten: 'member-m-2' }, 'plain'],
      }),
    ).toEqual({ memberId: 'm-1', name: { $redacted: 'member-m-1' }, notes: [{ $redacted: 'member-m-2' }, 'plain'] }));
});
