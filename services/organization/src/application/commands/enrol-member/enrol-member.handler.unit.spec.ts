import type { EnrolmentWrite } from '../../ports/enrolment-write.port';
import type { IdNumberChecks, IdNumberHolder } from '../../ports/id-number-checks.port';
import type { PersonalDataCipher } from '../../ports/personal-data-cipher.port';
import {
  actor,
  demoTree,
  directUnitOfWork,
  fixedClock,
  InMemoryMembers,
  InMemoryOrganizations,
  RecordingOutbox,
  sequentialIds,
} from '../../testing/in-memory-ports';
import { EnrolMemberCommand } from './enrol-member.command';
import { EnrolMemberHandler } from './enrol-member.handler';

/**
 * An enrolment whose number is held outside the caller's subtree is answered as a fresh one
 * (ADR 0011); since ADR 0082 that also means the same calls, so the same round trips and time.
 */
describe(EnrolMemberHandler.name, () => {
  const calls: string[] = [];
  let holder: IdNumberHolder | null;
  let writes: boolean;
  const idChecks: IdNumberChecks = {
    checkEnrolment: () => (calls.push('check'), Promise.resolve(holder)),
    holdEnrolment: () => (calls.push('locked hold'), Promise.resolve()),
  };
  const enrolments: EnrolmentWrite = {
    enrolIfUnchanged: () => (calls.push('guarded write'), Promise.resolve(writes)),
    holdIfUnchanged: () => (calls.push('guarded write'), Promise.resolve(writes)),
  };
  const cipher = { blindIndex: (s: string) => `h:${s}`, encrypt: (s: string) => s } as unknown as PersonalDataCipher;
  let organizations: InMemoryOrganizations;
  let members: InMemoryMembers;
  let sut: EnrolMemberHandler;
  const enrol = (idNumber: string) =>
    sut.execute(
      new EnrolMemberCommand(
        { actor: actor('town-a'), correlationId: 'c-1' },
        { orgId: 'village-a', name: '张三', status: 'full', joinedOn: '2010-07-01', roles: [], posts: [], idNumber, phone: null },
      ),
    );

  beforeEach(() => {
    calls.length = 0;
    writes = true;
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    const lookups = { findById: (id: string) => (calls.push('read organisation'), organizations.findById(id)) };
    sut = new EnrolMemberHandler(
      Object.assign(Object.create(organizations) as InMemoryOrganizations, lookups),
      members,
      new RecordingOutbox(),
      directUnitOfWork,
      sequentialIds(),
      fixedClock('2026-12-01'),
      idChecks,
      cipher,
      enrolments,
    );
  });

  it('When_TheNumberIsHeldElsewhere_Then_MakesTheSameCallsAsForAFreshNumber', async () => {
    holder = null;
    const fresh = await enrol('110101199001011237');
    const freshCalls = [...calls];
    calls.length = 0;
    holder = { memberId: 'm-elsewhere', insideCallersSubtree: false };
    const held = await enrol('110101199001011237');

    expect(freshCalls).toEqual(['check', 'read organisation', 'guarded write']);
    expect(calls).toEqual(freshCalls);
    expect({ ...held, id: 'x' }).toEqual({ ...fresh, id: 'x', member: { ...fresh.member, id: held.member.id } });
  });

  it('When_TheOrganisationChangedSinceItWasRead_Then_BothTakeTheLockedPath', async () => {
    writes = false;
    holder = { memberId: 'm-elsewhere', insideCallersSubtree: false };
    await enrol('110101199001011237');
    expect(calls).toEqual(['check', 'read organisation', 'guarded write', 'read organisation', 'locked hold']);
  });
});
