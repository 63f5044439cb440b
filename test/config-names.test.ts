import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookAlikeProblems } from '@sessiond/env-config';
import {
  KNOWN_VARIABLES as AUTH_API_VARIABLES,
  loadConfig as loadAuthApiConfig,
} from '../apps/auth-api/src/config';
import {
  KNOWN_VARIABLES as SWEEPER_VARIABLES,
  loadConfig as loadSweeperConfig,
} from '../apps/sweeper/src/config';

// docker compose hands the same .env to the auth-api and the sweeper, so each must start with the
// other's variables around: no name one app reads may look like a typo to the other.

const LOOK_ALIKE = /: not a setting sessiond knows; did you mean /;

function envOf(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, 'x']));
}

/** The look-alike problems of a loadConfig call (it throws on this environment's values). */
function lookAlikesReportedBy(load: (env: Record<string, string>) => unknown, env: Record<string, string>) {
  try {
    load(env);
    return [];
  } catch (error) {
    const problems = (error as { problems?: readonly string[] }).problems;
    if (problems === undefined) throw error;
    return problems.filter((p) => LOOK_ALIKE.test(p));
  }
}

/** The variables .env.example sets (what `cp .env.example .env` gives both containers). */
function envExampleVariables(): string[] {
  return readFileSync(join(__dirname, '..', '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

describe('one environment for both apps', () => {
  it('lists the variables of each app', () => {
    expect(AUTH_API_VARIABLES).toEqual(expect.arrayContaining(['PORT', 'TACACS_SERVERS', 'REDIS_URL']));
    expect(SWEEPER_VARIABLES).toEqual(
      expect.arrayContaining(['SWEEP_INTERVAL_MS', 'TACACS_SERVERS', 'REDIS_URL']),
    );
    // The check below is live: a typo of a sweeper variable is caught.
    expect(lookAlikeProblems({ SWEEP_INTERVL_MS: 'x' }, SWEEPER_VARIABLES)).toHaveLength(1);
  });

  it("no auth-api variable looks like a typo to the sweeper's look-alike check", () => {
    expect(lookAlikeProblems(envOf(AUTH_API_VARIABLES), SWEEPER_VARIABLES)).toEqual([]);
  });

  it("no sweeper variable looks like a typo to the auth-api's look-alike check", () => {
    expect(lookAlikeProblems(envOf(SWEEPER_VARIABLES), AUTH_API_VARIABLES)).toEqual([]);
  });

  it("neither app's loadConfig calls a variable of the other a look-alike", () => {
    expect(lookAlikesReportedBy(loadSweeperConfig, envOf(AUTH_API_VARIABLES))).toEqual([]);
    expect(lookAlikesReportedBy(loadAuthApiConfig, envOf(SWEEPER_VARIABLES))).toEqual([]);
  });

  it('no variable of .env.example looks like a typo to either app', () => {
    const names = envExampleVariables();
    expect(names).toEqual(expect.arrayContaining(['TACACS_SERVERS', 'SWEEP_INTERVAL_MS']));
    expect(lookAlikesReportedBy(loadSweeperConfig, envOf(names))).toEqual([]);
    expect(lookAlikesReportedBy(loadAuthApiConfig, envOf(names))).toEqual([]);
  });
});
