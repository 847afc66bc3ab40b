import type { ContractData, TrainingClassOpened } from '@vanguard/contracts';

/** 培训对象: branch secretaries, new members, village-official graduates, private-enterprise party leaders, members. */
export type TrainingTargetGroup = ContractData<typeof TrainingClassOpened>['targetGroup'];
