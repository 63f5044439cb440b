/**
 * Wire constants of TACACS+ (RFC 8907). Every number the codec puts on or reads from the wire is named
 * here, with the section that defines it.
 */

/** §4.1: the packet header is always 12 bytes. */
export const HEADER_LENGTH = 12;

/** §4.1: default maximum body length this implementation accepts (refused before allocation). */
export const DEFAULT_MAX_BODY_LENGTH = 65_535;

/** §4.1: the high nibble of the version byte. */
export const MAJOR_VERSION = 0xc;

/** §4.1: the full version byte: major 0xC with minor 0 (default) or 1 (PAP, CHAP, MS-CHAP START). */
export const Version = {
  /** TAC_PLUS_MAJOR_VER << 4 | TAC_PLUS_MINOR_VER_DEFAULT */
  DEFAULT: 0xc0,
  /** TAC_PLUS_MAJOR_VER << 4 | TAC_PLUS_MINOR_VER_ONE */
  ONE: 0xc1,
} as const;
export type VersionByte = (typeof Version)[keyof typeof Version];

/** §4.1: packet types. */
export const PacketType = {
  /** TAC_PLUS_AUTHEN */
  AUTHEN: 0x01,
  /** TAC_PLUS_AUTHOR */
  AUTHOR: 0x02,
  /** TAC_PLUS_ACCT */
  ACCT: 0x03,
} as const;
export type PacketTypeValue = (typeof PacketType)[keyof typeof PacketType];

/** §4.1: header flags. */
export const HeaderFlag = {
  /** TAC_PLUS_UNENCRYPTED_FLAG: the body is not obfuscated (test only, or RFC 9887 TLS). */
  UNENCRYPTED: 0x01,
  /** TAC_PLUS_SINGLE_CONNECT_FLAG: negotiates single-connection mode (§4.3). */
  SINGLE_CONNECT: 0x04,
} as const;

/** §5.1: authentication START action. */
export const AuthenAction = {
  LOGIN: 0x01,
  CHPASS: 0x02,
  SENDAUTH: 0x04,
} as const;

/** §5.1: authentication type. */
export const AuthenType = {
  ASCII: 0x01,
  PAP: 0x02,
  CHAP: 0x03,
  MSCHAP: 0x05,
  MSCHAPV2: 0x06,
} as const;

/** §5.1: the service requesting authentication. */
export const AuthenService = {
  NONE: 0x00,
  LOGIN: 0x01,
  ENABLE: 0x02,
  PPP: 0x03,
} as const;

/** §5.2: authentication REPLY status. */
export const AuthenStatus = {
  PASS: 0x01,
  FAIL: 0x02,
  GETDATA: 0x03,
  GETUSER: 0x04,
  GETPASS: 0x05,
  RESTART: 0x06,
  ERROR: 0x07,
  FOLLOW: 0x21,
} as const;
export type AuthenStatusValue = (typeof AuthenStatus)[keyof typeof AuthenStatus];

/** §5.2: authentication REPLY flags. */
export const AuthenReplyFlag = {
  /** TAC_PLUS_REPLY_FLAG_NOECHO: the client should not echo the user's answer. */
  NOECHO: 0x01,
} as const;

/** §5.3: authentication CONTINUE flags. */
export const AuthenContinueFlag = {
  /** TAC_PLUS_CONTINUE_FLAG_ABORT: the client aborts the session. */
  ABORT: 0x01,
} as const;

/** §6.1 / §7.1: authentication method reported in authorization and accounting requests. */
export const AuthenMethod = {
  NOT_SET: 0x00,
  NONE: 0x01,
  LOCAL: 0x05,
  TACACSPLUS: 0x06,
} as const;

/** §6.2: authorization RESPONSE status. */
export const AuthorStatus = {
  PASS_ADD: 0x01,
  PASS_REPL: 0x02,
  FAIL: 0x10,
  ERROR: 0x11,
  FOLLOW: 0x21,
} as const;
export type AuthorStatusValue = (typeof AuthorStatus)[keyof typeof AuthorStatus];

/** §7.1: accounting REQUEST flags. */
export const AcctFlag = {
  START: 0x02,
  STOP: 0x04,
  WATCHDOG: 0x08,
} as const;

/** §7.2: accounting REPLY status. */
export const AcctStatus = {
  SUCCESS: 0x01,
  ERROR: 0x02,
  FOLLOW: 0x21,
} as const;
export type AcctStatusValue = (typeof AcctStatus)[keyof typeof AcctStatus];

/** §5.1, §6.1, §7.1: every variable field with a one-byte length holds at most 255 bytes. */
export const MAX_SHORT_FIELD = 0xff;

/** §5.2, §5.3: server_msg, data and user_msg have two-byte lengths. */
export const MAX_LONG_FIELD = 0xffff;

/** §6.1, §7.1: arg_cnt is one byte. */
export const MAX_ARG_COUNT = 0xff;

/** §5.4.2.3: CHAP response is an MD5 digest; the PPP id is one byte. */
export const CHAP_RESPONSE_LENGTH = 16;
export const CHAP_ID_LENGTH = 1;
/** RFC 8907 §10.5.3 asks for a challenge of at least 16 bytes. */
export const CHAP_MIN_CHALLENGE_LENGTH = 16;

/** Fixed part of each body (bytes before the variable-length fields). */
export const FixedLength = {
  /** §5.1: action, priv_lvl, authen_type, authen_service, user_len, port_len, rem_addr_len, data_len */
  AUTHEN_START: 8,
  /** §5.2: status, flags, server_msg_len (2), data_len (2) */
  AUTHEN_REPLY: 6,
  /** §5.3: user_msg_len (2), data_len (2), flags */
  AUTHEN_CONTINUE: 5,
  /** §6.1: authen_method, priv_lvl, authen_type, authen_service, user_len, port_len, rem_addr_len, arg_cnt */
  AUTHOR_REQUEST: 8,
  /** §6.2: status, arg_cnt, server_msg_len (2), data_len (2) */
  AUTHOR_RESPONSE: 6,
  /** §7.1: flags, authen_method, priv_lvl, authen_type, authen_service, user_len, port_len, rem_addr_len, arg_cnt */
  ACCT_REQUEST: 9,
  /** §7.2: server_msg_len (2), data_len (2), status */
  ACCT_REPLY: 5,
} as const;

/** §4.1: byte offsets inside the header. */
export const HeaderOffset = {
  VERSION: 0,
  TYPE: 1,
  SEQ_NO: 2,
  FLAGS: 3,
  SESSION_ID: 4,
  LENGTH: 8,
} as const;

/** §4.1: seq_no is one byte; a session that would wrap past 255 must be restarted. */
export const MAX_SEQ_NO = 0xff;

/** Privilege levels are 0..15 (§6.1 priv_lvl). */
export const PrivLevel = {
  MIN: 0,
  USER: 1,
  MAX: 15,
} as const;

/** IANA: TCP port 49 is TACACS+. RFC 9887 assigns port 300 to TACACS+ over TLS. */
export const DEFAULT_PORT = 49;
