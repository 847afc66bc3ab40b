import { trainingClassDecider } from '@vanguard/evaluation-domain';
import { TrainingClassHandler, trainingClassStream } from '../../application/commands/training/training-class.handler';
import { InMemoryRoster } from '../../application/testing/in-memory-roster';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeed } from './demo-support';

/** Training's demo ids: from 70,000,000 (demo-support lists the other slices' blocks). */
const FIRST = 70_000_000;

/**
 * 白桦镇's November 2010 class for branch secretaries and members at the county party school, with
 * three of 红石村's members the reviews seed reviews for 2010 (synthetic, not in the organization
 * roster, so the handler asks a roster that has them): two complete, one attended too little.
 * Idempotent: an opened class is left as it is.
 */
export const seedDemoTraining: DemoSeed = async ({ streams, tree }) => {
  const classId = demoId(FIRST);
  if ((await streams.load(trainingClassStream(classId), trainingClassDecider)).version > 0)
    return { slice: 'training', created: false, events: 0 };
  const trainees = [0, 1, 2].map((i) => demoId(30_000_000 + i));
  const roster = new InMemoryRoster({
    parents: {},
    members: trainees.map((id) => ({ id, orgId: VILLAGE, status: 'full' as const, active: true, roles: [] })),
  });
  const county = as(COUNTY, 'organizer');
  const handler = (day: string) => new TrainingClassHandler(streams, tree, roster, on(day), demoIds(FIRST));
  await handler('2010-10-20').open(
    {
      orgId: TOWNSHIP,
      topic: '村党组织书记和党员骨干创先争优专题培训班',
      base: '松岭旗委党校',
      targetGroup: 'branch_secretaries',
      startsOn: '2010-11-08',
      endsOn: '2010-11-12',
      sessions: 10,
      reason: '2010 年基层党员干部培训计划',
    },
    county,
  );
  await handler('2010-10-25').enrol(classId, trainees, '按花名册报名', county);
  await handler('2010-11-13').attendance(
    classId,
    trainees.map((memberId, i) => ({ memberId, sessionsAttended: [10, 8, 5][i]! })),
    '结业考勤',
    county,
  );
  return { slice: 'training', created: true, events: 3 };
};
