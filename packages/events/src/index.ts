// Public surface of @coordis/events. Empty until its issue lands; see README.md.
export {};
