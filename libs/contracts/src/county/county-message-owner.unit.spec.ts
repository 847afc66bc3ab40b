import { COUNTY_INBOUND_TOPIC, COUNTY_REPLY_TOPIC_PATTERN, countyReplyTopic } from '../topics';
import { publicContracts } from '../public-contracts';
import { countyContracts } from './county.contracts';
import { countyMessageOwner, countyMessageTypesOf, isCountyInboundType } from './county-message-owner';

describe('county message owners and reply topics', () => {
  it('gives every county inbound type exactly one owner, and unknown or missing types to organization', () => {
    const owned = [...countyMessageTypesOf('organization'), ...countyMessageTypesOf('evaluation'), ...countyMessageTypesOf('assistance')];
    expect(owned.sort()).toEqual(countyContracts.map((c) => c.type).sort());
    expect(countyMessageOwner('county.PledgeProgressReported')).toBe('evaluation');
    expect(countyMessageOwner('county.VisitLogged')).toBe('assistance');
    expect(countyMessageOwner('county.NoSuchThing')).toBe('organization');
    expect(countyMessageOwner(undefined)).toBe('organization');
  });

  it('isCountyInboundType_IsTrueOfWhatACountySends_NotOfAPlatformEventNorOfTheReply', () => {
    expect(countyContracts.every((c) => isCountyInboundType(c.type))).toBe(true);
    for (const type of ['organization.MemberJoined', 'county.MessageOutcome', 'county.NoSuchThing', ''])
      expect([type, isCountyInboundType(type)]).toEqual([type, false]);
  });

  it('WhenATypeIsNamedLikeAPropertyEveryObjectHas_ItIsNoCountyType_AndOrganizationAnswersIt', () => {
    // Read from the owners' table as it was, `constructor` had Object for an owner: no service answered it.
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect([type, countyMessageOwner(type)]).toEqual([type, 'organization']);
      expect([type, isCountyInboundType(type)]).toEqual([type, false]);
    }
  });

  it('names one reply topic per county client and refuses a client id that would make another topic', () => {
    expect(countyReplyTopic('county-songling')).toBe('vanguard.county.replies.county-songling.v1');
    expect(() => countyReplyTopic('county-a.v1.x')).toThrow(/invalid county client id/);
  });

  it('keeps the parameterised reply address out of the topics a relay creates, but documents it', () => {
    expect(publicContracts.topics()).toContain(COUNTY_INBOUND_TOPIC);
    expect(publicContracts.topics()).not.toContain(COUNTY_REPLY_TOPIC_PATTERN);
    expect(publicContracts.get('county.MessageOutcome', 1).topic).toBe(COUNTY_REPLY_TOPIC_PATTERN);
  });
});
