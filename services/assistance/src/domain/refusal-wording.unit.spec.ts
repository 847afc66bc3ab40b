import { projectStatusSchema } from '@vanguard/contracts';
import { FundsMoveOnlyWhileTheProjectIsOpen } from './funds/funds.rules';
import { PROJECT_STATUS_LABEL, ProjectMustBeInState } from './project/project.rules';

/** The Chinese half a township's staff read: before the ' / ' that starts the English one. */
const chinese = (message: string) => message.split(/ ?\/ /)[0]!;

describe('a refusal naming a project’s status', () => {
  it('names it in Chinese in its Chinese half (项目已立项), never by its code', () => {
    let refused = 0;
    for (const status of projectStatusSchema.options) {
      for (const rule of [new FundsMoveOnlyWhileTheProjectIsOpen(status), new ProjectMustBeInState(status, ['approved'], 'start')]) {
        if (!rule.isBroken()) continue;
        refused++;
        expect(chinese(rule.message)).not.toMatch(/[A-Za-z]/);
        expect(chinese(rule.message)).toContain(`项目${PROJECT_STATUS_LABEL[status]}`);
      }
    }
    expect(refused).toBe(3 + 5);
  });
});
