import type { Request } from 'express';
import { BasicStrategy } from 'passport-http';
import { parseBasicAuthorization } from '../http/basic-credentials';
import type { ProblemCode } from '@sessiond/protocol';

/** Why passport-http's flow failed, handed to the route's passport callback as the "challenge". */
export interface BasicFailure {
  readonly code: Extract<ProblemCode, 'credentials_missing' | 'invalid_request' | 'invalid_credentials'>;
  readonly detail: string;
}

export type VerifyLogin<User> = (
  req: Request,
  username: string,
  password: string,
  done: (error: unknown, user?: User | false) => void,
) => void;

/**
 * passport-http's BasicStrategy with a strict parser. The stock one splits the credentials on every
 * colon (RFC 7617: the user-id ends at the first; passwords may contain colons), decodes invalid
 * base64 silently and uses the deprecated `new Buffer()`. Everything else (passport's success / fail /
 * error flow, the verify callback) is BasicStrategy's contract.
 */
export class StrictBasicStrategy<User> extends BasicStrategy {
  // passport adds these to the per-request copy of a strategy (passport-strategy's augmented API);
  // @types/passport-http does not declare them.
  declare fail: (challenge: unknown, status: number) => void;
  declare success: (user: unknown) => void;
  declare error: (error: unknown) => void;

  constructor(private readonly verifyLogin: VerifyLogin<User>) {
    super({ realm: 'sessiond', passReqToCallback: true }, (_req, _user, _password, done) =>
      done(null, false),
    );
  }

  override authenticate(req: Request): void {
    const parsed = parseBasicAuthorization(req.headers.authorization);
    if (parsed.kind === 'missing') {
      this.fail(
        { code: 'credentials_missing', detail: 'send HTTP Basic credentials' } satisfies BasicFailure,
        401,
      );
      return;
    }
    if (parsed.kind === 'malformed') {
      this.fail({ code: 'invalid_request', detail: parsed.reason } satisfies BasicFailure, 400);
      return;
    }
    this.verifyLogin(req, parsed.username, parsed.password, (error, user) => {
      if (error !== null && error !== undefined) this.error(error);
      else if (user === undefined || user === false) {
        this.fail(
          {
            code: 'invalid_credentials',
            detail: 'the username or password is not correct',
          } satisfies BasicFailure,
          401,
        );
      } else this.success(user);
    });
  }
}
