import { DEMO_FIELD_UNITS } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { SONGLING, countyOrganizations } from './synthetic-region';

describe(countyOrganizations.name, () => {
  it('given 松岭旗, then its 541 organisations include each field unit of the demo, at its code, under the county, by its demo name', () => {
    const orgs = countyOrganizations(SONGLING);
    const byCode = new Map(orgs.map((o) => [o.code, o]));

    expect(orgs).toHaveLength(541);
    for (const unit of DEMO_FIELD_UNITS) {
      expect(byCode.get(unit.code)).toMatchObject({
        id: demoOrgId(unit.code),
        name: unit.name,
        level: 'village',
        parentCode: SONGLING.code,
      });
    }
  });
});
