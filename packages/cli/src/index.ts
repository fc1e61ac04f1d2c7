// Public surface of @coordis/cli. Empty until its issue lands; see README.md.
export {};
