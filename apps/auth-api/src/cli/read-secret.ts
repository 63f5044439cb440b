import { createInterface } from 'node:readline';

/**
 * Reads one line: from a terminal without echoing it, or from piped stdin (scripts:
 * `printf '%s' "$PW" | npm run -s hash-password`). The trailing newline is dropped.
 */
export function readSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return new Promise((resolve, reject) => {
      let data = '';
      input.setEncoding('utf8');
      input.on('data', (chunk: string) => (data += chunk));
      input.on('end', () => resolve(data.replace(/\r?\n$/, '')));
      input.on('error', reject);
    });
  }
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const rl = createInterface({ input, terminal: true });
    // Swallow the echo: the terminal shows nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
