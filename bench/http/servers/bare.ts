import express from 'express';
import { Redis } from 'ioredis';

// Peer "bare": an Express 5 route doing one ioredis GET of a token key. The floor of any
// Redis-backed validation in Express. Usage: node bare.js <port> <redis url>
const [port = '0', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const redis = new Redis(redisUrl);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/validate', async (req, res) => {
  const token = req.get('x-auth-token') ?? '';
  const session = await redis.get(`bare:${token}`);
  if (session === null) res.status(401).json({ code: 'token_invalid' });
  else res.type('application/json').send(session);
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
