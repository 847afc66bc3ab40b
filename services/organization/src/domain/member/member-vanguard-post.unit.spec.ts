import { Member } from './member.aggregate';

// 亮牌示范 is published (VanguardPostGranted) only when the member takes a post they did not hold.

const member = () =>
  Member.join({ id: 'm-1', orgId: 'org-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] }, '2011-01-01');

describe(`${Member.name}.grantPost`, () => {
  it('grantPost_WhenNotHeld_RecordsVanguardPostGranted', () => {
    const sut = member();
    sut.pullEvents();

    sut.grantPost('pioneer_post', '2011-06-01');

    expect(sut.pullEvents()).toEqual([
      {
        name: 'VanguardPostGranted',
        stream: 'member',
        aggregateId: 'm-1',
        orgId: 'org-a',
        data: { memberId: 'm-1', orgId: 'org-a', post: 'pioneer_post', grantedOn: '2011-06-01' },
      },
    ]);
  });

  it('grantPost_WhenAlreadyHeld_RecordsNothing', () => {
    const sut = member();
    sut.grantPost('pioneer_post', '2011-06-01');
    sut.pullEvents();

    sut.grantPost('pioneer_post', '2011-07-01');

    expect(sut.pullEvents()).toEqual([]);
    expect(sut.posts).toEqual(['pioneer_post']);
  });
});
