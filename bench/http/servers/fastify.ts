import Fastify from 'fastify';
import { Redis } from 'ioredis';

// Peer "fastify": Fastify 5 (its defaults, no logger) and one ioredis GET of the token's record, the
// same route and answers as the raw peer: what a team would pick for a fast Node service.
// Usage: node fastify.js <port> <redis url>
const [port = '0', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const redis = new Redis(redisUrl);
const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/validate/:id', async (req, reply) => {
  const record = await redis.get(`bare:${req.params.id}`);
  if (record === null) return reply.code(401).send({ code: 'token_invalid' });
  return reply.type('application/json').send(record);
});

app.listen({ port: Number(port), host: '127.0.0.1' }).then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
// A normal exit on the bench's SIGTERM lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));
