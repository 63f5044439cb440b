export {
  CHALLENGES,
  DETAILS,
  PROBLEMS,
  TOKEN_REFUSALS,
  challengeOf,
  problemBody,
  problemType,
  type Challenge,
  type ProblemCode,
  type TokenRefusalCode,
} from './problems';
export { readToken, type TokenParse } from './token-header';
