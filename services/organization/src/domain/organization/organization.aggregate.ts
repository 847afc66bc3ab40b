import { codePointLength } from '@vanguard/kernel';
import { AggregateRoot } from '../shared/aggregate-root';
import { checkRule } from '../shared/business-rule';
import { DomainError } from '../shared/domain-error';
import type { Day } from '../shared/day';
import { OrgCode } from './org-code.value-object';
import type { OrgKind, OrgLevel, OrgStatus, Sector } from './organization.vocabulary';
import { ChildLevelMustBeBelowParentLevelRule } from './rules/child-level-must-be-below-parent-level.rule';
import { CodeMustExtendParentCodeRule } from './rules/code-must-extend-parent-code.rule';
import { DescendantCodesMustStayWithinTheCodeLimitRule } from './rules/descendant-codes-must-stay-within-the-code-limit.rule';
import { OrganizationCannotBeEstablishedInTheFutureRule } from './rules/organization-cannot-be-established-in-the-future.rule';
import { OrganizationCannotMergeIntoItselfRule } from './rules/organization-cannot-merge-into-itself.rule';
import { OrganizationCannotMoveUnderItselfOrItsDescendantsRule } from './rules/organization-cannot-move-under-itself-or-its-descendants.rule';
import { OrganizationMustBeActiveRule } from './rules/organization-must-be-active.rule';
import { OrganizationNameMustBePlainTextRule } from './rules/organization-name-must-be-plain-text.rule';
import { OrganizationNameMustNotCarryPersonalNumbersRule } from './rules/organization-name-must-not-carry-personal-numbers.rule';
import { OrganizationWithActiveChildrenCannotCeaseRule } from './rules/organization-with-active-children-cannot-cease.rule';
import { OrganizationWithMembersCannotBeDissolvedRule } from './rules/organization-with-members-cannot-be-dissolved.rule';
import { PublishedReasonMustNotCarryPersonalNumbersRule } from '../shared/published-reason.rule';

export interface OrganizationProps {
  readonly id: string;
  code: OrgCode;
  name: string;
  readonly level: OrgLevel;
  readonly kind: OrgKind;
  readonly sector: Sector;
  parentId: string | null;
  /** Ids from the root down to the parent; with the own id it is the materialised path. */
  ancestorIds: readonly string[];
  readonly establishedOn: Day;
  readonly temporary: boolean;
  status: OrgStatus;
  mergedIntoId: string | null;
  version: number;
}

export interface RegisterOrganization {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly kind: OrgKind;
  readonly sector: Sector;
  readonly establishedOn: Day;
  readonly temporary: boolean;
}

/**
 * The codes below an organisation about to move, read while the whole subtree is locked
 * (ADR 0092), so no descendant can appear or change before the move writes.
 */
export interface DescendantCodes {
  /** The longest code below the organisation; null when it has no descendants. */
  readonly longest: string | null;
}

/** What the subtree of an organisation looks like when it is asked to cease. */
export interface SubtreeCensus {
  readonly activeMembers: number;
  readonly activeChildren: number;
}

/** A party organisation (党组织) in the tree province → city → county → township → village. */
export class Organization extends AggregateRoot {
  private constructor(private readonly props: OrganizationProps) {
    super();
  }

  static register(input: RegisterOrganization, parent: Organization | null, today: Day): Organization {
    const code = OrgCode.of(input.code);
    checkRule(new OrganizationCannotBeEstablishedInTheFutureRule(input.establishedOn, today));
    if (parent) checkRule(new OrganizationMustBeActiveRule(parent.status, '接收下级组织 / take new children'));
    checkRule(new ChildLevelMustBeBelowParentLevelRule(parent?.level ?? null, input.level));
    checkRule(new CodeMustExtendParentCodeRule(parent?.codeObject ?? null, code));
    const name = Organization.validName(input.name);
    const org = new Organization({
      id: input.id,
      code,
      name,
      level: input.level,
      kind: input.kind,
      sector: input.sector,
      parentId: parent?.id ?? null,
      ancestorIds: parent ? parent.path : [],
      establishedOn: input.establishedOn,
      temporary: input.temporary,
      status: 'active',
      mergedIntoId: null,
      version: 0,
    });
    org.record({
      name: 'OrganizationRegistered',
      stream: 'organization',
      aggregateId: org.id,
      orgId: org.id,
      data: {
        organizationId: org.id,
        code: code.value,
        name,
        level: input.level,
        kind: input.kind,
        sector: input.sector,
        parentId: org.parentId,
        parentCode: parent?.code ?? null,
        temporary: input.temporary,
        establishedOn: input.establishedOn,
      },
    });
    return org;
  }

  static restore(props: OrganizationProps): Organization {
    return new Organization({ ...props });
  }

  private static validName(name: string): string {
    const trimmed = name.trim();
    if (trimmed.length === 0 || codePointLength(trimmed) > 200) {
      throw new DomainError('ORGANIZATION.NAME_INVALID', 'rule', '组织名称须为 1–200 个字符 / name must be 1–200 characters');
    }
    checkRule(new OrganizationNameMustBePlainTextRule(trimmed));
    checkRule(new OrganizationNameMustNotCarryPersonalNumbersRule(trimmed));
    return trimmed;
  }

