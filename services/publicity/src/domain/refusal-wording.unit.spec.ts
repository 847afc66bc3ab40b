import { BusinessRuleViolation } from '@vanguard/kernel';
import { ARTICLE_STATUS_LABEL, editArticle, publishIn, returnToDraft, submitForReview, type ArticleStatus } from './article/article';
import { mayChangeAttachmentsOf } from './content/attachment';
import { acceptExemplar, EXEMPLAR_STATUS_LABEL, takeDownExemplar, type ExemplarStatus } from './exemplar/exemplar';

/** The message of the refusal `f` throws, or undefined when it allows. */
const refusal = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof BusinessRuleViolation) return e.message;
    throw e;
  }
};
/** The Chinese half an editor reads: before the ' / ' that starts the English one. */
const chinese = (message: string) => message.split(/ ?\/ /)[0]!;

const ARTICLE_STATUSES = Object.keys(ARTICLE_STATUS_LABEL) as ArticleStatus[];
const EXEMPLAR_STATUSES = Object.keys(EXEMPLAR_STATUS_LABEL) as ExemplarStatus[];
const text = { title: '红石村合作社见闻', bodyHtml: '<p>正文</p>' };
const publication = { outlet: '人民日报', level: 'central', channel: 'press', publishedOn: '2026-05-01' } as const;
const exemplar = (status: ExemplarStatus) =>
  ({
    id: 'e',
    status,
    name: '张三',
    orgId: 'o',
    orgName: '红石村党支部',
    category: '优秀共产党员',
    story: '<p>事迹</p>',
    version: 1,
  }) as const;

describe('a refusal of a status', () => {
  it('names the status and the action in Chinese in its Chinese half, whatever the status, never a code', () => {
    const refused: [string, string][] = [];
    const note = (label: string, f: () => unknown) => {
      const m = refusal(f);
      if (m) refused.push([label, m]);
    };
    for (const s of ARTICLE_STATUSES) {
      const label = ARTICLE_STATUS_LABEL[s];
      note(label, () => submitForReview(s));
      note(label, () => returnToDraft(s));
      note(label, () => editArticle(s, text, { title: '新标题' }));
      note(label, () => publishIn(s, [], publication, '2026-05-02'));
      note(label, () => publishIn(s, ['人民日报'], { ...publication, outlet: '光明日报' }, '2026-05-02'));
      for (const change of ['attach', 'remove'] as const) note(label, () => mayChangeAttachmentsOf({ kind: 'article', status: s }, change));
    }
    for (const s of EXEMPLAR_STATUSES) {
      const label = EXEMPLAR_STATUS_LABEL[s];
      note(label, () => acceptExemplar(exemplar(s)));
      note(label, () => takeDownExemplar(exemplar(s), '事迹不实'));
      for (const change of ['attach', 'remove'] as const)
        note(label, () => mayChangeAttachmentsOf({ kind: 'exemplar', status: s }, change));
    }
    // Every status is refused something: draft is not reprinted, published not edited, and so on.
    expect(new Set(refused.map(([label]) => label))).toEqual(
      new Set([...Object.values(ARTICLE_STATUS_LABEL), ...Object.values(EXEMPLAR_STATUS_LABEL)]),
    );
    for (const [label, message] of refused) {
      expect(chinese(message)).not.toMatch(/[A-Za-z]/);
      expect(chinese(message)).toContain(label);
    }
  });
});
