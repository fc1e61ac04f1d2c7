/**
 * The Stalwart source this package follows: every layout, command shape and wire format here was
 * read from this commit of stalwartlabs/stalwart (0.16 series), and the test fixtures cite it.
 */
export const STALWART_SOURCE = {
  repository: 'stalwartlabs/stalwart',
  commit: 'd72608f3e2d530c6560aaf2c7c290afd72671b82',
} as const;
