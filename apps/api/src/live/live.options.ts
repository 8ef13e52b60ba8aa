import { Inject } from '@nestjs/common';
import { FEED_TICK_LIMITS } from '@rrl/contracts';

/** Limits of the WebSocket feed; defaults below, tests shrink them (LIVE_OPTIONS provider). */
export interface LiveOptions {
  /** `metrics` tick of a client that has not asked for a rate (a `feed` message sets its own). */
  tickMs: number;
  /** How often queued messages and batched log lines are written to each client. */
  flushMs: number;
  /** Above this many bytes waiting in a client's socket nothing more is written to it: messages queue (and coalesce). */
  highWaterBytes: number;
  /** A client whose socket backlog passes this is terminated at once. */
  hardCapBytes: number;
  /** A client whose backlog stays above highWaterBytes this long is terminated (it stopped reading). */
  stallMs: number;
  /** Log lines held per client and target while it is behind; past it lines are dropped and counted. */
  logBufferLines: number;
  /** Facts (state transitions, chaos and loop-test events) held per client while it is behind; past it the client is terminated. */
  factQueueLength: number;
  /** Ping interval; a client that has not answered the previous ping is terminated. */
  pingMs: number;
}

export const LIVE_DEFAULTS: LiveOptions = {
  tickMs: FEED_TICK_LIMITS.defaultMs,
  // 10 writes a second: a 10 k lines/s flood goes out as ~1 000-line messages, not 10 000 frames.
  flushMs: 100,
  highWaterBytes: 256 * 1024,
  hardCapBytes: 4 * 1024 * 1024,
  stallMs: 10_000,
  logBufferLines: 1000,
  factQueueLength: 500,
  pingMs: 15_000,
};

/**
 * Frames larger than this are refused by `ws` itself (close 1009) before they are buffered; a message
 * above MAX_MESSAGE_BYTES but within it gets an `error` reply. Client messages are a few hundred bytes.
 */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_MESSAGE_BYTES = 8 * 1024;

export const LIVE_OPTIONS = Symbol('LIVE_OPTIONS');
export const InjectLiveOptions = (): ParameterDecorator => Inject(LIVE_OPTIONS);
