import { Redis, type Command } from 'ioredis';

type CommandStream = Parameters<Redis['sendCommand']>[1];

/**
 * An ioredis client that sends the commands of one event-loop turn in one write: the socket is
 * corked at the turn's first command and uncorked once the turn's I/O callbacks have run
 * (setImmediate). A server answering many requests at once then makes one system call (and Redis
 * one read) for all the validations they start, instead of one each; unlike ioredis's
 * auto-pipelining, nothing waits for an earlier batch's replies and no pipeline object is built.
 */
export class WriteBatchingRedis extends Redis {
  private corked = false;

  override sendCommand(command: Command, stream?: CommandStream): unknown {
    const socket = this.stream as Redis['stream'] | undefined;
    if (!this.corked && stream === undefined && socket !== undefined && this.status === 'ready') {
      this.corked = true;
      socket.cork();
      setImmediate(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    return super.sendCommand(command, stream);
  }
}
