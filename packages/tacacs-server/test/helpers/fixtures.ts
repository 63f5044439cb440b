export const KEY = 'server-test-key-0123456789';

/** Users of the server's own suites. */
export const USERS = {
  users: [
    { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 },
    { username: 'bob', password: 'bob-pw', 'priv-lvl': 1 },
  ],
};
