import { routedPath } from './routed-path';

describe(routedPath.name, () => {
  it.each([
    ['/Mass-Evaluations/W1/BALLOTS?x=1', '/mass-evaluations/w1/ballots'],
    ['/mass-evaluations/w1/%62allots', '/mass-evaluations/w1/ballots'],
    ['//mass-evaluations/w1%2F/ballots//#f', '/mass-evaluations/w1/ballots/'],
    ['/%6Detrics', '/metrics'],
    ['/bad/%zz/Path', '/bad/%zz/path'],
  ])('ReadsAs_TheRouterWouldMatch_%s', (url, path) => {
    expect(routedPath(url)).toBe(path);
  });
});
