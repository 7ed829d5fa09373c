// The run's window on its broker's queues: depth and consumer count over AMQP (checkQueue is immediate; the management API lags by
// seconds). A queue that does not exist is an error, never "depth 0".
import amqp from "amqplib";
import { describeError, HarnessError } from "../core/errors.ts";

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
    /** Management API base URL: the only reader of unacknowledged messages (it lags ~0.5-3 s). */
    readonly managementUrl?: string,
  ) {}

  static async connect(url: string, display: string, managementUrl?: string): Promise<QueueInspector> {
    const inspector = new QueueInspector(url, display, managementUrl);
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

  /** Messages delivered and not yet acknowledged, from the management API; undefined without one. */
  async unacked(queue: string): Promise<number | undefined> {
    if (!this.managementUrl) return undefined;
    const parsed = new URL(this.url);
    const vhost = decodeURIComponent(parsed.pathname.slice(1)) || "/";
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username || "guest")}:${decodeURIComponent(parsed.password || "guest")}`).toString("base64")}`;
    const response = await fetch(`${this.managementUrl}/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(2_000),
    });
    if (response.status === 404) throw new QueueMissing(`queue ${queue} does not exist on ${this.display}`);
    if (!response.ok) throw new HarnessError(`the management API of ${this.display} answered ${response.status} for queue ${queue}`);
    // Right after a queue is declared the statistics may not exist yet: treat that as unknown, not 0.
    const body = (await response.json()) as { messages_unacknowledged?: number };
    return body.messages_unacknowledged;
  }

  /** A probe of one queue (structurally a Probe<QueueStats>: the broker sits below the probes). */
  probe(queue: string): { readonly subject: string; read(): Promise<QueueStats> } {
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
