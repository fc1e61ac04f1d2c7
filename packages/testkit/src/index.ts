// @coordis/testkit: real Redis topologies on loopback for tests, and faults to inject.

export { nowMs } from './clock.js';
export { type ClusterOptions, type ClusterSwitch, type ClusterTopology, startCluster } from './cluster.js';
export { type ClusterNodeLine, parseClusterNodes, slotRanges } from './cluster-nodes.js';
export { DEFAULTS } from './defaults.js';
export type { DriverName, DriverOptions } from './driver.js';
export {
  BridgeNetworkError,
  ContainerEngineUnavailableError,
  ContainerImageUnavailableError,
  HostNetworkProbeError,
  isTestkitError,
  NodeStateError,
  OpensslNotFoundError,
  RedisServerNotFoundError,
  ServerStartError,
  TestcontainersNotInstalledError,
  TestkitError,
  TestkitOptionsError,
  TopologyTimeoutError,
} from './errors.js';
export { type Info, parseInfo, parseInfoFields } from './info.js';
export type { NetworkMode, NetworkSetting } from './network-mode.js';
export type { AclUser, ServerOptions, TlsOptions } from './node-options.js';
export { allocatePort } from './ports.js';
export { reaperPid } from './reaper.js';
export { findRedisServer, type RedisBinary } from './redis-binary.js';
export { type NodeAuth, type NodeConnectionOptions, type NodeKind, type NodeState, RedisNode, type RestartOptions } from './redis-node.js';
export { type SentinelOptions, type SentinelTopology, startSentinel } from './sentinel.js';
export { type Address, type SentinelEvent, SentinelWatch, type SwitchMaster } from './sentinel-watch.js';
export type { ConfigValue, ServerConfig } from './server-config.js';
export { type StandaloneTopology, startStandalone } from './standalone.js';
export { listTestkitServers, processTag, type TestkitProcess } from './strays.js';
export { type CertificateOptions, generateCertificates, type TlsMaterial } from './tls.js';
export { type AnyTopology, startTopology, TOPOLOGY_KINDS, type TopologyKind, topologyKinds } from './topologies.js';
export { clusterUrl, redisUrl, sentinelUrl } from './url.js';
