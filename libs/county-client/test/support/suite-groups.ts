import {
  COUNTY_INBOUND_TOPIC,
  CountyMemberLinked,
  MEMBER_STATE_TOPIC,
  ORGANIZATION_STATE_TOPIC,
  OrganizationRegistered,
  contextTopic,
} from '@vanguard/contracts';
import { SuiteGroups } from '@vanguard/testing';

const STATE = [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC];

/** Every consumer group the spawned organization, evaluation and assistance join, with the topics it reads. */
export const suiteGroups = (prefix: string) =>
  new SuiteGroups(prefix, {
    'evaluation.org-tree': [OrganizationRegistered.topic],
    'evaluation.roster.v2': STATE,
    'evaluation.county-member-links': [CountyMemberLinked.topic],
    'evaluation.county-inbound': [COUNTY_INBOUND_TOPIC],
    'assistance.roster': STATE,
    'assistance.county-member-links': [CountyMemberLinked.topic],
    'assistance.county-inbound': [COUNTY_INBOUND_TOPIC],
    'organization.county-inbound': [COUNTY_INBOUND_TOPIC],
    'organization.county-decisions': [contextTopic('evaluation'), contextTopic('commendation'), contextTopic('organization')],
  });
