// Public surface of @coordis/ratelimit. Empty until its issue lands; see README.md.
export {};
