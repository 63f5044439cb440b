// The admin API paths the console calls, from @sessiond/protocol's routes.ts (the owner of every
// path). The page imports that file itself: the package's index also carries Node-only helpers
// (Buffer), which a browser bundle cannot take.
export {
  REFUSALS_PATH,
  SESSION_PATH,
  STATUS_PATH,
  TOKEN_SERVICES_PATH,
  USER_LOGIN_FAILURES_PATH as LOGIN_FAILURES_PATH,
  USER_SESSIONS_PATH,
  USERS_PATH,
  pathOf,
} from '../../../../packages/protocol/src/routes';
