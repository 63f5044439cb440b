// The forward-auth demo's upstream (docker-compose.forward-auth.yml): a service with no auth code of
// its own. It answers every request with the identity nginx passed on from sessiond, and whether a
// token reached it (it never should). Never in production.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 9000);

createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    return;
  }
  const header = (name) => request.headers[name] ?? null;
  const body = JSON.stringify({
    service: 'demo-upstream',
    method: request.method,
    path: request.url,
    user: header('x-auth-request-user'),
    privLvl: header('x-auth-request-priv-lvl'),
    sessionId: header('x-auth-request-session-id'),
    aaa: header('x-auth-request-aaa'),
    remoteUser: header('remote-user'),
    tokenReachedUpstream: Boolean(header('x-auth-token') || header('authorization')),
  });
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(`${body}\n`);
}).listen(port, '0.0.0.0', () => console.log(`demo upstream on :${port}`));

process.on('SIGTERM', () => process.exit(0));
