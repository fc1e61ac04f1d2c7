import type { PushTrigger, StateChanged } from '@coordis/events';
import { dataTypeNames, type StalwartEvent } from './broadcast-events.js';

/** A Stalwart event in the shape of `@coordis/events`' `stalwartEvents` catalogue, ready for `bus.publish`. */
export type CoordisStalwartEvent =
  | { readonly type: 'stalwart.state.changed'; readonly payload: StateChanged }
  | { readonly type: 'stalwart.push.trigger'; readonly payload: PushTrigger };

/**
 * Maps a broadcast event to the coordis event of the same fact (`stalwartEvents` of
 * `@coordis/events`), so Node services on a coordis bus hear Stalwart's state changes and pushes
 * without speaking `stwt.agora`: `const e = toCoordisEvent(event); if (e) await bus.publish(e.type, e.payload)`.
 * `undefined` for events the catalogue has no entry for. (`stalwart.ip.blocked` needs the
 * address, which Stalwart's broadcast does not carry: only the registry id.)
 */
export function toCoordisEvent(event: StalwartEvent): CoordisStalwartEvent | undefined {
  switch (event.type) {
    case 'stateChange':
      return {
        type: 'stalwart.state.changed',
        payload: { accountId: event.accountId, changeId: event.changeId.toString(), types: dataTypeNames(event.types) },
      };
    case 'emailPush':
      return {
        type: 'stalwart.push.trigger',
        payload: { accountId: event.accountId, emailId: event.emailId, changeId: event.changeId.toString() },
      };
    default:
      return undefined;
  }
}
