import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import type { CommandContext } from '../../../application/commands/command-context';
import type { IssueBallotCodesHandler, IssuedCodes } from '../../../application/commands/mass-evaluation/issue-ballot-codes.handler';
import type { BallotOptions } from '../../../infrastructure/mass-evaluation/ballot-options';
import { MassEvaluationsHttpController } from './mass-evaluations.http.controller';

/** A response as the controller sees it once the codes exist: already closed, or closing later with what it sent. */
const response = (destroyed: boolean) => Object.assign(new EventEmitter(), { destroyed, headersSent: false, statusCode: 201 });

describe('MassEvaluationsHttpController: codes whose answer never left (ADR 0147)', () => {
  const voided: IssuedCodes[] = [];
  const handler = {
    voidUndelivered: (batch: IssuedCodes) => {
      voided.push(batch);
      return Promise.resolve(batch.codes.length);
    },
  } as unknown as IssueBallotCodesHandler;
  const sut = new MassEvaluationsHttpController(
    ...([
      null,
      handler,
      null,
      null,
      null,
      { voteUrl: 'https://vote.example.org/vote' } as BallotOptions,
    ] as unknown as ConstructorParameters<typeof MassEvaluationsHttpController>),
  );
  const batch = { codes: ['ABCD-EFGH-JKMN-PQRS'], issued: 1, window: { state: { windowId: 'w1' } } } as unknown as IssuedCodes;
  const watch = (res: ReturnType<typeof response>) =>
    (sut as unknown as { voidUnlessDelivered(r: Response, b: IssuedCodes, c: CommandContext): void }).voidUnlessDelivered(
      res as unknown as Response,
      batch,
      {} as CommandContext,
    );

  beforeEach(() => voided.splice(0));

  it('voidUnlessDelivered_WhenTheIssuerHungUpBeforeTheCodesExisted_VoidsThemAtOnce', () => {
    watch(response(true));
    expect(voided).toEqual([batch]);
  });

  it('voidUnlessDelivered_WhenTheAnswerClosesBeforeItsHeadersWent_VoidsThem', () => {
    const res = response(false);
    watch(res);
    expect(voided).toEqual([]);
    res.emit('close');
    expect(voided).toEqual([batch]);
  });

  it('voidUnlessDelivered_WhenAnErrorWasSentInsteadOfTheCodes_VoidsThem', () => {
    const res = Object.assign(response(false), { headersSent: true, statusCode: 500 });
    watch(res);
    res.emit('close');
    expect(voided).toEqual([batch]);
  });

  it('voidUnlessDelivered_WhenTheCodesBeganToLeave_KeepsThemEvenIfCutOff', () => {
    const res = Object.assign(response(false), { headersSent: true, statusCode: 201 });
    watch(res);
    res.emit('close');
    expect(voided).toEqual([]);
  });
});
