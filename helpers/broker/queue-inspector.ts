// The run's window on its broker's queues: depth and consumer count over AMQP (checkQueue is immediate; the management API lags by
// seconds). A queue that does not exist is an error, never "depth 0".
import amqp from "amqplib";
import { describeError, HarnessError } from "../core/errors.ts";

export interface QueueStats {
  /** Messages ready for delivery (unacknowledged ones are not counted). */
  depth: number;
  consumers: number;
}

/** What the broker counted for a queue since it was declared (RabbitMQ's message_stats). */
export interface QueueCounters {
  /** Messages routed into the queue. */
  published: number;
  /** Deliveries to consumers and gets, redeliveries included. */
  delivered: number;
  acknowledged: number;
  /** Deliveries of a message delivered before (requeued after a reject or a lost consumer). */
  redelivered: number;
}

/** The fields of GET /api/queues/{vhost}/{name} this file reads. */
interface ManagementQueue {
  messages?: number;
  messages_unacknowledged?: number;
  message_stats?: { publish?: number; deliver_get?: number; ack?: number; redeliver?: number };
}

export class QueueMissing extends HarnessError {
  override name = "QueueMissing";
}

/** The queue exists but the management API has no statistics of it yet (they appear seconds after it is declared). */
export class QueueStatisticsPending extends HarnessError {
  override name = "QueueStatisticsPending";
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
    const body = await this.managementQueue(queue);
    // Right after a queue is declared the statistics may not exist yet: treat that as unknown, not 0.
    return body?.messages_unacknowledged;
  }

  /**
   * The queue's message counters since it was declared, from the management API; undefined without
   * one. They lag by the broker's statistics interval, and a re-declared queue starts again at 0.
   */
  async counters(queue: string): Promise<QueueCounters | undefined> {
    const body = await this.managementQueue(queue);
    if (!body) return undefined;
    // A queue's statistics appear some seconds after it is declared: until then there is no count to give.
    if (body.messages === undefined) throw new QueueStatisticsPending(`the management API of ${this.display} has no statistics of queue ${queue} yet`);
    // Once they exist, a counter absent from message_stats has not moved: it is 0.
    const stats = body.message_stats ?? {};
    return { published: stats.publish ?? 0, delivered: stats.deliver_get ?? 0, acknowledged: stats.ack ?? 0, redelivered: stats.redeliver ?? 0 };
  }

  private async managementQueue(queue: string): Promise<ManagementQueue | undefined> {
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
    return (await response.json()) as ManagementQueue;
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
