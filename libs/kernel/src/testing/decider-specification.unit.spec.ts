import { checkRule, type BusinessRule, type Decider } from '../index';
import { specificationFor } from './decider-specification';

class CounterStaysBelowThreeRule implements BusinessRule {
  readonly code = 'COUNTER.FULL';
  readonly kind = 'rule';
  readonly message = 'the counter is full';
  constructor(private readonly n: number) {}
  isBroken() {
    return this.n >= 3;
  }
}
class OtherRule extends CounterStaysBelowThreeRule {}

type Event = { type: 'Incremented' };
const counter: Decider<{ type: 'Increment' }, number, Event> = {
  initialState: () => 0,
  evolve: (n) => n + 1,
  decide: (_, n) => {
    checkRule(new CounterStaysBelowThreeRule(n));
    return [{ type: 'Incremented' }];
  },
};
const spec = specificationFor(counter);
const inc = { type: 'Increment' } as const;
const one: Event = { type: 'Incremented' };

describe(specificationFor.name, () => {
  it('passes when decide returns the expected events', () => spec.given([one]).when(inc).then([one]));
  it('fails when decide returns other events', () => expect(() => spec.given([]).when(inc).then([])).toThrow('expected events'));
  it('passes when the named rule refuses', () => spec.given([one, one, one]).when(inc).thenRefuses(CounterStaysBelowThreeRule));
  it('fails when another rule refuses', () =>
    expect(() => spec.given([one, one, one]).when(inc).thenRefuses(OtherRule)).toThrow('expected a refusal by OtherRule'));
  it('fails when nothing refuses', () =>
    expect(() => spec.given([]).when(inc).thenRefuses(CounterStaysBelowThreeRule)).toThrow('but decide returned'));
});
