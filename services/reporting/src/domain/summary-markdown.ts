import { FIGURE_BY_KEY } from './figures';
import { figureText, figuresMentioned, type WorkSummary } from './work-summary';

/** Where the events behind a figure are listed (relative to the service). */
export function traceLink(figure: string, orgId: string, period: string): string {
  return `/reports/figures/${figure}/events?orgId=${orgId}&period=${period}`;
}

/**
 * Text on one line: an organisation's name may hold line breaks, and a line of its own starting
 * `[^1]:` would read as a footnote of the summary's own making.
 */
const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ');

/**
 * Text as Markdown shows it, on one line: an organisation named `<img onerror=…>` or
 * `[核对](https://…)` wrote HTML, a link or an image into the summary for any viewer that renders
 * it. Every ASCII character that starts markup gets a backslash (CommonMark: a backslash before
 * ASCII punctuation is that character), so the name reads as it was typed. A bare address in a
 * name stays text here; a GFM viewer's autolink extension may still show it as a link, as in any text.
 */
const plain = (text: string) => oneLine(text).replace(/[\\`*_[\]<>!&|~]/g, '\\$&');

/**
 * The summary as Markdown: each figure followed by a footnote `[^n]` whose note names the
 * figure, how many events produced it and the endpoint that lists them.
 */
export function renderMarkdown(summary: WorkSummary): string {
  const order = figuresMentioned(summary);
  const note = (key: string) => order.indexOf(key) + 1;
  const lines: string[] = [`# ${plain(summary.title)}`, ''];
  for (const section of summary.sections) {
    if (section.heading) lines.push(`## ${plain(section.heading)}`, '');
    for (const p of section.paragraphs) {
      lines.push(
        p
          .map((seg) =>
            'text' in seg ? plain(seg.text) : `${figureText(seg.figure, summary.figures.get(seg.figure))}[^${note(seg.figure)}]`,
          )
          .join(''),
        '',
      );
    }
  }
  lines.push('---', '');
  for (const key of order) {
    const v = summary.figures.get(key);
    const label = FIGURE_BY_KEY.get(key)?.label ?? key;
    const basis = !v || v.value === null ? '暂无数据：本期没有产生该项数据的事件' : `由 ${v.events} 个事件计算`;
    lines.push(`[^${note(key)}]: ${label}（${key}）：${basis}。明细：${traceLink(key, summary.orgId, summary.period.key)}`);
  }
  lines.push('');
  return lines.join('\n');
}
