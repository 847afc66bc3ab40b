import type { DomainEvent } from '@vanguard/kernel';
import { ReviewedByTheZoneLeaderOrAnOrganizerAboveRule, ScoredUnitsAreInTheRoundRule } from '../monthly-review/monthly-review.rules';
import { MissingReplayFactError } from './replayer';
import { TOWNSHIP, uuid, VILLAGE } from './recorded-decisions.fixture';
import { campaign, findings, round, streamsRead, zone } from './recorded-monthly-reviews.fixture';
import { replayDecision, streamsToRead } from './replay-decision';

const ZONE_STREAM = `zone-${uuid(60)}`;
const CAMPAIGN_STREAM = `campaign-${uuid(11)}`;
const ROUND_STREAM = `monthly-review-${uuid(61)}`;

/** The event with its data changed as someone with write access to the store could change it. */
const rewritten = (event: DomainEvent, change: (data: Record<string, unknown>) => Record<string, unknown>): DomainEvent => ({
  ...event,
  data: change(event.data as Record<string, unknown>),
});

describe('replaying a monthly round’s opening and its findings from the streams they read (ADR 0067)', () => {
  describe(streamsToRead.name, () => {
    it('given a recorded opening, then it names the zone and the campaign at the versions the opening recorded reading', () => {
      expect(streamsToRead(round[0]!)).toEqual([
        { streamId: ZONE_STREAM, version: 1 },
        { streamId: CAMPAIGN_STREAM, version: 5 },
      ]);
    });

    it('given recorded findings, then it names the round at the version they recorded reading', () => {
      expect(streamsToRead(findings[0]!)).toEqual([{ streamId: ROUND_STREAM, version: 4 }]);
    });

    it('given a ranking, which reads only its own stream, then it names no other stream', () => {
      expect(streamsToRead(round[3]!)).toEqual([]);
    });
  });

  describe('the opening', () => {
    it('given the campaign at the version read, when replayed, then the theme and dates come from the quarter May lies in', () => {
      const sut = replayDecision(round, 0, { streamsRead });

      expect(sut.matches).toBe(true);
      expect(sut.replayed[0]).toMatchObject({ data: { theme: '喜迎建党90周年', cycleId: uuid(12), rubric: { version: 2 } } });
    });

    it('given its recorded theme was rewritten, when replayed, then the campaign’s theme at the version read differs from it', () => {
      const forged = [rewritten(round[0]!, (d) => ({ ...d, theme: '其他主题' })), ...round.slice(1)];

      const sut = replayDecision(forged, 0, { streamsRead });

      expect(sut.matches).toBe(false);
      expect(sut.recorded[0]).toMatchObject({ data: { theme: '其他主题' } });
      expect(sut.replayed[0]).toMatchObject({ data: { theme: '喜迎建党90周年' } });
    });

    it('given its recorded units were rewritten, when replayed, then the zone’s units at the version read differ from them', () => {
      const forged = [rewritten(round[0]!, (d) => ({ ...d, units: [VILLAGE] })), ...round.slice(1)];

      const sut = replayDecision(forged, 0, { streamsRead });

      expect(sut.matches).toBe(false);
      expect(sut.replayed[0]).toMatchObject({ data: { units: [TOWNSHIP, VILLAGE] } });
    });

    it('given the zone stream holds later events than the version read, when replayed, then only the version read counts', () => {
      // Folded past version 1, this event would make someone else the leader and refuse the opener.
      const later = [...zone, rewritten(zone[0]!, (d) => ({ ...d, leader: 'someone.else' }))];

      const sut = replayDecision(round, 0, { streamsRead: { ...streamsRead, [ZONE_STREAM]: later } });

      expect(sut.matches).toBe(true);
    });

    it('given the zone’s leader was rewritten in the zone stream, when replayed, then the opener is refused as no longer its leader', () => {
      const forgedZone = [rewritten(zone[0]!, (d) => ({ ...d, leader: 'someone.else' }))];

      const sut = replayDecision(round, 0, { streamsRead: { ...streamsRead, [ZONE_STREAM]: forgedZone } });

      expect(sut.matches).toBe(false);
      expect(sut.refusal).toBe(new ReviewedByTheZoneLeaderOrAnOrganizerAboveRule({ sub: '', role: '', orgId: '' }, '', []).code);
    });

    it('given the zone and campaign are not passed, when replayed, then it says which stream it needs', () => {
      expect(() => replayDecision(round, 0)).toThrow(MissingReplayFactError);
      expect(() => replayDecision(round, 0)).toThrow(`${ZONE_STREAM}@1`);
    });

    it('given the campaign holds fewer events than the version read, when replayed, then the campaign is a missing fact', () => {
      expect(() => replayDecision(round, 0, { streamsRead: { ...streamsRead, [CAMPAIGN_STREAM]: campaign.slice(0, 4) } })).toThrow(
        `${CAMPAIGN_STREAM}@5`,
      );
    });
  });

  describe('the findings', () => {
    it('given the round at the version read, when replayed, then its leader and units allow the findings at the village', () => {
      const sut = replayDecision(findings, 0, { streamsRead });

      expect(sut.refusal).toBeNull();
      expect(sut.matches).toBe(true);
    });

    it('given the findings were moved to another unit of the round in the record, when replayed, then the unit whose path was read differs', () => {
      const forged = [rewritten(findings[0]!, (d) => ({ ...d, orgId: TOWNSHIP }))];

      const sut = replayDecision(forged, 0, { streamsRead });

      expect(sut.matches).toBe(false);
      expect(sut.replayed[0]).toMatchObject({ data: { orgId: VILLAGE } });
    });

    it('given the round’s opening was rewritten to leave the village out, when the findings are replayed, then the village is refused as not in the round', () => {
      const forgedRound = [rewritten(round[0]!, (d) => ({ ...d, units: [TOWNSHIP] })), ...round.slice(1)];

      const sut = replayDecision(findings, 0, { streamsRead: { ...streamsRead, [ROUND_STREAM]: forgedRound } });

      expect(sut.matches).toBe(false);
      expect(sut.refusal).toBe(new ScoredUnitsAreInTheRoundRule(new Set(), []).code);
    });

    it('given the round is not passed, when replayed, then it says the round is needed', () => {
      expect(() => replayDecision(findings, 0, { streamsRead: { [ZONE_STREAM]: zone } })).toThrow(`${ROUND_STREAM}@4`);
    });
  });
});
