import { Injectable } from '@nestjs/common';
import { ScopeService, type Principal } from '@vanguard/auth';
import { DomainError } from '@vanguard/kernel';
import type { Actor } from '../infrastructure/persistence/unit-of-work';

/** An editor works inside the subtree of the organisation in the token (libs/auth's shared scope). */
@Injectable()
export class Access {
  constructor(private readonly scope: ScopeService) {}

  within(p: Principal, orgId: string): boolean {
    return this.scope.isWithin(p, orgId);
  }

  /** Whether `orgId` is `ancestorId` or lies below it, whoever asks. */
  isBelowOrSame(orgId: string, ancestorId: string): boolean {
    return this.scope.isBelowOrSame(orgId, ancestorId);
  }

  /** The organisations `within` allows, for lists that filter and page in SQL (`org_id = any($n::uuid[])`). */
  idsWithin(p: Principal): readonly string[] {
    return this.scope.idsWithin(p);
  }

  /** Platform-wide settings (the media weights) are the province's: an admin of the tree's top organisation only. */
  mustActForThePlatform(p: Principal): void {
    if (!this.scope.isRoot(p.orgId))
      throw new DomainError(
        'SCOPE.PLATFORM_ONLY',
        'forbidden',
        '仅省级管理员可修改全省设置 / only an administrator of the top organisation may change platform-wide settings',
      );
  }

  /**
   * An organisation the tree never held is 404, as in the other services (organisation ids are not
   * secret); creating for one outside the subtree is refused by name.
   */
  mustActFor(p: Principal, orgId: string): void {
    if (!this.scope.knows(orgId)) throw new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', '组织不存在 / no such organisation (orgId)');
    if (!this.within(p, orgId))
      throw new DomainError('SCOPE.OUT_OF_SCOPE', 'forbidden', '该组织不在您的管辖范围内 / that organisation is outside your scope');
  }
}

export const actorOf = (p: Principal): Actor => ({ sub: p.sub, roles: p.roles, orgId: p.orgId, kind: p.kind });

/** Today in China, the day publications and decisions are dated by. */
export const todayInChina = (now = new Date()): string => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
