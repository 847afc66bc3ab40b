import { InvalidStreamIdError } from './errors';
import { parseStreamId, streamId } from './stream-id';

describe(parseStreamId.name, () => {
  it('splits at the first dash, so ids may contain dashes', () => {
    expect(parseStreamId('pledge-7d444840-9dc0-41d1-b245-5ffdce74fad2')).toEqual({
      category: 'pledge',
      id: '7d444840-9dc0-41d1-b245-5ffdce74fad2',
    });
  });

  it.each(['', 'pledge', '-1', 'pledge-', 'Pledge-1', 'ple dge-1', 'pledge-a b', `pledge-${'x'.repeat(200)}`])('rejects %p', (id) => {
    expect(() => parseStreamId(id)).toThrow(InvalidStreamIdError);
  });

  it('builds ids from a category and an id, validating them', () => {
    expect(streamId('nomination', 'n-1')).toBe('nomination-n-1');
    expect(() => streamId('', '1')).toThrow(InvalidStreamIdError);
  });
});
