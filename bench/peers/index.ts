/** The peers the benches measure next to the lab: one entry per library and setup. */
import type { ReadPath } from '../read-path';
import { BentocachePeer } from './bentocache.peer';
import { CacheManagerPeer } from './cache-manager.peer';
import type { PeerEnv } from './peer-env';

export type { PeerEnv } from './peer-env';

export interface PeerSpec {
  /** Key prefix and short id, e.g. "bento-defaults". */
  id: string;
  /** Answers hits from process memory: a different design from a Redis round trip, marked as such. */
  inMemory: boolean;
  create(env: Omit<PeerEnv, 'keyPrefix'>): ReadPath;
}

const spec = (id: string, inMemory: boolean, make: (env: PeerEnv) => ReadPath): PeerSpec => ({
  id,
  inMemory,
  create: (env) => make({ ...env, keyPrefix: `peer-${id}` }),
});

export const PEERS: PeerSpec[] = [
  spec('bento-defaults', false, (env) => new BentocachePeer(env, 'defaults')),
  spec('bento-resilient', false, (env) => new BentocachePeer(env, 'resilient')),
  spec('bento-l1', true, (env) => new BentocachePeer(env, 'l1')),
  spec('cm-defaults', false, (env) => new CacheManagerPeer(env, 'defaults')),
  spec('cm-resilient', false, (env) => new CacheManagerPeer(env, 'resilient')),
];
