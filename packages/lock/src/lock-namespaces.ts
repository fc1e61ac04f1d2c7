import { codecs, type KeyMode, type Keyspace, seg } from '@coordis/keyspace';

/**
 * coordis' own namespaces for locks and semaphores named by a string. A lock is one hash key
 * (leases and fence together), so no script needs a second key; the name is still the hash tag
 * in text keyspaces, so an application can keep keys of its own in the lock's Cluster slot and
 * check the lock and write them in one script.
 */
export function defineLockNamespaces(keyspace: Keyspace<KeyMode>, lockPrefix: number, semaphorePrefix: number) {
  const segments = [seg.string('name')] as const;
  // Binary keyspaces reproduce Stalwart's layout, which has no hash tags.
  const tag = keyspace.mode === 'text' ? { hashTag: ['name'] as const } : {};
  const lock = keyspace.define({
    name: 'COORDIS_LOCK',
    prefix: lockPrefix,
    segments,
    ...tag,
    value: codecs.bytes,
    description: 'coordis locks by name: a hash of the live lease and the fencing counter',
  });
  const semaphore = keyspace.define({
    name: 'COORDIS_SEMAPHORE',
    prefix: semaphorePrefix,
    segments,
    ...tag,
    value: codecs.bytes,
    description: 'coordis semaphores by name: a hash of the live leases and the fencing counter',
  });
  return { lock, semaphore };
}
