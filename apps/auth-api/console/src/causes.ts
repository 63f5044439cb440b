// How each refusal cause reads and which colour it has in the chart. The cause names and their
// order come from the server (GET /refusals `causes`); a cause this table does not know still
// shows, under its own name and a neutral colour.

interface CauseLook {
  readonly label: string;
  readonly color: string;
}

/** Colours picked to stay apart for the common kinds of colour blindness (Okabe–Ito, then greys). */
const LOOKS: Readonly<Record<string, CauseLook>> = {
  invalid_credentials: { label: 'Invalid credentials', color: '#0072b2' },
  login_throttled: { label: 'Throttled', color: '#e69f00' },
  session_limit_reached: { label: 'Session limit reached', color: '#cc79a7' },
  aaa_timeout: { label: 'AAA timeout', color: '#d55e00' },
  aaa_unreachable: { label: 'AAA unreachable', color: '#a02c00' },
  aaa_misconfigured: { label: 'AAA misconfigured', color: '#56b4e9' },
  aaa_overloaded: { label: 'AAA overloaded', color: '#f0e442' },
  session_store_unavailable: { label: 'Session store down', color: '#009e73' },
  insufficient_privilege: { label: 'Insufficient privilege', color: '#7a5195' },
  credentials_missing: { label: 'Credentials missing', color: '#999999' },
  other: { label: 'Other', color: '#555555' },
};

const UNKNOWN_COLOR = '#777777';

export function causeLabel(cause: string): string {
  return LOOKS[cause]?.label ?? cause;
}

export function causeColor(cause: string): string {
  return LOOKS[cause]?.color ?? UNKNOWN_COLOR;
}

/** The cause whose rows offer "Unlock" (DELETE users/{u}/login-failures). */
export const THROTTLED_CAUSE = 'login_throttled';
