import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import request from 'supertest';
import { SERVICES, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { issueCodes, openVillageWindow } from './support/village-window';

const PAGE_LOADS_PER_MINUTE = 30;

/**
 * The page a slip's QR code opens, served by the service and driven as a phone would: its own
 * inline script runs against the page's fields and the real ballot endpoint over HTTP.
 */
describe('the voting page (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let base: string;
  let secretary: string;
  const http = () => request(app.getHttpServer());
  const inlineScript = (html: string) => /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const ballotsIn = async (windowId: string) =>
    (
      await db.query<{ rating: string; comment: string | null }>(
        `select rating, comment from evaluation.mass_evaluation_ballot where window_id = $1`,
        [windowId],
      )
    ).rows;

  /** Runs the page's script over a minimal document: the elements it looks up, the address and history. */
  const openPage = (html: string, hash: string) => {
    const fields = { code: { value: '' }, rating: { value: '' }, comment: { value: '' } };
    const status = { textContent: '' };
    const button = { disabled: false };
    const location = { hash, pathname: '/vote', search: '' };
    const addresses: string[] = [];
    let onSubmit: ((e: { preventDefault(): void }) => Promise<void>) | undefined;
    const form = { elements: fields, addEventListener: (_: string, f: typeof onSubmit) => (onSubmit = f) };
    runInNewContext(inlineScript(html), {
      document: { getElementById: (id: string) => ({ ballot: form, status, submit: button })[id] },
      location,
      history: { replaceState: (_: unknown, __: string, url: string) => addresses.push(url) },
      URLSearchParams,
      // A browser resolves the script's relative address against the page's.
      fetch: (url: string, init: RequestInit) => fetch(new URL(url, `${base}/vote`), init),
    });
    return { fields, status, button, addresses, submit: () => onSubmit!({ preventDefault: () => undefined }) };
  };

  const windowWithLinks = async (count: number) => {
    const windowId = await openVillageWindow(app, secretary, count);
    const issued = await issueCodes(app, secretary, windowId, count);
    expect(issued.status).toBe(201);
    return { windowId, links: issued.body.links as string[], codes: issued.body.codes as string[] };
  };

  beforeAll(async () => {
    process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'] = '100000';
    process.env['EVALUATION_VOTE_PAGE_RPM'] = String(PAGE_LOADS_PER_MINUTE);
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    secretary = await tokenFor('township.secretary');
  });
  afterAll(async () => {
    delete process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'];
    delete process.env['EVALUATION_VOTE_PAGE_RPM'];
    await db?.end();
    await app?.close();
  });

  it('serves a Chinese page whose policy admits its own inline script and style and nothing else', async () => {
    const res = await http().get('/vote');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1]!;
    const policy = String(res.headers['content-security-policy']);
    expect(policy).toContain(`script-src ${sha(inlineScript(res.text))}`);
    expect(policy).toContain(`style-src ${sha(style)}`);
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect([...res.text.matchAll(/name="rating" value="([^"]+)"> (\S+)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['satisfied', '满意'],
      ['basically_satisfied', '基本满意'],
      ['dissatisfied', '不满意'],
    ]);
  });

  it("casts a slip's ballot from the link its QR code carries, and takes the code out of the address", async () => {
    const { windowId, links, codes } = await windowWithLinks(2);
    const link = new URL(links[0]!);
    // Unconfigured, the slips open this service's own page, not a console that may not exist.
    expect(link.origin + link.pathname).toBe(`http://127.0.0.1:${SERVICES.evaluation}/vote`);
    const page = openPage((await http().get('/vote')).text, link.hash);

    expect(page.fields.code.value).toBe(codes[0]);
    expect(page.addresses).toEqual(['/vote']);
    page.fields.rating.value = 'basically_satisfied';
    page.fields.comment.value = '  路灯修好了  ';
    await page.submit();

    expect(page.status.textContent).toMatch(/^已计入/);
    expect(page.fields.code.value).toBe('');
    expect(await ballotsIn(windowId)).toEqual([{ rating: 'basically_satisfied', comment: '路灯修好了' }]);
  });

  it('says a used code is refused, and counts nothing more', async () => {
    const { windowId, links } = await windowWithLinks(1);
    const html = (await http().get('/vote')).text;
    const first = openPage(html, new URL(links[0]!).hash);
    first.fields.rating.value = 'satisfied';
    await first.submit();
    const again = openPage(html, new URL(links[0]!).hash);
    again.fields.rating.value = 'dissatisfied';
    await again.submit();

    expect(again.status.textContent).toBe('投票码无效或已使用，或本次评议不在投票期内。');
    expect(again.button.disabled).toBe(false);
    expect((await ballotsIn(windowId)).map((b) => b.rating)).toEqual(['satisfied']);
  });

  it("shows the endpoint's reason for a comment past the limit, and asks for a rating before sending", async () => {
    const { windowId, links } = await windowWithLinks(1);
    const page = openPage((await http().get('/vote')).text, new URL(links[0]!).hash);
    await page.submit();
    expect(page.status.textContent).toBe('请选择满意、基本满意或不满意。');

    page.fields.rating.value = 'satisfied';
    page.fields.comment.value = '长'.repeat(501);
    await page.submit();

    expect(page.status.textContent).toMatch(/^请检查填写内容：.*500/);
    expect(await ballotsIn(windowId)).toEqual([]);
  });

  it('refuses to vote from an address without a window, such as a link typed by hand', async () => {
    const page = openPage((await http().get('/vote')).text, '#c=ABCD-EFGH-JKMN-PQRS');

    expect(page.status.textContent).toMatch(/^链接不完整/);
    expect(page.button.disabled).toBe(true);
  });

  it('limits how often one address may load the page', async () => {
    const answers = await Promise.all(Array.from({ length: PAGE_LOADS_PER_MINUTE + 5 }, () => http().get('/vote')));
    const refused = answers.filter((r) => r.status === 429);

    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused.every((r) => Number(r.headers['retry-after']) > 0 && r.body.code === 'LIMIT.TOO_MANY')).toBe(true);
  });
});
