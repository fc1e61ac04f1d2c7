// redlock 5.0.0-beta.2 ships types at dist/index.d.ts but its package.json "exports" hides
// them from NodeNext resolution; this declares the part of its API the benchmark uses.
declare module 'redlock' {
  import type { Redis } from 'ioredis';

  export interface Lock {
    release(): Promise<unknown>;
  }

  export interface Settings {
    readonly driftFactor?: number;
    readonly retryCount?: number;
    readonly retryDelay?: number;
    readonly retryJitter?: number;
    readonly automaticExtensionThreshold?: number;
  }

  export default class Redlock {
    constructor(clients: Iterable<Redis>, settings?: Settings);
    acquire(resources: string[], duration: number, settings?: Settings): Promise<Lock>;
    on(event: 'error', listener: (e: Error) => void): this;
  }
}
