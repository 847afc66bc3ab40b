import { Pool } from 'pg';
import {
  placesOf,
  nominationDecider,
  nominationStreamId,
  noticeDecider,
  noticeForObjection,
  noticeStreamId,
  objectionDecider,
  objectionStreamId,
  placesDecider,
  placesHeld,
  placesStreamId,
  programmeDecider,
  programmeFacts,
  programmeStreamId,
  NO_FACTS,
  type NominationCommand,
  type ProgrammeState,
} from '@vanguard/commendation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId } from '@vanguard/infra-config';
import type { Decider } from '@vanguard/kernel';
import type { StreamContext } from '../../application/ports/streams.port';
import { PostgresStreamsAdapter } from '../event-store/postgres-streams.adapter';
import { bootstrapDemoTree } from '@vanguard/auth';

// 松岭旗's commendations, recorded through the deciders with the dates they happened on (the
// 2011 programme decided, the 2012 one with nominations at every level and its notice running
// with an open objection). Ids are fixed, so a second run finds the first programme and adds nothing.

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HEKOU = demoOrgId('910425102');
const HONGSHI = demoOrgId('910425101201');
const id = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
export const DEMO_PROGRAMME_2011 = id(1);
export const DEMO_PROGRAMME_2012 = id(2);

const by = (role: string, orgId: string, sub: string) => ({ sub, role, orgId });
const organizer = by('organizer', COUNTY, 'county.organizer');
const township = by('organizer', BAIHUA, 'township.organizer');
const village = by('branch_secretary', HONGSHI, 'village.secretary');
const hekou = by('branch_secretary', HEKOU, 'other.township.secretary');
/**
 * The subject of the realm's `county.inspector` (infra/keycloak/vanguard-realm.json), whose id the
 * realm fixes so the seed knows whom the token names, as it does for the zone leaders (ADR 0067).
 * The seeded objection is concluded only by its investigator's token: assigned to the username, no
 * one could ever conclude it (403 OBJECTION.NOT_THE_INVESTIGATOR).
 */
export const COUNTY_INSPECTOR_SUBJECT = '00000000-0000-4000-a000-000000000100';
const inspector = by('inspector', COUNTY, COUNTY_INSPECTOR_SUBJECT);

const PATH = {
  [COUNTY]: [demoOrgId('91'), demoOrgId('9104'), COUNTY],
  [BAIHUA]: [demoOrgId('91'), demoOrgId('9104'), COUNTY, BAIHUA],
  [HEKOU]: [demoOrgId('91'), demoOrgId('9104'), COUNTY, HEKOU],
  [HONGSHI]: [demoOrgId('91'), demoOrgId('9104'), COUNTY, BAIHUA, HONGSHI],
};
const LEVEL = {
  [demoOrgId('91')]: 'province',
  [demoOrgId('9104')]: 'city',
  [COUNTY]: 'county',
  [BAIHUA]: 'township',
  [HEKOU]: 'township',
  [HONGSHI]: 'village',
} as const;
const withLevels = (orgId: string) => PATH[orgId]!.map((o) => ({ orgId: o, level: LEVEL[o]! }));

export interface DemoCommendationReport {
  readonly created: boolean;
  readonly events: number;
}

