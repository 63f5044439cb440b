import { keepAliveAgent, send, type Outcome, type RequestSpec, type Target } from './http-load';
import { TOKEN_SERVICES, loginRequest, sessionOf, validateRequest, type Session } from './requests';

/** One login of the churn and what became of its session. */
export interface ChurnSession {
  readonly username: string;
  readonly login: Outcome;
  /** Set when the login was answered 200. */
  readonly session: Session | undefined;
  /** The logout of this session, once one was sent. */
  logout: Outcome | undefined;
}

export interface ChurnOptions {
  readonly port: number;
  /** Concurrent clients. */
  readonly workers: number;
  /** The credentials of a worker's next login. */
  readonly credentials: (worker: number, sequence: number) => { username: string; password: string };
  /**
   * A worker logs out its oldest session once it holds more than this many (default 3), and after
   * each refused login.
   */
  readonly keep?: number;
  readonly timeoutMs?: number;
}

export function logoutRequest(session: Session): RequestSpec {
  return {
    label: 'logout',
    method: 'DELETE',
    path: `${TOKEN_SERVICES}/${session.sessionId}`,
    headers: { 'X-auth-token': session.token },
  };
}

/**
 * Clients that log in, check their new token, and log out their oldest session: every state change
 * the service acknowledges (a login's 200, a logout's 204) is kept, to be checked after a fault. A
 * logout is always of a session that was issued earlier, so logouts during a fault reach sessions
 * that were issued before it.
 */
export class SessionChurn {
  readonly sessions: ChurnSession[] = [];
  /** Every answer, logins, validations and logouts, in the order they came. */
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private releases = 0;
  private readonly done: Promise<void>;

  constructor(private readonly options: ChurnOptions) {
    const target: Target = { port: options.port, agent: keepAliveAgent(options.workers) };
    this.done = Promise.all(
      Array.from({ length: options.workers }, (_, worker) => this.worker(target, worker)),
    ).then(() => target.agent.destroy());
  }

  /** Lets the requests in flight finish and sends no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /**
   * The sessions held so far are never logged out by the churn (a fault is about to strike: what
   * became of them is checked afterwards); sessions issued from now on churn as before.
   */
  release(): void {
    this.releases += 1;
  }

  /** The churn's logins that `match`. */
  logins(match: (login: Outcome) => boolean = () => true): ChurnSession[] {
    return this.sessions.filter((s) => match(s.login));
  }

  private async worker(target: Target, worker: number): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const held: ChurnSession[] = [];
    let releases = this.releases;
    const call = async (spec: RequestSpec): Promise<Outcome> => {
      const outcome = await send(target, spec, timeoutMs);
      this.outcomes.push(outcome);
      return outcome;
    };
    for (let sequence = 0; !this.stopped; sequence += 1) {
      const credentials = this.options.credentials(worker, sequence);
      const login = await call(loginRequest(credentials));
      const session = login.status === 200 ? sessionOf(login.body) : undefined;
      const record: ChurnSession = { username: credentials.username, login, session, logout: undefined };
      this.sessions.push(record);
      if (session !== undefined) {
        await call(validateRequest(session));
        held.push(record);
      }
      if (releases !== this.releases) {
        releases = this.releases;
        held.length = 0;
      }
      // A refused login still logs one out: changes keep coming while logins are refused.
      if (held.length > (session === undefined ? 0 : (this.options.keep ?? 3))) {
        const oldest = held.shift();
        if (oldest?.session !== undefined) oldest.logout = await call(logoutRequest(oldest.session));
      }
      // A refused port is not hammered in a tight loop.
      if (login.status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
