import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from './vocabulary';

// 转正 (ADR 0155). Ids and a day only, as MemberTransferred: the decision feed copies it to the
// member's county, which may read no name.

const id = z.uuid();

export const MemberBecameFull = defineContract({
  context: 'organization',
  name: 'MemberBecameFull',
  version: 1,
  stream: 'member',
  description:
    'A probationary member became a full member (预备党员转正), whoever recorded it: the console ' +
    '(`POST /members/:id/full`, `fullOn` the day his probation ended) or a county roster stating him full ' +
    '(`fullOn` the day the platform applied it). Published once per 转正, on his stream; `orgId` is the ' +
    'organisation he belongs to when it is recorded, so his county’s decision topic carries it.',
  schema: z.object({
    memberId: id,
    orgId: id,
    fullOn: daySchema,
  }),
});

export const probationContracts = [MemberBecameFull] as const;
