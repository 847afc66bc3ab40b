import type { NamedRefinement } from '../refinements';

/** The first calendar day (`YYYY-MM-DD`) of a quarter (`2011-Q2` → `2011-04-01`). */
export function firstDayOfQuarter(quarter: string): string {
  const [year, q] = quarter.split('-Q');
  const month = (Number(q) - 1) * 3 + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

interface Progress {
  quarter: string;
  itemsPledged: number;
  itemsCompleted: number;
  reportedOn: string;
}

export const progressFitsPledgeAndQuarter: NamedRefinement<Progress> = {
  name: 'progress-fits-pledge-and-quarter',
  version: 1,
  description: 'itemsCompleted ≤ itemsPledged; reportedOn not before the quarter began',
  onlyWhenFieldsAreValid: true,
  check: (p, ctx) => {
    if (p.itemsCompleted > p.itemsPledged) {
      ctx.addIssue({
        code: 'custom',
        path: ['itemsCompleted'],
        message: `itemsCompleted (${p.itemsCompleted}) exceeds itemsPledged (${p.itemsPledged})`,
      });
    }
    const start = firstDayOfQuarter(p.quarter);
    if (p.reportedOn < start) {
      ctx.addIssue({
        code: 'custom',
        path: ['reportedOn'],
        message: `reportedOn (${p.reportedOn}) is before quarter ${p.quarter} began (${start})`,
      });
    }
  },
};
