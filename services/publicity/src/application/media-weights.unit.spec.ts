import { ScopeService, type Principal } from '@vanguard/auth';
import type { UnitOfWork } from '../infrastructure/persistence/unit-of-work';
import { Access } from './access';
import { MediaStatsService } from './media-stats.service';

describe('setting the media weights', () => {
  const scope = new ScopeService();
  scope.applyChange({ kind: 'upsert', id: 'province', parentId: null, status: 'active' });
  scope.applyChange({ kind: 'upsert', id: 'county', parentId: 'province', status: 'active' });
  const admin = (orgId: string): Principal => ({
    sub: `admin-${orgId}`,
    username: 'a',
    roles: ['admin'],
    orgId,
    kind: 'user',
    clientId: 'vanguard-console',
  });
  let writes = 0;
  const uow = { run: () => (writes++, Promise.reject(new Error('stop after the check'))) } as unknown as UnitOfWork;
  const sut = new MediaStatsService(uow, new Access(scope));

  it('WhenTheAdminIsACountys_RefusesWithoutWriting', async () => {
    writes = 0;
    await expect(sut.setWeight(admin('county'), { level: 'central' }, 3)).rejects.toMatchObject({ code: 'SCOPE.PLATFORM_ONLY' });
    expect(writes).toBe(0);
  });

  it('WhenTheAdminIsTheProvinces_GoesOnToWrite', async () => {
    writes = 0;
    await expect(sut.setWeight(admin('province'), { level: 'central' }, 3)).rejects.toThrow('stop after the check');
    expect(writes).toBe(1);
  });

  it('WhenBothALevelAndAnOutletAreNamed_RefusesWithoutWriting', async () => {
    writes = 0;
    await expect(sut.setWeight(admin('province'), { level: 'county', outlet: '松岭日报' }, 9)).rejects.toMatchObject({
      code: 'WEIGHT.TARGET_AMBIGUOUS',
    });
    expect(writes).toBe(0);
  });
});
