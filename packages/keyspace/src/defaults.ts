/** Every default of @coordis/keyspace, each with the reason it has that value. */
export const DEFAULTS = {
  /** Text mode: services of one deployment share keys (locks, limits) unless told otherwise. */
  app: 'coordis',
  /** Text keys: readable in `redis-cli` and `MONITOR`; binary is only needed beside Stalwart. */
  mode: 'text',
  /**
   * SCAN COUNT while clearing a namespace: large enough that 100k keys take ~100 round
   * trips, small enough that one SCAN or UNLINK batch never stalls the server noticeably.
   */
  clearBatchSize: 1000,
} as const;
