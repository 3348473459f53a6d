/**
 * Mocha root hooks for `npm run mutate`: Stryker switches a mutant on in its test process only
 * (`globalThis.__stryker__.activeMutant`); the code a test runs in a child process (the Pulumi program under
 * mocks, forked by stacks/plan) reads it from the environment at load, so it is copied there before each test.
 */
type StrykerGlobal = { __stryker__?: { activeMutant?: string } };

export const mochaHooks = {
  beforeEach(): void {
    const active = (globalThis as StrykerGlobal).__stryker__?.activeMutant;
    if (active === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
    else process.env.__STRYKER_ACTIVE_MUTANT__ = String(active);
  },
};
