import { ForbiddenException, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../principal';
import { OrgScopeGuard, ScopedTo } from './org-scope.guard';
import { ScopeService } from './scope.service';

class Handlers {
  @ScopedTo({ from: 'params', field: 'orgId' })
  scoped(): void {}

  @ScopedTo({ from: 'params', field: 'orgId', unknown: (id) => new NotFoundException(`unknown ${id}`) })
  tellsUnknown(): void {}
}

const principal = (orgId: string | undefined): Principal => ({
  sub: 's',
  username: 'u',
  roles: ['organizer'],
  orgId,
  kind: 'user',
  clientId: undefined,
});
const context = (req: object, handler: keyof Handlers = 'scoped'): ExecutionContext =>
  ({
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => req }),
  }) as unknown as ExecutionContext;

describe(OrgScopeGuard.name, () => {
  const scope = new ScopeService();
  scope.applyChange({ kind: 'upsert', id: 'county', parentId: null, status: 'active' });
  scope.applyChange({ kind: 'upsert', id: 'town-a', parentId: 'county', status: 'active' });
  scope.applyChange({ kind: 'upsert', id: 'town-b', parentId: 'county', status: 'active' });
  const sut = new OrgScopeGuard(new Reflector(), scope);

  it('lets a caller act on an organisation below its own', () => {
    expect(sut.canActivate(context({ principal: principal('county'), params: { orgId: 'town-a' } }))).toBe(true);
  });

  it('refuses a sibling with 403 AUTH.OUT_OF_SCOPE', () => {
    expect(() => sut.canActivate(context({ principal: principal('town-b'), params: { orgId: 'town-a' } }))).toThrow(ForbiddenException);
  });

  it('refuses when the request names no organisation', () => {
    expect(() => sut.canActivate(context({ principal: principal('county'), params: {} }))).toThrow(ForbiddenException);
  });

  it('reads an id spelled in upper case as the same organisation', () => {
    const id = '6a97b679-0000-4000-8000-000000000001';
    scope.applyChange({ kind: 'upsert', id, parentId: 'county', status: 'active' });
    expect(sut.canActivate(context({ principal: principal('county'), params: { orgId: id.toUpperCase() } }))).toBe(true);
  });

  it('answers an id the copy does not hold with the route’s own error where it has one, and 403 where it has none', () => {
    const req = () => ({ principal: principal('county'), params: { orgId: 'nowhere' } });
    expect(() => sut.canActivate(context(req(), 'tellsUnknown'))).toThrow(new NotFoundException('unknown nowhere'));
    expect(() => sut.canActivate(context(req()))).toThrow(ForbiddenException);
    // A known organisation elsewhere is still "not yours" on either route.
    const sibling = { principal: principal('town-b'), params: { orgId: 'town-a' } };
    expect(() => sut.canActivate(context(sibling, 'tellsUnknown'))).toThrow(ForbiddenException);
    expect(sut.canActivate(context({ principal: principal('county'), params: { orgId: 'town-a' } }, 'tellsUnknown'))).toBe(true);
    const spelled = '6a97b679-0000-4000-8000-000000000002';
    scope.applyChange({ kind: 'upsert', id: spelled, parentId: 'county', status: 'active' });
    expect(sut.canActivate(context({ principal: principal('county'), params: { orgId: spelled.toUpperCase() } }, 'tellsUnknown'))).toBe(
      true,
    );
  });
});
