import { CR_TOKEN } from '@sessiond/tacacs-plus';

// Cisco IOS ends a command's cmd-args with `cmd-arg=<cr>` (its end-of-line token): not part of the line.

function valueOf(arg: string, name: string): string | undefined {
  return arg.startsWith(`${name}=`) || arg.startsWith(`${name}*`) ? arg.slice(name.length + 1) : undefined;
}

/**
 * The command line of a `service=shell` authorization request (RFC 8907 §8.2): `cmd` and then every
 * `cmd-arg` in the order sent, joined by single spaces, as tac_plus rebuilds it to match its rules.
 * Undefined for the shell (login) authorization, whose `cmd` is empty or absent.
 */
export function shellCommandLine(args: readonly string[]): string | undefined {
  let cmd: string | undefined;
  const cmdArgs: string[] = [];
  for (const arg of args) {
    const command = valueOf(arg, 'cmd');
    if (command !== undefined) {
      cmd ??= command;
      continue;
    }
    const cmdArg = valueOf(arg, 'cmd-arg');
    if (cmdArg !== undefined) cmdArgs.push(cmdArg);
  }
  if (cmd === undefined || cmd === '') return undefined;
  if (cmdArgs[cmdArgs.length - 1] === CR_TOKEN) cmdArgs.pop();
  return [cmd, ...cmdArgs].join(' ');
}