  rename(newName: string): void {
    checkRule(new OrganizationMustBeActiveRule(this.props.status, '更名 / be renamed'));
    const name = Organization.validName(newName);
    if (name === this.props.name) return;
    const previousName = this.props.name;
    this.props.name = name;
    this.record({
      name: 'OrganizationRenamed',
      stream: 'organization',
      aggregateId: this.id,
      orgId: this.id,
      data: { organizationId: this.id, name, previousName },
    });
  }

  /**
   * Moves under another parent. The code keeps its own segment below the old parent
   * unless a new code is given; descendants' codes and paths follow (the repository
   * rewrites them in the same transaction), so each of them must still fit the code limit.
   */
  moveUnder(
    newParent: Organization,
    currentParent: Organization | null,
    movedOn: Day,
    descendants: DescendantCodes,
    newCode?: string,
  ): void {
    checkRule(new OrganizationMustBeActiveRule(this.props.status, '移动 / be moved'));
    checkRule(new OrganizationMustBeActiveRule(newParent.status, '接收下级组织 / take new children'));
    checkRule(new OrganizationCannotMoveUnderItselfOrItsDescendantsRule(this.id, newParent.path));
    checkRule(new ChildLevelMustBeBelowParentLevelRule(newParent.level, this.props.level));
    if (newParent.id === this.props.parentId && (newCode === undefined || newCode === this.code)) return;
    const previousCode = this.props.code;
    const code =
      newCode !== undefined
        ? OrgCode.of(newCode)
        : OrgCode.of(newParent.code + (currentParent ? this.props.code.suffixBelow(currentParent.codeObject) : this.code));
    checkRule(new CodeMustExtendParentCodeRule(newParent.codeObject, code));
    checkRule(new DescendantCodesMustStayWithinTheCodeLimitRule(previousCode, code, descendants.longest));
    const previousParentId = this.props.parentId;
    this.props.parentId = newParent.id;
    this.props.ancestorIds = newParent.path;
    this.props.code = code;
    this.record({
      name: 'OrganizationMoved',
      stream: 'organization',
      aggregateId: this.id,
      orgId: this.id,
      data: {
        organizationId: this.id,
        parentId: newParent.id,
        previousParentId,
        parentCode: newParent.code,
        code: code.value,
        previousCode: previousCode.value,
        movedOn,
      },
    });
  }

  /** Ceases by merging into `survivor`; its members then belong to the survivor. */
  mergeInto(survivor: Organization, census: SubtreeCensus, mergedOn: Day): void {
    checkRule(new OrganizationCannotMergeIntoItselfRule(this.id, survivor.id));
    checkRule(new OrganizationMustBeActiveRule(this.props.status, '合并 / be merged'));
    checkRule(new OrganizationMustBeActiveRule(survivor.status, '接收合并 / absorb another organisation'));
    checkRule(new OrganizationWithActiveChildrenCannotCeaseRule(census.activeChildren));
    this.props.status = 'merged';
    this.props.mergedIntoId = survivor.id;
    this.record({
      name: 'OrganizationMerged',
      stream: 'organization',
      aggregateId: this.id,
      orgId: this.id,
      data: { organizationId: this.id, survivingOrganizationId: survivor.id, mergedOn },
    });
  }

  dissolve(census: SubtreeCensus, dissolvedOn: Day, reason?: string): void {
    checkRule(new OrganizationMustBeActiveRule(this.props.status, '撤销 / be dissolved'));
    checkRule(new OrganizationWithMembersCannotBeDissolvedRule(census.activeMembers));
    checkRule(new PublishedReasonMustNotCarryPersonalNumbersRule('ORGANIZATION.REASON_HAS_PERSONAL_NUMBER', reason));
    checkRule(new OrganizationWithActiveChildrenCannotCeaseRule(census.activeChildren));
    this.props.status = 'dissolved';
    this.record({
      name: 'OrganizationDissolved',
      stream: 'organization',
      aggregateId: this.id,
      orgId: this.id,
      data: { organizationId: this.id, dissolvedOn, ...(reason ? { reason } : {}) },
    });
  }

  /** True when `orgId` is this organisation or one of its ancestors. */
  isWithin(orgId: string): boolean {
    return this.id === orgId || this.props.ancestorIds.includes(orgId);
  }

  get id(): string {
    return this.props.id;
  }
  get code(): string {
    return this.props.code.value;
  }
  get codeObject(): OrgCode {
    return this.props.code;
  }
  get name(): string {
    return this.props.name;
  }
  get level(): OrgLevel {
    return this.props.level;
  }
  get kind(): OrgKind {
    return this.props.kind;
  }
  get sector(): Sector {
    return this.props.sector;
  }
  get parentId(): string | null {
    return this.props.parentId;
  }
  get ancestorIds(): readonly string[] {
    return this.props.ancestorIds;
  }
  /** Root → self. */
  get path(): readonly string[] {
    return [...this.props.ancestorIds, this.props.id];
  }
  get establishedOn(): Day {
    return this.props.establishedOn;
  }
  get temporary(): boolean {
    return this.props.temporary;
  }
  get status(): OrgStatus {
    return this.props.status;
  }
  get mergedIntoId(): string | null {
    return this.props.mergedIntoId;
  }
  get version(): number {
    return this.props.version;
  }
}
