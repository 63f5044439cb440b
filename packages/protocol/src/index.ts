export {
  CHALLENGES,
  CLIENT_PROBLEM_CODES,
  DETAILS,
  PROBLEMS,
  SERVER_PROBLEM_CODES,
  TOKEN_REFUSALS,
  challengeOf,
  problemBody,
  problemType,
  type Challenge,
  type ProblemCode,
  type ServerProblemCode,
  type TokenRefusalCode,
} from './problems';
export {
  AUTHORIZE_PATH,
  FORWARD_AUTH_PATH,
  HEALTHZ_PATH,
  INTROSPECT_PATH,
  METRICS_PATH,
  OPENAPI_PATH,
  READYZ_PATH,
  SESSION_PATH,
  TOKEN_SERVICES_PATH,
  USER_SESSIONS_PATH,
  pathOf,
  routePattern,
  type PathParams,
} from './routes';
export { readToken, type TokenParse } from './token-header';
export {
  COOKIE_NAME,
  TOKEN_REFUSAL_OF_REASON,
  cookieValue,
  parsePrivLvl,
  privilegeRefusal,
  readPresentedToken,
  type PrivilegeRefusal,
  type StoreRefusalReason,
  type TokenHeaders,
} from './access';
export { COMMAND_DENIED, COMMAND_LINE_LIMITS, parseCommandLine, type CommandLineParse } from './command-line';
export {
  MAX_TOKEN_LENGTH,
  SESSION_ID_LENGTH,
  TOKEN_FORMAT,
  formatSessionId,
  formatToken,
  parseSessionId,
  parseToken,
  type SessionIdParts,
} from './token-format';
