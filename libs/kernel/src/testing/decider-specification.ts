import { BusinessRuleViolation, type BusinessRule } from '../business-rule';
import { fold, type Decider } from '../decider';

type RuleClass = abstract new (...args: never[]) => BusinessRule;

/**
 * given(events) → when(command) → then(events) | thenRefuses(Rule): the shape every decider
 * spec reads in (emmett's DeciderSpecification). Plain functions, no framework: a failed
 * expectation throws an Error that names what differed, which Jest reports as it is.
 */
export function specificationFor<TCommand, TState, TEvent>(decider: Decider<TCommand, TState, TEvent>) {
  return {
    given(history: readonly TEvent[] = []) {
      return {
        when(command: TCommand) {
          const run = (): TEvent[] => decider.decide(command, fold(decider, history));
          return {
            then(expected: readonly TEvent[]): void {
              const actual = run();
              const a = JSON.stringify(actual);
              const e = JSON.stringify(expected);
              if (a !== e) throw new Error(`expected events\n  ${e}\nbut decide returned\n  ${a}`);
            },
            /** For events whose every field is not worth spelling out: a predicate over the result. */
            thenMatches(check: (events: TEvent[]) => void): void {
              check(run());
            },
            thenRefuses(rule: RuleClass, code?: string): void {
              let result: TEvent[];
              try {
                result = run();
              } catch (e) {
                if (!(e instanceof BusinessRuleViolation)) throw e;
                if (!(e.rule instanceof rule))
                  throw new Error(`expected a refusal by ${rule.name}, got ${(e.rule as object).constructor.name} (${e.code})`, {
                    cause: e,
                  });
                if (code && e.code !== code) throw new Error(`expected code ${code}, got ${e.code}`, { cause: e });
                return;
              }
              throw new Error(`expected a refusal by ${rule.name}, but decide returned ${JSON.stringify(result)}`);
            },
          };
        },
      };
    },
  };
}
