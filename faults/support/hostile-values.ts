import fc from 'fast-check';

// Building blocks of hostile requests (targets.md, "bad HTTP input"): tokens that look valid and
// tokens that do not, Authorization headers of every shape, paths under /api/v1/auth, and bodies of
// random content and type. Header values stay within what Node's HTTP client will send (tab, 0x20-0x7e,
// 0x80-0xff); the raw lane (hostile-requests.ts) sends the bytes it refuses.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

const charsOf = (alphabet: string, length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length });

/** A character Node's client accepts in a header value. */
const headerChar = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((code) => String.fromCharCode(code));

export const headerText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: headerChar, maxLength });

/** `sd1.<21 chars>.<43 chars>` with random content: passes the format check, matches no session. */
export const wellFormedToken = fc
  .tuple(charsOf(BASE36, 2), charsOf(B64URL, 19), charsOf(B64URL, 43))
  .map(([bucket, rest, secret]) => `sd1.${bucket}${rest}.${secret}`);

/** Lengths around the limits: the 128-character token cap, the 1 KiB Basic cap, long headers. */
const nearLimit = fc
  .constantFrom(127, 128, 129, 1023, 1024, 1025, 4096, 8000)
  .chain((length) => charsOf(B64URL, length));

/** Everything that may arrive where a token is expected, `real` tokens (and mutations) included. */
export function tokenish(real: readonly string[]): fc.Arbitrary<string> {
  const realToken = fc.constantFrom(...real);
  return fc.oneof(
    { weight: 4, arbitrary: wellFormedToken },
    { weight: 2, arbitrary: realToken },
    {
      weight: 2,
      arbitrary: fc
        .tuple(realToken, fc.nat(), fc.constantFrom(...B64URL))
        .map(([t, at, c]) => `${t.slice(0, at % t.length)}${c}${t.slice((at % t.length) + 1)}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(wellFormedToken, realToken),
          fc.constantFrom('"#"', ' "#" ', '"#', '#"', '""#""', "'#'"),
        )
        .map(([t, shape]) => shape.replace('#', t)),
    },
    { weight: 1, arbitrary: fc.tuple(wellFormedToken, headerText(8)).map(([t, junk]) => `${t}${junk}`) },
    { weight: 3, arbitrary: headerText(200) },
    { weight: 1, arbitrary: nearLimit },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '""', 'sd1.', 'sd1..', 'null', 'undefined', '0') },
  );
}

const utf8Text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', maxLength });

/**
 * `user:password` in Basic form, with random user and password: UTF-8, colons, and passwords around
 * TACACS+'s 255-byte field limit that still fit the 1 KiB Basic cap.
 */
const randomBasic = fc
  .tuple(utf8Text(40), fc.oneof(utf8Text(40), utf8Text(400), fc.string({ minLength: 200, maxLength: 700 })))
  .map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`);

/** Authorization values: Bearer and Basic of every shape, other schemes, garbage. */
export function authorization(real: readonly string[], valid: readonly string[]): fc.Arbitrary<string> {
  const token = tokenish(real);
  return fc.oneof(
    { weight: 3, arbitrary: token.map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('bearer', 'BEARER', 'Bearer  ', ' Bearer', 'Bearer\t'), token)
        .map(([s, t]) => `${s} ${t}`),
    },
    { weight: 3, arbitrary: randomBasic },
    { weight: 2, arbitrary: fc.constantFrom(...valid) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        headerText(60).map((t) => `Basic ${t}`),
        utf8Text(30).map((t) => `Basic ${Buffer.from(t, 'utf8').toString('base64')}`), // no colon
        fc.constantFrom('Basic', 'Bearer', 'Basic =', 'Basic ====', 'Basic Og==', 'Basic OmE='),
        nearLimit.map((t) => `Basic ${t}`),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('Digest', 'Negotiate', 'Token', 'sd1', 'X'), headerText(60))
        .map(([s, t]) => `${s} ${t}`),
    },
    { weight: 1, arbitrary: headerText(120) },
  );
}

/** A path segment: plausible ids, percent-encoded text, malformed escapes, dot segments, long runs. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(charsOf(BASE36, 2), charsOf(B64URL, 19)).map(([a, b]) => a + b) },
  { weight: 3, arbitrary: utf8Text(20).map(encodeURIComponent) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%00',
      '%2e%2e',
      '..',
      '.',
      '%C0%AE',
      '%ff',
      '%E2%82',
      '~',
      '%25',
      ';',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(2000, 6000).map((length) => 'a'.repeat(length)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('token-services', 'introspect', 'users', 'sessions', 'TOKEN-SERVICES'),
  },
);

/** A path under /api/v1/auth: the real routes, near misses and random ones, with or without a query. */
export const authPath = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant('/token-services') },
      { weight: 3, arbitrary: segment.map((s) => `/token-services/${s}`) },
      { weight: 4, arbitrary: fc.constant('/introspect') },
      { weight: 2, arbitrary: segment.map((s) => `/users/${s}/sessions`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('/token-services/', '/introspect/', '', '/', '//token-services'),
      },
      {
        weight: 2,
        arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
      },
    ),
    fc.option(
      fc.oneof(
        fc.webQueryParameters(),
        fc.constantFrom('token=x', 'a=%', '=&=', 'touch=false&touch=true', '%zz'),
      ),
    ),
  )
  .map(([path, query]) => `/api/v1/auth${path}${query === null ? '' : `?${query}`}`);

export const contentType = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'text/plain',
      'application/octet-stream',
      'multipart/form-data; boundary=xyz',
      'application/merge-patch+json',
      'application/*',
      '*/*',
      'json',
      '',
    ),
  },
  { weight: 1, arbitrary: headerText(40) },
);

/** Bodies: JSON with a token of any shape, random JSON, forms, binary, too large for the 8 KiB limit. */
export function body(real: readonly string[]): fc.Arbitrary<string | Buffer> {
  const token = tokenish(real);
  const anyValue = fc.oneof(fc.boolean(), fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({ token: fc.oneof(token, anyValue), touch: anyValue }, { requiredKeys: [] })
        .map((o) => JSON.stringify(o)),
    },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(token, fc.constantFrom('', '&touch=false', '&touch=maybe', '&token=again', '&a=1'.repeat(30)))
        .map(([t, rest]) => `token=${encodeURIComponent(t)}${rest}`),
    },
    { weight: 1, arbitrary: fc.webQueryParameters() },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(8191, 8192, 8193, 20_000, 60_000)
        .map((size) => Buffer.from(JSON.stringify({ token: 'x'.repeat(size) }))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`${'['.repeat(3000)}${']'.repeat(3000)}`, '{"token":', '\u0000', ''),
    },
  );
}
