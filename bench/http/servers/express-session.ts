import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { Redis } from 'ioredis';

// Peer "express-session": express-session + connect-redis 8 (ioredis client) with rolling sessions,
// what a Node team would use instead of a token service. Usage: node express-session.js <port> <redis url>
declare module 'express-session' {
  interface SessionData {
    user: { username: string; privLvl: number };
  }
}

const [port = '0', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const redis = new Redis(redisUrl);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(
  session({
    store: new RedisStore({ client: redis, prefix: 'es:' }),
    secret: 'bench-only-secret',
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { maxAge: 15 * 60_000, httpOnly: true },
  }),
);
app.post('/login', (req, res) => {
  req.session.user = { username: `user${Math.floor(Math.random() * 2000)}`, privLvl: 15 };
  res.json({ ok: true });
});
app.get('/validate', (req, res) => {
  if (req.session.user === undefined) res.status(401).json({ code: 'token_invalid' });
  else res.json(req.session.user);
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