export async function seedCommendationDemo(databaseUrl: string): Promise<DemoCommendationReport> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await bootstrapDemoTree(pool);
    const streams = new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'commendation' }));
    if ((await streams.load(programmeStreamId(DEMO_PROGRAMME_2011), programmeDecider)).version > 0) return { created: false, events: 0 };
    let events = 0;
    const run = async <C, S, E extends { type: string; data: unknown }>(
      stream: string,
      decider: Decider<C, S, E>,
      command: C,
      actor: { sub: string; role: string; orgId: string },
    ) => {
      const { state, version } = await streams.load(stream, decider);
      const out = decider.decide(command, state);
      const ctx: StreamContext = {
        actor: { sub: actor.sub, roles: [actor.role], orgId: actor.orgId, kind: 'user' },
        orgId: actor.orgId,
        correlationId: 'demo-seed',
      };
      if (out.length > 0) await streams.append(stream, out, version, ctx);
      events += out.length;
      return out;
    };

    // 2011: the yearly 七一 commendation of the year before. 2012: seed 003's 专项表彰 closing the
    // campaign, before 七一, of 2010—2012年创先争优先进基层党组织、优秀共产党员.
    for (const [programmeId, year, name, years, reason] of [
      [DEMO_PROGRAMME_2011, 2011, '2011年“七一”集中表彰（演示）', [2010], '按照《关于开展创先争优活动的意见》部署七一表彰'],
      [
        DEMO_PROGRAMME_2012,
        2012,
        '2012年创先争优专项表彰（演示）',
        [2010, 2011, 2012],
        '创先争优活动总结，七一前对2010—2012年先进进行专项表彰',
      ],
    ] as const) {
      const stream = programmeStreamId(programmeId);
      await run(
        stream,
        programmeDecider,
        {
          type: 'LaunchAwardProgramme',
          data: {
            programmeId,
            name,
            orgId: COUNTY,
            level: 'county',
            categories: ['advanced_organization', 'outstanding_member'],
            years: [...years],
            timeline: {
              nominationOpensOn: `${year}-04-15`,
              nominationClosesOn: `${year}-05-10`,
              reviewDeadlines: [
                { level: 'township', dueOn: `${year}-05-20` },
                { level: 'county', dueOn: `${year}-05-31` },
              ],
              notice: { days: 7, dayKind: 'working' },
              decisionOn: `${year}-06-28`,
            },
            // The demo's evaluation facts reach this service only once it runs, after the seed: no policy is held here.
            eligibilityPolicies: [],
            awardingOrgLevel: 'county',
            decidedBy: organizer,
            reason,
          },
        },
        organizer,
      );
      for (const [unit, category, places] of [
        [BAIHUA, 'outstanding_member', 5],
        [BAIHUA, 'advanced_organization', 2],
        [HEKOU, 'outstanding_member', 3],
      ] as const)
        await run(
          stream,
          programmeDecider,
          {
            type: 'AllocateQuota',
            data: { unitOrgId: unit, unitOrgPath: PATH[unit]!, category, places, today: `${year}-04-15`, decidedBy: organizer },
          },
          organizer,
        );
    }

    const programmeOf = async (programmeId: string): Promise<ProgrammeState> =>
      (await streams.load(programmeStreamId(programmeId), programmeDecider)).state;
    let next = 10;
    /** The unit's places as its stream holds them (ADR 0043), and the place taken or given back there. */
    const placesStream = (programmeId: string, unit: string) => placesStreamId(programmeId, unit);
    const held = async (
      programmeId: string,
      unit: string,
      category: 'outstanding_member' | 'advanced_organization',
      level: 'nominator' | 'township' | 'county',
    ) => placesHeld((await streams.load(placesStream(programmeId, unit), placesDecider)).state, category, level);
    /** Submits a nomination on `day`, by `who`, and walks it through `steps` (endorse/return/reject by each level). */
    const nominate = async (
      programmeId: string,
      year: number,
      who: typeof village,
      nominee: { kind: 'member' | 'organization'; id: string; name: string; orgId: string; orgName: string },
      category: 'outstanding_member' | 'advanced_organization',
      summary: string,
      steps: ('endorse' | 'return' | 'reject')[],
    ) => {
      const nominationId = id(next++);
      const state0 = await programmeOf(programmeId);
      const programme = programmeFacts(state0);
      const unit = who.orgId === HEKOU ? HEKOU : BAIHUA;
      const places = placesOf(state0, unit, category);
      const stream = nominationStreamId(nominationId);
      const grant = async (level: 'nominator' | 'township' | 'county', by: typeof village) => {
        const { version } = await streams.load(stream, nominationDecider);
        await run(
          placesStream(programmeId, unit),
          placesDecider,
          {
            type: 'GrantPlace',
            data: {
              programmeId,
              unitOrgId: unit,
              category,
              level,
              nominationId,
              places,
              programme: { streamId: programme.streamId, version: programme.version },
              nomination: { streamId: stream, version: version - 1 },
              decidedBy: by,
            },
          },
          by,
        );
      };
      const reviewers = { township, county: organizer };
      await run(
        stream,
        nominationDecider,
        {
          type: 'SubmitNomination',
          data: {
            nominationId,
            category,
            nominee,
            deeds: { summary, record: `${summary}。（演示材料）` },
            nominatorOrgPath: withLevels(who.orgId),
            nomineeOrgPath: PATH[nominee.orgId]!,
            programme,
            quota: { places, used: await held(programmeId, unit, category, 'nominator') },
            alreadyNominated: null,
            eligibility: NO_FACTS,
            today: `${year}-04-20`,
            decidedBy: who,
          },
        },
        who,
      );
      await grant('nominator', who);
      for (const step of steps) {
        const { state } = await streams.load(stream, nominationDecider);
        const level = state.chain[state.atStep]!.level as 'township' | 'county';
        const reviewer = reviewers[level];
        const command: NominationCommand =
          step === 'endorse'
            ? {
                type: 'EndorseNomination',
                data: {
                  decidedBy: reviewer,
                  reason: '事迹属实，同意上报',
                  today: `${year}-05-15`,
                  programme: { streamId: programme.streamId, version: programme.version },
                  quota: { places, used: await held(programmeId, unit, category, level) },
                },
              }
            : step === 'return'
              ? { type: 'ReturnNomination', data: { decidedBy: reviewer, reason: '事迹材料过于简略，请补充具体数据' } }
              : { type: 'RejectNomination', data: { decidedBy: reviewer, reason: '近年群众满意度偏低，不予推荐' } };
        const { state: before, version: read } = await streams.load(stream, nominationDecider);
        const out = await run(stream, nominationDecider, command, reviewer);
        if (step === 'endorse') await grant(level, reviewer);
        if (step === 'reject')
          await run(
            placesStream(programmeId, unit),
            placesDecider,
            {
              type: 'ReleasePlaces',
              data: {
                programmeId,
                unitOrgId: unit,
                category,
                nominationId,
                because: 'rejected',
                status: out.reduce((st, e) => nominationDecider.evolve(st, e), before).status,
                nomination: { streamId: stream, version: read },
                decidedBy: reviewer,
              },
            },
            reviewer,
          );
      }
      return nominationId;
    };
    const member = (n: number, name: string) => ({
      kind: 'member' as const,
      id: id(100 + n),
      name,
      orgId: HONGSHI,
      orgName: '红石村党支部',
    });
    const hongshi = { kind: 'organization' as const, id: HONGSHI, name: '红石村党支部', orgId: HONGSHI, orgName: '红石村党支部' };

    // 2011: one member commended by decision, after the notice ran with no objection.
    const decided = await nominate(
      DEMO_PROGRAMME_2011,
      2011,
      village,
      member(1, '张明'),
      'outstanding_member',
      '带领群众硬化村道八公里，建成蔬菜大棚示范园',
      ['endorse', 'endorse'],
    );
    await publish(DEMO_PROGRAMME_2011, '2011-06-01');
    await run(
      nominationStreamId(decided),
      nominationDecider,
      {
        type: 'DecideCommendation',
        data: {
          decidedBy: organizer,
          documentNumber: '松组发〔2011〕12号',
          today: '2011-06-20',
          notice: await noticeFacts(DEMO_PROGRAMME_2011, decided),
          openObjections: [],
          closedObjections: [], // the 2011 programme drew no objection
        },
      },
      organizer,
    );

    // 2012: a nomination at every stage, the shortlist under notice with one open objection.
    await nominate(DEMO_PROGRAMME_2012, 2012, village, member(2, '李华'), 'outstanding_member', '创办养殖合作社，带动二十户增收', []);
    await nominate(DEMO_PROGRAMME_2012, 2012, village, member(3, '王芳'), 'outstanding_member', '坚持义务巡河五年', ['endorse']);
    await nominate(DEMO_PROGRAMME_2012, 2012, village, member(4, '赵强'), 'outstanding_member', '组织党员志愿服务队', ['return']);
    await nominate(
      DEMO_PROGRAMME_2012,
      2012,
      hekou,
      { kind: 'member', id: id(105), name: '陈亮', orgId: HEKOU, orgName: '河口镇党委' },
      'outstanding_member',
      '推动镇村便民服务中心建设',
      ['reject'],
    );
    const shortlisted = await nominate(
      DEMO_PROGRAMME_2012,
      2012,
      village,
      hongshi,
      'advanced_organization',
      '“五个好”村党组织，群众满意度连续两年第一',
      ['endorse', 'endorse'],
    );
    await publish(DEMO_PROGRAMME_2012, '2012-06-11');
    const objectionId = id(900);
    const notice = noticeForObjection((await streams.load(noticeStreamId(DEMO_PROGRAMME_2012), noticeDecider)).state)!;
    await run(
      objectionStreamId(objectionId),
      objectionDecider,
      {
        type: 'FileObjection',
        data: {
          objectionId,
          trackingCode: 'DEMO-2012-0001',
          nominationId: shortlisted,
          named: false,
          hasContact: false,
          grounds: '反映该村部分账目公开不及时，请核实',
          today: '2012-06-12',
          notice,
        },
      },
      { sub: 'public', role: 'public', orgId: COUNTY },
    );
    await run(
      objectionStreamId(objectionId),
      objectionDecider,
      {
        type: 'AssignObjection',
        data: { decidedBy: inspector, investigator: inspector, awardingOrgPath: PATH[COUNTY]!, reason: '交旗纪委核查' },
      },
      inspector,
    );
    return { created: true, events };

    async function publish(programmeId: string, today: string): Promise<void> {
      const programme = programmeFacts(await programmeOf(programmeId));
      const entries = [];
      for (let n = 10; n < next; n++) {
        const { state, version } = await streams.load(nominationStreamId(id(n)), nominationDecider);
        if (state.programmeId !== programmeId || state.status !== 'shortlisted') continue;
        entries.push({
          nominationId: id(n),
          version,
          status: state.status,
          programmeId,
          category: state.category!,
          name: state.nominee!.name,
          orgName: state.nominee!.orgName,
          deedsSummary: state.deeds!.summary,
        });
      }
      await run(
        noticeStreamId(programmeId),
        noticeDecider,
        {
          type: 'PublishNotice',
          data: {
            programme,
            entries,
            calendar: { holidays: ['2011-06-06', '2012-06-22'], makeUpWorkdays: [] },
            today,
            decidedBy: organizer,
            reason: '拟表彰对象公示',
          },
        },
        organizer,
      );
    }

    async function noticeFacts(programmeId: string, nominationId: string) {
      const { state } = await streams.load(noticeStreamId(programmeId), noticeDecider);
      return {
        streamId: noticeStreamId(programmeId),
        version: state.version,
        round: state.round,
        endsOn: state.endsOn!,
        listed: state.entries.some((e) => e.nominationId === nominationId),
      };
    }
  } finally {
    await pool.end();
  }
}
