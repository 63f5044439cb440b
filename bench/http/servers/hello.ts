import express from 'express';

// Peer "hello": an Express 5 route returning constant JSON, the framework's ceiling on this machine.
const [port = '0'] = process.argv.slice(2);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/hello', (_req, res) => {
  res.json({ ok: true });
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
