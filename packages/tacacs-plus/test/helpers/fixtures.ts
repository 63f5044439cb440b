import { TacacsServer, type TacacsServerOptions } from '@sessiond/tacacs-server';

export const KEY = 'loopback-test-key-0123456789';

/** Users shared by the loopback suites: plain and scrypt passwords, several privilege levels. */
export const USERS = {
  users: [
    { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 },
    { username: 'bob', password: 'bob-pw', 'priv-lvl': 1 },
    // "carol-pw" hashed with ln=4 so the suite stays fast (hashPassword({ ln: 4 })).
    {
      username: 'carol',
      scrypt: '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$kQAW0yN/d0H2Q1JkY/RKJeXV5g291SSCvLgdBXsMv0k=',
      'priv-lvl': 7,
    },
    { username: 'dave', password: 'dave-pw', 'priv-lvl': 0 },
  ],
};

/** Starts a project server on a free 127.0.0.1 port. */
export async function startServer(options: Partial<TacacsServerOptions> = {}): Promise<TacacsServer> {
  const server = new TacacsServer({ key: KEY, users: USERS, ...options });
  await server.listen();
  return server;
}
