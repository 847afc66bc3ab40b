import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Member } from '../../../domain/member/member.aggregate';
import type { Organization } from '../../../domain/organization/organization.aggregate';
import { PersonalData } from '../../../domain/member/personal-data.value-object';
import { OrganizationMustBeActiveRule } from '../../../domain/organization/rules/organization-must-be-active.rule';
import { checkRule } from '../../../domain/shared/business-rule';
import { DomainError } from '../../../domain/shared/domain-error';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ENROLMENT_WRITE, type EnrolmentWrite } from '../../ports/enrolment-write.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { ID_NUMBER_CHECKS, type IdNumberChecks, type IdNumberHolder } from '../../ports/id-number-checks.port';
import { MEMBER_REPOSITORY, type MemberRepository } from '../../ports/member.repository.port';
import type { MemberDetailView } from '../../ports/organization-read-model.port';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../../ports/organization.repository.port';
import { OUTBOX, type Outbox } from '../../ports/outbox.port';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../ports/personal-data-cipher.port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work.port';
import { answerForDuplicate, IdNumberTakenInSubtreeError } from '../../roster/id-number-checks';
import { assertWithinScope } from '../../scope/access-scope';
import { eventContext, type CommandContext } from '../command-context';
import { loadOrganization } from '../load';
import { EnrolMemberCommand, type EnrolMemberResult } from './enrol-member.command';

@CommandHandler(EnrolMemberCommand)
export class EnrolMemberHandler implements ICommandHandler<EnrolMemberCommand, EnrolMemberResult> {
  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_NUMBER_CHECKS) private readonly idChecks: IdNumberChecks,
    @Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher,
    @Inject(ENROLMENT_WRITE) private readonly enrolments: EnrolmentWrite,
  ) {}

  async execute(command: EnrolMemberCommand): Promise<EnrolMemberResult> {
    try {
      return await this.enrol(command);
    } catch (e) {
      // Someone enrolled the same number between our check and our insert: check again, so the
      // answer follows the rule below rather than the index's platform-wide refusal.
      if (e instanceof DomainError && e.code === 'MEMBER.ID_NUMBER_TAKEN') return this.enrol(command);
      throw e;
    }
  }

  /**
   * An ID number held by an active member answers only about the caller's own subtree (ADR
   * 0011): inside it the enrolment is refused (409); outside it the enrolment is held for the
   * organisation above the caller and answered exactly as a fresh one — same status, same
   * body built the same way, a write in the same transaction — so it confirms nothing.
   */
  private async enrol({ ctx, input }: EnrolMemberCommand): Promise<EnrolMemberResult> {
    const id = this.ids.newId();
    const idNumber = PersonalData.of(input.idNumber, input.phone, this.clock.today()).idNumber;
    const holder = idNumber ? await this.idChecks.checkEnrolment(id, ctx.actor, this.cipher.blindIndex(idNumber)) : null;
    const answer = holder ? answerForDuplicate(holder.insideCallersSubtree, false) : 'pass';
    // A held enrolment takes the same path as a fresh one: its answer must not differ in time either.
    if (answer !== 'refuse') {
      const enrolled = await this.enrolUnlocked(ctx, input, id, answer === 'hold' ? holder : null);
      if (enrolled) return enrolled;
    }
    return this.uow.run(async () => {
      // A shared lock: enrolments into one branch run side by side, a dissolution waits for them.
      const org = await loadOrganization(this.organizations, input.orgId, 'share');
      const member = await this.decide(ctx, org, input, id);
      if (answer === 'refuse') throw new IdNumberTakenInSubtreeError();
      if (answer === 'hold' && holder) await this.idChecks.holdEnrolment(id, ctx.actor, org.id, holder);
      else {
        await this.members.save(member);
        await this.outbox.add(member.pullEvents(), eventContext(ctx));
      }
      return { id, member: detailOf(member) };
    });
  }

  /**
   * Read, decide, write once (ADR 0082): the organisation read without a lock, the same checks,
   * then one statement that writes only if the organisation is still active at the version read.
   * Null when something came between, or on any refusal: the locked path then decides, so every
   * answer is one it gives.
   */
  private async enrolUnlocked(
    ctx: CommandContext,
    input: EnrolMemberCommand['input'],
    id: string,
    held: IdNumberHolder | null,
  ): Promise<EnrolMemberResult | null> {
    const org = await this.organizations.findById(input.orgId);
    if (!org) return null;
    const member = await this.decide(ctx, org, input, id).catch(() => null);
    if (!member) return null;
    const written = held
      ? await this.enrolments.holdIfUnchanged(id, ctx.actor, org, held)
      : await this.enrolments.enrolIfUnchanged(member, org, eventContext(ctx));
    return written ? { id, member: detailOf(member) } : null;
  }

  /** The checks every enrolment passes, on the organisation as read (locked or not). */
  private async decide(ctx: CommandContext, org: Organization, input: EnrolMemberCommand['input'], id: string): Promise<Member> {
    await assertWithinScope(ctx.actor, org, this.organizations);
    checkRule(new OrganizationMustBeActiveRule(org.status, '接收党员 / receive members'));
    return Member.join({ ...input, id }, this.clock.today());
  }
}

/** What the caller is shown of the member it enrolled, from the enrolment itself (held or not). */
function detailOf(m: Member): MemberDetailView {
  return {
    id: m.id,
    orgId: m.orgId,
    name: m.name,
    status: m.status,
    joinedOn: m.joinedOn,
    roles: m.roles,
    posts: m.posts,
    membership: m.membership,
    idNumberMasked: m.personal.maskedIdNumber(),
    phoneMasked: m.personal.maskedPhone(),
    history: m.history.map((h) => ({ on: h.on, kind: h.kind, orgId: h.orgId, detail: h.detail })),
  };
}
