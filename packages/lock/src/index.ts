// Public surface of @coordis/lock. Empty until its issue lands; see README.md.
export {};
