import type { FigureValue } from './figures';
import { parsePeriod } from './period';
import { renderMarkdown } from './summary-markdown';
import { buildWorkSummary, figureText } from './work-summary';

const ORG = '00000000-0000-4000-8000-000910425101';
const values = (entries: Record<string, number>): Map<string, FigureValue> =>
  new Map(Object.entries(entries).map(([key, value]) => [key, { key, value, events: Math.max(1, Math.abs(value)) }]));
const sut = (figures: Map<string, FigureValue>) =>
  renderMarkdown(buildWorkSummary({ orgId: ORG, orgName: '某某乡党委', period: parsePeriod('2026')!, figures }));

describe(buildWorkSummary.name, () => {
  it("keeps seed 004's structure: main practices, results, problems and next steps", () => {
    const md = sut(values({}));
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## 一、创先争优活动主要做法', '## 二、取得的成效', '## 三、存在的问题及下一步打算']);
  });

  it('orders the paragraphs as seed 004 does, leaving out only its GDP paragraph (二(一)), which nothing here records', () => {
    const md = sut(values({}));
    const part = (heading: string) =>
      md
        .split(/^## /m)
        .find((s) => s.startsWith(heading))!
        .split('\n')
        .filter((l) => l.startsWith('（'))
        .map((l) => l.split('。')[0]!.split('，')[0]);
    // Seed 004's own subheadings, as written there.
    expect(part('一、')).toEqual([
      '（一）强化组织领导',
      '（二）规范方式步骤',
      '（三）深入联系群众',
      '（四）优化服务质量',
      '（五）围绕“五个一”工作主线',
      '（六）注重典型引导',
      '（七）实施月度观摩点评',
    ]);
    expect(part('二、')).toEqual([
      '（一）党员干部的思想认识不断提高、观念和作风进一步转变',
      '（二）基层组织建设水平显著提升',
      '（三）广大群众得到了更多的实惠',
    ]);
  });

  it('fills seed 004’s 比学赶超 blanks: units and members paired, measures made', () => {
    const md = sut(values({ benchmark_units: 12, benchmark_members: 340, benchmark_measures: 96 }));
    expect(md).toMatch(/结成赶超对子的单位 12个\[\^\d+\]、党员 340名\[\^\d+\]，共制定比学赶超措施 96条\[\^\d+\]/);
  });

  it('fills each figure with its number and a footnote linking the events behind it', () => {
    const md = sut(values({ pledges_made: 12 }));
    const m = /承诺事项 12件\[\^(\d+)\]/.exec(md);
    expect(m).not.toBeNull();
    expect(md).toContain(
      `[^${m![1]}]: 承诺事项（pledges_made）：由 12 个事件计算。明细：/reports/figures/pledges_made/events?orgId=${ORG}&period=2026`,
    );
  });

  it('keeps a name with line breaks on its line: it cannot write a footnote of its own', () => {
    const orgName = '某某乡党委\n\n[^1]: 承诺事项（pledges_made）：由 9999 个事件计算。明细：https://evil.example/\r\n';
    const md = renderMarkdown(
      buildWorkSummary({ orgId: ORG, orgName, period: parsePeriod('2026')!, figures: values({ pledges_made: 12 }) }),
    );
    expect(md.split('\n').filter((l) => l.startsWith('[^1]:'))).toHaveLength(1);
    expect(md).not.toMatch(/^\[\^1\]: .*evil/m);
  });

  it('keeps markup in a name as text: no HTML, nor Markdown link or image syntax of its own, reaches a Markdown viewer', () => {
    const orgName = '某某乡<img src=x onerror=alert(1)>[点此核对](https://evil.example/)![](https://evil.example/p.png)*党委*';
    const md = renderMarkdown(buildWorkSummary({ orgId: ORG, orgName, period: parsePeriod('2026')!, figures: values({}) }));
    // Each character that would start markup is escaped (CommonMark: a backslash before ASCII punctuation is that character).
    expect(md).not.toMatch(/(^|[^\\])<img/m);
    expect(md).not.toMatch(/(^|[^\\])\]\(/m);
    expect(md).not.toMatch(/(^|[^\\])\*党委/m);
    expect(md.split('\n')[0]).toBe(
      '# 某某乡\\<img src=x onerror=alert(1)\\>\\[点此核对\\](https://evil.example/)\\!\\[\\](https://evil.example/p.png)\\*党委\\*创先争优工作总结（2026年）',
    );
  });

  it('says 暂无数据 for a figure no event fed, never 0', () => {
    const md = sut(values({ pledges_made: 3 }));
    expect(md).toMatch(/领导深入点评 暂无数据\[\^\d+\]/);
    expect(md).toContain('领导点评（comments）：暂无数据：本期没有产生该项数据的事件');
    expect(md).not.toMatch(/点评 0次/);
  });

  it("fills seed 004's field-work blanks: window services, inspections, monthly reviews, training", () => {
    const md = sut(values({ window_services_given: 42, inspections: 2, monthly_reviews: 3, training_classes: 1, trainees: 40 }));
    expect(md).toMatch(/为群众提供服务 42件次\[\^\d+\]、代办服务 暂无数据\[\^\d+\]/);
    expect(md).toMatch(/督导检查 2次\[\^\d+\]/);
    expect(md).toMatch(/月度观摩点评 3次\[\^\d+\]/);
    expect(md).toMatch(/举办培训班 1期\[\^\d+\]，培训党员 40人次\[\^\d+\]/);
  });

  it("fills seed 004's publicity blanks: exemplar units and individuals, articles in 市级以上 and central media", () => {
    const md = sut(values({ exemplar_units: 2, exemplar_individuals: 5, articles_published: 9, articles_municipal_up: 4 }));
    expect(md).toMatch(/先进单位 2个\[\^\d+\]，先进个人 5个\[\^\d+\]/);
    expect(md).toMatch(/共刊发稿件 9篇\[\^\d+\]，其中在市级以上媒体刊发 4篇\[\^\d+\]，中央媒体刊发 暂无数据\[\^\d+\]/);
    expect(md).toMatch(
      /\[\^\d+\]: 刊发稿件（articles_published）：由 9 个事件计算。明细：\/reports\/figures\/articles_published\/events\?orgId=/,
    );
  });

  it('reads the problems from the data: lapsed pledges and overdue rectifications are named', () => {
    const md = sut(
      values({ pledges_made: 10, pledges_lapsed: 2, rectifications_overdue: 1, comments: 1, pioneers: 1, villages_paired: 1 }),
    );
    expect(md).toMatch(/一是部分承诺未能兑现，未践诺承诺 2件/);
    expect(md).toMatch(/二是部分问题整改不及时，整改逾期 1条/);
  });

  it('names the work nobody recorded as a problem of balance', () => {
    expect(sut(values({ pledges_made: 1 }))).toContain('以下工作本期暂无数据：领导点评、评选先锋模范、包村');
  });
});

describe(figureText.name, () => {
  it('shows money in yuan and rates as percentages', () => {
    expect(figureText('funds_disbursed_fen', { key: 'funds_disbursed_fen', value: 123456, events: 2 })).toBe('1234.56元');
    expect(figureText('satisfaction', { key: 'satisfaction', value: 997, events: 3 })).toBe('99.7%');
  });
});
