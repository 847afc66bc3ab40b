import { z } from 'zod';
import { publicContracts } from '@vanguard/contracts';
import { ORGANIZATION_FACTS } from './county-decision-feed';

// A county may read no name of any county's members (ADR 0062): the organisation events its
// decision topic carries are ids and days only. A compatible change adding a field to one of them
// (an optional name, a reason) would reach every county unnoticed; this holds the line.
describe('the organisation facts a county’s decision topic carries', () => {
  const versions = (type: string) => publicContracts.all().filter((c) => c.type === type);

  it.each(ORGANIZATION_FACTS)('%s: every version is a contract, its fields ids and days only', (type) => {
    expect(versions(type).length).toBeGreaterThan(0);
    for (const contract of versions(type)) {
      const schema = z.toJSONSchema(contract.schema, { io: 'input' }) as { properties?: Record<string, { format?: string }> };
      const fields = Object.entries(schema.properties ?? {}).map(([name, p]) => `${name}:${p.format ?? '?'}`);
      expect(fields.filter((f) => !/^\w+Id:uuid$|^\w+On:date$/.test(f))).toEqual([]);
    }
  });
});
