// Queue depth and consumer count over AMQP (checkQueue is immediate; the management API lags by
// seconds). A queue that does not exist is an error, never "depth 0".
import amqp from "amqplib";
import { describeError, HarnessError } from "../core/errors.ts";
import type { Probe } from "./probe.ts";

export interface QueueStats {
  /** Messages ready for delivery (unacknowledged ones are not counted). */
  depth: number;
  consumers: number;
}

export class QueueMissing extends HarnessError {
  override name = "QueueMissing";
}

/** One AMQP connection for any number of queue probes; passive checks on a guarded channel. */
export class QueueInspector implements AsyncDisposable {
  private channel?: Promise<amqp.Channel> | undefined;

  private connection: Promise<amqp.ChannelModel> | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    readonly display: string,
  ) {}

  static async connect(url: string, display: string): Promise<QueueInspector> {
    const inspector = new QueueInspector(url, display);
    await inspector.connection_();
    return inspector;
  }

  /** The broker may restart (a broker-outage fault): a lost connection is re-opened on the next read. */
  private connection_(): Promise<amqp.ChannelModel> {
    this.connection ??= amqp.connect(this.url, { timeout: 5_000 }).then(
      (connection) => {
        connection.on("error", () => undefined);
        connection.on("close", () => {
          this.connection = undefined;
          this.channel = undefined;
        });
        return connection;
      },
      (error: unknown) => {
        this.connection = undefined;
        throw new HarnessError(`cannot connect to RabbitMQ at ${this.display} to observe queues: ${describeError(error)}`);
      },
    );
    return this.connection;
  }

  private open(): Promise<amqp.Channel> {
    if (this.closed) return Promise.reject(new HarnessError(`the queue inspector for ${this.display} was closed`));
    this.channel ??= this.connection_()
      .then((c) => c.createChannel())
      .then(
        (channel) => {
          // A failed passive check closes the channel; the rejected promise carries the error.
          channel.on("error", () => undefined);
          channel.on("close", () => (this.channel = undefined));
          return channel;
        },
        (error: unknown) => {
          this.channel = undefined;
          throw error;
        },
      );
    return this.channel;
  }

  async stats(queue: string): Promise<QueueStats> {
    const channel = await this.open();
    try {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return { depth: messageCount, consumers: consumerCount };
    } catch (error) {
      this.channel = undefined;
      const code = (error as { code?: number }).code;
      if (code === 404) throw new QueueMissing(`queue ${queue} does not exist on ${this.display}`);
      throw new HarnessError(`cannot read queue ${queue} on ${this.display}: ${describeError(error)}`);
    }
  }

  probe(queue: string): Probe<QueueStats> {
    return { subject: `queue ${queue}`, read: () => this.stats(queue) };
  }

  async dispose(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
