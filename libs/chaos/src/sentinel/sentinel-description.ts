import type { ChaosEndpoint } from '@rrl/contracts';

/** The app's Sentinel configuration: where the sentinels are, the master's name, and how to log in to them. */
export interface SentinelDescription {
  masterName: string;
  nodes: ChaosEndpoint[];
  username: string | null;
  password: string | null;
}

/** A master switch Sentinel announced: "host:port" of the old and the new master, and when it was received here. */
export interface MasterSwitch {
  from: string;
  to: string;
  at: number;
}

/** "host:port", as the app's connection names the node it reached. */
export const nodeName = (host: string, port: number | string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
