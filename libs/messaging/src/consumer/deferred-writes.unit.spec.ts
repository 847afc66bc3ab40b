import type { InboxItem } from '../inbox/inbox.port';
import { runClaimed } from '../inbox/inbox.port';
import { DeferredWrites } from './deferred-writes';

const item = (eventId: string): InboxItem => ({
  event: { eventId } as InboxItem['event'],
  origin: { topic: 't', partition: 0, offset: '0' },
});

describe('deferred writes of an inbox transaction', () => {
  it('give every handler the same collector per key and flush them once, in order of first use', async () => {
    const sent: string[] = [];
    const collector = (name: string) => {
      const rows: string[] = [];
      return { rows, flush: (tx: string) => Promise.resolve(void sent.push(`${tx}:${name}:${rows.join(',')}`)) };
    };
    const d = new DeferredWrites<string>();
    d.get('facts', () => collector('facts')).rows.push('a');
    d.get('orgs', () => collector('orgs')).rows.push('x');
    d.get('facts', () => collector('other')).rows.push('b');
    await d.flush('tx1');
    await d.flush('tx1');
    expect(sent).toEqual(['tx1:facts:a,b', 'tx1:orgs:x']);
  });

  it('run the batch finish after the effects of the claimed events, and not when every event was a duplicate', async () => {
    const order: string[] = [];
    const effect = (_tx: unknown, i: InboxItem) => Promise.resolve(void order.push(i.event.eventId));
    const finish = () => Promise.resolve(void order.push('finish'));
    const none = () => false;
    await runClaimed('tx', none, [item('e1'), item('e2'), item('e3')], ['e1', 'e3'], effect, finish);
    expect(order).toEqual(['e1', 'e3', 'finish']);

    order.length = 0;
    const r = await runClaimed('tx', none, [item('e1')], [], effect, finish);
    expect([r.claimed, order]).toEqual([false, []]);
  });
});
