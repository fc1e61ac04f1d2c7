// Public surface of @coordis/client.
export type { ClientEvents, FailoverEvent } from './client-events.js';
export {
  type ClusterClientOptions,
  type ClusterPassThroughOptions,
  CoordisCluster,
  connectCluster,
  createCluster,
} from './cluster-client.js';
export { type ClientOptions, connect, createClient } from './connect.js';
export type {
  ClusterSpec,
  ConnectionSpec,
  HostPort,
  PrimarySpec,
  SentinelSpec,
  SocketSpec,
  StandaloneSpec,
  TlsSettings,
  UrlTuning,
} from './connection-spec.js';
export { type CallOptions, CoordisClient, type DurableOptions, type PassThroughOptions } from './coordis-redis.js';
export { DEFAULTS } from './defaults.js';
export { classifyReplyError, type DeliveryPolicy, isIdempotent, mayResend, mayWrite } from './delivery.js';
export { connectionFromEnv } from './env.js';
export {
  AuthError,
  ConnectionUnavailableError,
  CoordisConfigError,
  CoordisError,
  DurabilityError,
  hasCode,
  isConfigError,
  isCoordisError,
  isDurabilityError,
  isNoQuorumError,
  isOutOfMemoryError,
  isUnknownOutcomeError,
  MasterNameUnknownError,
  MasterUnreachableError,
  NoQuorumError,
  OutOfMemoryError,
  RetriesExhaustedError,
  SentinelsUnreachableError,
  TlsError,
  UnknownOutcomeError,
} from './errors.js';
export type { Logger, LoggerInput } from './logger.js';
export { type LuaHeader, LuaScript, parseLuaHeader, readLua, type ScriptClient } from './lua-script.js';
export { formatAddress, mapAddress, type NatMap } from './nat-map.js';
export { redactUrl, Secret } from './secret.js';
export { parseRedisUrl } from './url.js';
export { coalesceWrites } from './write-coalescer.js';
