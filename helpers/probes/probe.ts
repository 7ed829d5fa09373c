// A Probe reads one signal now. It returns a fact; invariants judge it.
export interface Probe<T> {
  /** What is read, for messages and reports, e.g. "queue shipping-task". */
  readonly subject: string;
  read(): Promise<T>;
}
